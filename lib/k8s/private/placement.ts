import { ApiObject, JsonPatch } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { SERVICE_DEFAULTS } from '../../core/defaults';
import { Placement } from '../../core/placement';

/**
 * Compare only pods of the same revision: during a surge rollout the new pod must not be
 * repelled by the old ones it replaces (with required anti-affinity and exactly as many nodes
 * as replicas, the rollout would otherwise never start). Needs Kubernetes >= 1.31 for pod
 * affinity; topology spread honours it since 1.27.
 */
const SAME_REVISION = ['pod-template-hash'];

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
 */
export function topologySpreadFor(selector: Record<string, string>, placement: Placement): k8s.TopologySpreadConstraint[] | undefined {
  if (placement.zoneSpread === 'none') return undefined;
  return [{
    maxSkew: 1,
    topologyKey: placement.zoneTopologyKey,
    whenUnsatisfiable: placement.zoneSpread === 'required' ? 'DoNotSchedule' : 'ScheduleAnyway',
    labelSelector: { matchLabels: selector },
    matchLabelKeys: SAME_REVISION,
    nodeTaintsPolicy: 'Honor',
  }];
}

/**
 * Adds `matchLabelKeys` to the anti-affinity term, which the Kubernetes 1.27 typings lack.
 *
 * @param podSpecPointer JSON pointer of the pod spec, e.g. `/spec/template/spec`
 */
export function addSameRevisionAntiAffinity(object: ApiObject, podSpecPointer: string, placement: Placement): void {
  const term = {
    required: `${podSpecPointer}/affinity/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution/0`,
    preferred: `${podSpecPointer}/affinity/podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution/0/podAffinityTerm`,
    none: undefined,
  }[placement.nodeAntiAffinity];
  if (term) object.addJsonPatch(JsonPatch.add(`${term}/matchLabelKeys`, SAME_REVISION));
}
