import { useInstanceConfig } from '../../state/instance-config.js';

/** From this share of the limit on, the composer shows how many characters are used. */
export const COUNTER_FROM = 0.9;

export interface LengthLimit {
  /** Code points, as the server counts MAX_MESSAGE_LENGTH (an emoji is one). */
  length: number;
  limit: number | undefined;
  /** Near the limit or past it: the counter shows. */
  near: boolean;
  /** Past it: sending is refused here, before the server would. */
  over: boolean;
}

/** How a text stands against the instance's longest message (issue 35 item 5). */
export function useLengthLimit(text: string): LengthLimit {
  const limit = useInstanceConfig()?.maxMessageLength;
  return measure(text, limit);
}

export function measure(text: string, limit: number | undefined): LengthLimit {
  const length = codePoints(text);
  if (limit === undefined) return { length, limit, near: false, over: false };
  return { length, limit, near: length >= Math.floor(limit * COUNTER_FROM), over: length > limit };
}

function codePoints(text: string): number {
  let n = 0;
  for (const _ of text) n += 1;
  return n;
}

/** "3,950 / 4,000 · 50 left" from 90 % of the limit, and past it why Send is off. */
export function LengthCounter({ measured, id }: { measured: LengthLimit; id: string }) {
  if (!measured.near || measured.limit === undefined) return null;
  const { length, limit, over } = measured;
  return (
    <p id={id} className="composer-counter" data-over={over} aria-live="polite">
      <span>
        {length.toLocaleString()} / {limit.toLocaleString()}
      </span>
      {!over && <span> · {(limit - length).toLocaleString()} left</span>}
      {over && (
        <span role="alert">
          {' '}
          · {(length - limit).toLocaleString()} {length - limit === 1 ? 'character' : 'characters'} over the limit: shorten the message to
          send it
        </span>
      )}
    </p>
  );
}
