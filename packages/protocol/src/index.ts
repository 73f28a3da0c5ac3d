export * from './errors.js';
export * from './strings.js';
// The shared records: users, messages, conversations, notifications, and the primitives under them.
export { Id, Page, PositionInput, Timestamp } from './primitives.js';
export * from './users.js';
export * from './messages.js';
export * from './conversations.js';
export * from './notifications.js';
export * from './files.js';
export * from './api.js';
export * from './conversation-requests.js';
export * from './message-requests.js';
export * from './receipt-requests.js';
export * from './notification-requests.js';
export * from './admin.js';
export * from './events.js';
export * from './realtime.js';
export * from './websocket-auth.js';
export * from './instance.js';
export * from './sync.js';
export * from './rules.js';
export * from './push.js';
export * from './locations.js';
export * from './search.js';
export * from './korean-particles.js';
// Thread read state (issue 35 item 2).
export * from './threads.js';
export * from './usernames.js';
export * from './accounts.js';
export * from './asyncapi.js';
// Polls, forwarding and saved messages (issue 37).
export * from './polls.js';
export * from './forwarding.js';
export * from './link-previews.js';
// Drafts that follow me across devices (issue 37).
export * from './drafts.js';
// End-to-end encryption: devices, identity keys, KeyPackages (issue 39).
export * from './encryption.js';
export * from './encrypted-messages.js';
export * from './device-links.js';
// Assist: needs reply, catch-up, frecency (issue 40).
export * from './assist.js';
// Scheduled send (issue 37).
export * from './scheduled.js';
// Imports from Slack and Mattermost (issue 37).
export * from './imports.js';
