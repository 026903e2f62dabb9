import { describe, expect, it } from 'vitest';
import { splitClaudeTags } from './claudeTags';

describe('splitClaudeTags', () => {
  it('folds a slash command into one block with its name, message and arguments', () => {
    const text = '<command-message>init is analyzing your codebase…</command-message>\n  <command-name>/init</command-name>\n  <command-args>--fast</command-args>';
    expect(splitClaudeTags(text)).toEqual([{ kind: 'command', name: '/init', message: 'init is analyzing your codebase…', args: '--fast', contents: '' }]);
  });

  it('labels command output and system reminders, and keeps the text around them', () => {
    const text = 'Before <local-command-stdout>Set model to opus</local-command-stdout> between <system-reminder>\nThe user opened a file.\n</system-reminder> after';
    expect(splitClaudeTags(text)).toEqual([
      { kind: 'text', text: 'Before' },
      { kind: 'tagged', tag: 'local-command-stdout', label: 'Command output', text: 'Set model to opus' },
      { kind: 'text', text: 'between' },
      { kind: 'tagged', tag: 'system-reminder', label: 'System reminder', text: 'The user opened a file.' },
      { kind: 'text', text: 'after' },
    ]);
  });

  it('leaves other angle brackets and unclosed tags alone', () => {
    const text = 'a <div>b</div> <command-name>/x';
    expect(splitClaudeTags(text)).toEqual([{ kind: 'text', text }]);
  });

  it('two commands separated by text are two blocks', () => {
    const segments = splitClaudeTags('<command-name>/a</command-name> then <command-name>/b</command-name>');
    expect(segments.map((s) => s.kind)).toEqual(['command', 'text', 'command']);
  });
});
