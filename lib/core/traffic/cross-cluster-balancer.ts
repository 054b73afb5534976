import { isIP } from 'net';
import { check } from '../errors';
import { HaproxyConfigSpec, HaproxyListener } from './haproxy-config';
import { ResolvedService, checkName, checkPortNumber } from '../service/service-spec';
import { isDnsName, ResolvedCluster, ResolvedClusterIngress } from '../topology/cluster-spec';
import { DurationLike, isDurationLike, millis, seconds } from '../units';
import { checkSecretName, INT32_MAX } from '../validation/kubernetes';
import { isHostName } from '../validation/network';
import { checkObject } from '../validation/shape';

/** Options of the HAProxy balancers ({@link CrossClusterBalancer.haproxy}). */
export interface HaproxyBalancerOptions {
  /**
   * Port clients connect to.
   *
   * @default - 80 for `haproxy()`, 443 for `haproxyTlsPassthrough()`
   * @see https://docs.haproxy.org/2.6/configuration.html#4.2-bind
   */
  readonly port?: number;
  /**
   * Address HAProxy binds.
   *
   * @default '0.0.0.0'
   * @see https://docs.haproxy.org/2.6/configuration.html#4.2-bind
   */
  readonly bindAddress?: string;
  /**
   * Interval between health checks of an UP cluster; a failing cluster is checked twice as
   * often, so it is marked DOWN after about `checkInterval + (fall - 1) × checkInterval / 2`.
   *
   * @default Duration.seconds(2)
   * @see https://docs.haproxy.org/2.6/configuration.html#5.2-inter
   */
  readonly checkInterval?: DurationLike;
  /**
   * Consecutive failed checks that take a cluster out. More than one, so a single lost
   * packet does not move every client.
   *
   * @default 3
   * @see https://docs.haproxy.org/2.6/configuration.html#5.2-fall
   */
  readonly fall?: number;
  /**
   * Consecutive passed checks before a recovered cluster takes traffic again.
   *
   * @default 2
   * @see https://docs.haproxy.org/2.6/configuration.html#5.2-rise
   */
  readonly rise?: number;
  /**
   * Port of a stats page on 127.0.0.1 showing which cluster is UP (`<port>/;csv`).
   *
   * @default - no stats page
   * @see https://docs.haproxy.org/2.6/configuration.html#4.2-stats%20enable
   */
  readonly statsPort?: number;
}

/**
 * The balancer in front of the clusters. Rendered as haproxy.cfg for a self-hosted HAProxy;
 * what it can do (cookie stickiness needs HTTP) is checked against what the topology asks.
 */
export class CrossClusterBalancer {
  /**
   * HAProxy in HTTP mode: reads the request, so it can pin a client to a cluster with a
   * cookie, and health-checks each cluster's ingress over HTTP. Clients' TLS must end before
   * it (HAProxy speaks plain HTTP here), and it reaches the ingresses on their HTTP port.
   *
   * @see https://docs.haproxy.org/2.6/configuration.html#4
   */
  public static haproxy(options: HaproxyBalancerOptions = {}): CrossClusterBalancer {
    return new CrossClusterBalancer('haproxy-http', 'http', options);
  }

  /**
   * HAProxy in TCP mode, passing TLS through to each cluster's ingress (which holds the
   * certificate). It cannot read cookies, so it cannot keep sessions sticky; health checks
   * still go over HTTP to the ingresses' HTTP port.
   *
   * @see https://docs.haproxy.org/2.6/configuration.html#4-mode
   */
  public static haproxyTlsPassthrough(options: HaproxyBalancerOptions = {}): CrossClusterBalancer {
    return new CrossClusterBalancer('haproxy-tls-passthrough', 'tcp', options);
  }

  /** True when the balancer can pin a client to a cluster with a cookie. */
  public readonly cookieStickiness: boolean;

  private constructor(
    /** Stable name, as written in the topology summary. */
    public readonly name: string,
    /** HAProxy mode. */
    public readonly mode: 'http' | 'tcp',
    /** Options as given. */
    public readonly options: HaproxyBalancerOptions,
  ) {
    this.cookieStickiness = mode === 'http';
  }
}

/** Sticky sessions: each client stays on one cluster, and on one pod inside it. */
export interface StickySessions {
  /**
   * Cookie the balancer inserts to pin a client to a cluster, e.g. `CHATSITE`. Required: it
   * must not collide with the application's own cookies.
   *
   * @see https://docs.haproxy.org/2.6/configuration.html#4.2-cookie
   */
  readonly cookieName: string;
  /**
   * Cookie ingress-nginx sets to pin the client to one pod of the cluster.
   *
   * @default - `<cookieName>-pod`
   * @see https://kubernetes.github.io/ingress-nginx/examples/affinity/cookie/
   */
  readonly podCookieName?: string;
}

/**
 * Cross-cluster load balancing for one service: every cluster's Ingress answers the public
 * host, and a balancer outside the clusters sends each client to a healthy cluster.
 */
export interface CrossClusterLoadBalancing {
  /** The service clients reach through the balancer (by name); it needs an HTTP health check. */
  readonly service: string;
  /** Public host name clients use, e.g. `chat.acme.example`; every cluster's Ingress answers it. */
  readonly host: string;
  /**
   * The balancer in front of the clusters.
   *
   * @default CrossClusterBalancer.haproxy() - HTTP, so sessions can be sticky
   */
  readonly balancer?: CrossClusterBalancer;
  /**
   * Keep each client on one cluster (and one pod), for services holding per-session state in
   * memory (websocket chats, login sessions). When its cluster fails, a client moves and
   * starts a new session.
   *
   * @default - none: every request may go to any healthy cluster
   */
  readonly stickySessions?: StickySessions;
  /**
   * Path the balancer checks through each cluster's ingress (with the public Host header), so
   * a cluster whose ingress or service is down stops receiving traffic.
   *
   * @default - the service's HTTP readiness path
   * @see https://docs.haproxy.org/2.6/configuration.html#4.2-option%20httpchk
   */
  readonly healthPath?: string;
  /**
   * IngressClass of the clusters' ingress controllers.
   *
   * @default 'nginx'
   * @see https://kubernetes.io/docs/concepts/services-networking/ingress/#ingress-class
   */
  readonly ingressClassName?: string;
  /**
   * Namespace of the ingress controller, admitted by the service's NetworkPolicy.
   *
   * @default 'ingress-nginx'
   * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/
   */
  readonly ingressControllerNamespace?: string;
  /**
   * Secret holding the TLS certificate of the Ingress hosts, the same name on every cluster.
   *
   * @default - `<service>-tls`
   * @see https://kubernetes.io/docs/concepts/services-networking/ingress/#tls
   */
  readonly tlsSecretName?: string;
}

/** How {@link resolveLoadBalancing} names clusters in errors, and what it requires of them. */
export interface ClusterFieldOptions {
  /** The field of the i-th cluster as the user wrote it. @default - `clusters[i]` */
  readonly clusterField?: (index: number) => string;
  /** Each cluster needs an ingress address (a balancer sends traffic to it). @default true */
  readonly ingressAddressRequired?: boolean;
}

/** Cross-cluster load balancing checked and with every default applied. */
export interface ResolvedLoadBalancing {
  readonly service: string;
  /** Service port the Ingress routes to. */
  readonly servicePort: number;
  readonly host: string;
  readonly healthPath: string;
  readonly balancer: CrossClusterBalancer;
  readonly stickySessions?: Required<StickySessions>;
  readonly ingressClassName: string;
  readonly ingressControllerNamespace: string;
  readonly tlsSecretName: string;
  /**
   * Every cluster with its ingress, in declaration order; a `backup` cluster (of a standby
   * site) takes traffic only when every other one is down.
   */
  readonly clusters: readonly { readonly name: string; readonly ingress?: ResolvedClusterIngress; readonly backup?: boolean }[];
}

const COOKIE_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Checks cross-cluster load balancing against the topology's services and clusters. Throws a
 * HadrError naming `path`, the field (`loadBalancing.stickySessions.cookieName`...), the bad
 * value and the fix.
 */
export function resolveLoadBalancing(
  path: string,
  given: CrossClusterLoadBalancing,
  services: readonly ResolvedService[],
  clusters: readonly ResolvedCluster[],
  options: ClusterFieldOptions = {},
): ResolvedLoadBalancing {
  checkObject(path, 'loadBalancing', given, "{ service: 'web', host: 'chat.acme.example' }");
  const service = services.find((s) => s.name === given.service);
  check(service !== undefined, {
    path, field: 'loadBalancing.service', value: given.service,
    problem: 'is not a service of the topology', fix: `use one of ${services.map((s) => JSON.stringify(s.name)).join(', ')}`,
  });
  const port = service.ports.find((p) => p.protocol === 'TCP');
  check(port !== undefined, {
    path, field: 'loadBalancing.service', value: given.service,
    problem: 'declares no TCP port for the Ingress to route to', fix: 'balance a service with an HTTP port',
  });
  check(isDnsName(given.host) && given.host.includes('.') && isHostName(given.host), {
    path, field: 'loadBalancing.host', value: given.host,
    problem: 'must be a fully qualified DNS name', fix: "use e.g. 'chat.acme.example'",
  });
  const healthPath = given.healthPath ?? (service.readiness?.kind === 'http' ? service.readiness.path : undefined);
  check(typeof healthPath === 'string' && /^\/[\x21-\x7e]*$/.test(healthPath) && !/[#"'\\]/.test(healthPath), {
    path, field: 'loadBalancing.healthPath', value: healthPath,
    problem: given.healthPath === undefined
      ? `is needed because ${given.service} has no HTTP health check: the balancer checks each cluster through its ingress`
      : 'must be a path starting with /',
    fix: "give e.g. healthPath: '/healthz'",
  });

  const balancer = given.balancer ?? CrossClusterBalancer.haproxy();
  check(balancer instanceof CrossClusterBalancer, {
    path, field: 'loadBalancing.balancer', value: balancer,
    problem: 'must be a CrossClusterBalancer', fix: 'use CrossClusterBalancer.haproxy()',
  });
  const sticky = given.stickySessions;
  if (sticky !== undefined) {
    check(typeof sticky.cookieName === 'string' && sticky.cookieName.length > 0, {
      path, field: 'loadBalancing.stickySessions.cookieName', value: sticky.cookieName,
      problem: 'is required for sticky sessions: the balancer pins each client to a cluster with this cookie',
      fix: "name a cookie the application does not use, e.g. 'HADR_SITE'",
    });
    check(balancer.cookieStickiness, {
      path, field: 'loadBalancing.stickySessions', value: sticky.cookieName,
      problem: `needs a balancer that reads cookies, and ${balancer.name} passes TLS through without reading requests`,
      fix: 'use CrossClusterBalancer.haproxy() (HTTP), or drop stickySessions',
    });
    for (const [field, value] of [['cookieName', sticky.cookieName], ['podCookieName', sticky.podCookieName]] as const) {
      check(value === undefined || COOKIE_NAME.test(value), {
        path, field: `loadBalancing.stickySessions.${field}`, value,
        problem: 'must be a cookie name of letters, digits, _ and -', fix: "use e.g. 'HADR_SITE'",
      });
    }
    check(sticky.podCookieName === undefined || sticky.podCookieName !== sticky.cookieName, {
      path, field: 'loadBalancing.stickySessions.podCookieName', value: sticky.podCookieName,
      problem: 'must differ from cookieName: the balancer strips its own cookie before the ingress sees it',
      fix: `use e.g. '${sticky.cookieName}-pod'`,
    });
  }
  checkHaproxyOptions(path, balancer.options);

  const ingressClassName = given.ingressClassName ?? 'nginx';
  const ingressControllerNamespace = given.ingressControllerNamespace ?? 'ingress-nginx';
  const tlsSecretName = given.tlsSecretName ?? `${service.name}-tls`;
  checkName(path, 'loadBalancing.ingressClassName', ingressClassName, false);
  checkName(path, 'loadBalancing.ingressControllerNamespace', ingressControllerNamespace, false);
  checkSecretName(path, 'loadBalancing.tlsSecretName', tlsSecretName);

  return {
    service: service.name,
    servicePort: port.servicePort,
    host: given.host,
    healthPath,
    balancer,
    stickySessions: sticky && { cookieName: sticky.cookieName, podCookieName: sticky.podCookieName ?? `${sticky.cookieName}-pod` },
    ingressClassName,
    ingressControllerNamespace,
    tlsSecretName,
    clusters: clusters.map((cluster, i) => {
      check(cluster.ingress !== undefined || options.ingressAddressRequired === false, {
        path, field: `${options.clusterField?.(i) ?? `clusters[${i}]`}.ingress.address`, value: undefined,
        problem: "is required for cross-cluster load balancing: the balancer sends each cluster's share to its ingress",
        fix: `give the address of ${cluster.name}'s ingress controller, e.g. 'ingress.${cluster.name}.example.com'`,
      });
      return { name: cluster.name, ingress: cluster.ingress };
    }),
  };
}

/**
 * The balancer's haproxy.cfg spec for a topology: one listener for the balanced service, one
 * backend server per cluster ingress, `option httpchk` on the service's health path with the
 * public Host header (so the check proves the ingress routes to ready pods), cookie
 * stickiness when asked, and redispatch so a request pinned to a cluster that just failed is
 * served by another. Rendered by `renderHaproxyConfig`.
 *
 * @example
 * renderHaproxyConfig(crossClusterBalancerSpec('chat-suite', balancing));
 */
export function crossClusterBalancerSpec(path: string, balancing: ResolvedLoadBalancing): HaproxyConfigSpec {
  const { balancer } = balancing;
  const options = balancer.options;
  const interMs = (options.checkInterval ?? seconds(2)).toMilliseconds();
  const passthrough = balancer.mode === 'tcp';
  const listener: HaproxyListener = {
    name: balancing.service,
    bindAddress: options.bindAddress ?? '0.0.0.0',
    port: options.port ?? (passthrough ? 443 : 80),
    mode: balancer.mode,
    balance: 'roundrobin',
    healthCheck: { method: 'GET', path: balancing.healthPath, expectStatus: 200, host: balancing.host },
    serverChecks: {
      inter: millis(interMs),
      fastInter: millis(Math.max(100, Math.round(interMs / 2))),
      downInter: millis(interMs),
      fall: options.fall ?? 3,
      rise: options.rise ?? 2,
      timeout: millis(interMs),
      // Open sessions (websockets, keep-alive) to a failed cluster are cut so clients reconnect to a healthy one.
      shutdownSessionsOnMarkedDown: true,
    },
    stickyCookie: balancing.stickySessions?.cookieName,
    redispatch: true,
    servers: balancing.clusters.map((cluster) => ({
      name: cluster.name,
      address: cluster.ingress!.address,
      port: passthrough ? cluster.ingress!.httpsPort : cluster.ingress!.httpPort,
      // Through TLS the check cannot speak HTTP: it goes to the ingress's plain HTTP port.
      checkPort: passthrough ? cluster.ingress!.httpPort : undefined,
      cookie: balancing.stickySessions ? cluster.name : undefined,
      backup: cluster.backup || undefined,
    })),
  };
  return {
    path,
    listeners: [listener],
    stats: options.statsPort !== undefined ? { port: options.statsPort, bindAddress: '127.0.0.1', uri: '/' } : undefined,
  };
}

function checkHaproxyOptions(path: string, options: HaproxyBalancerOptions): void {
  const field = 'loadBalancing.balancer';
  if (options.port !== undefined) checkPortNumber(path, `${field}.port`, options.port);
  if (options.statsPort !== undefined) checkPortNumber(path, `${field}.statsPort`, options.statsPort);
  check(options.bindAddress === undefined || isIP(options.bindAddress) !== 0, {
    path, field: `${field}.bindAddress`, value: options.bindAddress, problem: 'must be an IP address', fix: "use e.g. '0.0.0.0'",
  });
  const interval = options.checkInterval;
  check(interval === undefined || (isDurationLike(interval) && interval.toMilliseconds() >= 200 && Number.isInteger(interval.toMilliseconds())), {
    path, field: `${field}.checkInterval`, value: interval,
    problem: 'must be at least 200 ms: faster checks only load the ingresses', fix: 'use e.g. Duration.seconds(2)',
  });
  check(interval === undefined || interval.toMilliseconds() <= INT32_MAX, {
    path, field: `${field}.checkInterval`, value: interval,
    problem: 'must be below 2^31 milliseconds (about 24.8 days): HAProxy refuses a longer timer ("timer overflow")', fix: 'use e.g. Duration.seconds(2)',
  });
  for (const [name, value] of [['fall', options.fall], ['rise', options.rise]] as const) {
    check(value === undefined || (Number.isInteger(value) && value >= 1 && value <= 10), {
      path, field: `${field}.${name}`, value, problem: 'must be a whole number from 1 to 10', fix: 'use e.g. 3',
    });
  }
}
