/** End-to-end encryption (issue 39): each encrypted conversation's MLS group, devices, identity keys, device links and key packages. */
export interface EncryptionTables {
  /** Each encrypted conversation's MLS group (issue 39): store/sql/mls-groups.ts. */
  mls_groups: {
    conversation_id: string;
    group_id: string;
    ciphersuite: number;
    epoch: number;
    group_info: string | null;
    updated_at: number;
  };
  /** Each user's devices (issue 39): store/sql/devices.ts. */
  devices: {
    id: string;
    user_id: string;
    name: string;
    signature_key: string;
    credential: string;
    created_at: number;
    last_seen_at: number;
    revoked_at: number | null;
    /** The event log's head when the revocation committed (0043); null while active, or revoked before 0043. */
    revoked_pos: number | null;
  };
  identity_keys: {
    user_id: string;
    identity_key: string;
    device_list: string;
    signature: string;
    version: number;
    updated_at: number;
  };
  /** A new device's request for my identity key (issue 39 part 4): store/sql/device-links.ts. */
  device_links: {
    id: string;
    user_id: string;
    device_name: string;
    public_key: string;
    state: string;
    sealed: string | null;
    approved_by: string | null;
    created_at: number;
    expires_at: number;
  };
  key_packages: {
    id: string;
    device_id: string;
    ref: string;
    data: string;
    last_resort: number;
    created_at: number;
  };
}
