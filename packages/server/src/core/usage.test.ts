import { describe, expect, it } from 'vitest';
import { parseUsage } from './usage.js';

describe('parseUsage', () => {
  it('reads the four counts and puts the cache writes that the split does not place at 1h on 5m', () => {
    const { usage, issues } = parseUsage({
      input_tokens: 3,
      output_tokens: 40,
      cache_creation_input_tokens: 1000,
      cache_read_input_tokens: 5000,
      cache_creation: { ephemeral_5m_input_tokens: 100, ephemeral_1h_input_tokens: 900 },
    });
    expect(issues).toEqual([]);
    expect(usage).toEqual({ input: 3, output: 40, cacheWrite5m: 100, cacheWrite1h: 900, cacheRead: 5000, fast: false, webSearchRequests: 0, webFetchRequests: 0, inferenceGeo: '' });
  });

  it('reads server tool use and the inference geography (2.1.38+), which are billed beside the tokens', () => {
    const { usage, issues } = parseUsage({
      input_tokens: 1,
      output_tokens: 2,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      server_tool_use: { web_search_requests: 3, web_fetch_requests: 1 },
      inference_geo: 'us',
    });
    expect(issues).toEqual([]);
    expect(usage).toMatchObject({ webSearchRequests: 3, webFetchRequests: 1, inferenceGeo: 'us' });
  });

  it('rejects the whole usage when a server tool count is corrupt, as for a token count', () => {
    const { usage, issues } = parseUsage({ input_tokens: 1, output_tokens: 2, server_tool_use: { web_search_requests: -1 } });
    expect(usage).toBeNull();
    expect(issues[0]).toMatchObject({ field: 'server_tool_use.web_search_requests', fix: 'rejected' });
  });

  it('treats every cache write as 5m when there is no split (before 1.0.89)', () => {
    const { usage } = parseUsage({ input_tokens: 1, output_tokens: 2, cache_creation_input_tokens: 30, cache_read_input_tokens: 0 });
    expect(usage).toMatchObject({ cacheWrite5m: 30, cacheWrite1h: 0 });
  });

  it('coerces digit strings and says so', () => {
    const { usage, issues } = parseUsage({ input_tokens: '12', output_tokens: 3, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 });
    expect(usage?.input).toBe(12);
    expect(issues).toEqual([{ field: 'input_tokens', value: '12', fix: 'coerced' }]);
  });

  it.each([
    ['negative', -5],
    ['fractional', 1.5],
    ['huge', 1e12],
    ['not a number', 'lots'],
    ['NaN', Number.NaN],
    ['an object', { n: 1 }],
  ])('rejects the whole usage when a count is %s', (_label, bad) => {
    const { usage, issues } = parseUsage({ input_tokens: 1, output_tokens: bad, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 });
    expect(usage).toBeNull();
    expect(issues[0]).toMatchObject({ field: 'output_tokens', fix: 'rejected' });
  });

  it('rejects a usage that is not an object', () => {
    expect(parseUsage('100 tokens')).toEqual({ usage: null, issues: [{ field: 'usage', value: '"100 tokens"', fix: 'rejected' }] });
    expect(parseUsage([1, 2]).usage).toBeNull();
  });

  it('treats missing counts as zero and missing usage as no usage', () => {
    expect(parseUsage({ output_tokens: 7 }).usage).toMatchObject({ input: 0, output: 7, cacheRead: 0 });
    expect(parseUsage(undefined)).toEqual({ usage: null, issues: [] });
  });

  it('marks fast-mode requests', () => {
    expect(parseUsage({ input_tokens: 1, output_tokens: 1, speed: 'fast' }).usage?.fast).toBe(true);
  });
});
