import { isIP } from 'net';
import { check } from '../errors';
import { isDnsName } from './cluster-spec';

/**
 * Where an address works. A Service name such as `orders-pooler.data.svc` resolves only inside
 * the cluster that runs it; a name in a DNS zone you manage, or a routable IP, works from
 * anywhere. An address handed to another cluster or site must work from anywhere.
 */
export class Reach {
  /** Resolves and routes from every cluster and site of the topology. */
  public static readonly ANYWHERE = new Reach('anywhere');

  /**
   * Works only inside one cluster.
   *
   * @param cluster the cluster, as the topology names it (its folder), or a description such as
   *   `the cluster of chart "data"`
   */
  public static cluster(cluster: string): Reach {
    return new Reach('cluster', cluster);
  }

  private constructor(
    /** `anywhere` or `cluster`. */
    public readonly scope: 'anywhere' | 'cluster',
    /** The cluster a cluster-local address works in; undefined for `anywhere`. */
    public readonly cluster?: string,
  ) {}

  /** True when a client in `cluster` can use the address. */
  public worksIn(cluster: string): boolean {
    return this.scope === 'anywhere' || this.cluster === cluster;
  }
}

/** Domain suffixes that only a cluster's own DNS answers. */
const CLUSTER_LOCAL = /(^|\.)(svc|svc\.cluster\.local|cluster\.local)\.?$/;

/** True for a name only a cluster's DNS resolves, such as `db.data.svc` or `db.data.svc.cluster.local`. */
export function isClusterLocalName(host: string): boolean {
  return typeof host === 'string' && (CLUSTER_LOCAL.test(host) || (isIP(host) === 0 && !host.includes('.')));
}

/** Options of {@link Exposure.loadBalancer}. */
export interface LoadBalancerExposureOptions {
  /**
   * The DNS name (or IP address) other clusters and sites use, which you point at the load
   * balancer: with external-dns (its hostname annotation is written for a DNS name) or a record
   * of your own. A load balancer's address is assigned when it is created, so it cannot be
   * known at synth time: this name is the stable one.
   */
  readonly host: string;
  /**
   * Keep the load balancer on the private network. Writes the internal-load-balancer
   * annotations of AWS, Azure and Google Cloud (each provider reads only its own); a database
   * should never face the internet.
   *
   * @default true
   * @see https://kubernetes.io/docs/concepts/services-networking/service/#internal-load-balancer
   */
  readonly internal?: boolean;
  /**
   * Annotations for your load balancer implementation (AWS Load Balancer Controller, MetalLB,
   * Cilium...), added to the Service; they win over the defaults.
   *
   * @default - the internal annotations and the external-dns hostname
   * @see https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/service/annotations/
   */
  readonly annotations?: Readonly<Record<string, string>>;
  /**
   * `spec.loadBalancerClass`, to pick one of several implementations.
   *
   * @default - the cluster's default implementation
   * @see https://kubernetes.io/docs/concepts/services-networking/service/#load-balancer-class
   */
  readonly loadBalancerClass?: string;
}

/** Options of {@link Exposure.external}. */
export interface ExternalExposureOptions {
  /** The DNS name or IP address you route to the component yourself. */
  readonly host: string;
}

/**
 * How a stateful component is reached from outside its own cluster: another cluster of the
 * topology, or another site. Without an exposure a component is reachable only by its
 * cluster-local Service name, and sharing it with another cluster is refused.
 *
 * @example
 * Exposure.loadBalancer({ host: 'orders-db.data.acme.internal' })
 * Exposure.external({ host: '10.30.0.5' })
 */
export class Exposure {
  /**
   * A Service of type LoadBalancer (internal by default) with `externalTrafficPolicy: Local`, so
   * the clients' own addresses reach the NetworkPolicy, which admits only the consumer
   * clusters' egress CIDRs; `loadBalancerSourceRanges` repeats them at the load balancer.
   *
   * @see https://kubernetes.io/docs/concepts/services-networking/service/#loadbalancer
   * @see https://kubernetes.io/docs/tasks/access-application-cluster/create-external-load-balancer/#preserving-the-client-source-ip
   */
  public static loadBalancer(options: LoadBalancerExposureOptions): Exposure {
    return new Exposure('load-balancer', options);
  }

  /**
   * An address you already route to the component (a hardware load balancer, routed pod
   * addresses, a NodePort behind a VIP): nothing is written for it but the address.
   */
  public static external(options: ExternalExposureOptions): Exposure {
    return new Exposure('external', options);
  }

  private constructor(
    /** `load-balancer` or `external`. */
    public readonly type: 'load-balancer' | 'external',
    /** Options as given. */
    public readonly options: LoadBalancerExposureOptions,
  ) {}
}

/** An {@link Exposure} checked, with its defaults applied. */
export interface ResolvedExposure {
  readonly type: 'load-balancer' | 'external';
  readonly host: string;
  readonly annotations: Readonly<Record<string, string>>;
  readonly loadBalancerClass?: string;
}

/** Annotations each major provider reads to keep a load balancer on the private network. */
export const INTERNAL_LOAD_BALANCER_ANNOTATIONS: Readonly<Record<string, string>> = Object.freeze({
  'service.beta.kubernetes.io/aws-load-balancer-internal': 'true',
  'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internal',
  'service.beta.kubernetes.io/azure-load-balancer-internal': 'true',
  'networking.gke.io/load-balancer-type': 'Internal',
});

/**
 * Checks an exposure and applies its defaults. Throws a HadrError naming `path`, `field`, the
 * bad value and the fix.
 */
export function resolveExposure(path: string, field: string, exposure: Exposure): ResolvedExposure {
  check(exposure instanceof Exposure, {
    path, field, value: exposure,
    problem: 'must be an Exposure', fix: "use Exposure.loadBalancer({ host: 'db.data.example.com' }) or Exposure.external({ host })",
  });
  const { host } = exposure.options;
  check(typeof host === 'string' && (isDnsName(host) || isIP(host) !== 0) && !isClusterLocalName(host), {
    path, field: `${field}.host`, value: host,
    problem: 'must be a DNS name in a zone you manage, or an IP address, that other clusters can resolve (not a cluster-local Service name)',
    fix: "use e.g. 'orders-db.data.example.com'",
  });
  if (exposure.type === 'external') return { type: 'external', host, annotations: {} };
  const { internal = true, annotations = {}, loadBalancerClass } = exposure.options;
  check(typeof internal === 'boolean', {
    path, field: `${field}.internal`, value: internal, problem: 'must be true or false', fix: 'drop it to keep the load balancer internal',
  });
  return {
    type: 'load-balancer',
    host,
    annotations: {
      ...(internal ? INTERNAL_LOAD_BALANCER_ANNOTATIONS : {}),
      ...(isIP(host) === 0 ? { 'external-dns.alpha.kubernetes.io/hostname': host } : {}),
      ...annotations,
    },
    loadBalancerClass,
  };
}
