import Anser from 'anser';
import { memo, type CSSProperties } from 'react';

// Terminal output (Bash results, `! cmd` output, some slash commands) carries ANSI escape codes.
// anser parses them into runs of text with colours; each run becomes a span with an inline colour
// (no HTML is built from the text, so nothing in it can become markup).

// eslint-disable-next-line no-control-regex -- the escape character is what we look for
const HAS_ESCAPE = /\u001b/;

function styleOf(entry: Anser.AnserJsonEntry): CSSProperties | undefined {
  const style: CSSProperties = {};
  if (entry.fg) style.color = `rgb(${entry.fg})`;
  if (entry.bg) style.backgroundColor = `rgb(${entry.bg})`;
  if (entry.decorations.includes('bold')) style.fontWeight = 700;
  if (entry.decorations.includes('italic')) style.fontStyle = 'italic';
  if (entry.decorations.includes('underline')) style.textDecoration = 'underline';
  if (entry.decorations.includes('dim')) style.opacity = 0.7;
  return Object.keys(style).length > 0 ? style : undefined;
}

/** Text with its ANSI colours shown, and every escape sequence gone. */
export const AnsiText = memo(function AnsiText({ text }: { text: string }) {
  if (!HAS_ESCAPE.test(text)) return <>{text}</>;
  const entries = Anser.ansiToJson(text, { remove_empty: true });
  return (
    <>
      {entries.map((entry, i) => {
        const style = styleOf(entry);
        return style ? (
          <span key={i} style={style}>
            {entry.content}
          </span>
        ) : (
          entry.content
        );
      })}
    </>
  );
});
