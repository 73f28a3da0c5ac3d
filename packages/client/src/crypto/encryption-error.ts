/** What the SDK's encryption refuses or cannot do, by a stable code (the crypto modules' one error type). */
export class EncryptionError extends Error {
  constructor(
    readonly code:
      | 'not_enabled'
      | 'identity_elsewhere'
      | 'no_identity'
      | 'bad_signature'
      /** A signed device list older than one this device verified (list-versions.ts). */
      | 'rolled_back_list'
      | 'safety_number_changed'
      | 'not_supported'
      | 'unknown_attachment'
      /** A message this device holds no text of (sent before it joined), asked to forward. */
      | 'not_readable',
    message: string,
  ) {
    super(message);
    this.name = 'EncryptionError';
  }
}
