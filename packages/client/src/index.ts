export { ConfabClient, type ConfabClientOptions } from './client.js';
export { AccountApi } from './account.js';
export { AdminApi } from './admin.js';
export { AssistApi } from './assist.js';
export { PushApi, base64UrlBytes, type BrowserPushSubscription, type PushRegistration } from './push.js';
export { EventsApi } from './long-poll.js';
export { ApiError, MessageHeldError } from './errors.js';
export type { Tokens } from './http.js';
export {
  RealtimeConnection,
  type ConnectionState,
  type RealtimeOptions,
  type ResetNotice,
  type WebSocketConstructor,
  type WebSocketLike,
} from './realtime.js';
export { EventStream, MemoryCursorStore, conversationOf, streamOf, type CursorStore, type SyncState } from './event-stream.js';
export { newClientId } from './ids.js';
export { type NetworkStatus, platformNetworkStatus } from './network-status.js';
export { FileCalls, type SendOptions } from './files.js';
export { ChatState, LATEST_PAGE_SIZE, type ChatSnapshot, type PageLoader, type ThreadView } from './chat-state.js';
export { LocationsApi, SearchApi, type LocationSendOptions } from './features.js';
export { MessageActions, type MessagesAround } from './message-actions.js';
export { ScheduledApi, type ScheduleOptions } from './scheduled.js';
export type { UploadOptions, UploadProgress } from './upload-transfer.js';
// End-to-end encryption (issue 39, decision 0027).
export { type CryptoStore, memoryCryptoStore } from './crypto/crypto-store.js';
export { indexedDbCryptoStore } from './crypto/indexeddb-crypto-store.js';
export { DeviceManager, KEY_PACKAGE_POOL, type EnableEncryptionOptions, type MyDevice } from './crypto/device-manager.js';
export { EncryptionError } from './crypto/encryption-error.js';
export { DeviceLinking, DeviceLinkError, linkCode, type DeviceLinkRequest, type PendingDeviceLink } from './crypto/device-linking.js';
export type { DeviceState } from './crypto/device-record.js';
export { type DecryptedHit, type DecryptedSearchOptions, searchWords } from './crypto/decrypted-search.js';
export type {
  CredentialValidator,
  DeviceKeys,
  DeviceRef,
  Group,
  GroupEngine,
  KeyPackageBundle,
  MessageFrame,
  PendingCommit,
  Processed,
} from './crypto/group-engine.js';
export { GroupError } from './crypto/group-engine.js';
export { CONFAB_CIPHERSUITE, CONFAB_KEY_RETENTION, createMlsEngine } from './crypto/mls-engine.js';
export { safetyNumber } from './crypto/safety-number.js';
export { type Verification, type VerificationChange, Verifications } from './crypto/verification.js';
export {
  type DecryptedMessage,
  type EncryptedContent,
  type EncryptedReactionCount,
  decodeContent,
  encodeContent,
  encryptedFilesOf,
  isRelation,
} from './crypto/encrypted-content.js';
export {
  type EncryptedPlace,
  type EncryptedPollContent,
  type EncryptedVote,
  type OrderedPoll,
  type PollRelation,
  tallyPoll,
} from './crypto/encrypted-polls.js';
export { CIPHERTEXT_UPLOAD_NAME, type FileToEncrypt } from './crypto/encrypted-files.js';
export { type EncryptedFileRef, FileDecryptError, decryptFile, encryptFile } from './crypto/file-crypto.js';
