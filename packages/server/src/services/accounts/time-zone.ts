/**
 * `zone` as Intl spells it (e.g. `europe/paris` → `Europe/Paris`) when this runtime's Intl knows
 * it, else undefined. Intl is the authority rather than a list of our own, so the server accepts
 * exactly the zones a browser's Intl can format the profile card's "local time" in, and stores
 * the canonical spelling so every client compares and displays the same string.
 */
export function canonicalTimeZone(zone: string): string | undefined {
  try {
    return new Intl.DateTimeFormat('en', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}
