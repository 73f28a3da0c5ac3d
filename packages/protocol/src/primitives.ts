import Type from 'typebox';
import { Identifier } from './strings.js';

/** Server-assigned identifier (UUIDv7 text: time-ordered, not guessable). */
export const Id = Identifier({ minLength: 1, maxLength: 64 });
export const Timestamp = Type.String({ format: 'date-time', description: 'ISO 8601, UTC' });
