import { canonicalCidr, checkCidr, checkRemoteHost, formatIp, isHostName, parseCidr, parseIp, specialRange } from '../../../lib/core/validation/network';
import { hadrErrorMessage } from '../../support/errors';

describe('addresses and ranges', () => {
  it('parses one spelling per address and refuses the others', () => {
    expect(formatIp(parseIp('2001:db8:0:0:1:0:0:1')!)).toBe('2001:db8::1:0:0:1');
    expect(formatIp(parseIp('::ffff:127.0.0.1')!)).toBe('::ffff:7f00:1');
    for (const bad of ['010.0.0.1', '127.1', '1.2.3.4 ', 'fe80::1%eth0', '0x7f.0.0.1', '1.2.3.256', '', 42]) expect(parseIp(bad)).toBeUndefined();
  });

  it('reads CIDR ranges strictly and writes them canonically', () => {
    expect(canonicalCidr(parseCidr('10.1.2.3/8')!)).toBe('10.0.0.0/8');
    for (const bad of ['10.0.0.0/33', '10.0.0.0/08', '10.0.0.0', '::/129', '10.0.0.0/8 trust', 'all']) expect(parseCidr(bad)).toBeUndefined();
    expect(hadrErrorMessage(() => checkCidr('p', 'f', '10.1.0.0/8'))).toBe(
      'p: f has host bits set, so the range it admits is not the one written (got "10.1.0.0/8"); write "10.0.0.0/8"');
    expect(hadrErrorMessage(() => checkCidr('p', 'f', 'FD00::/8'))).toBe(
      'p: f is not written canonically, so reviewers and tools may read another range (got "FD00::/8"); write "fd00::/8"');
  });

  it.each([
    ['127.0.0.1', '127.0.0.0/8'], ['::1', '::1/128'], ['169.254.169.254', '169.254.0.0/16'], ['::ffff:169.254.169.254', '169.254.0.0/16'],
    ['64:ff9b::a9fe:a9fe', '169.254.0.0/16'], ['::127.0.0.1', '127.0.0.0/8'], ['fe80::1', 'fe80::/10'], ['0.0.0.0', '0.0.0.0/8'], ['::', '::/128'],
    ['224.0.0.1', '224.0.0.0/4'], ['255.255.255.255', '240.0.0.0/4'], ['fd00:ec2::254', 'fd00:ec2::254/128'], ['100.100.100.200', '100.100.100.200/32'],
  ])('finds %s in the special range %s', (address, range) => {
    expect(specialRange(parseIp(address)!)?.cidr).toBe(range);
  });

  it('finds a range that overlaps a special one, and none for an ordinary address', () => {
    expect(specialRange(parseCidr('0.0.0.0/0')!)?.cidr).toBe('0.0.0.0/8');
    expect(specialRange(parseCidr('169.0.0.0/8')!)?.cidr).toBe('169.254.0.0/16');
    expect(specialRange(parseIp('10.30.0.21')!)).toBeUndefined();
    expect(specialRange(parseCidr('fd00:1::/64')!)).toBeUndefined();
  });

  it('takes a host name only when it cannot be read as an address', () => {
    for (const name of ['pg.example.com', 'db', 'a.b.c1', 'x--y.example']) expect(isHostName(name)).toBe(true);
    for (const name of ['127.1', '2130706433', '0x7f.1', '010.0.0.1', 'a..b', '-a.com', 'a_b.com', `${'a'.repeat(64)}.com`]) expect(isHostName(name)).toBe(false);
  });

  it('refuses a remote host that is this pod or a metadata server', () => {
    expect(hadrErrorMessage(() => checkRemoteHost('p', 'host', 'db.localhost', 'fix'))).toBe(
      'p: host names the pod itself or a cloud metadata server, not a shared component (got "db.localhost"); fix');
    expect(() => checkRemoteHost('p', 'host', '10.30.0.21', 'fix')).not.toThrow();
  });
});
