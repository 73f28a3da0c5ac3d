import { invalid } from '../errors.js';

/** Opaque pagination cursors: base64url JSON, so clients cannot depend on their content. */
export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export function decodeCursor<T>(cursor: string, isValid: (value: unknown) => value is T): T {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid('cursor is not one this server issued');
  }
  if (!isValid(value)) throw invalid('cursor is not one this server issued');
  return value;
}
