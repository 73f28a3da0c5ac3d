import type { SqlContext } from '../sql-context.js';
import type { MarkerStore } from './marker-store.js';
import * as markers from '../sql/markers.js';

/** `store.markers` on the SQL engines: each method calls its query in store/sql/markers.ts. */
export function sqlMarkerStore({ db }: SqlContext): MarkerStore {
  return {
    advanceReadMarker: (conversationId, userId, seq, announce) => markers.advanceReadMarker(db, conversationId, userId, seq, announce),
    advanceDeliveredMarker: (conversationId, userId, seq) => markers.advanceDeliveredMarker(db, conversationId, userId, seq),
    countUnreadTotal: (userId) => markers.countUnreadTotal(db, userId),
    listReceipts: (conversationId) => markers.listReceipts(db, conversationId),
  };
}
