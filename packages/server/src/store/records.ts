/**
 * The records the Store reads and writes (store.ts is the interface over them), one module per
 * area in records/. Importers take them from here (or from store.ts, which re-exports them).
 */
export type * from './records/accounts.js';
export type * from './records/conversations.js';
export * from './records/encryption.js';
export * from './records/messages.js';
export type * from './records/message-operations.js';
export type * from './records/uploads.js';
export type * from './records/saved.js';
export type * from './records/search.js';
