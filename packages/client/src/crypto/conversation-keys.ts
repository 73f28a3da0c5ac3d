/** Where an encrypted conversation's state is kept in the device's `CryptoStore`. */
export const KEYS = {
  /** The MLS group state (the engine's bytes). */
  group: (id: string) => `group:${id}`,
  /** The seq of the last message of the conversation's order applied to it. */
  applied: (id: string) => `applied:${id}`,
  plain: (id: string, seq: number) => `plain:${id}:${seq}`,
  /** What this device sent under a clientId: a sender cannot decrypt its own message. */
  sent: (clientId: string) => `sent:${clientId}`,
};

export const conversationPath = (id: string) => `/api/v1/conversations/${encodeURIComponent(id)}`;
