// ts-mls is imported by module, never through its index: the index (1.6.4) also loads its noble
// crypto provider, which needs @noble/hashes, a package ts-mls does not declare. The default
// provider used here runs on WebCrypto and @hpke/core.
import type { ClientConfig } from 'ts-mls/clientConfig.js';
import { type ClientState, createGroup as mlsCreateGroup, decodeGroupState, encodeGroupState, joinGroup } from 'ts-mls/clientState.js';
import { createCommit, createGroupInfoWithExternalPubAndRatchetTree, joinGroupExternal } from 'ts-mls/createCommit.js';
import { createApplicationMessage } from 'ts-mls/createMessage.js';
import { type CiphersuiteImpl, getCiphersuiteFromName } from 'ts-mls/crypto/ciphersuite.js';
import { getCiphersuiteImpl } from 'ts-mls/crypto/getCiphersuiteImpl.js';
import { defaultKeyPackageEqualityConfig } from 'ts-mls/keyPackageEqualityConfig.js';
import { defaultLifetimeConfig } from 'ts-mls/lifetimeConfig.js';
import { encodeMlsMessage } from 'ts-mls/message.js';
import { defaultPaddingConfig } from 'ts-mls/paddingConfig.js';
import { processMessage } from 'ts-mls/processMessages.js';
import type { Proposal } from 'ts-mls/proposal.js';
import { emptyPskIndex } from 'ts-mls/pskIndex.js';
import {
  type CredentialValidator,
  type DeviceKeys,
  type DeviceRef,
  type Group,
  type GroupEngine,
  GroupError,
  type KeyPackageBundle,
  type MessageFrame,
  type OrderPosition,
  type PendingCommit,
  type Processed,
} from './group-engine.js';
import { unknownOutcome } from '../errors.js';
import { packBytes, unpackBytes } from './byte-packing.js';
import { decryptApplication } from './mls-application.js';
import { credentialCheck, credentialDevice, generateKeyPackage, leafIndexOf } from './mls-credentials.js';
import { decodeKeyPackage, decodeMessage, frameOf, sameBytes, unwrap, wrap } from './mls-messages.js';

export const CONFAB_CIPHERSUITE = 'MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519' as const;

/**
 * How long old keys are kept. The order is gap-free, so a device applies every commit before the
 * messages after it; an older epoch is needed only for a message that was encrypted before a
 * commit and stored after it (a send racing a commit), and a generation skipped only for sends
 * that were refused. Both windows are far wider than such races, and bounded so a stolen state
 * does not open a long history (decision 0027).
 */
export const CONFAB_KEY_RETENTION = {
  retainKeysForEpochs: 16,
  retainKeysForGenerations: 1000,
  maximumForwardRatchetSteps: 1000,
};

export interface MlsEngineOptions {
  validateCredential: CredentialValidator;
  /**
   * Runs one operation (a Welcome joined, a commit made or processed): the credential checks
   * inside may share their reads of a user's device list (device-list-reads.ts).
   */
  operation?: <T>(work: () => Promise<T>) => Promise<T>;
  /** Overrides of the retention window, for tests that need a short one. */
  keyRetention?: Partial<typeof CONFAB_KEY_RETENTION>;
}

export async function createMlsEngine(options: MlsEngineOptions): Promise<GroupEngine> {
  const cs = await getCiphersuiteImpl(getCiphersuiteFromName(CONFAB_CIPHERSUITE));
  const configAt = (position?: OrderPosition): ClientConfig => ({
    keyRetentionConfig: { ...CONFAB_KEY_RETENTION, ...options.keyRetention },
    lifetimeConfig: defaultLifetimeConfig,
    keyPackageEqualityConfig: defaultKeyPackageEqualityConfig,
    paddingConfig: defaultPaddingConfig,
    authService: credentialCheck(options.validateCredential, position),
  });
  return new MlsEngine(cs, configAt, options.operation ?? ((work) => work()));
}

class MlsEngine implements GroupEngine {
  readonly ciphersuite = CONFAB_CIPHERSUITE;

  /** The configuration states keep: its credential checks carry no position. */
  private readonly config: ClientConfig;

  constructor(
    private readonly cs: CiphersuiteImpl,
    /** A configuration whose credential checks know the position of the message they check. */
    private readonly configAt: (position?: OrderPosition) => ClientConfig,
    private readonly operation: <T>(work: () => Promise<T>) => Promise<T>,
  ) {
    this.config = configAt();
  }

  async generateDeviceKeys(): Promise<DeviceKeys> {
    const { publicKey, signKey } = await this.cs.signature.keygen();
    return { signaturePublicKey: publicKey, signaturePrivateKey: signKey };
  }

  sign(privateKey: Uint8Array, data: Uint8Array): Promise<Uint8Array> {
    return this.cs.signature.sign(privateKey, data);
  }

  async verify(publicKey: Uint8Array, data: Uint8Array, signature: Uint8Array): Promise<boolean> {
    try {
      return await this.cs.signature.verify(publicKey, data, signature);
    } catch {
      return false;
    }
  }

  async createKeyPackage(device: DeviceRef, keys: DeviceKeys, options?: { lastResort?: boolean }): Promise<KeyPackageBundle> {
    const { publicPackage, privatePackage } = await generateKeyPackage(this.cs, device, keys);
    return {
      keyPackage: encodeMlsMessage({ version: 'mls10', wireformat: 'mls_key_package', keyPackage: publicPackage }),
      privateKeys: packBytes([privatePackage.initPrivateKey, privatePackage.hpkePrivateKey, privatePackage.signaturePrivateKey]),
      lastResort: options?.lastResort === true,
    };
  }

  async createGroup(groupId: Uint8Array, device: DeviceRef, keys: DeviceKeys): Promise<Group> {
    const { publicPackage, privatePackage } = await generateKeyPackage(this.cs, device, keys);
    return wrap(await mlsCreateGroup(groupId, publicPackage, privatePackage, [], this.cs, this.config));
  }

  addMembers(group: Group, keyPackages: Uint8Array[]): Promise<PendingCommit> {
    // One operation: my check of each KeyPackage and ts-mls's of each add share the users' lists.
    return this.operation(() => this.addMembersNow(group, keyPackages));
  }

  private async addMembersNow(group: Group, keyPackages: Uint8Array[]): Promise<PendingCommit> {
    const proposals: Proposal[] = [];
    for (const bytes of keyPackages) {
      const keyPackage = decodeKeyPackage(bytes);
      // ts-mls checks an added leaf's credential only when the commit is received; the committer
      // checks too, so a forged device is refused before it is sent.
      const device = credentialDevice(keyPackage.leafNode.credential);
      if (
        !device ||
        !(await this.config.authService.validateCredential(keyPackage.leafNode.credential, keyPackage.leafNode.signaturePublicKey))
      ) {
        throw new GroupError('untrusted_credential', 'a KeyPackage names a device that is not on its user’s signed list');
      }
      proposals.push({ proposalType: 'add', add: { keyPackage } });
    }
    return this.commit(group, proposals);
  }

  async removeMembers(group: Group, devices: DeviceRef[]): Promise<PendingCommit> {
    const state = unwrap(group).state;
    const proposals: Proposal[] = devices.map((device) => {
      const leafIndex = leafIndexOf(state.ratchetTree, device);
      if (leafIndex === undefined) throw new GroupError('not_a_member', `${device.userId}/${device.deviceId} is not in the group`);
      return { proposalType: 'remove', remove: { removed: leafIndex } };
    });
    return this.commit(group, proposals);
  }

  async joinFromWelcome(welcome: Uint8Array, bundle: KeyPackageBundle, position?: OrderPosition): Promise<Group> {
    const message = decodeMessage(welcome);
    if (message.wireformat !== 'mls_welcome') throw new GroupError('malformed_message', 'not a Welcome');
    const keyPackage = decodeKeyPackage(bundle.keyPackage);
    const [initPrivateKey, hpkePrivateKey, signaturePrivateKey] = unpackBytes(bundle.privateKeys, 3) as [
      Uint8Array,
      Uint8Array,
      Uint8Array,
    ];
    const state = await this.guard(() =>
      joinGroup(
        message.welcome,
        keyPackage,
        { initPrivateKey, hpkePrivateKey, signaturePrivateKey },
        emptyPskIndex,
        this.cs,
        undefined,
        undefined,
        this.configAt(position),
      ),
    );
    // The state keeps the configuration without a position: later checks are of later messages.
    return wrap({ ...state, clientConfig: this.config });
  }

  async groupInfo(group: Group): Promise<Uint8Array> {
    const groupInfo = await createGroupInfoWithExternalPubAndRatchetTree(unwrap(group).state, [], this.cs);
    return encodeMlsMessage({ version: 'mls10', wireformat: 'mls_group_info', groupInfo });
  }

  async joinByExternalCommit(groupInfo: Uint8Array, device: DeviceRef, keys: DeviceKeys): Promise<PendingCommit> {
    const message = decodeMessage(groupInfo);
    if (message.wireformat !== 'mls_group_info') throw new GroupError('malformed_message', 'not a GroupInfo');
    const { publicPackage, privatePackage } = await generateKeyPackage(this.cs, device, keys);
    const { publicMessage, newState } = await this.guard(() =>
      joinGroupExternal(message.groupInfo, publicPackage, privatePackage, false, this.cs, undefined, this.config),
    );
    return {
      commit: encodeMlsMessage({ version: 'mls10', wireformat: 'mls_public_message', publicMessage }),
      welcome: undefined,
      epoch: message.groupInfo.groupContext.epoch,
      group: wrap(newState),
    };
  }

  async encrypt(group: Group, plaintext: Uint8Array): Promise<{ ciphertext: Uint8Array; group: Group }> {
    const { newState, privateMessage } = await createApplicationMessage(unwrap(group).state, plaintext, this.cs);
    return {
      ciphertext: encodeMlsMessage({ version: 'mls10', wireformat: 'mls_private_message', privateMessage }),
      group: wrap(newState),
    };
  }

  async process(group: Group, bytes: Uint8Array, position?: OrderPosition): Promise<Processed> {
    const state = unwrap(group).state;
    const message = decodeMessage(bytes);
    if (message.wireformat !== 'mls_private_message' && message.wireformat !== 'mls_public_message') {
      throw new GroupError('malformed_message', `a ${message.wireformat} is not processed in a group`);
    }
    const { groupId, epoch } = frameOf(message);
    if (!groupId || !sameBytes(groupId, state.groupContext.groupId))
      throw new GroupError('wrong_group', 'the message is for another group');
    if (epoch !== undefined && epoch > state.groupContext.epoch) {
      throw new GroupError('epoch_ahead', `the message is of epoch ${epoch}, this device is at ${state.groupContext.epoch}`);
    }
    if (message.wireformat === 'mls_private_message' && message.privateMessage.contentType === 'application') {
      return decryptApplication(state, message.privateMessage, this.cs, (run) => this.guard(run));
    }
    if (epoch !== undefined && epoch < state.groupContext.epoch) {
      throw new GroupError('epoch_expired', `a commit of epoch ${epoch} is stale, this device is at ${state.groupContext.epoch}`);
    }
    // ts-mls checks a commit's credentials with the state's configuration: this message's position, for this call only.
    const checking: ClientState = { ...state, clientConfig: this.configAt(position) };
    const result = await this.guard(() => processMessage(message, checking, emptyPskIndex, () => 'accept', this.cs));
    if (result.kind === 'applicationMessage') throw new GroupError('malformed_message', 'an application message in clear');
    const next = wrap({ ...result.newState, clientConfig: this.config });
    const removedSelf = result.newState.groupActiveState.kind !== 'active';
    return { kind: 'commit', epoch: state.groupContext.epoch, group: next, removedSelf };
  }

  members(group: Group): DeviceRef[] {
    const devices: DeviceRef[] = [];
    for (const node of unwrap(group).state.ratchetTree) {
      if (node?.nodeType !== 'leaf') continue;
      const device = credentialDevice(node.leaf.credential);
      if (device) devices.push(device);
    }
    return devices;
  }

  frame(bytes: Uint8Array): MessageFrame {
    return frameOf(decodeMessage(bytes));
  }

  save(group: Group): Uint8Array {
    return encodeGroupState(unwrap(group).state);
  }

  load(bytes: Uint8Array): Group {
    const decoded = decodeGroupState(bytes, 0);
    if (!decoded) throw new GroupError('malformed_message', 'the saved group state does not decode');
    return wrap({ ...decoded[0], clientConfig: this.config });
  }

  private async commit(group: Group, proposals: Proposal[]): Promise<PendingCommit> {
    const state = unwrap(group).state;
    const result = await this.guard(() =>
      createCommit(
        { state, cipherSuite: this.cs },
        // A PublicMessage, so the Delivery Service can check the proposals against the
        // conversation's roles; the tree rides in the Welcome so joiners need no other fetch.
        { extraProposals: proposals, wireAsPublicMessage: true, ratchetTreeExtension: true },
      ),
    );
    return {
      commit: encodeMlsMessage(result.commit),
      welcome: result.welcome ? encodeMlsMessage({ version: 'mls10', wireformat: 'mls_welcome', welcome: result.welcome }) : undefined,
      epoch: state.groupContext.epoch,
      group: wrap(result.newState),
    };
  }

  /** ts-mls throws its own error classes; the ones a caller can act on become `GroupError`s. */
  private async guard<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await this.operation(run);
    } catch (error) {
      // A credential check that could not read its device list (the server unreachable, a 5xx)
      // says nothing of the message: the caller tries again later instead of counting it
      // unreadable. A refusal (a 404 for a list) is the check's answer, as before.
      if (error instanceof GroupError || unknownOutcome(error)) throw error;
      const text = error instanceof Error ? error.message : String(error);
      if (/credential/i.test(text)) throw new GroupError('untrusted_credential', text);
      if (/epoch too old|former epoch/i.test(text)) throw new GroupError('epoch_expired', text);
      throw new GroupError('decryption_failed', text);
    }
  }
}
