import { resolveServiceSpec } from '../../../lib/core/service/service-spec';
import { AvailabilityMode } from '../../../lib/core/topology/availability-mode';
import { resolveClusters } from '../../../lib/core/topology/cluster-spec';
import { resolveSharedEndpoints, StatefulKind } from '../../../lib/core/topology/shared-endpoint';
import { renderTopologySummary, replicasOnCluster, summarizeMultiCluster } from '../../../lib/core/topology/topology-summary';

describe('replicasOnCluster', () => {
  it('counts one replica in Baseline, the mode default or the override in MultiReplica, and the autoscaler range when it autoscales', () => {
    expect(replicasOnCluster(AvailabilityMode.BASELINE, {}, { replicas: 5 })).toBe(1);
    expect(replicasOnCluster(AvailabilityMode.MULTI_REPLICA, {})).toBe(3);
    expect(replicasOnCluster(AvailabilityMode.MULTI_REPLICA, {}, { replicas: 5 })).toBe(5);
    expect(replicasOnCluster(AvailabilityMode.MULTI_REPLICA, { autoscale: { min: 2, max: 8 } })).toEqual({ min: 2, max: 8 });
    const autoscaled = { autoscale: { min: 2, max: 8 } };
    expect(replicasOnCluster(AvailabilityMode.MULTI_REPLICA, autoscaled, { autoscale: { min: 4, max: 9 } })).toEqual({ min: 4, max: 9 });
  });
});

describe('summarizeMultiCluster', () => {
  const summary = summarizeMultiCluster({
    topology: 'shop',
    namespace: 'shop',
    clusters: resolveClusters('shop', [{ name: 'dc1-a', ingress: { address: '10.0.0.1' } }, { name: 'dc1-b', availability: AvailabilityMode.BASELINE }],
      { serviceNames: ['api'], availability: AvailabilityMode.MULTI_REPLICA, minClusters: 2 }),
    services: [resolveServiceSpec('shop', { name: 'api', image: 'ghcr.io/acme/api:1.0.0', port: 8080, healthPath: '/health' })],
    sharedEndpoints: resolveSharedEndpoints('shop', [{ name: 'pg', kind: StatefulKind.POSTGRESQL, host: 'pg.example.com' }], ['api']),
  });

  it('lists clusters with their folder, mode and replicas, services and endpoints with their in-cluster names', () => {
    expect(summary).toEqual({
      formatVersion: 1, topology: 'shop', mode: 'multi-cluster', namespace: 'shop',
      clusters: [
        { name: 'dc1-a', folder: 'dc1-a', availability: 'multi-replica', zones: [], labels: {}, ingressAddress: '10.0.0.1', replicas: { api: 3 } },
        { name: 'dc1-b', folder: 'dc1-b', availability: 'baseline', zones: [], labels: {}, ingressAddress: undefined, replicas: { api: 1 } },
      ],
      services: [{ name: 'api', image: 'ghcr.io/acme/api:1.0.0', ports: [8080], healthPath: '/health' }],
      sharedEndpoints: [{ name: 'pg', kind: 'postgresql', inClusterName: 'pg.shop.svc', host: 'pg.example.com', addresses: undefined, ports: [5432], usedBy: ['api'] }],
      gitOps: undefined,
      loadBalancing: undefined,
    });
  });

  it('renders as indented JSON that reads back the same, with no top-level kind for manifest readers to mistake', () => {
    const text = renderTopologySummary(summary);
    expect(text.endsWith('}\n')).toBe(true);
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(summary)));
    expect(Object.keys(JSON.parse(text))).not.toContain('kind');
  });
});
