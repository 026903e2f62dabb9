import { describe, expect, it } from 'vitest';
import { cutContent, DEEP_MARKER } from './cutContent.js';

function nested(depth: number): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { v: value };
  return value;
}

function depthOf(value: unknown): number {
  let depth = 0;
  while (typeof value === 'object' && value !== null) {
    value = Array.isArray(value) ? value[0] : Object.values(value)[0];
    depth++;
  }
  return depth;
}

describe('cutContent', () => {
  it('leaves a value within the limits as it is', () => {
    const value = { role: 'assistant', content: [{ type: 'text', text: 'hi' }, { type: 'tool_use', input: { a: [1, true, null] } }] };
    expect(cutContent(value)).toMatchObject({ value, cut: false });
  });

  it('replaces what is nested past the depth with a marker, without overflowing the stack', () => {
    const { value, cut } = cutContent(nested(100_000), { maxDepth: 64, maxBytes: 1024 * 1024 });
    expect(cut).toBe(true);
    expect(depthOf(value)).toBe(64);
    expect(JSON.stringify(value)).toContain(JSON.stringify(DEEP_MARKER(64)));
  });

  it('keeps about maxBytes of JSON: long strings end in a mark, arrays and objects stop', () => {
    const limits = { maxDepth: 64, maxBytes: 10_000 };
    const long = cutContent({ text: 'x'.repeat(50_000) }, limits);
    expect(long.cut).toBe(true);
    expect((long.value as { text: string }).text).toMatch(/^x+… \[cut\]$/);
    expect(JSON.stringify(long.value).length).toBeLessThan(10_100);
    const many = cutContent({ items: Array.from({ length: 100_000 }, (_, i) => `item ${i}`) }, limits);
    expect(many.cut).toBe(true);
    expect(JSON.stringify(many.value).length).toBeLessThan(10_100);
    expect((many.value as { items: string[] }).items.slice(0, 2)).toEqual(['item 0', 'item 1']);
    const keys = cutContent(Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`k${i}`, i])), limits);
    expect(keys.cut).toBe(true);
    expect(JSON.stringify(keys.value).length).toBeLessThan(10_100);
  });

  it('keeps a __proto__ key a plain key', () => {
    const { value } = cutContent(JSON.parse('{"__proto__":{"polluted":1},"a":1}'));
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(JSON.stringify(value)).toBe('{"__proto__":{"polluted":1},"a":1}');
  });
});
