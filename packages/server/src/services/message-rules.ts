import { detail, invalid } from '../errors.js';

/**
 * A message body is at most `maxLength` Unicode code points (not UTF-16 units: an emoji counts
 * once). The limit is a setting (MAX_MESSAGE_LENGTH), so it is checked here; everything else
 * about the body (not empty, well-formed, no NUL, something visible) is the schema's
 * (`MessageBody` in @confab/protocol).
 */
export function validateBody(body: string, maxLength: number): void {
  let length = 0;
  for (const _ of body) {
    length += 1;
    if (length > maxLength) {
      throw invalid(`The message body is longer than ${maxLength} characters`, [
        detail('/body', `must have at most ${maxLength} characters (code points)`, { limit: maxLength }),
      ]);
    }
  }
}
