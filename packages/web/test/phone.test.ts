import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assistantLine, ensureWebBuilt, freePort, launchChromium, ROOT, ServeProcess, userLine } from './support';

// Every page and panel at phone width (390×844, Chromium) on the bundled real transcripts, with
// the alerts panel open, a toast up and a subagent run unfolded: nothing may reach past the
// viewport's edges (cut off, or only reachable by scrolling sideways).

const SUBAGENTS = 'ef958aa1-0e93-49f0-bb71-150f63befcd1'; // 6 subagents, 300 messages
const LIVE = '0c3b5a9e-5d6f-4e2a-9b1c-7d8e9f0a1b2c';
const PROJECT = '-home-dev-shop-api';
const CWD = '/home/dev/shop-api';
const WAIT = { timeout: 30_000 };

let serve: ServeProcess;
let browser: Browser;
let page: Page;

/**
 * The outermost elements that reach past the viewport's left or right edge, or past the sides of
 * a box that scrolls (only reachable by scrolling sideways), described. What a box with
 * `overflow: hidden` cuts on purpose (an ellipsis) counts as the box's width.
 */
function overflowing(p: Page): Promise<string[]> {
  return p.evaluate(() => {
    const width = window.innerWidth;
    const out = (el: Element) => {
      const r = el.getBoundingClientRect();
      if (r.width <= 1 || r.height <= 1) return false; // visually hidden
      if (getComputedStyle(el).visibility === 'hidden') return false;
      let left = r.left;
      let right = r.right;
      for (let box = el.parentElement; box && box !== document.body; box = box.parentElement) {
        const overflow = getComputedStyle(box).overflowX;
        if (overflow === 'visible') continue;
        const b = box.getBoundingClientRect();
        if (overflow === 'hidden' || overflow === 'clip') {
          left = Math.max(left, b.left);
          right = Math.min(right, b.right);
        } else if (left < b.left - 0.5 || right > b.right + 0.5) return true; // sideways inside a scrolling box
      }
      return left < -0.5 || right > width + 0.5;
    };
    const found: string[] = [];
    for (const el of document.querySelectorAll('body *')) {
      if (el.closest('.skip-link') || !out(el)) continue;
      if (el.parentElement && el.parentElement !== document.body && out(el.parentElement)) continue; // its parent is reported
      const r = el.getBoundingClientRect();
      found.push(`${el.tagName.toLowerCase()}.${[...el.classList].join('.')} [${Math.round(r.left)}, ${Math.round(r.right)}] "${(el.textContent ?? '').trim().slice(0, 40)}"`);
    }
    const scroll = document.scrollingElement as Element;
    if (scroll.scrollWidth > width) found.push(`the page scrolls sideways: ${scroll.scrollWidth} > ${width}`);
    return found;
  });
}

async function openAlerts(): Promise<void> {
  await page.locator('.alert-bell').click();
  await page.locator('#alert-panel .alert-item').first().waitFor(WAIT);
}

describe('every page and panel at phone width', () => {
  beforeAll(async () => {
    ensureWebBuilt();
    serve = new ServeProcess(await freePort(), { alerts: { sessionCost: { threshold: 0.05, cooldownSeconds: 1 } } });
    fs.cpSync(path.join(ROOT, 'fixtures/claude-home/projects'), path.join(serve.claudeDir, 'projects'), { recursive: true });
    await serve.start();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  });

  afterAll(async () => {
    await browser?.close();
    await serve?.dispose();
  });

  it('Live, with a toast and the alerts panel open', async () => {
    await page.goto(`${serve.url}/`);
    await page.locator('.app-header .connection-status', { hasText: 'Live' }).waitFor(WAIT);
    // A live session over the $0.05 threshold while the page is open: an alert in the panel and a toast.
    const first = userLine(LIVE, CWD, `A long request: ${'x'.repeat(300)}`);
    serve.append(PROJECT, LIVE, [first.text, assistantLine(LIVE, CWD, { text: 'A long answer', output: 4000, parentUuid: first.uuid }).text]);
    await page.locator(`.session-card[data-session="${LIVE}"]`).waitFor(WAIT);
    await page.locator('.toast').first().waitFor(WAIT);
    await page.locator('.feed-row').first().waitFor(WAIT);
    expect(await overflowing(page)).toEqual([]);
    await openAlerts();
    expect(await overflowing(page)).toEqual([]);
  });

  it('Sessions: Cost stays on screen', async () => {
    await page.goto(`${serve.url}/sessions`);
    const cost = page.locator('.sessions-page :is(td, .cost, [data-column="cost"])', { hasText: '$' }).first();
    await cost.waitFor(WAIT);
    expect(await overflowing(page)).toEqual([]);
    await openAlerts();
    expect(await overflowing(page)).toEqual([]);
  });

  it('Projects', async () => {
    await page.goto(`${serve.url}/projects`);
    await page.getByRole('heading', { name: 'Projects' }).first().waitFor(WAIT);
    await page.locator('main').getByText('$').first().waitFor(WAIT);
    expect(await overflowing(page)).toEqual([]);
    await openAlerts();
    expect(await overflowing(page)).toEqual([]);
  });

  it('Session: breakdown, live feed, the conversation with a subagent run and tool results unfolded', async () => {
    await page.goto(`${serve.url}/sessions/${SUBAGENTS}`);
    await page.locator('.session-breakdown').waitFor(WAIT);
    await page.locator('.conversation .agent-run').first().waitFor(WAIT);
    await page.waitForFunction(() => document.querySelector('.conversation-list')?.getAttribute('aria-busy') === 'false', null, WAIT);
    await page.evaluate(() => {
      for (const d of document.querySelectorAll('.conversation details')) (d as HTMLDetailsElement).open = true;
    });
    expect(await overflowing(page)).toEqual([]);
    await openAlerts();
    expect(await overflowing(page)).toEqual([]);
  });

  it('Session picker (/session) and its selector', async () => {
    await page.goto(`${serve.url}/session`);
    await page.waitForURL('**/sessions/**', WAIT);
    await page.getByRole('combobox').click();
    await page.getByRole('option').first().waitFor(WAIT);
    expect(await overflowing(page)).toEqual([]);
  });
});
