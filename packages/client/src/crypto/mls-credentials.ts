// Confab's device credentials inside MLS: the device a leaf's credential names, the check every
// credential ts-mls meets goes through, and the KeyPackages a device makes (mls-engine.ts uses them).
import type { AuthenticationService } from 'ts-mls/authenticationService.js';
import type { CiphersuiteImpl } from 'ts-mls/crypto/ciphersuite.js';
import { defaultCapabilities } from 'ts-mls/defaultCapabilities.js';
import { type KeyPackage, generateKeyPackageWithKey } from 'ts-mls/keyPackage.js';
import type { RatchetTree } from 'ts-mls/ratchetTree.js';
import { decodeDeviceIdentity, encodeDeviceIdentity } from '@confab/protocol';
import type { CredentialValidator, DeviceKeys, DeviceRef, OrderPosition } from './group-engine.js';

/** KeyPackages live 28 days (ts-mls refuses lifetimes over a month); the SDK replaces them before. */
const KEY_PACKAGE_LIFETIME_SECONDS = 28n * 24n * 3600n;

export function credentialCheck(validate: CredentialValidator, position?: OrderPosition): AuthenticationService {
  return {
    // Every credential ts-mls meets (a leaf, an added KeyPackage, a GroupInfo's signer) comes
    // through here: a credential not in Confab's form, or not on the signed list, is refused.
    // `position` is the processed message's place in the order (none for what is made here).
    async validateCredential(credential, signaturePublicKey) {
      if (credential.credentialType !== 'basic') return false;
      const device = decodeDeviceIdentity(credential.identity);
      return device !== undefined && (await validate(device, signaturePublicKey, position));
    },
  };
}

export async function generateKeyPackage(cs: CiphersuiteImpl, device: DeviceRef, keys: DeviceKeys) {
  const now = BigInt(Math.floor(Date.now() / 1000));
  return generateKeyPackageWithKey(
    { credentialType: 'basic', identity: encodeDeviceIdentity(device) },
    defaultCapabilities(),
    { notBefore: now - 3600n, notAfter: now + KEY_PACKAGE_LIFETIME_SECONDS },
    [],
    { signKey: keys.signaturePrivateKey, publicKey: keys.signaturePublicKey },
    cs,
  );
}

export function credentialDevice(credential: KeyPackage['leafNode']['credential']): DeviceRef | undefined {
  return credential.credentialType === 'basic' ? decodeDeviceIdentity(credential.identity) : undefined;
}

export function leafIndexOf(tree: RatchetTree, device: DeviceRef): number | undefined {
  for (let node = 0; node < tree.length; node += 2) {
    const entry = tree[node];
    if (entry?.nodeType !== 'leaf') continue;
    const found = credentialDevice(entry.leaf.credential);
    if (found?.userId === device.userId && found.deviceId === device.deviceId) return node / 2;
  }
  return undefined;
}
