import { k8s } from 'cdk8s-plus-27';
import { SERVICE_DEFAULTS } from '../../core/defaults';
import { Placement } from '../../core/service/placement';

/**
 * The label a Deployment puts on the pods of each revision. Comparing only pods of the same
 * revision means a surge rollout's new pod is not repelled by the old ones it replaces (with
 * required anti-affinity and exactly as many nodes as replicas, the rollout would otherwise
 * never start). Pod affinity honours it from Kubernetes 1.31, topology spread from 1.27.
 * StatefulSets replace pods in place, with no surge, and have no such label.
 */
export const DEPLOYMENT_REVISION_LABEL = 'pod-template-hash';
const SAME_REVISION = [DEPLOYMENT_REVISION_LABEL];

/** Pod anti-affinity for a placement, selecting the pod's own labels. */
export function antiAffinityFor(selector: Record<string, string>, placement: Placement): k8s.Affinity | undefined {
  const term: k8s.PodAffinityTerm = {
    labelSelector: { matchLabels: selector },
    topologyKey: SERVICE_DEFAULTS.nodeTopologyKey,
  };
  switch (placement.nodeAntiAffinity) {
    case 'required':
      return { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term] } };
    case 'preferred':
      return { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: term }] } };
    default:
      return undefined;
  }
}

/**
 * Zone spread for a placement. Tainted nodes (an unreachable zone's nodes are tainted) do not
 * count as domains, so losing a zone does not leave replacement pods pending.
 *
 * @param revisionLabel spread each revision on its own (Deployments: {@link DEPLOYMENT_REVISION_LABEL})
 */
export function topologySpreadFor(
  selector: Record<string, string>, placement: Placement, revisionLabel?: string,
): k8s.TopologySpreadConstraint[] | undefined {
  if (placement.zoneSpread === 'none') return undefined;
  return [{
    maxSkew: 1,
    topologyKey: placement.zoneTopologyKey,
    whenUnsatisfiable: placement.zoneSpread === 'required' ? 'DoNotSchedule' : 'ScheduleAnyway',
    labelSelector: { matchLabels: selector },
    matchLabelKeys: revisionLabel ? [revisionLabel] : undefined,
    nodeTaintsPolicy: 'Honor',
  }];
}

/**
 * Writes `matchLabelKeys` into the anti-affinity term of a serialized Deployment pod spec (the
 * Kubernetes 1.27 typings lack it, so it is added after serialization, before user patches).
 */
export function withSameRevisionAntiAffinity(podSpec: { affinity?: { podAntiAffinity?: Record<string, any[]> } }): void {
  const antiAffinity = podSpec.affinity?.podAntiAffinity;
  const term = antiAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.[0]
    ?? antiAffinity?.preferredDuringSchedulingIgnoredDuringExecution?.[0]?.podAffinityTerm;
  if (term) term.matchLabelKeys = [...SAME_REVISION];
}
