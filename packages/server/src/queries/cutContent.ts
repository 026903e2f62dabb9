/**
 * What one message may carry in a conversation page: a transcript line can be 60 MB (ten such
 * lines made a page of 600 MB, past what one JavaScript string can hold) or nested 100,000 levels
 * deep (JSON.stringify overflowed the stack): every such page was a 500, for ever.
 */
export interface ContentLimits {
  /** Containers deeper than this become a marker string. */
  maxDepth: number;
  /** About this many bytes of JSON at most (string lengths in UTF-16 units stand for their bytes). */
  maxBytes: number;
}

export const CONTENT_LIMITS: ContentLimits = { maxDepth: 64, maxBytes: 256 * 1024 };

export interface CutResult {
  value: unknown;
  /** Something was left out or shortened. */
  cut: boolean;
  /** About how many bytes of JSON the value takes. */
  bytes: number;
}

export const DEEP_MARKER = (depth: number) => `[cut: nested deeper than ${depth} levels]`;
const CUT_MARK = '… [cut]';

/**
 * The value within the limits: strings past the budget end in "… [cut]", arrays and objects stop
 * at the item or key that would pass it, and containers past the depth become a marker string.
 * Recursion goes no deeper than `maxDepth`, so it never overflows the stack. Keys keep their
 * place (Object.fromEntries defines `__proto__` as a plain key, as JSON.parse did).
 */
export function cutContent(value: unknown, limits: ContentLimits = CONTENT_LIMITS): CutResult {
  const state = { left: limits.maxBytes, cut: false };
  const out = walk(value, 0, limits.maxDepth, state);
  return { value: out, cut: state.cut, bytes: limits.maxBytes - Math.max(0, state.left) };
}

function walk(value: unknown, depth: number, maxDepth: number, state: { left: number; cut: boolean }): unknown {
  if (typeof value === 'string') {
    if (value.length + 2 <= state.left) {
      state.left -= value.length + 2;
      return value;
    }
    state.cut = true;
    const kept = value.slice(0, Math.max(0, state.left - 2));
    state.left = 0;
    return kept + CUT_MARK;
  }
  if (typeof value !== 'object' || value === null) {
    state.left -= 8;
    return value;
  }
  if (depth >= maxDepth) {
    state.cut = true;
    const marker = DEEP_MARKER(maxDepth);
    state.left -= marker.length + 2;
    return marker;
  }
  state.left -= 2;
  if (Array.isArray(value)) {
    const items: unknown[] = [];
    for (const item of value) {
      if (state.left <= 0) {
        state.cut = true;
        break;
      }
      items.push(walk(item, depth + 1, maxDepth, state));
      state.left -= 1;
    }
    return items;
  }
  const entries: [string, unknown][] = [];
  for (const [key, item] of Object.entries(value)) {
    if (state.left <= 0) {
      state.cut = true;
      break;
    }
    state.left -= key.length + 4;
    entries.push([key, walk(item, depth + 1, maxDepth, state)]);
  }
  return Object.fromEntries(entries);
}
