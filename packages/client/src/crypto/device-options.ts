// What a client passes to enable encryption and gets back about its devices (DeviceManager).
/** A device as `client.devices()` lists it. */
export interface MyDevice {
  id: string;
  name: string;
  /** This client's own device. */
  current: boolean;
  createdAt: string;
  lastSeenAt: string;
}

export interface EnableEncryptionOptions {
  deviceName: string;
  /**
   * When my identity key was made on another device, this one cannot sign a new device list: link
   * it from there (`client.deviceLinks`), or `resetIdentity: true` makes a new identity key here:
   * the people I talk to then see that my key changed. Without it, enabling throws.
   */
  resetIdentity?: boolean;
}
