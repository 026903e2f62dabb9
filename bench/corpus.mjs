// Builds a large Claude history from the bundled fixtures: the corpus copied N times with every
// id renamed (uuids, msg_, req_, toolu_, agent ids, file names), so no copy dedups against another.
import fs from 'node:fs';
import path from 'node:path';

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const PREFIXED = /\b(msg_|req_|toolu_|srvtoolu_)([A-Za-z0-9]+)/g;
const AGENT = /(agent-|"agentId":")(a?[0-9a-f]{6,17}|acompact-[0-9a-f]{6})/g;
const TIMESTAMP = /"timestamp":"(\d{4}-\d\d-\d\dT[\d:.]+Z)"/g;
// A tag is four hex digits; copy numbers from here up are kept for startup.mjs's recent copy.
export const MAX_COPIES = 0xfff0;
// Two tags that differ in every digit: rendering a file with both shows where each tag goes.
const PROBE_A = 0x0123;
const PROBE_B = 0xabcd;

const tagOf = (copy) => copy.toString(16).padStart(4, '0');

export function renameIds(text, copy) {
  const tag = tagOf(copy);
  return text
    .replace(UUID, (u) => `${u.slice(0, 24)}${tag}${u.slice(28)}`)
    .replace(PREFIXED, (_, prefix, id) => `${prefix}${id}x${tag}`)
    .replace(AGENT, (_, prefix, id) => `${prefix}${id}x${tag}`);
}

/** Epoch ms of the newest line's "timestamp" in `text`, 0 when none has one. */
export function newestLineMs(text) {
  let newest = 0;
  for (const m of text.matchAll(TIMESTAMP)) newest = Math.max(newest, Date.parse(m[1]));
  return newest;
}

function walk(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

/**
 * renameIds(text, copy) as a byte template: every copy has the same bytes but for the tag's four
 * digits, so a copy is written by patching those offsets instead of running three regexes over
 * the text again. The regexes treat every lowercase hex digit alike, so where the tags land does
 * not depend on the tag.
 */
function idTemplate(text) {
  const bytes = Buffer.from(renameIds(text, PROBE_A));
  const other = Buffer.from(renameIds(text, PROBE_B));
  if (bytes.length !== other.length) throw new Error('renameIds changed length with the tag');
  const slots = [];
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === other[i]) continue;
    if (bytes.toString('latin1', i, i + 4) !== tagOf(PROBE_A)) throw new Error(`unexpected difference at byte ${i}`);
    slots.push(i);
    i += 3;
  }
  let lines = 0;
  for (let i = bytes.indexOf(10); i !== -1; i = bytes.indexOf(10, i + 1)) lines++;
  if (bytes.length > 0 && bytes[bytes.length - 1] !== 10) lines++;
  return { bytes, slots: Int32Array.from(slots), lines, newestMs: newestLineMs(text) };
}

/** The template's bytes for `copy`, patched in place (the buffer is reused for every copy). */
function fill(template, copy) {
  const tag = Buffer.from(tagOf(copy), 'latin1');
  const { bytes, slots } = template;
  for (let i = 0; i < slots.length; i++) tag.copy(bytes, slots[i]);
  return bytes;
}

/**
 * Writes `copies` renamed copies of `<sourceHome>/projects` into `<targetHome>/projects`, each
 * equal to renameIds of its source. With `aged`, each file's mtime is its newest line's timestamp
 * (what startup.mjs's ageCorpus sets), which saves reading the written corpus again.
 */
export function buildCorpus(sourceHome, targetHome, copies, { aged = false } = {}) {
  if (copies > MAX_COPIES) throw new Error(`at most ${MAX_COPIES} copies, got ${copies}`);
  const root = path.join(sourceHome, 'projects');
  const files = walk(root).filter((f) => f.endsWith('.jsonl'));
  const templates = files.map((file) => ({ rel: path.relative(root, file).split(path.sep), text: fs.readFileSync(file, 'utf8') }));
  for (const t of templates) Object.assign(t, idTemplate(t.text));
  let bytes = 0;
  let lines = 0;
  for (let copy = 0; copy < copies; copy++) {
    for (const t of templates) {
      const rel = [`${t.rel[0]}-copy${copy}`, ...t.rel.slice(1)];
      const target = path.join(targetHome, 'projects', ...rel.map((part) => renameIds(part, copy)));
      fs.mkdirSync(path.dirname(target), { recursive: true });
      const data = fill(t, copy);
      // One real copy per file checked against renameIds keeps the template honest.
      if (copy === 0 && !data.equals(Buffer.from(renameIds(t.text, copy)))) throw new Error(`template differs from renameIds for ${t.rel.join('/')}`);
      fs.writeFileSync(target, data);
      if (aged && t.newestMs > 0) fs.utimesSync(target, t.newestMs / 1000, t.newestMs / 1000);
      bytes += data.length;
      lines += t.lines;
    }
  }
  return { files: files.length * copies, bytes, lines };
}
