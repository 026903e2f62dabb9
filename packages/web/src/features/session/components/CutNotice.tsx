import type { ConversationMessage } from '@claudelens/protocol';

function megabytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;
}

/** A message the server cut to fit the page (huge or deeply nested): its size and a link to the whole line. */
export function CutNotice({ message }: { message: ConversationMessage }) {
  if (!message.truncated || !message.full_url) return null;
  return (
    <div className="block-other cut-notice">
      cut — {megabytes(message.full_bytes ?? 0)},{' '}
      <a href={message.full_url} target="_blank" rel="noreferrer">
        open in full
      </a>
    </div>
  );
}
