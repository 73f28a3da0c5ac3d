import { lookup as dnsLookup } from 'node:dns/promises';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Where the server may connect on a user's say-so (a Web Push endpoint; later a link preview).
 * A URL a user gives must not make the server reach its own network (SSRF): loopback, private,
 * link-local (cloud metadata at 169.254.169.254), CGNAT, unique-local, multicast, reserved and
 * unspecified addresses, and IPv6 forms that embed an IPv4 address (mapped, compatible, 6to4,
 * NAT64, Teredo) are refused. The host is resolved and every address it resolves to is checked;
 * the connection then goes to the address that was checked (`pinnedLookup`), so a DNS answer that
 * changes between check and connect (rebinding) cannot redirect it. Numeric host forms
 * (`2130706433`, `0x7f.1`, `[::ffff:127.0.0.1]`) are normalised by the URL parser before the check.
 */
export interface OutboundPolicy {
  /**
   * Host names allowed, each exact (`fcm.googleapis.com`) or a suffix pattern (`*.push.apple.com`,
   * which matches subdomains only); `*` allows every host (its addresses are still checked).
   */
  allowedHosts: readonly string[];
  /** UNSAFE, for tests and development only: skip the address check (loopback and private addresses pass). */
  allowPrivateAddresses: boolean;
  /**
   * The operator's exceptions to the address check (link previews of an intranet wiki): hosts
   * named here (exact or `*.suffix`) may resolve anywhere, and an address inside one of these
   * CIDR ranges passes whatever host it came from. Everything else is checked as usual.
   */
  trusted?: TrustedTargets;
}

/** Hosts and CIDR ranges the operator lets the server reach although they are not public. */
export interface TrustedTargets {
  hosts: readonly string[];
  ranges: readonly string[];
}

/**
 * Splits an operator's comma-separated list (`wiki.corp, 10.0.0.0/8, 192.168.1.5`) into host
 * names and CIDR ranges (a lone address is a range of one); what is neither is in `invalid`.
 */
export function parseTrustedTargets(items: readonly string[]): TrustedTargets & { invalid: string[] } {
  const hosts: string[] = [];
  const ranges: string[] = [];
  const invalid: string[] = [];
  for (const item of items) {
    const bare = item.startsWith('[') && item.endsWith(']') ? item.slice(1, -1) : item;
    if (bare.includes('/')) {
      if (ipaddr.isValidCIDR(bare)) ranges.push(bare);
      else invalid.push(item);
    } else if (ipaddr.isValid(bare)) {
      ranges.push(`${bare}/${ipaddr.parse(bare).kind() === 'ipv4' ? '32' : '128'}`);
    } else if (/^(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)*$/i.test(item)) {
      hosts.push(item.toLowerCase());
    } else {
      invalid.push(item);
    }
  }
  return { hosts, ranges, invalid };
}

/** A resolver: every address of a host name. Tests inject one; production uses the system's (`dns.lookup`). */
export type HostResolver = (hostname: string) => Promise<{ address: string; family: number }[]>;

export const systemResolver: HostResolver = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/** Why a URL was refused, for error details and logs. */
export class OutboundRefused extends Error {
  constructor(
    readonly reason: 'scheme' | 'host_not_allowed' | 'address_not_public' | 'unresolvable',
    message: string,
  ) {
    super(message);
    this.name = 'OutboundRefused';
  }
}

/** The address a URL's host was checked at: connect there, and only there. */
export interface CheckedTarget {
  url: URL;
  address: string;
  family: 4 | 6;
}

/** What a fetch needs of the guard: a URL checked, or refused. */
export interface AddressCheck {
  check(url: URL, schemes: readonly string[]): Promise<CheckedTarget>;
}

export class OutboundAddressGuard implements AddressCheck {
  private readonly ranges: [ipaddr.IPv4 | ipaddr.IPv6, number][];

  constructor(
    private readonly policy: OutboundPolicy,
    private readonly resolve: HostResolver = systemResolver,
  ) {
    this.ranges = (policy.trusted?.ranges ?? []).map((cidr) => ipaddr.parseCIDR(cidr));
  }

  /** The URL's host resolved and checked; throws `OutboundRefused` when the server must not connect there. */
  async check(url: URL, schemes: readonly string[]): Promise<CheckedTarget> {
    if (!schemes.includes(url.protocol))
      throw new OutboundRefused('scheme', `must be an ${schemes.map((s) => s.slice(0, -1)).join(' or ')} URL`);
    const host = hostOf(url);
    if (!hostAllowed(host, this.policy.allowedHosts))
      throw new OutboundRefused('host_not_allowed', `${host} is not a host this server connects to`);
    const literal = ipaddr.isValid(host) ? host : null;
    let addresses: { address: string; family: number }[];
    try {
      addresses = literal === null ? await this.resolve(host) : [{ address: literal, family: literal.includes(':') ? 6 : 4 }];
    } catch {
      throw new OutboundRefused('unresolvable', `${host} does not resolve`);
    }
    if (addresses.length === 0) throw new OutboundRefused('unresolvable', `${host} does not resolve`);
    // Every address must pass, not only the first: a resolver may answer in another order next time.
    const trustedHost = this.policy.trusted !== undefined && hostAllowed(host, this.policy.trusted.hosts);
    const passes = (address: string) => isPublicAddress(address) || inRanges(address, this.ranges);
    if (!this.policy.allowPrivateAddresses && !trustedHost && !addresses.every((a) => passes(a.address)))
      throw new OutboundRefused('address_not_public', `${host} resolves to an address that is not public`);
    const first = addresses[0]!;
    return { url, address: first.address, family: first.family === 6 ? 6 : 4 };
  }
}

/** A `lookup` for http(s).request that answers the checked address whatever the host, so DNS is not asked again. */
export function pinnedLookup(target: CheckedTarget): LookupFunction {
  return (_hostname, options, callback) => {
    if ((options as { all?: boolean }).all) callback(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  };
}

/** The host without IPv6 brackets, lower case, without a trailing dot. */
function hostOf(url: URL): string {
  const host = url.hostname.toLowerCase().replace(/\.$/, '');
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

export function hostAllowed(host: string, allowed: readonly string[]): boolean {
  return allowed.some((pattern) => {
    const p = pattern.toLowerCase();
    if (p === '*') return true;
    if (p.startsWith('*.')) return host.endsWith(p.slice(1)) && host.length > p.length - 1;
    return host === p;
  });
}

// Global unicast IPv6 is 2000::/3; ipaddr.js calls ::/96 (IPv4-compatible, deprecated) "unicast" too.
const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR('2000::/3');

/**
 * Whether an address lies in one of the ranges, compared in its own family only: `::ffff:10.0.0.1`
 * is not in `10.0.0.0/8`, so an IPv6 wrapping never borrows an IPv4 range's trust.
 */
function inRanges(address: string, ranges: readonly [ipaddr.IPv4 | ipaddr.IPv6, number][]): boolean {
  if (ranges.length === 0 || !ipaddr.isValid(address)) return false;
  const parsed = ipaddr.parse(address);
  return ranges.some((range) => range[0].kind() === parsed.kind() && parsed.match(range as [typeof parsed, number]));
}

/** Whether an address is one on the public internet: not loopback, private, link-local, reserved, or an IPv6 wrapping of IPv4. */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  const parsed = ipaddr.parse(address);
  if (parsed.range() !== 'unicast') return false;
  return parsed.kind() === 'ipv4' || (parsed as ipaddr.IPv6).match(GLOBAL_UNICAST_V6);
}

/** The push services browsers subscribe with: Chrome/Edge (FCM), Firefox (Mozilla autopush), Safari (Apple), Windows (WNS). */
export const KNOWN_PUSH_SERVICES: readonly string[] = [
  'fcm.googleapis.com',
  'updates.push.services.mozilla.com',
  '*.push.services.mozilla.com',
  '*.push.apple.com',
  '*.notify.windows.com',
];
