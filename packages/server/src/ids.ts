import { uuidv7 } from 'uuidv7';

/** New server-side id: UUIDv7, so ids sort by creation time and are not guessable. */
export const newId = (): string => uuidv7();
