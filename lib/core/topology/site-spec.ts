import { AvailabilityMode } from './availability-mode';
import { ClusterSpec } from './cluster-spec';
import { ISharedEndpointSource, SharedEndpointSpec } from './shared-endpoint';

/** What a site does now: serve (active) or stand by to take over (standby). */
export class SiteRole {
  /** Serves traffic and holds the writable data. */
  public static readonly ACTIVE = new SiteRole('active');

  /**
   * Replicates the active site's data and runs what must be ready to take over; services that
   * must not act while passive (controllers, schedulers, consumers) are in standby at 0 replicas.
   * Failover flips the roles.
   */
  public static readonly STANDBY = new SiteRole('standby');

  private constructor(
    /** Stable name, as written in summaries and runbooks. */
    public readonly name: 'active' | 'standby',
  ) {}
}

/**
 * One site of a topology (a data centre, a region): its role, its Kubernetes clusters and how
 * services run on them.
 *
 * @example
 * const dc1: SiteSpec = {
 *   name: 'dc1', role: SiteRole.ACTIVE, availability: AvailabilityMode.MULTI_REPLICA,
 *   clusters: [{ name: 'dc1-a', egressCidrs: ['10.1.0.0/16'] }, { name: 'dc1-b', egressCidrs: ['10.2.0.0/16'] }],
 * };
 */
export interface SiteSpec {
  /**
   * Name of the site: its output folder when the topology has several sites. A DNS-1123 label
   * starting with a letter; keep it stable.
   */
  readonly name: string;

  /** What the site does now. */
  readonly role: SiteRole;

  /** The site's clusters, at least one. Cluster names are unique across the whole topology. */
  readonly clusters: readonly ClusterSpec[];

  /**
   * How services run on this site's clusters (a cluster may override it).
   *
   * @default - the topology's mode
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/deployment/
   */
  readonly availability?: AvailabilityMode;

  /**
   * Stateful components this site reaches at its own address: they replace the topology's
   * shared endpoint of the same name on this site's clusters (a standby site's own database
   * replica, its own Redis), or add one only this site has.
   *
   * @default - the topology's shared endpoints, unchanged
   */
  readonly sharedEndpoints?: readonly (SharedEndpointSpec | ISharedEndpointSource)[];
}
