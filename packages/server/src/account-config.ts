import type { EnvReader } from './env-reader.js';
import { DEFAULT_HASHING_NICE } from './infra/password-threads.js';

/** ASVS 2.4.1 / OWASP's floor for argon2id: 19 MiB of memory, two passes. */
export const ARGON2_MIN_MEMORY_KIB = 19_456;
export const ARGON2_MIN_TIME_COST = 2;

/** The settings of accounts (issue 12): mail, token lifetimes, erasure, password hashing. Part of Config (`accounts`). */
export interface AccountConfig {
  /** Where people reach this instance: links in mails start with it. Default `http://localhost:<PORT>`. */
  publicUrl: string;
  /** Whether PUBLIC_URL was set: unset on an address others reach, start-up warns (mail links would say localhost). */
  publicUrlSet: boolean;
  /** `smtp://user:pass@host:port` or `smtps://…` (nodemailer's URL form); unset: each mail is written as an .eml file under DATA_DIR/mail/. */
  smtpUrl: string | null;
  /** The From of every mail. */
  mailFrom: string;
  /** How long a password-reset link works. */
  passwordResetTtlSeconds: number;
  /** How long an email-verification link works. */
  emailVerifyTtlSeconds: number;
  /** How long the link that claims an imported account works. */
  accountClaimTtlSeconds: number;
  /** How long the username of an erased account stays taken (0: freed at once). */
  usernameHoldDays: number;
  /** argon2id memory per hash, KiB (at least 19456); raising it re-hashes each password at its next sign-in. */
  argon2MemoryKib: number;
  /** argon2id passes (at least 2); raising it re-hashes each password at its next sign-in. */
  argon2TimeCost: number;
  /** CPU priority (nice, Linux) of the threads that hash passwords: 0 as the event loop, up to 19. */
  argon2ThreadNice: number;
  /** How long audit-log entries (admin actions, security events) are kept; every node prunes older ones. */
  auditRetentionDays: number;
}

export function readAccountConfig(read: EnvReader, problems: string[], port: number): AccountConfig {
  const config: AccountConfig = {
    publicUrl: (read.optional('PUBLIC_URL') ?? `http://localhost:${port}`).replace(/\/+$/, ''),
    publicUrlSet: read.optional('PUBLIC_URL') !== null,
    smtpUrl: read.optional('SMTP_URL'),
    mailFrom: read.string('MAIL_FROM', 'Confab <no-reply@localhost>'),
    passwordResetTtlSeconds: read.int('PASSWORD_RESET_TTL_SECONDS', 1800, 60, 7 * 86_400),
    emailVerifyTtlSeconds: read.int('EMAIL_VERIFY_TTL_SECONDS', 2 * 86_400, 60, 30 * 86_400),
    accountClaimTtlSeconds: read.int('ACCOUNT_CLAIM_TTL_SECONDS', 30 * 86_400, 3600, 365 * 86_400),
    usernameHoldDays: read.int('USERNAME_HOLD_DAYS', 30, 0, 3650),
    argon2MemoryKib: read.int('ARGON2_MEMORY_KIB', ARGON2_MIN_MEMORY_KIB, ARGON2_MIN_MEMORY_KIB, 4 * 1_048_576),
    argon2TimeCost: read.int('ARGON2_TIME_COST', ARGON2_MIN_TIME_COST, ARGON2_MIN_TIME_COST, 100),
    argon2ThreadNice: read.int('ARGON2_THREAD_NICE', DEFAULT_HASHING_NICE, 0, 19),
    auditRetentionDays: read.int('AUDIT_RETENTION_DAYS', 90, 1, 3650),
  };
  if (!isHttpUrl(config.publicUrl)) problems.push(`PUBLIC_URL: expected an http:// or https:// URL, got "${config.publicUrl}"`);
  if (config.smtpUrl !== null && !/^smtps?:\/\/[^/]/.test(config.smtpUrl)) {
    // The value is not echoed: it may carry a password.
    problems.push('SMTP_URL: expected an smtp://host:port or smtps://host:port URL');
  }
  if (!/^[^\r\n]*@[^\r\n]*$/.test(config.mailFrom)) problems.push(`MAIL_FROM: expected an address such as "Confab <no-reply@example.com>"`);
  return config;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
