import { CrossClusterLoadBalancing } from './cross-cluster-balancer';
import { DurationLike } from '../units';

/** Options of {@link TrafficPolicy.k8gb}. */
export interface K8gbFailoverOptions extends CrossClusterLoadBalancing {
  /**
   * TTL of the answers k8gb's DNS gives; clients keep the old site this long after a switch.
   *
   * @default Duration.seconds(30)
   * @see https://www.k8gb.io/docs/strategy.html
   */
  readonly ttl?: DurationLike;
  /**
   * How often k8gb reconciles (its `reconcileRequeueSeconds`), which bounds how late it notices
   * the active site's backends are gone.
   *
   * @default Duration.seconds(30) - k8gb's default
   * @see https://github.com/k8gb-io/k8gb/blob/master/chart/k8gb/values.yaml
   */
  readonly reconcileInterval?: DurationLike;
}

/** One site's entry in Route 53 failover records. */
export interface Route53SiteRecord {
  /** DNS name or IP address clients reach the site on (its load balancer or ingress). */
  readonly address: string;
  /** ID of the Route 53 health check watching that address (created with the cloud side). */
  readonly healthCheckId: string;
}

/** Options of {@link TrafficPolicy.route53}. */
export interface Route53FailoverOptions extends CrossClusterLoadBalancing {
  /** The address and health check of every site, by site name. */
  readonly sites: Readonly<Record<string, Route53SiteRecord>>;
  /**
   * TTL of the records; clients keep the old site this long after a switch.
   *
   * @default Duration.seconds(60)
   * @see https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-configuring.html
   */
  readonly ttl?: DurationLike;
  /**
   * Interval of the health checks (10 or 30 seconds, what Route 53 offers).
   *
   * @default Duration.seconds(30)
   * @see https://docs.aws.amazon.com/Route53/latest/APIReference/API_HealthCheckConfig.html
   */
  readonly healthCheckInterval?: DurationLike;
  /**
   * Consecutive failed checks before Route 53 fails over (1 to 10).
   *
   * @default 3
   * @see https://docs.aws.amazon.com/Route53/latest/APIReference/API_HealthCheckConfig.html
   */
  readonly failureThreshold?: number;
}

/** Options of {@link TrafficPolicy.manual}. */
export interface ManualSwitchOptions extends CrossClusterLoadBalancing {
  /** What is switched and how, for the runbook, e.g. `the f5 pool of chat.acme.example`. */
  readonly what: string;
  /** How long making the switch takes once decided. */
  readonly switchTime: DurationLike;
  /**
   * How long clients keep the old answer after it (a DNS TTL), if anything caches it.
   *
   * @default Duration.seconds(0)
   */
  readonly cacheTime?: DurationLike;
}

/**
 * How client traffic reaches the clusters, and how it moves to a standby site.
 *
 * @example
 * TrafficPolicy.balanced({ service: 'web', host: 'chat.acme.example', stickySessions: { cookieName: 'CHAT_SITE' } })
 * TrafficPolicy.failover({ service: 'api', host: 'backup.acme.example' })
 * TrafficPolicy.k8gb({ service: 'web', host: 'chat.acme.example' })
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
   * Failover between sites through the HAProxy balancer: the active site's clusters serve; the
   * standby sites' clusters are backup servers, used only when every active cluster fails its
   * health check. A standby site answers writes only once its database is promoted.
   *
   * @see https://docs.haproxy.org/2.6/configuration.html#5.2-backup
   */
  public static failover(options: CrossClusterLoadBalancing): TrafficPolicy {
    return new TrafficPolicy('failover', options);
  }

  /**
   * DNS failover with k8gb: a `Gslb` on every cluster with the failover strategy and the active
   * site as primary geo tag. Install k8gb on each cluster with `clusterGeoTag` set to its site's
   * name and `extGslbClustersGeoTags` listing every site.
   *
   * @see https://www.k8gb.io/docs/strategy.html
   */
  public static k8gb(options: K8gbFailoverOptions): TrafficPolicy {
    return new TrafficPolicy('k8gb', options);
  }

  /**
   * DNS failover with external-dns and Route 53 failover routing: a `DNSEndpoint` on each site
   * publishes the public host at the site's address, PRIMARY on the active site and SECONDARY
   * on the standby, each with the site's health check. Run external-dns on each site with the
   * same `--txt-owner-id` and `--policy=upsert-only`, so the site that becomes active can take
   * the PRIMARY record over. Route 53 holds one PRIMARY and one SECONDARY: two sites at most.
   *
   * @see https://github.com/kubernetes-sigs/external-dns/blob/master/docs/tutorials/aws.md
   */
  public static route53(options: Route53FailoverOptions): TrafficPolicy {
    return new TrafficPolicy('route53', options);
  }

  /**
   * A switch your network team makes by hand (a DNS change, a load balancer pool), after the
   * standby site is active; the runbook and the budget count it.
   */
  public static manual(options: ManualSwitchOptions): TrafficPolicy {
    return new TrafficPolicy('manual', options);
  }

  private constructor(
    /** Which mechanism. */
    public readonly kind: 'balanced' | 'failover' | 'k8gb' | 'route53' | 'manual',
    /** The service and host, and the mechanism's own options. */
    public readonly loadBalancing: CrossClusterLoadBalancing & Partial<K8gbFailoverOptions & Route53FailoverOptions & ManualSwitchOptions>,
  ) {}
}
