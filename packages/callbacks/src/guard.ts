// The SSRF guard of callback URLs (design.md "Configuration": ORDO_CALLBACK_ALLOWLIST). A
// callback may reach only public addresses, unless the allow-list names the host or a CIDR
// holding the address. The check runs when a callback is registered (every address the name
// resolves to) and again when each delivery connects (`guardedLookup`, the address actually
// dialled), so a name that later resolves to 127.0.0.1 (DNS rebinding) is refused too.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';

/** Ranges a callback may not reach by default, with the word an operator reads. */
const BLOCKED: ReadonlyArray<readonly [string, number, 'ipv4' | 'ipv6', string]> = [
  ['0.0.0.0', 8, 'ipv4', 'an unspecified ("this network") address'],
  ['10.0.0.0', 8, 'ipv4', 'a private address'],
  ['100.64.0.0', 10, 'ipv4', 'a shared (carrier-grade NAT) address'],
  ['127.0.0.0', 8, 'ipv4', 'a loopback address'],
  ['169.254.0.0', 16, 'ipv4', 'a link-local address'],
  ['172.16.0.0', 12, 'ipv4', 'a private address'],
  ['192.0.0.0', 24, 'ipv4', 'an IETF protocol address'],
  ['192.168.0.0', 16, 'ipv4', 'a private address'],
  ['198.18.0.0', 15, 'ipv4', 'a benchmarking address'],
  ['224.0.0.0', 4, 'ipv4', 'a multicast address'],
  ['240.0.0.0', 4, 'ipv4', 'a reserved address'],
  ['::', 128, 'ipv6', 'an unspecified address'],
  ['::1', 128, 'ipv6', 'a loopback address'],
  ['fc00::', 7, 'ipv6', 'a private (unique local) address'],
  ['fe80::', 10, 'ipv6', 'a link-local address'],
  ['ff00::', 8, 'ipv6', 'a multicast address'],
];

const blockedLists = BLOCKED.map(([net, prefix, family, why]) => {
  const list = new BlockList();
  list.addSubnet(net, prefix, family);
  return { list, family, why };
});

/** The IPv4 address inside an IPv4-mapped (`::ffff:a.b.c.d`) or NAT64 (`64:ff9b::/96`) IPv6 address. */
function embeddedIPv4(address: string): string | undefined {
  const lower = address.toLowerCase();
  const dotted = /^(?:::ffff:|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (dotted) return dotted[1];
  const hex = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (!hex) return undefined;
  const hi = Number.parseInt(hex[1] ?? '0', 16);
  const lo = Number.parseInt(hex[2] ?? '0', 16);
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

/** Why an address may not be reached by default, or undefined for a public address. */
export function blockedReason(address: string): string | undefined {
  const inner = embeddedIPv4(address);
  if (inner !== undefined) return blockedReason(inner);
  const family = isIP(address) === 4 ? 'ipv4' : isIP(address) === 6 ? 'ipv6' : undefined;
  if (family === undefined) return 'not an IP address';
  for (const { list, family: f, why } of blockedLists) {
    if (f === family && list.check(address, family)) return why;
  }
  return undefined;
}

/** Hosts and CIDRs that callbacks may reach although they are loopback or private. */
export interface Allowlist {
  /** host names, lower case, as written in URLs */
  readonly hosts: ReadonlySet<string>;
  readonly addresses: BlockList;
  /** the entries as given, for messages */
  readonly entries: readonly string[];
}

/**
 * Parses `ORDO_CALLBACK_ALLOWLIST`: a comma-separated list of host names, IP addresses and
 * CIDRs (`127.0.0.1,10.0.0.0/8,hooks.internal`). Throws on an entry that is none of these.
 */
export function parseAllowlist(value: string | undefined): Allowlist {
  const hosts = new Set<string>();
  const addresses = new BlockList();
  const entries = (value ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
  for (const entry of entries) {
    const [net, prefixText, extra] = entry.split('/');
    if (extra !== undefined || net === undefined)
      throw new Error(`allow-list entry "${entry}" is not a host or CIDR`);
    const bare = net.replace(/^\[(.*)\]$/, '$1');
    const family = isIP(bare);
    if (family === 0) {
      if (prefixText !== undefined || !/^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/.test(bare)) {
        throw new Error(`allow-list entry "${entry}" is not a host name, an IP address or a CIDR`);
      }
      hosts.add(bare.toLowerCase());
      continue;
    }
    const type = family === 4 ? 'ipv4' : 'ipv6';
    const max = family === 4 ? 32 : 128;
    const prefix = prefixText === undefined ? max : Number(prefixText);
    if (!Number.isInteger(prefix) || prefix < 0 || prefix > max) {
      throw new Error(`allow-list entry "${entry}" has a prefix length outside 0–${max}`);
    }
    addresses.addSubnet(bare, prefix, type);
  }
  return { hosts, addresses, entries };
}

export const EMPTY_ALLOWLIST: Allowlist = parseAllowlist('');

function allowedAddress(allowlist: Allowlist, address: string): boolean {
  const inner = embeddedIPv4(address);
  if (inner !== undefined && allowlist.addresses.check(inner, 'ipv4')) return true;
  const family = isIP(address) === 4 ? 'ipv4' : 'ipv6';
  return allowlist.addresses.check(address, family);
}

/** Why `address` (reached through `host`) is refused, or undefined when it may be reached. */
export function refusal(allowlist: Allowlist, host: string, address: string): string | undefined {
  if (allowlist.hosts.has(host.toLowerCase())) return undefined;
  const why = blockedReason(address);
  if (why === undefined || allowedAddress(allowlist, address)) return undefined;
  return `${host} resolves to ${address}, ${why}; callbacks may reach it only if ORDO_CALLBACK_ALLOWLIST allows it`;
}

export type UrlCheck = { ok: true; url: URL } | { ok: false; reason: string };

export type Resolver = (host: string) => Promise<string[]>;

const systemResolver: Resolver = (host) =>
  new Promise((resolve, reject) => {
    dnsLookup(host, { all: true, verbatim: true }, (err, addresses: LookupAddress[]) => {
      if (err) reject(err);
      else resolve(addresses.map((a) => a.address));
    });
  });

/** The URL's host without IPv6 brackets. */
export function urlHost(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

/**
 * Checks a callback URL: http or https, no credentials in it, and every address its host
 * resolves to may be reached (see `refusal`). A host that does not resolve is refused.
 */
export async function checkCallbackUrl(
  text: string,
  allowlist: Allowlist,
  resolve: Resolver = systemResolver,
): Promise<UrlCheck> {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, reason: `"${text}" is not a URL` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return {
      ok: false,
      reason: `a callback URL must be http or https, not ${url.protocol.replace(':', '')}`,
    };
  }
  if (url.username !== '' || url.password !== '') {
    return { ok: false, reason: 'a callback URL may not hold credentials; the signature authenticates Ordo' };
  }
  const host = urlHost(url);
  if (allowlist.hosts.has(host.toLowerCase())) return { ok: true, url };
  let addresses: string[];
  if (isIP(host) !== 0) {
    addresses = [host];
  } else {
    try {
      addresses = await resolve(host);
    } catch (error) {
      return { ok: false, reason: `the host ${host} does not resolve (${(error as Error).message})` };
    }
    if (addresses.length === 0) return { ok: false, reason: `the host ${host} does not resolve` };
  }
  for (const address of addresses) {
    const why = refusal(allowlist, host, address);
    if (why !== undefined) return { ok: false, reason: why };
  }
  return { ok: true, url };
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * A `lookup` for `http.request`: resolves as usual, then refuses the connection when an address
 * may not be reached — the check at connect time, against DNS rebinding.
 */
export function guardedLookup(allowlist: Allowlist) {
  return (hostname: string, options: { all?: boolean }, callback: LookupCallback): void => {
    dnsLookup(hostname, { ...options, all: true, verbatim: true }, (err, addresses: LookupAddress[]) => {
      if (err) {
        callback(err, options.all ? [] : '');
        return;
      }
      for (const { address } of addresses) {
        const why = refusal(allowlist, hostname, address);
        if (why !== undefined) {
          const refused = Object.assign(new Error(why), {
            code: 'ECALLBACKREFUSED',
          }) as NodeJS.ErrnoException;
          callback(refused, options.all ? [] : '');
          return;
        }
      }
      if (options.all) callback(null, addresses);
      else callback(null, addresses[0]?.address ?? '', addresses[0]?.family ?? 4);
    });
  };
}
