// Claude Code writes some user lines as XML-ish wrappers: a slash command is
// `<command-name>/init</command-name><command-message>…</command-message><command-args>…</command-args>`,
// its output `<local-command-stdout>…</local-command-stdout>`, and hooks add `<system-reminder>…`.
// Shown raw they are noise; split into segments, each wrapper becomes a labelled block.

export type TextSegment =
  | { kind: 'text'; text: string }
  | { kind: 'command'; name: string; args: string; message: string; contents: string }
  | { kind: 'tagged'; tag: string; label: string; text: string };

const COMMAND_PARTS = new Set(['command-name', 'command-message', 'command-args', 'command-contents']);

/** The wrappers we know, and the label each block gets. */
const LABELS: Record<string, string> = {
  'local-command-stdout': 'Command output',
  'local-command-stderr': 'Command error output',
  'local-command-caveat': 'Note',
  'system-reminder': 'System reminder',
  'bash-input': 'Shell command',
  'bash-stdout': 'Shell output',
  'bash-stderr': 'Shell error output',
  'user-prompt-submit-hook': 'Prompt hook',
  'user-memory-input': 'Memory',
};

const TAGS = [...COMMAND_PARTS, ...Object.keys(LABELS)].join('|');
const WRAPPER = new RegExp(`<(${TAGS})>([\\s\\S]*?)</\\1>`, 'g');

/** Plain text and wrappers, in order; whitespace between two command parts is dropped. */
export function splitClaudeTags(text: string): TextSegment[] {
  const segments: TextSegment[] = [];
  let command: Extract<TextSegment, { kind: 'command' }> | null = null;
  let at = 0;
  const pushText = (plain: string) => {
    if (command && plain.trim() === '') return; // between two parts of one command
    command = null;
    if (plain.trim()) segments.push({ kind: 'text', text: plain.trim() });
  };
  for (const match of text.matchAll(WRAPPER)) {
    pushText(text.slice(at, match.index));
    at = match.index + match[0].length;
    const tag = match[1] as string;
    const body = (match[2] as string).trim();
    if (COMMAND_PARTS.has(tag)) {
      if (!command) {
        command = { kind: 'command', name: '', args: '', message: '', contents: '' };
        segments.push(command);
      }
      const part = tag.slice('command-'.length) as 'name' | 'args' | 'message' | 'contents';
      command[part] = body;
    } else {
      command = null;
      segments.push({ kind: 'tagged', tag, label: LABELS[tag] ?? tag, text: body });
    }
  }
  pushText(text.slice(at));
  return segments;
}
