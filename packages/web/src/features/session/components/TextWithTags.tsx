import Anser from 'anser';
import { AnsiText } from '../../../components/AnsiText';
import { splitClaudeTags } from '../claudeTags';

/** Output this short shows open; longer output and system reminders fold. */
const OPEN_BELOW = 400;

function firstLine(text: string): string {
  const line = Anser.ansiToText(text.split('\n', 1)[0] ?? '');
  return line.length > 100 ? `${line.slice(0, 100)}…` : line;
}

/** A message's text, with Claude Code's wrappers as labelled blocks and terminal colours shown. */
export function TextWithTags({ text }: { text: string }) {
  return (
    <>
      {splitClaudeTags(text).map((segment, i) => {
        switch (segment.kind) {
          case 'text':
            return (
              <div key={i} className="block-text">
                <AnsiText text={segment.text} />
              </div>
            );
          case 'command':
            return (
              <div key={i} className="block-command">
                <span className="block-label">Command</span> <code>{segment.name.startsWith('/') ? segment.name : `/${segment.name}`}</code>
                {segment.args && <code className="command-args">{segment.args}</code>}
                {segment.message && segment.message !== segment.name.replace(/^\//, '') && <span className="muted"> {segment.message}</span>}
                {segment.contents && (
                  <details>
                    <summary>Expanded prompt</summary>
                    <pre>{segment.contents}</pre>
                  </details>
                )}
              </div>
            );
          case 'tagged':
            if (!segment.text) {
              return (
                <div key={i} className={`block-tagged tag-${segment.tag}`}>
                  <span className="block-label">{segment.label}</span> <span className="muted">(empty)</span>
                </div>
              );
            }
            return (
              <details key={i} className={`block-tagged tag-${segment.tag}`} open={segment.tag !== 'system-reminder' && segment.text.length < OPEN_BELOW}>
                <summary>
                  <span className="block-label">{segment.label}</span> <span className="muted">{firstLine(segment.text)}</span>
                </summary>
                <pre>
                  <AnsiText text={segment.text} />
                </pre>
              </details>
            );
        }
      })}
    </>
  );
}
