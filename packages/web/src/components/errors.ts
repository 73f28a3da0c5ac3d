import { ApiError } from '@confab/client';

/** A sentence for a person from whatever a call threw: the server's message, or what went wrong on the way. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 0) return 'The server cannot be reached. Check your connection and try again.';
    const detail = (error.details as { message?: string }[] | undefined)?.[0]?.message;
    return detail ? `${error.message}: ${detail}` : error.message;
  }
  return error instanceof Error ? error.message : String(error);
}
