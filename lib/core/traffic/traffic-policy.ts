import { CrossClusterLoadBalancing } from './cross-cluster-balancer';

/**
 * How client traffic reaches the clusters of a topology.
 *
 * @example
 * TrafficPolicy.balanced({ service: 'web', host: 'chat.acme.example', stickySessions: { cookieName: 'CHAT_SITE' } })
 * TrafficPolicy.failover({ service: 'api', host: 'backup.acme.example' })
 */
export class TrafficPolicy {
  /**
   * Active-active: every cluster of every active site serves at once behind one balancer that
   * health-checks each cluster's ingress; a failed cluster leaves the rotation.
   *
   * @see https://docs.haproxy.org/2.6/configuration.html#4.2-option%20httpchk
   */
  public static balanced(options: CrossClusterLoadBalancing): TrafficPolicy {
    return new TrafficPolicy('balanced', options);
  }

  /**
   * Failover between sites: the active site's clusters serve; the standby sites' clusters are
   * the balancer's backup servers, used only when every active cluster fails its health check.
   * A standby site answers writes only once its database is promoted: the runbook orders it.
   *
   * @see https://docs.haproxy.org/2.6/configuration.html#5.2-backup
   */
  public static failover(options: CrossClusterLoadBalancing): TrafficPolicy {
    return new TrafficPolicy('failover', options);
  }

  private constructor(
    /** `balanced` (active-active) or `failover` (active-passive). */
    public readonly kind: 'balanced' | 'failover',
    /** The balanced service, host and balancer. */
    public readonly loadBalancing: CrossClusterLoadBalancing,
  ) {}
}
