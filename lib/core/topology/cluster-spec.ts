import { isIP } from 'net';
import { AvailabilityMode } from './availability-mode';
import { check } from '../errors';
import { parseKubernetesVersion } from '../kubernetes-version';
import { EnvValue } from '../service/env-value';
import { isLabelValue } from '../service/labels';
import { AutoscaleSpec, checkName, checkPortNumber, ResourceSpec, ServiceSpec } from '../service/service-spec';

/**
 * One Kubernetes cluster of a topology, described as plain data: its name, where it runs, and
 * what differs on it. Everything not overridden here is the same on every cluster.
 *
 * @example
 * const dc1a: ClusterSpec = {
 *   name: 'dc1-a',
 *   zones: ['dc1-room1', 'dc1-room2'],
 *   ingress: { address: 'ingress.dc1-a.acme.internal', host: 'chat.dc1-a.acme.example' },
 *   services: { api: { replicas: 4 } },
 * };
 */
export interface ClusterSpec {
  /**
   * Name of the cluster: its output folder, and the cluster name GitOps targets (the name the
   * cluster is registered under in Argo CD). A DNS-1123 label starting with a letter; keep it
   * stable, renaming a cluster moves its folder.
   */
  readonly name: string;

  /**
   * Failure zones of the cluster (rooms, racks, cloud zones), recorded in the topology summary
   * for the runbook and the disruption checks.
   *
   * @default - none recorded
   * @see https://kubernetes.io/docs/reference/labels-annotations-taints/#topologykubernetesiozone
   */
  readonly zones?: readonly string[];

  /**
   * Labels describing the cluster (site, region, role), recorded in the topology summary.
   *
   * @default - none
   */
  readonly labels?: Readonly<Record<string, string>>;

  /**
   * Availability mode of the services on this cluster, e.g. Baseline on a small third site.
   *
   * @default - the topology's mode
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/deployment/
   */
  readonly availability?: AvailabilityMode;

  /**
   * Where this cluster's ingress controller is reached (the cross-cluster balancer's backend
   * for this cluster), and optionally a host name of this cluster alone. Required when the
   * topology balances load across clusters.
   *
   * @default - no ingress address
   * @see https://kubernetes.io/docs/concepts/services-networking/ingress/
   */
  readonly ingress?: ClusterIngress;

  /**
   * Per-service differences on this cluster, by service name.
   *
   * @default - none: every service as declared
   */
  readonly services?: Readonly<Record<string, ServiceOverride>>;

  /**
   * Source addresses this cluster's pods have when they leave it (its node CIDR, NAT gateway
   * addresses, or the pod CIDR where pods are routable). A stateful component in another
   * cluster admits exactly these ranges in its NetworkPolicy, so this cluster can reach it and
   * nothing else can. Required when the cluster uses a component held by another cluster.
   *
   * @default - none declared
   * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/#networkpolicy-resource
   */
  readonly egressCidrs?: readonly string[];

  /**
   * The cluster's Kubernetes version (`'1.29'`, `'v1.30.4'`). On a cluster older than the
   * newest field a default needs, the library writes the older form (see docs/defaults.md);
   * versions older than the minimum are refused.
   *
   * @default - 1.31 or later: every default as written
   * @see https://kubernetes.io/releases/
   */
  readonly kubernetesVersion?: string;
}

/** How a balancer outside the clusters reaches one cluster's ingress controller. */
export interface ClusterIngress {
  /**
   * DNS name or IP address of the cluster's ingress controller (its load balancer or node
   * addresses): where the cross-cluster balancer sends this cluster's share.
   */
  readonly address: string;
  /**
   * A host name of the balanced service on this cluster alone, e.g. `chat.dc1-a.acme.example`:
   * an extra Ingress rule (and TLS host), to reach or test one cluster directly.
   *
   * @default - none: the cluster answers the public host only
   * @see https://kubernetes.io/docs/concepts/services-networking/ingress/#name-based-virtual-hosting
   */
  readonly host?: string;
  /**
   * Plain HTTP port of the ingress controller: traffic in HTTP mode, and health checks.
   *
   * @default 80
   * @see https://docs.haproxy.org/2.6/configuration.html#5.2-port
   */
  readonly httpPort?: number;
  /**
   * TLS port of the ingress controller: traffic when the balancer passes TLS through.
   *
   * @default 443
   * @see https://kubernetes.io/docs/concepts/services-networking/ingress/#tls
   */
  readonly httpsPort?: number;
}

/** A {@link ClusterIngress} checked, with its ports defaulted. */
export interface ResolvedClusterIngress {
  readonly address: string;
  readonly host?: string;
  readonly httpPort: number;
  readonly httpsPort: number;
}

/** What may differ for one service on one cluster. */
export interface ServiceOverride {
  /**
   * Replicas on this cluster (MultiReplica only), e.g. more on the cluster that takes most
   * traffic. Each cluster must still carry the whole load alone when the other fails.
   *
   * @default - the mode's replica count
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/deployment/
   */
  readonly replicas?: number;
  /**
   * Autoscaling on this cluster, replacing the service's.
   *
   * @default - the service's autoscaling
   * @see https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/
   */
  readonly autoscale?: AutoscaleSpec;
  /**
   * Environment variables added to (or replacing those of) the service on this cluster, e.g.
   * the cluster's own name for logs.
   *
   * @default - none
   */
  readonly env?: Readonly<Record<string, string | EnvValue>>;
  /**
   * CPU and memory on this cluster, replacing the service's.
   *
   * @default - the service's resources
   * @see https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/
   */
  readonly resources?: ResourceSpec;
  /**
   * Run the service in standby on this cluster: 0 replicas, no PodDisruptionBudget and no
   * autoscaler, every other object as when active, so activating it changes this one field.
   * For what must not act while its site is passive: controllers, schedulers, queue consumers.
   *
   * @default false
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#scaling-a-deployment
   */
  readonly standby?: boolean;
}

/** A {@link ClusterSpec} checked and with its defaults applied. */
export interface ResolvedCluster {
  readonly name: string;
  readonly zones: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
  readonly availability: AvailabilityMode;
  readonly ingress?: ResolvedClusterIngress;
  readonly services: Readonly<Record<string, ServiceOverride>>;
  readonly egressCidrs: readonly string[];
  /** Declared Kubernetes version, checked; undefined when not declared. */
  readonly kubernetesVersion?: string;
}

/** What {@link resolveClusters} checks the clusters against. */
export interface ClusterContext {
  /** Names of the topology's services: overrides must name one of them. */
  readonly serviceNames: readonly string[];
  /** The topology's availability mode. */
  readonly availability: AvailabilityMode;
  /** Fewest clusters the topology accepts. */
  readonly minClusters: number;
  /**
   * The field holding the clusters, as the user wrote it.
   *
   * @default 'clusters'
   */
  readonly listField?: string;
}

const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const DNS_NAME = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$/;

/**
 * Checks the clusters of a topology and applies their defaults. Throws a HadrError naming
 * `path`, the field (`clusters[1].name`...), the bad value and the fix.
 */
export function resolveClusters(path: string, clusters: readonly ClusterSpec[], context: ClusterContext): ResolvedCluster[] {
  const listField = context.listField ?? 'clusters';
  check(Array.isArray(clusters) && clusters.length >= context.minClusters, {
    path, field: listField, value: Array.isArray(clusters) ? clusters.map((c) => c?.name) : clusters,
    problem: `must list at least ${context.minClusters} clusters: a topology on one cluster does not survive losing it`,
    fix: 'add a second cluster, or use MultiReplica in a single chart',
  });
  const seen = new Set<string>();
  return clusters.map((cluster, i) => {
    const field = `${listField}[${i}]`;
    checkName(path, `${field}.name`, cluster.name);
    check(!seen.has(cluster.name), {
      path, field: `${field}.name`, value: cluster.name,
      problem: 'is used by another cluster: both would write the same folder and GitOps target',
      fix: 'give every cluster its own name',
    });
    seen.add(cluster.name);
    const zones = [...(cluster.zones ?? [])];
    zones.forEach((zone, j) => check(typeof zone === 'string' && zone.length > 0 && isLabelValue(zone) && zones.indexOf(zone) === j, {
      path, field: `${field}.zones[${j}]`, value: zone,
      problem: 'must be a label value listed once', fix: "use the zone's topology.kubernetes.io/zone value, e.g. 'eu-west-1a'",
    }));
    for (const [key, value] of Object.entries<string>(cluster.labels ?? {})) {
      check(LABEL_KEY.test(key) && key.length <= 317 && typeof value === 'string' && isLabelValue(value), {
        path, field: `${field}.labels.${key}`, value,
        problem: 'is not a valid label', fix: 'use a key like example.com/site and a value of at most 63 letters, digits, -, _ and .',
      });
    }
    const availability = cluster.availability ?? context.availability;
    check(availability instanceof AvailabilityMode, {
      path, field: `${field}.availability`, value: availability,
      problem: 'must be an AvailabilityMode', fix: 'use AvailabilityMode.MULTI_REPLICA or AvailabilityMode.BASELINE',
    });
    return {
      name: cluster.name,
      zones,
      labels: { ...cluster.labels },
      availability,
      ingress: cluster.ingress && resolveIngress(path, `${field}.ingress`, cluster.ingress),
      services: resolveOverrides(path, `${field}.services`, cluster.services ?? {}, context.serviceNames, availability),
      egressCidrs: resolveCidrs(path, `${field}.egressCidrs`, cluster.egressCidrs ?? []),
      ...cluster.kubernetesVersion === undefined ? {} : { kubernetesVersion: checkedVersion(path, `${field}.kubernetesVersion`, cluster.kubernetesVersion) },
    };
  });
}

/** A service as it runs on one cluster: the declared spec with the cluster's override applied. */
export function applyServiceOverride(spec: ServiceSpec, override: ServiceOverride | undefined): ServiceSpec {
  if (!override) return spec;
  return {
    ...spec,
    env: override.env ? { ...spec.env, ...override.env } : spec.env,
    resources: override.resources ?? spec.resources,
    autoscale: override.autoscale ?? spec.autoscale,
  };
}

/** True for a DNS name (RFC 1123, lowercase) such as `ingress.dc1.example.com`; false for an IP address. */
export function isDnsName(value: string): boolean {
  return typeof value === 'string' && DNS_NAME.test(value) && isIP(value) === 0;
}

function resolveIngress(path: string, field: string, ingress: ClusterIngress): ResolvedClusterIngress {
  check(typeof ingress.address === 'string' && (isDnsName(ingress.address) || isIP(ingress.address) !== 0), {
    path, field: `${field}.address`, value: ingress.address,
    problem: "must be the DNS name or IP address of the cluster's ingress controller", fix: "use e.g. 'ingress.dc1-a.example.com'",
  });
  check(ingress.host === undefined || (isDnsName(ingress.host) && ingress.host.includes('.')), {
    path, field: `${field}.host`, value: ingress.host,
    problem: 'must be a fully qualified DNS name (an Ingress host cannot be an IP address)', fix: "use e.g. 'chat.dc1-a.example.com'",
  });
  const httpPort = ingress.httpPort ?? 80;
  const httpsPort = ingress.httpsPort ?? 443;
  checkPortNumber(path, `${field}.httpPort`, httpPort);
  checkPortNumber(path, `${field}.httpsPort`, httpsPort);
  return { address: ingress.address, host: ingress.host, httpPort, httpsPort };
}

function resolveOverrides(
  path: string,
  field: string,
  overrides: Readonly<Record<string, ServiceOverride>>,
  serviceNames: readonly string[],
  availability: AvailabilityMode,
): Record<string, ServiceOverride> {
  for (const [name, override] of Object.entries(overrides)) {
    check(serviceNames.includes(name), {
      path, field: `${field}.${name}`, value: name,
      problem: 'is not a service of the topology', fix: `override one of ${serviceNames.map((n) => JSON.stringify(n)).join(', ')}`,
    });
    check(override.standby === undefined || typeof override.standby === 'boolean', {
      path, field: `${field}.${name}.standby`, value: override.standby, problem: 'must be true or false', fix: 'use true to run the service at 0 replicas here',
    });
    check(override.autoscale === undefined || availability === AvailabilityMode.MULTI_REPLICA, {
      path, field: `${field}.${name}.autoscale`, value: override.autoscale,
      problem: 'needs the MultiReplica mode: Baseline runs one replica', fix: 'set availability: AvailabilityMode.MULTI_REPLICA on this cluster, or drop autoscale',
    });
    check(override.replicas === undefined || availability === AvailabilityMode.MULTI_REPLICA, {
      path, field: `${field}.${name}.replicas`, value: override.replicas,
      problem: 'needs the MultiReplica mode: Baseline runs one replica', fix: 'set availability: AvailabilityMode.MULTI_REPLICA on this cluster, or drop replicas',
    });
  }
  return { ...overrides };
}

/** True for an IPv4 or IPv6 CIDR range such as `10.1.0.0/16`, with a prefix its family allows. */
export function isCidr(value: string): boolean {
  if (typeof value !== 'string') return false;
  const [address, prefix, ...rest] = value.split('/');
  const family = isIP(address ?? '');
  return rest.length === 0 && family !== 0 && /^\d{1,3}$/.test(prefix ?? '') && Number(prefix) <= (family === 4 ? 32 : 128);
}

function resolveCidrs(path: string, field: string, cidrs: readonly string[]): string[] {
  check(Array.isArray(cidrs), { path, field, value: cidrs, problem: 'must be a list of CIDR ranges', fix: "use e.g. ['10.1.0.0/16']" });
  cidrs.forEach((cidr, i) => check(isCidr(cidr) && cidrs.indexOf(cidr) === i, {
    path, field: `${field}[${i}]`, value: cidr,
    problem: 'must be a CIDR range listed once', fix: "use e.g. '10.1.0.0/16' (the cluster's node or NAT addresses)",
  }));
  return [...cidrs];
}

/** `value` as declared, once parseKubernetesVersion accepts it. */
function checkedVersion(path: string, field: string, value: string): string {
  parseKubernetesVersion(path, field, value);
  return value;
}
