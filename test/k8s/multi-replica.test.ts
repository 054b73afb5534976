import { Testing } from 'cdk8s';
import { findObject, synthValid } from '../support/schema';
import { DisruptionBudget, MultiReplica, MultiReplicaProps, ServiceSpec } from 'hadr-constructs';
import { allowedEvictions } from 'hadr-constructs/core';

const api: ServiceSpec = { name: 'api', image: 'ghcr.io/acme/api:1.4.2', port: 4000, healthPath: '/health' };

function synth(props: Partial<MultiReplicaProps> = {}) {
  const chart = Testing.chart();
  new MultiReplica(chart, 'api', { service: api, ...props });
  return synthValid(chart);
}

/** Evictions the synthesized PDB allows at `replicas`, read back from the manifest. */
function evictionsAllowed(pdb: any, replicas: number): number {
  const budget = pdb.spec.maxUnavailable !== undefined
    ? DisruptionBudget.maxUnavailable(pdb.spec.maxUnavailable)
    : DisruptionBudget.minAvailable(pdb.spec.minAvailable);
  return allowedEvictions(budget, replicas);
}

describe('MultiReplica', () => {
  it('matches the snapshot', () => {
    expect(synth()).toMatchSnapshot();
  });

  it('matches the snapshot with autoscaling', () => {
    expect(synth({ service: { ...api, autoscale: { min: 3, max: 12 } } })).toMatchSnapshot();
  });

  describe('GIVEN only a service', () => {
    const objects = synth();
    const deployment = findObject(objects, 'Deployment');
    const pod = deployment.spec.template.spec;
    const podLabels = deployment.spec.template.metadata.labels;

    it('runs three replicas', () => {
      expect(deployment.spec.replicas).toBe(3);
    });

    it('keeps one pod evictable so a drain never blocks, and only one', () => {
      const pdb = findObject(objects, 'PodDisruptionBudget');
      expect(podLabels).toMatchObject(pdb.spec.selector.matchLabels);
      expect(evictionsAllowed(pdb, deployment.spec.replicas)).toBe(1);
      expect(pdb.spec.unhealthyPodEvictionPolicy).toBe('AlwaysAllow');
    });

    it('requires replicas on different nodes, selecting the pod\'s own labels of the same revision', () => {
      const terms = pod.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution;
      expect(terms).toHaveLength(1);
      expect(terms[0].topologyKey).toBe('kubernetes.io/hostname');
      expect(terms[0].labelSelector.matchLabels).toEqual(deployment.spec.selector.matchLabels);
      expect(podLabels).toMatchObject(terms[0].labelSelector.matchLabels);
      expect(terms[0].matchLabelKeys).toEqual(['pod-template-hash']);
    });

    it('spreads replicas over zones with a skew of at most one, ignoring tainted (lost) nodes', () => {
      expect(pod.topologySpreadConstraints).toEqual([{
        maxSkew: 1,
        topologyKey: 'topology.kubernetes.io/zone',
        whenUnsatisfiable: 'DoNotSchedule',
        labelSelector: { matchLabels: deployment.spec.selector.matchLabels },
        matchLabelKeys: ['pod-template-hash'],
        nodeTaintsPolicy: 'Honor',
      }]);
      expect(podLabels).toMatchObject(pod.topologySpreadConstraints[0].labelSelector.matchLabels);
    });

    it('keeps everything Baseline writes', () => {
      expect(objects.map((o) => o.kind).sort()).toEqual(
        ['Deployment', 'NetworkPolicy', 'PodDisruptionBudget', 'PriorityClass', 'Service', 'ServiceAccount'],
      );
      expect(deployment.spec.strategy.rollingUpdate).toEqual({ maxSurge: 1, maxUnavailable: 0 });
      expect(pod.containers[0].securityContext.readOnlyRootFilesystem).toBe(true);
      expect(Object.keys(deployment.metadata.annotations)).toEqual(['hadr-constructs.io/exempt-pullPolicyNotAlways', 'polaris.fairwinds.com/pullPolicyNotAlways-exempt']);
    });
  });

  describe('GIVEN autoscaling between 3 and 12', () => {
    const objects = synth({ service: { ...api, autoscale: { min: 3, max: 12 } } });
    const deployment = findObject(objects, 'Deployment');
    const hpa = findObject(objects, 'HorizontalPodAutoscaler');

    it('scales the Deployment on CPU between the limits', () => {
      expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.metadata.name });
      expect([hpa.spec.minReplicas, hpa.spec.maxReplicas]).toEqual([3, 12]);
      expect(hpa.spec.metrics[0].resource).toEqual({ name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } });
    });

    it('leaves the replica count to the autoscaler and says why', () => {
      expect(deployment.spec.replicas).toBeUndefined();
      expect(deployment.metadata.annotations['hadr-constructs.io/exempt-deploymentMissingReplicas']).toMatch(/HorizontalPodAutoscaler owns the replica count/);
    });

    it('lets a drain proceed even at the autoscaler minimum', () => {
      expect(evictionsAllowed(findObject(objects, 'PodDisruptionBudget'), hpa.spec.minReplicas)).toBeGreaterThanOrEqual(1);
    });

    it('scales down slowly and up at once', () => {
      expect(hpa.spec.behavior.scaleDown.stabilizationWindowSeconds).toBeGreaterThan(hpa.spec.behavior.scaleUp.stabilizationWindowSeconds);
    });
  });

  it('honours every placement and budget override', () => {
    const objects = synth({
      replicas: 6,
      disruptionBudget: DisruptionBudget.maxUnavailable('34%'),
      nodeAntiAffinity: 'preferred',
      zoneSpread: 'preferred',
      zoneTopologyKey: 'example.com/rack',
    });
    const deployment = findObject(objects, 'Deployment');
    const pod = deployment.spec.template.spec;
    expect(deployment.spec.replicas).toBe(6);
    expect(evictionsAllowed(findObject(objects, 'PodDisruptionBudget'), 6)).toBe(3);
    expect(pod.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution).toBeUndefined();
    expect(pod.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.matchLabelKeys).toEqual(['pod-template-hash']);
    expect(pod.topologySpreadConstraints[0]).toMatchObject({ topologyKey: 'example.com/rack', whenUnsatisfiable: 'ScheduleAnyway' });
  });

  it('can drop anti-affinity and zone spread altogether', () => {
    const pod = findObject(synth({ nodeAntiAffinity: 'none', zoneSpread: 'none' }), 'Deployment').spec.template.spec;
    expect(pod.affinity).toBeUndefined();
    expect(pod.topologySpreadConstraints).toBeUndefined();
  });

  describe('rejects bad input with the path, the field, the value and the fix', () => {
    it.each<[string, Partial<MultiReplicaProps>, string]>([
      ['fewer than two replicas', { replicas: 1 },
        'test/api: replicas must be at least 2: one replica cannot fail over (got 1); use 3 (the default), or Baseline for a single replica'],
      ['a PDB that would block every eviction', { disruptionBudget: DisruptionBudget.minAvailable(3) },
        'test/api: disruptionBudget.minAvailable would block every node drain: with 3 replicas it allows 0 evictions (got 3); use DisruptionBudget.maxUnavailable(1), or a minAvailable below 3'],
      ['a PDB with no unavailability', { disruptionBudget: DisruptionBudget.maxUnavailable(0) },
        'test/api: disruptionBudget.maxUnavailable would block every node drain: with 3 replicas it allows 0 evictions (got 0); use DisruptionBudget.maxUnavailable(1) or more'],
      ['a PDB that blocks at the autoscaler minimum', { service: { ...api, autoscale: { min: 2, max: 6 } }, disruptionBudget: DisruptionBudget.minAvailable(2) },
        'test/api: disruptionBudget.minAvailable would block every node drain: with 2 replicas it allows 0 evictions (got 2); use DisruptionBudget.maxUnavailable(1), or a minAvailable below 2'],
      ['an autoscaler minimum above its maximum', { service: { ...api, autoscale: { min: 6, max: 4 } } },
        'test/api: service.autoscale.max must be greater than min (6) (got 4); use max: 12 or more, or drop autoscale and set replicas'],
      ['an autoscaler minimum below two', { service: { ...api, autoscale: { min: 1, max: 4 } } },
        'test/api: service.autoscale.min must be at least 2, or a single pod failure or eviction leaves no replica serving (got 1); use min: 2 or more'],
      ['replicas together with autoscaling', { replicas: 4, service: { ...api, autoscale: { min: 2, max: 4 } } },
        'test/api: replicas cannot be set together with service.autoscale: the autoscaler owns the replica count (got 4); drop replicas and set service.autoscale.min instead'],
    ])('%s', (_what, props, message) => {
      expect(() => synth(props)).toThrow(message);
    });
  });
});
