import type { ImportJob } from '@confab/protocol';
import type { ImportRecord } from '../../store/store.js';

/** An import run as `POST`/`GET /api/v1/admin/imports` answer it. */
export const importView = (r: ImportRecord): ImportJob => ({
  id: r.id,
  source: r.source,
  state: r.state,
  counts: { ...r.counts },
  errors: r.errors.map(({ file, message }) => ({ file, message })),
  createdAt: new Date(r.createdAt).toISOString(),
  updatedAt: new Date(r.updatedAt).toISOString(),
});
