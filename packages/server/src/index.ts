export { createServer, openStore, type ConfabServer } from './server.js';
export { loadConfig, ConfigError, type Config } from './config.js';
export type { Store } from './store/store.js';
export { openSqliteStore } from './store/sqlite/sqlite-store.js';
export { openPostgresStore } from './store/postgres/postgres-store.js';
