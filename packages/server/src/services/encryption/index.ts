import type { Backends } from '../backends.js';
import { DeviceLinkService } from './device-link-service.js';
import { DeviceService } from './device-service.js';
import { IdentityAnnouncer } from './identity-announcer.js';
import { EncryptedConversationService } from './encrypted-conversations.js';
import type { MembershipCache } from '../conversations/membership.js';

export interface Encryption {
  /** Devices, identity keys and KeyPackages: the Delivery Service's first part (issue 39). */
  devices: DeviceService;
  /** Device linking: a new device gets my identity key from another of mine, sealed (part 4). */
  links: DeviceLinkService;
  /** Encrypted conversations' MLS group state and decrypt-failure reports (issue 39, part 2). */
  conversations: EncryptedConversationService;
}

/** End-to-end encryption's server side: the server relays and orders, it never decrypts (decision 0027). */
export function createEncryption(
  { store, bus, metrics }: Pick<Backends, 'store' | 'bus' | 'metrics'>,
  deps: { membership: MembershipCache },
): Encryption {
  return {
    devices: new DeviceService(store, new IdentityAnnouncer(store, bus)),
    links: new DeviceLinkService(store),
    conversations: new EncryptedConversationService(store, deps.membership, metrics),
  };
}
