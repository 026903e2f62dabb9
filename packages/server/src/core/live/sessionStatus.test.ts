import { describe, expect, it } from 'vitest';
import { sessionStatus } from './sessionStatus.js';

const t = { idleAfterMs: 60_000, endedAfterMs: 600_000 };

describe('sessionStatus', () => {
  it('is thinking while the model or a tool is awaited', () => {
    expect(sessionStatus('waiting-for-model', 0, 10_000, t)).toBe('thinking');
    expect(sessionStatus('waiting-for-tool', 0, 59_000, t)).toBe('thinking');
  });

  it('is active after a finished turn, idle once quiet, ended once quiet longer', () => {
    expect(sessionStatus('done', 0, 59_999, t)).toBe('active');
    expect(sessionStatus('done', 0, 60_000, t)).toBe('idle');
    expect(sessionStatus('done', 0, 600_000, t)).toBe('ended');
    expect(sessionStatus('waiting-for-tool', 0, 600_000, t)).toBe('ended');
  });
});
