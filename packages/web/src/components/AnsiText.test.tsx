import { render } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { AnsiText } from './AnsiText';

describe('AnsiText', () => {
  it('shows 24-bit and 16-colour escapes as colours and drops the codes', () => {
    const { container } = render(<AnsiText text={'\u001b[38;2;153;153;153m⎿ Read 12 lines\u001b[39m and \u001b[1;31mfailed\u001b[0m.'} />);
    expect(container.textContent).toBe('⎿ Read 12 lines and failed.');
    const spans = [...container.querySelectorAll('span')];
    expect(spans.map((s) => [s.textContent, s.style.color])).toEqual([
      ['⎿ Read 12 lines', 'rgb(153, 153, 153)'],
      ['failed', 'rgb(187, 0, 0)'],
    ]);
    expect(spans[1]?.style.fontWeight).toBe('700');
  });

  it('leaves text without escapes as it is, markup included', () => {
    const { container } = render(<AnsiText text="<b>not bold</b>" />);
    expect(container.innerHTML).toBe('&lt;b&gt;not bold&lt;/b&gt;');
  });
});
