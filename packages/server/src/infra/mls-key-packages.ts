import { MLS_CIPHERSUITE, decodeDeviceIdentity } from '@confab/protocol';
// ts-mls by module, not through its index, which loads a crypto provider needing @noble/hashes,
// a package ts-mls does not declare (decision 0027).
import { type CiphersuiteImpl, getCiphersuiteFromName } from 'ts-mls/crypto/ciphersuite.js';
import { getCiphersuiteImpl } from 'ts-mls/crypto/getCiphersuiteImpl.js';
import { verifyKeyPackage } from 'ts-mls/keyPackage.js';
import { decodeMlsMessage } from 'ts-mls/message.js';

/** What the Delivery Service may check of a KeyPackage before it hands it to others. */
export interface KeyPackageInfo {
  userId: string;
  deviceId: string;
  /** URL-safe base64 of the leaf's signature key, as devices register it. */
  signatureKey: string;
}

let suite: Promise<CiphersuiteImpl> | undefined;
const cipherSuite = () => (suite ??= getCiphersuiteImpl(getCiphersuiteFromName(MLS_CIPHERSUITE)));

/**
 * Reads an uploaded KeyPackage (an MLSMessage), or says why it is not one Confab accepts: not one
 * whole MLS message, not a KeyPackage, another ciphersuite, a credential not in Confab's form, or
 * a signature that does not verify with the key its leaf names.
 */
export async function readKeyPackage(bytes: Uint8Array): Promise<KeyPackageInfo | { refused: string }> {
  let decoded;
  try {
    decoded = decodeMlsMessage(bytes, 0);
  } catch {
    decoded = undefined;
  }
  if (!decoded || decoded[1] !== bytes.length) return { refused: 'is not one MLS message' };
  const message = decoded[0];
  if (message.wireformat !== 'mls_key_package') return { refused: 'is not a KeyPackage' };
  const { keyPackage } = message;
  if (keyPackage.cipherSuite !== MLS_CIPHERSUITE) return { refused: `is not of ${MLS_CIPHERSUITE}` };
  const { credential, signaturePublicKey } = keyPackage.leafNode;
  const device = credential.credentialType === 'basic' ? decodeDeviceIdentity(credential.identity) : undefined;
  if (!device) return { refused: 'has no Confab device credential' };
  if (!(await verifyKeyPackage(keyPackage, (await cipherSuite()).signature))) return { refused: 'is not signed by its leaf' };
  return { ...device, signatureKey: Buffer.from(signaturePublicKey).toString('base64url') };
}
