import { SERVICE_DEFAULTS } from '../defaults';
import { deepFreeze } from '../private/deep-freeze';

/**
 * How strongly a rule binds the scheduler: `required` leaves a pod pending rather than break
 * it, `preferred` breaks it when there is no other room, `none` does not apply it.
 */
export type SchedulingRule = 'required' | 'preferred' | 'none';

/**
 * Where replicas of one workload go: apart on nodes, spread over zones. Plain data read by
 * every workload construct and by the disruption checks.
 */
export interface Placement {
  /**
   * Keep replicas on different nodes (pod anti-affinity on `kubernetes.io/hostname`).
   *
   * @see https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#inter-pod-affinity-and-anti-affinity
   */
  readonly nodeAntiAffinity: SchedulingRule;
  /**
   * Spread replicas evenly over zones (topology spread, maxSkew 1).
   *
   * @see https://kubernetes.io/docs/concepts/scheduling-eviction/topology-spread-constraints/
   */
  readonly zoneSpread: SchedulingRule;
  /** Node label that names the zone. */
  readonly zoneTopologyKey: string;
}

/** Baseline: one replica; the zone rule only steers the rollout's surge pod. */
export const BASELINE_PLACEMENT: Placement = deepFreeze({
  nodeAntiAffinity: 'none',
  zoneSpread: 'preferred',
  zoneTopologyKey: SERVICE_DEFAULTS.zoneTopologyKey,
});

/** MultiReplica: never two replicas on one node, replicas even across zones. */
export const MULTI_REPLICA_PLACEMENT: Placement = deepFreeze({
  nodeAntiAffinity: 'required',
  zoneSpread: 'required',
  zoneTopologyKey: SERVICE_DEFAULTS.zoneTopologyKey,
});
