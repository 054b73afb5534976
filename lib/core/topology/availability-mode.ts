/**
 * How the services run inside one cluster. The names are the modes of the field (Baseline,
 * Multi-Replica); every topology that places services on clusters reads this plain value and
 * picks the matching construct.
 *
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/deployment/
 */
export class AvailabilityMode {
  /**
   * One replica per service, restarted and rescheduled by Kubernetes (the `Baseline`
   * construct). A pod failure is an outage until the replacement is ready.
   */
  public static readonly BASELINE = new AvailabilityMode('baseline', 1);

  /**
   * Several replicas per service, apart on nodes and spread over zones (the `MultiReplica`
   * construct): a pod or node failure costs capacity, not availability.
   */
  public static readonly MULTI_REPLICA = new AvailabilityMode('multi-replica', 2);

  private constructor(
    /** Stable name, as written in summaries and runbooks. */
    public readonly name: 'baseline' | 'multi-replica',
    /** Fewest replicas a service runs with in this mode. */
    public readonly minReplicas: number,
  ) {}
}
