/**
 * Addresses, ranges and host names, parsed strictly: one spelling per address, so what a rule
 * admits is what the reader of the code sees.
 */
import { isIP } from 'net';
import { HadrError } from '../errors';

/** An IP address as a number. */
export interface ParsedIp {
  readonly family: 4 | 6;
  readonly value: bigint;
}

/** A CIDR range. */
export interface ParsedCidr extends ParsedIp {
  readonly prefix: number;
}

/** A range with a special meaning, where no shared component or declared peer should be. */
interface SpecialRange {
  readonly cidr: string;
  readonly meaning: string;
}

/** Ranges that are not a remote component: this host, the link, no address, groups. */
const SPECIAL_RANGES: readonly SpecialRange[] = [
  { cidr: '0.0.0.0/8', meaning: 'the unspecified address range ("this host")' },
  { cidr: '127.0.0.0/8', meaning: 'loopback: every pod would reach itself, not the component' },
  { cidr: '169.254.0.0/16', meaning: 'link-local, home of the cloud metadata server (169.254.169.254): every pod could read the node\'s cloud credentials' },
  { cidr: '224.0.0.0/4', meaning: 'multicast' },
  { cidr: '240.0.0.0/4', meaning: 'reserved, including the broadcast address' },
  { cidr: '100.100.100.200/32', meaning: 'the Alibaba Cloud metadata server' },
  { cidr: '::/128', meaning: 'the unspecified address' },
  { cidr: '::1/128', meaning: 'loopback: every pod would reach itself, not the component' },
  { cidr: 'fe80::/10', meaning: 'link-local' },
  { cidr: 'ff00::/8', meaning: 'multicast' },
  { cidr: 'fd00:ec2::254/128', meaning: 'the AWS metadata server (IPv6)' },
];

/** Ranges an IPv6 address carries an IPv4 address in: mapped, compatible, NAT64. */
const IPV4_EMBEDDINGS = ['::ffff:0:0/96', '::/96', '64:ff9b::/96'];

/** Parses an IPv4 or IPv6 address; undefined for anything else (zones, leading zeros, spaces). */
export function parseIp(text: unknown): ParsedIp | undefined {
  if (typeof text !== 'string') return undefined;
  const family = isIP(text);
  if (family === 4) {
    return { family: 4, value: text.split('.').reduce((acc, octet) => acc * 256n + BigInt(Number(octet)), 0n) };
  }
  if (family !== 6 || text.includes('%')) return undefined;
  let head = text;
  let tail: bigint[] = [];
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const v4 = parseIp(dotted[1]);
    if (!v4) return undefined;
    tail = [v4.value / 65536n, v4.value % 65536n];
    head = text.slice(0, text.length - dotted[1].length);
    if (head.endsWith(':') && !head.endsWith('::')) head = head.slice(0, -1);
  }
  const [left, right] = head.includes('::') ? head.split('::') : [head, undefined];
  const words = (part: string | undefined) => (part ? part.split(':').filter((w) => w !== '').map((w) => BigInt(parseInt(w, 16))) : []);
  const leftWords = words(left);
  const rightWords = [...words(right), ...tail];
  const fill = right === undefined ? [] : Array<bigint>(8 - leftWords.length - rightWords.length).fill(0n);
  const all = right === undefined ? [...leftWords, ...tail] : [...leftWords, ...fill, ...rightWords];
  if (all.length !== 8) return undefined;
  return { family: 6, value: all.reduce((acc, word) => acc * 65536n + word, 0n) };
}

/** Parses `address/prefix`; undefined when either part is malformed or the prefix is too long. */
export function parseCidr(text: unknown): ParsedCidr | undefined {
  if (typeof text !== 'string') return undefined;
  const match = /^([^/]+)\/(0|[1-9][0-9]{0,2})$/.exec(text);
  if (!match) return undefined;
  const ip = parseIp(match[1]);
  const prefix = Number(match[2]);
  if (!ip || prefix > bits(ip.family)) return undefined;
  return { ...ip, prefix };
}

/** The range written with its host bits cleared, e.g. `10.0.0.0/8` for `10.1.2.3/8`. */
export function canonicalCidr(cidr: ParsedCidr): string {
  return `${formatIp({ family: cidr.family, value: network(cidr) })}/${cidr.prefix}`;
}

/** An address in its usual spelling (dotted quad, or IPv6 groups without leading zeros). */
export function formatIp(ip: ParsedIp): string {
  if (ip.family === 4) return [24n, 16n, 8n, 0n].map((shift) => String((ip.value / 2n ** shift) % 256n)).join('.');
  const groups = Array.from({ length: 8 }, (_, i) => Number((ip.value / 2n ** BigInt(112 - 16 * i)) % 65536n));
  // RFC 5952: the longest run of two or more zero groups becomes '::' (the first, on a tie).
  let best = { start: -1, length: 0 };
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > best.length && j - i >= 2) best = { start: i, length: j - i };
    i = j > i ? j : i + 1;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best.start < 0) return hex.join(':');
  return `${hex.slice(0, best.start).join(':')}::${hex.slice(best.start + best.length).join(':')}`;
}

/** True when `inner` lies inside `outer` (same family, longer or equal prefix, same network). */
export function cidrContains(outer: ParsedCidr, inner: ParsedCidr): boolean {
  return outer.family === inner.family && inner.prefix >= outer.prefix
    && network({ ...inner, prefix: outer.prefix }) === network(outer);
}

/** True when the two ranges share at least one address. */
export function cidrsOverlap(a: ParsedCidr, b: ParsedCidr): boolean {
  return cidrContains(a, b) || cidrContains(b, a);
}

/**
 * The special range (loopback, link-local, metadata server, unspecified, multicast) an address
 * or range falls in or overlaps, with what it means; undefined for an ordinary one. IPv4
 * addresses inside IPv6 (`::ffff:127.0.0.1`) count as the IPv4 address.
 */
export function specialRange(given: ParsedIp | ParsedCidr): { readonly cidr: string; readonly meaning: string } | undefined {
  const range: ParsedCidr = 'prefix' in given ? given : { ...given, prefix: bits(given.family) };
  for (const special of SPECIAL_RANGES) {
    if (cidrsOverlap(range, parseCidr(special.cidr)!)) return special;
  }
  if (range.family === 6) {
    for (const embedding of IPV4_EMBEDDINGS) {
      const outer = parseCidr(embedding)!;
      if (cidrContains(outer, range)) {
        const v4 = { family: 4 as const, value: range.value % 2n ** 32n, prefix: Math.max(0, range.prefix - 96) };
        if (embedding === '::/96' && v4.value === 0n) continue; // `::` itself is caught above
        const found = specialRange(v4);
        if (found) return found;
      }
    }
  }
  return undefined;
}

/**
 * Throws unless `value` is a CIDR range written canonically (`10.0.0.0/16`, not
 * `10.0.1.0/16` or `010.0.0.0/16`). Returns the parsed range.
 */
export function checkCidr(path: string, field: string, value: unknown): ParsedCidr {
  const parsed = parseCidr(value);
  if (!parsed) {
    throw new HadrError({
      path, field, value, problem: 'is not a CIDR range (an IPv4 or IPv6 address, a slash and a prefix length)',
      fix: "use e.g. '10.0.0.0/16' or 'fd00::/64'",
    });
  }
  const canonical = canonicalCidr(parsed);
  if (canonical !== value) {
    const hostBits = network(parsed) !== parsed.value;
    throw new HadrError({
      path, field, value,
      problem: hostBits
        ? 'has host bits set, so the range it admits is not the one written'
        : 'is not written canonically, so reviewers and tools may read another range',
      fix: `write ${JSON.stringify(canonical)}`,
    });
  }
  return parsed;
}

/**
 * Throws when `value` (an address or a CIDR range) falls in or overlaps loopback, link-local
 * (the cloud metadata server), the unspecified address or multicast: a shared component is
 * never there, and a rule to it would open the pod's own host or the node's credentials.
 */
export function checkNotSpecialRange(path: string, field: string, value: string, given: ParsedIp | ParsedCidr): void {
  const special = specialRange(given);
  if (special) {
    throw new HadrError({
      path, field, value, problem: `is in or overlaps ${special.cidr}, ${special.meaning}`,
      fix: 'give the address or range of the component itself, outside loopback, link-local and metadata ranges',
    });
  }
}

/** A DNS name: dot-separated RFC 1123 labels of at most 63 characters, 253 in all. */
const DNS_NAME = /^(?=.{1,253}$)[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?)*$/;

/**
 * True for a DNS host name. Its last label is not all digits and not a `0x` number: resolvers
 * (inet_aton) read `127.1`, `2130706433`, `0x7f.1` or `010.0.0.1` as IPv4 addresses, so such a
 * "name" is an address in disguise, in a form the address checks would not see.
 */
export function isHostName(value: unknown, options: { readonly lowercase?: boolean } = {}): value is string {
  if (typeof value !== 'string' || !DNS_NAME.test(value)) return false;
  if (options.lowercase && value !== value.toLowerCase()) return false;
  const last = value.slice(value.lastIndexOf('.') + 1);
  return !/^[0-9]+$/.test(last) && !/^0x[0-9a-f]*$/i.test(last);
}

/** Names that resolve to the pod itself or to a metadata server. */
export function isLocalHostName(value: string): boolean {
  const name = value.toLowerCase();
  return name === 'localhost' || name.endsWith('.localhost') || name === 'localhost.localdomain'
    || name === 'metadata' || name === 'metadata.google.internal' || name === 'instance-data' || name.startsWith('instance-data.');
}

function bits(family: 4 | 6): number {
  return family === 4 ? 32 : 128;
}

function network(cidr: ParsedCidr): bigint {
  const hostBits = BigInt(bits(cidr.family) - cidr.prefix);
  return (cidr.value / 2n ** hostBits) * 2n ** hostBits;
}

/**
 * Throws unless `value` is the address of a component elsewhere: a DNS host name (not one
 * resolving to the pod itself or a metadata server, not a number in disguise) or an IP address
 * outside loopback, link-local (the cloud metadata server), unspecified and multicast ranges.
 * What goes in as such an address becomes an ExternalName, an EndpointSlice and an egress rule
 * open to every pod that uses it.
 */
export function checkRemoteHost(path: string, field: string, value: unknown, fix: string): void {
  const ip = parseIp(value);
  if (ip) {
    checkNotSpecialRange(path, field, value as string, ip);
    return;
  }
  if (!isHostName(value, { lowercase: true })) {
    throw new HadrError({
      path, field, value,
      problem: typeof value === 'string' && /^[0-9.]+$|^0x/i.test(value.slice(value.lastIndexOf('.') + 1))
        ? 'is neither a DNS name nor an IP address in its one plain spelling (resolvers read numeric names such as 127.1 or 010.0.0.1 as addresses)'
        : 'must be a DNS name or an IP address',
      fix,
    });
  }
  if (isLocalHostName(value)) {
    throw new HadrError({
      path, field, value, problem: 'names the pod itself or a cloud metadata server, not a shared component', fix,
    });
  }
}

/** Throws unless `value` is a canonical CIDR range clear of loopback, link-local and metadata ranges. */
export function checkRemoteNetwork(path: string, field: string, value: unknown): ParsedCidr {
  const range = checkCidr(path, field, value);
  checkNotSpecialRange(path, field, value as string, range);
  return range;
}
