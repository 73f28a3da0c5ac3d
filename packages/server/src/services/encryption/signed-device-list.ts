import { createPublicKey, verify } from 'node:crypto';
import { type PutIdentityBody, SignedDeviceListPayload } from '@confab/protocol';
import { detail, invalid } from '../../errors.js';
import { jsonValidator, toDetails } from '../../schema-validator.js';

const checkPayload = jsonValidator.compile<SignedDeviceListPayload>(SignedDeviceListPayload);

/**
 * Reads a signed device list as the server accepts it: the signature verifies with the identity
 * key sent beside it, and the list names this user and that key. The server's check keeps
 * garbage out; clients verify the same signature themselves, since only they trust the key.
 */
export function readSignedDeviceList(userId: string, body: PutIdentityBody): SignedDeviceListPayload {
  let signed = false;
  try {
    const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: body.identityKey }, format: 'jwk' });
    signed = verify(null, Buffer.from(body.deviceList, 'utf8'), key, Buffer.from(body.signature, 'base64url'));
  } catch {
    signed = false;
  }
  if (!signed) throw invalid('The signature does not verify with the identity key', [detail('/signature', 'does not verify')]);
  let payload: unknown;
  try {
    payload = JSON.parse(body.deviceList);
  } catch {
    throw invalid('The device list is not JSON', [detail('/deviceList', 'is not JSON')]);
  }
  if (!checkPayload(payload))
    throw invalid('The device list is not a SignedDeviceListPayload', toDetails(checkPayload.errors ?? [], '/deviceList'));
  if (payload.userId !== userId) throw invalid('The device list is of another user', [detail('/deviceList', 'names another user')]);
  if (payload.identityKey !== body.identityKey) {
    throw invalid('The device list names another identity key', [detail('/deviceList', 'names another identity key')]);
  }
  return payload;
}

/** Whether `key` is a well-formed Ed25519 public key (32 bytes, URL-safe base64). */
export function isEd25519PublicKey(key: string): boolean {
  try {
    createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: key }, format: 'jwk' });
    return true;
  } catch {
    return false;
  }
}
