import type { Message } from '@confab/protocol';
import { PersonName } from '../../components/PersonName.js';
import { formatTime } from '../../components/time.js';

/** A message the server wrote: who joined, left, was removed, renamed the group or turned encryption on. */
export function SystemNotice({ message }: { message: Message }) {
  const info = message.system;
  if (!info) return null;
  const actor = <PersonName userId={info.actorId} />;
  const subject = info.userId ? <PersonName userId={info.userId} /> : null;
  let text;
  switch (info.action) {
    case 'member_added':
      text =
        info.userId === info.actorId ? (
          <>{actor} joined</>
        ) : (
          <>
            {actor} added {subject}
          </>
        );
      break;
    case 'member_removed':
      text = (
        <>
          {actor} removed {subject}
        </>
      );
      break;
    case 'member_left':
      text = <>{subject ?? actor} left</>;
      break;
    case 'title_changed':
      text = (
        <>
          {actor} renamed the group to “<bdi>{info.title}</bdi>”
        </>
      );
      break;
    case 'encryption_enabled':
      text = <>{actor} turned on end-to-end encryption: new messages are readable only on members' devices</>;
      break;
  }
  return (
    <p className="system-notice" data-seq={message.seq}>
      {text} <time dateTime={message.createdAt}>{formatTime(message.createdAt)}</time>
    </p>
  );
}
