import { isSharedEndpointSource, isStatefulComponent, resolveSharedEndpoints } from '../../../lib/core/topology/shared-endpoint';
import { NetworkPeer, SharedEndpointSpec, StatefulKind } from 'hadr-constructs';

const services = ['api', 'worker'];
const resolveOne = (spec: SharedEndpointSpec) => resolveSharedEndpoints('shop', [spec], services)[0];

describe('resolveSharedEndpoints', () => {
  it.each([
    [StatefulKind.POSTGRESQL, { name: 'postgresql', port: 5432 }],
    [StatefulKind.REDIS, { name: 'redis', port: 6379 }],
    [StatefulKind.OBJECT_STORAGE, { name: 'https', port: 443 }],
    [StatefulKind.MESSAGE_QUEUE, { name: 'amqp', port: 5672 }],
    [StatefulKind.VECTOR_DATABASE, { name: 'http', port: 6333 }],
  ])('gives %o its usual port', (kind, port) => {
    expect(resolveOne({ name: 'store', kind, host: 'store.data.example.com' }).ports).toEqual([port]);
  });

  it('names a port other than the usual one after its number', () => {
    expect(resolveOne({ name: 'pg', kind: StatefulKind.POSTGRESQL, host: 'pg.example.com', port: 6432 }).ports).toEqual([{ name: 'tcp-6432', port: 6432 }]);
  });

  it('turns a DNS host into an ExternalName target, reachable on its ports from any address but the metadata server\'s unless a network is given', () => {
    const open = resolveOne({ name: 'pg', kind: StatefulKind.POSTGRESQL, host: 'pg.data.example.com' });
    expect(open.target).toEqual({ type: 'dns', host: 'pg.data.example.com' });
    expect(open.egress).toEqual([{ to: NetworkPeer.cidr('0.0.0.0/0', ['169.254.0.0/16']), ports: [{ port: 5432 }] }]);
    const narrow = resolveOne({ name: 'pg', kind: StatefulKind.POSTGRESQL, host: 'pg.data.example.com', network: '10.30.0.0/24' });
    expect(narrow.egress).toEqual([{ to: NetworkPeer.cidr('10.30.0.0/24'), ports: [{ port: 5432 }] }]);
  });

  it('turns a single IP host or a list of addresses into an EndpointSlice target, reachable at exactly those addresses', () => {
    expect(resolveOne({ name: 'redis', kind: StatefulKind.REDIS, host: '10.30.0.21' }).target).toEqual({ type: 'ips', family: 'IPv4', addresses: ['10.30.0.21'] });
    const v6 = resolveOne({ name: 'redis', kind: StatefulKind.REDIS, addresses: ['fd00::21', 'fd00::22'] });
    expect(v6.target).toEqual({ type: 'ips', family: 'IPv6', addresses: ['fd00::21', 'fd00::22'] });
    expect(v6.egress.map((r) => r.to.cidr)).toEqual(['fd00::21/128', 'fd00::22/128']);
  });

  it('lets every service use an endpoint unless usedBy narrows it', () => {
    expect(resolveOne({ name: 'pg', kind: StatefulKind.POSTGRESQL, host: 'pg.example.com' }).usedBy).toEqual(['api', 'worker']);
    expect(resolveOne({ name: 'pg', kind: StatefulKind.POSTGRESQL, host: 'pg.example.com', usedBy: ['worker'] }).usedBy).toEqual(['worker']);
  });

  it('reads a construct that describes itself as a shared endpoint', () => {
    const source = { sharedEndpoint: (): SharedEndpointSpec => ({ name: 'pg', kind: StatefulKind.POSTGRESQL, host: 'pg.data.example.com' }) };
    expect(isSharedEndpointSource(source)).toBe(true);
    expect(resolveSharedEndpoints('shop', [source], services)[0]).toMatchObject({ name: 'pg', kind: 'postgresql' });
  });

  it.each<[string, SharedEndpointSpec[], string]>([
    ['no host and no addresses', [{ name: 'pg', kind: StatefulKind.POSTGRESQL }],
      "shop: sharedEndpoints[0].host or addresses is required (got nothing); give the DNS name in host (e.g. 'pg.data.example.com'), or the IP addresses in addresses"],
    ['an address listed twice', [{ name: 'mq', kind: StatefulKind.MESSAGE_QUEUE, addresses: ['10.0.0.1', '10.0.0.1'] }],
      "shop: sharedEndpoints[0].addresses[1] must be an IP address listed once (got \"10.0.0.1\"); use e.g. '10.30.0.21', or a DNS name in host"],
    ['two endpoints of one name', [{ name: 'pg', kind: StatefulKind.POSTGRESQL, host: 'a.example.com' }, { name: 'pg', kind: StatefulKind.REDIS, host: 'b.example.com' }],
      'shop: sharedEndpoints[1].name is used by another shared endpoint (got "pg"); give every Service in the namespace its own name'],
    ['two ports of one name', [{ name: 'q', kind: StatefulKind.VECTOR_DATABASE, host: 'q.example.com', ports: [{ port: 6333, name: 'http' }, { port: 6334, name: 'http' }] }],
      "shop: sharedEndpoints[0].ports[1].name must be a unique IANA service name for a unique port: at most 15 lowercase letters, digits and dashes (got \"http\"); use e.g. 'amqp' or 'tcp-5672'"],
    ['a network that is not a CIDR', [{ name: 'pg', kind: StatefulKind.POSTGRESQL, host: 'pg.example.com', network: '10.30.0.0' }],
      "shop: sharedEndpoints[0].network is not a CIDR range (got \"10.30.0.0\"); use e.g. '10.30.0.0/24'"],
    ['a kind that is not a StatefulKind', [{ name: 'pg', kind: 'postgresql' as any, host: 'pg.example.com' }],
      'shop: sharedEndpoints[0].kind must be a StatefulKind (got "postgresql"); use e.g. StatefulKind.POSTGRESQL, or StatefulKind.custom(name)'],
  ])('rejects %s', (_what, endpoints, message) => {
    expect(() => resolveSharedEndpoints('shop', endpoints, services)).toThrow(message);
  });
});

describe('isStatefulComponent', () => {
  it('recognises what declares a StatefulKind, and nothing else', () => {
    expect(isStatefulComponent({ statefulKind: StatefulKind.REDIS })).toBe(true);
    expect(isStatefulComponent({ statefulKind: 'redis' })).toBe(false);
    expect(isStatefulComponent(undefined)).toBe(false);
  });
});
