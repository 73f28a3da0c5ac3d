import { describe, expect, it } from 'vitest';
import {
  type HostResolver,
  KNOWN_PUSH_SERVICES,
  OutboundAddressGuard,
  OutboundRefused,
  hostAllowed,
  isPublicAddress,
  parseTrustedTargets,
} from './outbound-address-guard.js';

const NOT_PUBLIC = [
  '127.0.0.1',
  '127.255.255.254',
  '10.0.0.1',
  '172.16.0.1',
  '192.168.1.1',
  '169.254.169.254',
  '100.64.0.1', // CGNAT
  '0.0.0.0',
  '255.255.255.255',
  '224.0.0.1',
  '192.0.2.1', // documentation
  '::',
  '::1',
  '::ffff:127.0.0.1',
  '::ffff:7f00:1',
  '::127.0.0.1', // IPv4-compatible
  'fe80::1',
  'fd00::1',
  'fc00::1',
  'ff02::1',
  '2002:7f00:1::1', // 6to4 of 127.0.0.1
  '64:ff9b::7f00:1', // NAT64 of 127.0.0.1
  '2001::1', // Teredo
  'not an address',
];

describe('outbound address guard', () => {
  it('tells public addresses from every loopback, private, link-local, reserved and IPv4-wrapping one', () => {
    for (const address of NOT_PUBLIC) expect(isPublicAddress(address), address).toBe(false);
    for (const address of ['8.8.8.8', '142.250.185.74', '2001:4860:4860::8888', '2a00:1450:4001:82b::200a'])
      expect(isPublicAddress(address), address).toBe(true);
  });

  it('matches allowed hosts exactly or by *.suffix (subdomains only)', () => {
    expect(hostAllowed('fcm.googleapis.com', KNOWN_PUSH_SERVICES)).toBe(true);
    expect(hostAllowed('web.push.apple.com', KNOWN_PUSH_SERVICES)).toBe(true);
    expect(hostAllowed('push.apple.com', KNOWN_PUSH_SERVICES)).toBe(false);
    expect(hostAllowed('evilpush.apple.com', KNOWN_PUSH_SERVICES)).toBe(false);
    expect(hostAllowed('fcm.googleapis.com.evil.example', KNOWN_PUSH_SERVICES)).toBe(false);
    expect(hostAllowed('metadata.google.internal', KNOWN_PUSH_SERVICES)).toBe(false);
    expect(hostAllowed('anything.example', ['*'])).toBe(true);
  });

  it('resolves the host and refuses it when any address is not public; numeric forms are normalised first', async () => {
    const zone: Record<string, string[]> = {
      'public.example': ['93.184.216.34'],
      'mixed.example': ['93.184.216.34', '10.0.0.1'],
      'metadata.google.internal': ['169.254.169.254'],
    };
    const resolve: HostResolver = (host) =>
      zone[host]
        ? Promise.resolve(zone[host].map((address) => ({ address, family: address.includes(':') ? 6 : 4 })))
        : Promise.reject(new Error('ENOTFOUND'));
    const guard = new OutboundAddressGuard({ allowedHosts: ['*'], allowPrivateAddresses: false }, resolve);
    const reason = (url: string) =>
      guard.check(new URL(url), ['https:']).then(
        () => 'allowed',
        (error: unknown) => (error instanceof OutboundRefused ? error.reason : String(error)),
      );
    expect(await guard.check(new URL('https://public.example/x'), ['https:'])).toMatchObject({ address: '93.184.216.34', family: 4 });
    for (const url of [
      'https://127.0.0.1:8443/',
      'https://localhost/',
      'https://[::1]/',
      'https://169.254.169.254/',
      'https://10.0.0.1/',
      'https://192.168.1.1/',
      'https://0.0.0.0/',
      'https://2130706433/',
      'https://0x7f.1/',
      'https://[::ffff:127.0.0.1]/',
      'https://metadata.google.internal/',
      'https://mixed.example/',
    ])
      expect(await reason(url), url).toMatch(/^(address_not_public|unresolvable)$/);
    expect(await reason('https://nowhere.example/')).toBe('unresolvable');
    expect(await reason('http://public.example/')).toBe('scheme');
    expect(
      await new OutboundAddressGuard({ allowedHosts: KNOWN_PUSH_SERVICES, allowPrivateAddresses: false }, resolve)
        .check(new URL('https://public.example/'), ['https:'])
        .catch((e: OutboundRefused) => e.reason),
    ).toBe('host_not_allowed');
  });

  it("lets the operator's trusted host names and CIDR ranges through, and nothing else (link previews)", async () => {
    const trusted = parseTrustedTargets([
      'wiki.corp',
      '*.intra.example',
      '10.0.0.0/8',
      '192.168.1.5',
      'fd00::/8',
      'bad host',
      '10.0.0.0/99',
    ]);
    expect(trusted).toEqual({
      hosts: ['wiki.corp', '*.intra.example'],
      ranges: ['10.0.0.0/8', '192.168.1.5/32', 'fd00::/8'],
      invalid: ['bad host', '10.0.0.0/99'],
    });
    const zone: Record<string, string[]> = {
      'wiki.corp': ['127.0.0.1'],
      'app.intra.example': ['192.168.9.9'],
      'other.example': ['10.1.2.3'],
    };
    const resolve: HostResolver = (host) => Promise.resolve((zone[host] ?? []).map((address) => ({ address, family: 4 })));
    const guard = new OutboundAddressGuard({ allowedHosts: ['*'], allowPrivateAddresses: false, trusted }, resolve);
    const check = (url: string) => guard.check(new URL(url), ['http:', 'https:']);
    await expect(check('http://wiki.corp/page')).resolves.toMatchObject({ address: '127.0.0.1' });
    await expect(check('http://app.intra.example/')).resolves.toMatchObject({ address: '192.168.9.9' });
    await expect(check('http://other.example/')).resolves.toMatchObject({ address: '10.1.2.3' });
    await expect(check('http://192.168.1.5/')).resolves.toMatchObject({ address: '192.168.1.5' });
    await expect(check('http://[fd12::1]/')).resolves.toMatchObject({ address: 'fd12::1' });
    for (const url of ['http://192.168.1.6/', 'http://127.0.0.1/', 'http://[::ffff:10.0.0.1]/', 'http://169.254.169.254/'])
      await expect(check(url), url).rejects.toMatchObject({ reason: 'address_not_public' });
  });
});
