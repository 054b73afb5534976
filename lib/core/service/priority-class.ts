import { SERVICE_DEFAULTS } from '../defaults';

/**
 * Which PriorityClass a workload's pods run with. A PriorityClass is cluster-scoped, so one the
 * library creates is written once per cluster (once per cdk8s App, or per cluster folder of a
 * `TopologyApp`), whatever the number of charts and workloads that use it.
 *
 * @example
 * PriorityClass.highAvailability();             // the default: hadr-high-availability, created once per cluster
 * PriorityClass.create('shop-critical', 500000); // your own, created once per cluster
 * PriorityClass.existing('business-critical');   // already on the cluster: referenced, never written
 * PriorityClass.none();                          // no class: the cluster's default priority
 * @see https://kubernetes.io/docs/concepts/scheduling-eviction/pod-priority-preemption/
 */
export class PriorityClass {
  /**
   * `hadr-high-availability` (value 1,000,000), created once per cluster: above ordinary
   * workloads (0), so a pending HA replica preempts batch work rather than stay pending, and far
   * below the system classes (2,000,000,000), so it never evicts cluster components.
   */
  public static highAvailability(): PriorityClass {
    return new PriorityClass(SERVICE_DEFAULTS.priorityClassName, {
      value: SERVICE_DEFAULTS.priorityClassValue,
      description: 'Replicas of highly available services: preempt ordinary workloads rather than stay pending.',
    });
  }

  /**
   * A PriorityClass of your own, created once per cluster with this name and value. Every use
   * of one name in a cluster must give the same value.
   *
   * @param value priority of the pods; above 0 to preempt ordinary workloads, below 1,000,000,000 (the system classes)
   */
  public static create(name: string, value: number, description?: string): PriorityClass {
    return new PriorityClass(name, { value, description: description ?? `Pods of ${name}.` });
  }

  /** A PriorityClass that already exists on the cluster: referenced by name, never written. */
  public static existing(name: string): PriorityClass {
    return new PriorityClass(name, undefined);
  }

  /** No PriorityClass: the pods get the cluster's default priority (a global default class, or 0). */
  public static none(): PriorityClass {
    return new PriorityClass(undefined, undefined);
  }

  /** Name written into `priorityClassName`; undefined for {@link PriorityClass.none}. */
  public readonly name?: string;
  /** What the library creates for this class; undefined when it creates nothing. */
  public readonly created?: { readonly value: number; readonly description: string };

  private constructor(name: string | undefined, created: { value: number; description: string } | undefined) {
    this.name = name;
    this.created = created && Object.freeze({ ...created });
  }
}
