import { ResolvedService, ServiceSpec } from '../../core/service/service-spec';

/**
 * Services a topology resolved already, handed to the workload a cluster chart builds from the
 * very same spec object right after: the spec is checked once per topology, not once per cluster.
 */
const HANDED_OVER = new WeakMap<ServiceSpec, ResolvedService>();

/** Hands `resolved` to the next workload built from `spec`. */
export function handOverResolved(spec: ServiceSpec, resolved: ResolvedService): void {
  HANDED_OVER.set(spec, resolved);
}

/** What was handed over for `spec`, once; undefined when the workload must resolve it itself. */
export function takeResolved(spec: ServiceSpec): ResolvedService | undefined {
  const resolved = HANDED_OVER.get(spec);
  HANDED_OVER.delete(spec);
  return resolved;
}
