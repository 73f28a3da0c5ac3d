import { type InstanceConfig, MAX_ATTACHMENTS } from '@confab/protocol';
import type { Config } from '../../config.js';

/**
 * What `GET /api/v1/config` publishes (issue 35 item 5): the limits a client must respect and the
 * optional features this instance has, from the validated configuration and nothing secret.
 */
export function instanceConfig(config: Config): InstanceConfig {
  return {
    maxMessageLength: config.maxMessageLength,
    maxUploadBytes: config.maxUploadBytes,
    maxAttachments: MAX_ATTACHMENTS,
    registration: config.registration,
    features: {
      // A VAPID pair always exists (generated once when none is configured).
      push: true,
      mail: config.accounts.smtpUrl !== null,
      search: true,
      locations: true,
      apiDocs: config.apiDocs,
      assist: config.assist,
    },
  };
}
