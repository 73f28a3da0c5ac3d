export { ConfabClient, type ConfabClientOptions } from './client.js';
export { ApiError } from './errors.js';
export type { Tokens } from './http.js';
export { RealtimeConnection, type ConnectionState, type RealtimeOptions, type WebSocketConstructor, type WebSocketLike } from './realtime.js';
export { newClientId } from './ids.js';
