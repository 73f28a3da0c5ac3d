/** "14:05": the time now where a person is (their IANA `timeZone`), in the reader's own locale; null for a zone this browser does not know. */
export function localTimeIn(timeZone: string, now: Date = new Date()): string | null {
  try {
    return new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', timeZone }).format(now);
  } catch {
    return null;
  }
}
