import { applyServiceOverride, ClusterContext, isDnsName, resolveClusters } from '../../../lib/core/topology/cluster-spec';
import { EnvValue, ServiceSpec, AvailabilityMode, ClusterSpec } from 'hadr-constructs';

const context: ClusterContext = { serviceNames: ['api'], availability: AvailabilityMode.MULTI_REPLICA, minClusters: 2 };
const resolve = (clusters: ClusterSpec[]) => resolveClusters('shop', clusters, context);

describe('resolveClusters', () => {
  it("applies the topology's mode, no zones or labels, and the ingress's usual ports", () => {
    const [a, b] = resolve([{ name: 'dc1-a', ingress: { address: 'ingress.dc1-a.example.com' } }, { name: 'dc1-b', availability: AvailabilityMode.BASELINE }]);
    expect(a).toEqual({
      name: 'dc1-a', zones: [], labels: {}, availability: AvailabilityMode.MULTI_REPLICA, services: {}, egressCidrs: [],
      ingress: { address: 'ingress.dc1-a.example.com', host: undefined, httpPort: 80, httpsPort: 443 },
    });
    expect(b.availability).toBe(AvailabilityMode.BASELINE);
    expect(b.ingress).toBeUndefined();
  });

  it('keeps zones, labels and overrides as given', () => {
    const [a] = resolve([
      { name: 'dc1-a', zones: ['room-1', 'room-2'], labels: { 'example.com/site': 'dc1' }, services: { api: { replicas: 5 } } },
      { name: 'dc1-b' },
    ]);
    expect(a).toMatchObject({ zones: ['room-1', 'room-2'], labels: { 'example.com/site': 'dc1' }, services: { api: { replicas: 5 } } });
  });

  it.each<[string, ClusterSpec[], string]>([
    ['a zone listed twice', [{ name: 'dc1-a', zones: ['room-1', 'room-1'] }, { name: 'dc1-b' }],
      "shop: clusters[0].zones[1] must be a label value listed once (got \"room-1\"); use the zone's topology.kubernetes.io/zone value, e.g. 'eu-west-1a'"],
    ['a label value Kubernetes refuses', [{ name: 'dc1-a', labels: { site: 'dc 1' } }, { name: 'dc1-b' }],
      'shop: clusters[0].labels.site is not a valid label (got "dc 1"); use a key like example.com/site and a value of at most 63 letters, digits, -, _ and .'],
    ['an ingress address that is neither a DNS name nor an IP', [{ name: 'dc1-a', ingress: { address: 'https://ingress' } }, { name: 'dc1-b' }],
      "shop: clusters[0].ingress.address must be the DNS name or IP address of the cluster's ingress controller (got \"https://ingress\"); use e.g. 'ingress.dc1-a.example.com'"],
    ['an ingress port out of range', [{ name: 'dc1-a', ingress: { address: '10.0.0.1', httpPort: 70000 } }, { name: 'dc1-b' }],
      'shop: clusters[0].ingress.httpPort must be a port number from 1 to 65535 (got 70000); use e.g. 8080'],
    ['a mode that is not an AvailabilityMode', [{ name: 'dc1-a', availability: 'multi-replica' as any }, { name: 'dc1-b' }],
      'shop: clusters[0].availability must be an AvailabilityMode (got "multi-replica"); use AvailabilityMode.MULTI_REPLICA or AvailabilityMode.BASELINE'],
  ])('rejects %s', (_what, clusters, message) => {
    expect(() => resolve(clusters)).toThrow(message);
  });
});

describe('applyServiceOverride', () => {
  const api: ServiceSpec = {
    name: 'api', image: 'ghcr.io/acme/api:1.0.0', port: 8080, env: { LOG_LEVEL: 'info', REGION: 'dc1' },
    resources: { cpu: { request: '200m' } }, autoscale: { min: 2, max: 6 },
  };

  it('returns the service as declared without an override', () => {
    expect(applyServiceOverride(api, undefined)).toBe(api);
  });

  it('adds and replaces environment variables, and replaces resources and autoscaling', () => {
    const secret = EnvValue.fromSecret('api', 'token');
    expect(applyServiceOverride(api, {
      env: { REGION: 'dc2', API_TOKEN: secret }, resources: { cpu: { request: '1' } }, autoscale: { min: 3, max: 9 },
    })).toEqual({
      ...api, env: { LOG_LEVEL: 'info', REGION: 'dc2', API_TOKEN: secret }, resources: { cpu: { request: '1' } }, autoscale: { min: 3, max: 9 },
    });
  });

  it('leaves image, ports and health checks alone: the workloads stay the same on every cluster', () => {
    const overridden = applyServiceOverride(api, { env: { REGION: 'dc2' } });
    expect([overridden.image, overridden.port, overridden.healthPath]).toEqual([api.image, api.port, api.healthPath]);
  });
});

describe('isDnsName', () => {
  it('accepts lowercase DNS names and refuses IP addresses, URLs and uppercase', () => {
    expect(['ingress.dc1.example.com', 'pg', 'a-b.c'].map(isDnsName)).toEqual([true, true, true]);
    expect(['10.0.0.1', 'https://x.example.com', 'Ingress.example.com', ''].map(isDnsName)).toEqual([false, false, false, false]);
  });
});
