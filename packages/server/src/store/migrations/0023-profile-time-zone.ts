import type { Kysely, Migration } from 'kysely';

/**
 * Issue 36 item 2: a person's IANA time zone (e.g. `Europe/Paris`), for the profile card's
 * "local time". Null until they set it (the web app fills it from the browser on sign-in).
 * Validated with Intl by the user service, so the column only ever holds a zone Intl knows.
 */
export const profileTimeZone: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('users').addColumn('time_zone', 'varchar(64)').execute();
  },
};
