import { Testing } from 'cdk8s';
import { Baseline, MultiReplica, ServiceSpec } from '../../lib';
import { synthValid } from '../support/schema';

const worker: ServiceSpec = {
  name: 'worker', image: 'ghcr.io/acme/worker:1.4.2', ports: [{ name: 'metrics', port: 9100 }], healthPath: '/ready',
  autoscale: { min: 2, max: 20 },
};
const api: ServiceSpec = { name: 'api', image: 'ghcr.io/acme/api:1.4.2', port: 4000, healthPath: '/health' };

/** The objects a workload writes, by kind, with what standby may change taken out of the Deployment. */
function objects(build: (chart: ReturnType<typeof Testing.chart>) => void): Record<string, any> {
  const chart = Testing.chart();
  build(chart);
  return Object.fromEntries(synthValid(chart).map((o) => [o.kind, o]));
}

function withoutReplicas(deployment: any): any {
  const copy = JSON.parse(JSON.stringify(deployment));
  delete copy.spec.replicas;
  delete copy.metadata.annotations;
  return copy;
}

describe.each<[string, (chart: any, standby?: boolean) => void]>([
  ['MultiReplica with an autoscaler', (chart, standby) => new MultiReplica(chart, 'worker', { service: worker, standby })],
  ['MultiReplica with a replica count', (chart, standby) => new MultiReplica(chart, 'api', { service: api, replicas: 4, standby })],
  ['Baseline', (chart, standby) => new Baseline(chart, 'api', { service: api, standby })],
])('%s in standby', (_what, build) => {
  const active = objects((chart) => build(chart));
  const standby = objects((chart) => build(chart, true));

  it('runs 0 replicas', () => {
    expect(standby.Deployment.spec.replicas).toBe(0);
  });

  it('has no PodDisruptionBudget and no autoscaler, which would hold or raise the count', () => {
    expect(standby.PodDisruptionBudget).toBeUndefined();
    expect(standby.HorizontalPodAutoscaler).toBeUndefined();
  });

  it('writes every other object exactly as when active, so activating it changes one field', () => {
    const others = (all: Record<string, any>) => Object.keys(all).filter((k) => !['Deployment', 'PodDisruptionBudget', 'HorizontalPodAutoscaler'].includes(k));
    expect(others(standby)).toEqual(others(active));
    for (const kind of others(active)) expect(standby[kind]).toEqual(active[kind]);
    expect(withoutReplicas(standby.Deployment)).toEqual(withoutReplicas(active.Deployment));
  });

  it('says why the manifest holds 0 replicas, for the audit', () => {
    expect(standby.Deployment.metadata.annotations['hadr-constructs.io/exempt-deploymentMissingReplicas'])
      .toBe('standby: scaled to zero until its site is activated (one field: standby)');
  });
});

it('an active autoscaled MultiReplica still leaves the count to its autoscaler', () => {
  const active = objects((chart) => new MultiReplica(chart, 'worker', { service: worker }));
  expect(active.Deployment.spec.replicas).toBeUndefined();
  expect(active.HorizontalPodAutoscaler.spec).toMatchObject({ minReplicas: 2, maxReplicas: 20 });
  expect(active.PodDisruptionBudget.spec.maxUnavailable).toBe(1);
});
