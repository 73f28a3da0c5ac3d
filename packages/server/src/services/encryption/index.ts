import type { Backends } from '../backends.js';
import { DeviceService } from './device-service.js';

export interface Encryption {
  /** Devices, identity keys and KeyPackages: the Delivery Service's first part (issue 39). */
  devices: DeviceService;
}

/** End-to-end encryption's server side: the server relays and orders, it never decrypts (decision 0027). */
export function createEncryption({ store }: Pick<Backends, 'store'>): Encryption {
  return { devices: new DeviceService(store) };
}
