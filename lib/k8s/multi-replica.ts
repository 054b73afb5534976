import { Construct } from 'constructs';
import { Workload, WorkloadProps, WorkloadShape } from './workload';
import { MULTI_REPLICA_DEFAULTS } from '../core/defaults';
import { check } from '../core/errors';
import { DisruptionBudget } from '../core/service/disruption-budget';
import { MULTI_REPLICA_PLACEMENT, SchedulingRule } from '../core/service/placement';
import { ResolvedService } from '../core/service/service-spec';
import { INT32_MAX, qualifiedNameProblem } from '../core/validation/kubernetes';
import { checkOneOf } from '../core/validation/shape';

/** Props of {@link MultiReplica}. */
export interface MultiReplicaProps extends WorkloadProps {
  /**
   * Replicas when the service does not autoscale; at least 2.
   *
   * @default 3
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/deployment/
   */
  readonly replicas?: number;

  /**
   * How many pods a drain may take at once. Must allow at least one eviction at the fewest
   * replicas, or every node drain blocks.
   *
   * @default DisruptionBudget.maxUnavailable(1)
   * @see https://kubernetes.io/docs/tasks/run-application/configure-pdb/
   */
  readonly disruptionBudget?: DisruptionBudget;

  /**
   * Keep replicas on different nodes. `required` needs as many schedulable nodes as replicas.
   *
   * @default 'required'
   * @see https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#inter-pod-affinity-and-anti-affinity
   */
  readonly nodeAntiAffinity?: SchedulingRule;

  /**
   * Spread replicas evenly over zones (maxSkew 1); an unreachable zone's tainted nodes do not count.
   *
   * @default 'required'
   * @see https://kubernetes.io/docs/concepts/scheduling-eviction/topology-spread-constraints/
   */
  readonly zoneSpread?: SchedulingRule;

  /**
   * Node label naming the zone.
   *
   * @default 'topology.kubernetes.io/zone'
   */
  readonly zoneTopologyKey?: string;
}

/**
 * A stateless service in MultiReplica mode: Baseline plus several replicas kept apart on nodes
 * and spread over zones, a PodDisruptionBudget that lets one pod go at a time, and an optional
 * HorizontalPodAutoscaler whose minimum the budget is checked against.
 *
 * @example
 * new MultiReplica(chart, 'api', {
 *   service: { name: 'api', image: 'ghcr.io/acme/api:1.4.2', port: 4000, healthPath: '/health' },
 * });
 */
export class MultiReplica extends Workload {
  constructor(scope: Construct, id: string, props: MultiReplicaProps) {
    super(scope, id, props, (path, service) => multiReplicaShape(path, props, service));
  }
}

/** Replicas (or the autoscaler's range) kept apart on nodes and zones, one eviction at a time. */
function multiReplicaShape(path: string, props: MultiReplicaProps, service: ResolvedService): WorkloadShape {
  const replicas = props.replicas ?? (service.autoscale ? undefined : MULTI_REPLICA_DEFAULTS.replicas);
  check(!(props.replicas !== undefined && service.autoscale), {
    path, field: 'replicas', value: props.replicas,
    problem: 'cannot be set together with service.autoscale: the autoscaler owns the replica count',
    fix: 'drop replicas and set service.autoscale.min instead',
  });
  check(replicas === undefined || (Number.isInteger(replicas) && replicas >= MULTI_REPLICA_DEFAULTS.minReplicas), {
    path, field: 'replicas', value: replicas,
    problem: `must be at least ${MULTI_REPLICA_DEFAULTS.minReplicas}: one replica cannot fail over`,
    fix: 'use 3 (the default), or Baseline for a single replica',
  });
  check(replicas === undefined || replicas <= INT32_MAX, {
    path, field: 'replicas', value: replicas, problem: `must be at most ${INT32_MAX} (a Kubernetes int32)`, fix: 'use 3 (the default)',
  });
  for (const field of ['nodeAntiAffinity', 'zoneSpread'] as const) {
    if (props[field] !== undefined) checkOneOf(path, field, props[field], ['required', 'preferred', 'none']);
  }
  const topologyKey = props.zoneTopologyKey ?? MULTI_REPLICA_PLACEMENT.zoneTopologyKey;
  check(qualifiedNameProblem(topologyKey) === undefined, {
    path, field: 'zoneTopologyKey', value: topologyKey,
    problem: 'is not a label key', fix: "use e.g. 'topology.kubernetes.io/zone'",
  });
  return {
    replicas,
    minReplicas: service.autoscale?.min ?? replicas!,
    disruptionBudget: props.disruptionBudget ?? DisruptionBudget.maxUnavailable(MULTI_REPLICA_DEFAULTS.maxUnavailable),
    placement: {
      nodeAntiAffinity: props.nodeAntiAffinity ?? MULTI_REPLICA_PLACEMENT.nodeAntiAffinity,
      zoneSpread: props.zoneSpread ?? MULTI_REPLICA_PLACEMENT.zoneSpread,
      zoneTopologyKey: topologyKey,
    },
    autoscale: service.autoscale,
    replicasExemption: replicas === undefined
      ? `the HorizontalPodAutoscaler owns the replica count (at least ${service.autoscale!.min}); a count in the manifest would fight it on every sync`
      : undefined,
  };
}
