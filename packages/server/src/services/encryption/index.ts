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
  /** Sweeps expired device links once a minute. */
  start(): void;
  stop(): void;
}

/** How often each node deletes expired device links: they live ten minutes, so rows stay at most a minute past their grace. */
export const DEVICE_LINK_SWEEP_INTERVAL_MS = 60_000;

/** End-to-end encryption's server side: the server relays and orders, it never decrypts (decision 0027). */
export function createEncryption(
  { store, bus, metrics, logger }: Pick<Backends, 'store' | 'bus' | 'metrics' | 'logger'>,
  deps: { membership: MembershipCache },
): Encryption {
  const links = new DeviceLinkService(store, Date.now, bus);
  let sweeping: NodeJS.Timeout | undefined;
  return {
    devices: new DeviceService(store, new IdentityAnnouncer(store, bus)),
    links,
    conversations: new EncryptedConversationService(store, deps.membership, metrics),
    start() {
      sweeping = setInterval(() => {
        links.sweepExpired().catch((error: unknown) => logger.warn({ err: error }, 'could not sweep expired device links'));
      }, DEVICE_LINK_SWEEP_INTERVAL_MS);
      sweeping.unref();
    },
    stop() {
      clearInterval(sweeping);
    },
  };
}
