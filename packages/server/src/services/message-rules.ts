import { invalid } from '../errors.js';

/**
 * A message body must be 1…max Unicode code points (not UTF-16 units: an emoji counts once),
 * well-formed (no unpaired surrogate) and free of NUL.
 */
export function validateBody(body: string, maxLength: number): void {
  if (!body.isWellFormed()) throw invalid('The message body contains an unpaired surrogate', { field: 'body' });
  if (body.includes('\u0000')) throw invalid('The message body contains a NUL character', { field: 'body' });
  let length = 0;
  for (const _ of body) {
    length += 1;
    if (length > maxLength) {
      throw invalid(`The message body is longer than ${maxLength} characters`, { field: 'body', maxLength });
    }
  }
  if (length === 0) throw invalid('The message body is empty', { field: 'body' });
}
