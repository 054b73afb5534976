import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Duration } from 'cdk8s';
import { ResolvedService, resolveServiceSpec } from '../../../lib/core/service/service-spec';
import { resolveClusters } from '../../../lib/core/topology/cluster-spec';
import { crossClusterBalancerSpec, resolveLoadBalancing } from '../../../lib/core/traffic/cross-cluster-balancer';
import { serversAvailable } from '../../e2e/support/processes';
import { ServiceSpec, AvailabilityMode, ClusterSpec, CrossClusterBalancer, CrossClusterLoadBalancing, renderHaproxyConfig } from 'hadr-constructs';

const PATH = 'chat';
const services: ResolvedService[] = ([
  { name: 'web', image: 'ghcr.io/acme/chat-web:3.2.1', port: 8080, healthPath: '/healthz' },
  { name: 'worker', image: 'ghcr.io/acme/chat-worker:3.2.1', ports: [{ name: 'metrics', port: 9100 }] },
] as ServiceSpec[]).map((s) => resolveServiceSpec(PATH, s));
const clusterSpecs: ClusterSpec[] = [
  { name: 'dc1-a', ingress: { address: '10.1.0.10' } },
  { name: 'dc1-b', ingress: { address: 'ingress.dc1-b.acme.internal', httpPort: 8080, httpsPort: 8443 } },
];
const clusters = resolveClusters(PATH, clusterSpecs, { serviceNames: ['web', 'worker'], availability: AvailabilityMode.MULTI_REPLICA, minClusters: 2 });
const sticky: CrossClusterLoadBalancing = { service: 'web', host: 'chat.acme.example', stickySessions: { cookieName: 'CHAT_SITE' } };

const resolve = (given: Partial<CrossClusterLoadBalancing>, withClusters = clusters) =>
  resolveLoadBalancing(PATH, { ...sticky, ...given } as CrossClusterLoadBalancing, services, withClusters);
const specOf = (given: Partial<CrossClusterLoadBalancing>) => crossClusterBalancerSpec('chat/balancer', resolve(given));

/** haproxy -c on a rendered file: exit status and output. */
function haproxyCheck(cfg: string): { status: number | null; output: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hadr-balancer-check-'));
  try {
    fs.writeFileSync(path.join(dir, 'haproxy.cfg'), cfg);
    const run = spawnSync('haproxy', ['-c', '-f', path.join(dir, 'haproxy.cfg')], { encoding: 'utf8', timeout: 10_000 });
    return { status: run.status, output: `${run.stdout}${run.stderr}` };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const withHaproxy = serversAvailable('haproxy -c on the balancer config', ['haproxy']) ? it : it.skip;

describe('crossClusterBalancerSpec', () => {
  describe('GIVEN sticky sessions through HAProxy in HTTP mode', () => {
    const spec = specOf({});
    const [listener] = spec.listeners;

    it('sends each cluster its share at its ingress HTTP port, one server per cluster', () => {
      expect(listener.servers).toEqual([
        { name: 'dc1-a', address: '10.1.0.10', port: 80, checkPort: undefined, cookie: 'dc1-a' },
        { name: 'dc1-b', address: 'ingress.dc1-b.acme.internal', port: 8080, checkPort: undefined, cookie: 'dc1-b' },
      ]);
      expect(listener).toMatchObject({ name: 'web', mode: 'http', port: 80, bindAddress: '0.0.0.0', balance: 'roundrobin' });
    });

    it("checks each cluster through its ingress on the service's health path, with the public Host", () => {
      expect(listener.healthCheck).toEqual({ method: 'GET', path: '/healthz', expectStatus: 200, host: 'chat.acme.example' });
    });

    it('checks every 2 s, every 1 s once a check fails, and takes a cluster out after three failures, cutting its sessions', () => {
      const checks = listener.serverChecks!;
      expect([checks.inter, checks.fastInter, checks.downInter, checks.timeout].map((d) => d.toMilliseconds())).toEqual([2000, 1000, 2000, 2000]);
      expect([checks.fall, checks.rise, checks.shutdownSessionsOnMarkedDown]).toEqual([3, 2, true]);
    });

    it('pins each client to a cluster with the named cookie, and redispatches when that cluster fails', () => {
      expect(listener.stickyCookie).toBe('CHAT_SITE');
      expect(listener.redispatch).toBe(true);
    });

    it('renders a haproxy.cfg with httpchk, the Host header and one cookie value per cluster', () => {
      const cfg = renderHaproxyConfig(spec);
      expect(cfg).toContain('    option httpchk\n    http-check send meth GET uri /healthz ver HTTP/1.1 hdr Host chat.acme.example\n');
      expect(cfg).toContain('    option redispatch\n    cookie CHAT_SITE insert indirect nocache\n');
      expect(cfg).toContain('    server dc1-a 10.1.0.10:80 check cookie dc1-a\n');
      expect(cfg).toContain('    server dc1-b ingress.dc1-b.acme.internal:8080 check cookie dc1-b resolvers dns init-addr last,libc,none\n');
    });

    withHaproxy('passes haproxy -c', () => {
      const result = haproxyCheck(renderHaproxyConfig(spec));
      expect(result.output).toContain('Configuration file is valid');
      expect(result.output).not.toMatch(/ALERT/);
      expect(result.status).toBe(0);
    });
  });

  describe('GIVEN TLS passed through to the ingresses', () => {
    const spec = specOf({ stickySessions: undefined, balancer: CrossClusterBalancer.haproxyTlsPassthrough({ statsPort: 8404 }) });
    const [listener] = spec.listeners;

    it('forwards TCP to the TLS port and checks over HTTP on the plain port', () => {
      expect(listener).toMatchObject({ mode: 'tcp', port: 443 });
      expect(listener.servers.map((s) => [s.port, s.checkPort, s.cookie])).toEqual([[443, 80, undefined], [8443, 8080, undefined]]);
      expect(listener.stickyCookie).toBeUndefined();
      expect(spec.stats).toEqual({ port: 8404, bindAddress: '127.0.0.1', uri: '/' });
    });

    withHaproxy('passes haproxy -c', () => {
      const result = haproxyCheck(renderHaproxyConfig(spec));
      expect(result.output).toContain('Configuration file is valid');
      expect(result.status).toBe(0);
    });
  });

  it('sets no cookie without sticky sessions', () => {
    const [listener] = specOf({ stickySessions: undefined }).listeners;
    expect(listener.stickyCookie).toBeUndefined();
    expect(listener.servers.map((s) => s.cookie)).toEqual([undefined, undefined]);
  });

  it('honours the check cadence, bind address and port asked for', () => {
    const [listener] = specOf({
      balancer: CrossClusterBalancer.haproxy({ port: 8080, bindAddress: '10.0.0.5', checkInterval: Duration.millis(500), fall: 2, rise: 1 }),
    }).listeners;
    expect(listener).toMatchObject({ port: 8080, bindAddress: '10.0.0.5' });
    expect(listener.serverChecks!.fastInter.toMilliseconds()).toBe(250);
    expect([listener.serverChecks!.fall, listener.serverChecks!.rise]).toEqual([2, 1]);
  });
});

describe('resolveLoadBalancing', () => {
  it('defaults to HAProxy over HTTP, the nginx IngressClass and a pod cookie named after the cluster cookie', () => {
    const resolved = resolve({});
    expect(resolved.balancer.name).toBe('haproxy-http');
    expect(resolved).toMatchObject({
      service: 'web', servicePort: 8080, healthPath: '/healthz', ingressClassName: 'nginx',
      ingressControllerNamespace: 'ingress-nginx', tlsSecretName: 'web-tls',
      stickySessions: { cookieName: 'CHAT_SITE', podCookieName: 'CHAT_SITE-pod' },
    });
  });

  describe('rejects bad input with the path, the field, the value and the fix', () => {
    it.each<[string, Partial<CrossClusterLoadBalancing>, string]>([
      ['sticky sessions without a cookie name', { stickySessions: {} as any },
        "chat: loadBalancing.stickySessions.cookieName is required for sticky sessions: the balancer pins each client to a cluster with this cookie (got nothing); name a cookie the application does not use, e.g. 'HADR_SITE'"],
      ['sticky sessions with a balancer that cannot read cookies', { balancer: CrossClusterBalancer.haproxyTlsPassthrough() },
        'chat: loadBalancing.stickySessions needs a balancer that reads cookies, and haproxy-tls-passthrough passes TLS through without reading requests (got "CHAT_SITE"); use CrossClusterBalancer.haproxy() (HTTP), or drop stickySessions'],
      ['a cookie name HAProxy would misread', { stickySessions: { cookieName: 'chat site' } },
        'chat: loadBalancing.stickySessions.cookieName must be a cookie name of letters, digits, _ and - (got "chat site"); use e.g. \'HADR_SITE\''],
      ['a pod cookie named like the cluster cookie', { stickySessions: { cookieName: 'CHAT_SITE', podCookieName: 'CHAT_SITE' } },
        'chat: loadBalancing.stickySessions.podCookieName must differ from cookieName: the balancer strips its own cookie before the ingress sees it (got "CHAT_SITE"); use e.g. \'CHAT_SITE-pod\''],
      ['an unknown service', { service: 'api' },
        'chat: loadBalancing.service is not a service of the topology (got "api"); use one of "web", "worker"'],
      ['a service without an HTTP health check', { service: 'worker' },
        'chat: loadBalancing.healthPath is needed because worker has no HTTP health check: the balancer checks each cluster through its ingress (got nothing); give e.g. healthPath: \'/healthz\''],
      ['a public host that is not a DNS name', { host: 'chat' },
        'chat: loadBalancing.host must be a fully qualified DNS name (got "chat"); use e.g. \'chat.acme.example\''],
      ['checks faster than 200 ms', { balancer: CrossClusterBalancer.haproxy({ checkInterval: Duration.millis(50) }) },
        'chat: loadBalancing.balancer.checkInterval must be at least 200 ms: faster checks only load the ingresses (got 50 millis); use e.g. Duration.seconds(2)'],
    ])('%s', (_what, given, message) => {
      expect(() => resolve(given)).toThrow(message);
    });

    it('a cluster without an ingress address', () => {
      const withoutIngress = resolveClusters(PATH, [clusterSpecs[0], { name: 'dc1-b' }],
        { serviceNames: ['web', 'worker'], availability: AvailabilityMode.MULTI_REPLICA, minClusters: 2 });
      expect(() => resolve({}, withoutIngress)).toThrow(
        "chat: clusters[1].ingress.address is required for cross-cluster load balancing: the balancer sends each cluster's share to its ingress (got nothing); give the address of dc1-b's ingress controller, e.g. 'ingress.dc1-b.example.com'");
    });
  });
});
