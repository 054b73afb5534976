import { isIP } from 'net';
import { AvailabilityMode } from './availability-mode';
import { isDnsName, ResolvedCluster, resolveClusters } from './cluster-spec';
import {
  ISharedEndpointSource, ResolvedSharedEndpoint, resolveSharedEndpoints, SharedEndpointSpec, StatefulKind,
} from './shared-endpoint';
import { SiteRole, SiteSpec } from './site-spec';
import { ROUTE53_DEFAULTS } from '../defaults';
import { check, describeValue } from '../errors';
import { GitOps, ResolvedGitOps, resolveGitOps } from '../gitops/gitops';
import { Targets } from '../intents';
import { renamingErrors } from '../private/rename-errors';
import { checkName, ResolvedService, resolveServiceSpec, ServiceSpec } from '../service/service-spec';
import { ResolvedLoadBalancing, resolveLoadBalancing } from '../traffic/cross-cluster-balancer';
import { TrafficPolicy } from '../traffic/traffic-policy';
import { DurationLike, isDurationLike } from '../units';

/** A service of a topology: a {@link ServiceSpec} and how it relates to the others. */
export interface TopologyServiceSpec extends ServiceSpec {
  /**
   * Services of the topology this one calls inside its own cluster. Each such call is admitted
   * by both NetworkPolicies, and a service in standby cannot be a dependency of an active one.
   *
   * @default - none
   * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/
   */
  readonly dependsOn?: readonly string[];
}

/**
 * A whole topology as plain data: the services, the sites with their roles and clusters, the
 * stateful components with where they live and how far their addresses reach, how traffic
 * reaches the clusters, how GitOps feeds them, and the recovery targets. `MultiCluster` is its
 * one-site case; every renderer (manifests, summary, runbook, diagram, budget, cloud side)
 * reads the one resolved form that the library checks it into.
 */
export interface TopologySpec {
  /** Name of the topology: names the GitOps objects, the summary and the namespace by default. */
  readonly name: string;
  /**
   * Namespace of every object on the clusters.
   *
   * @default - the topology name
   */
  readonly namespace?: string;
  /** The stateless services, the same on every cluster. */
  readonly services: readonly TopologyServiceSpec[];
  /** The sites, each with its role and clusters. */
  readonly sites: readonly SiteSpec[];
  /**
   * How services run on a cluster when neither its site nor the cluster says.
   *
   * @default AvailabilityMode.MULTI_REPLICA
   */
  readonly availability?: AvailabilityMode;
  /**
   * Stateful components the services reach by the same in-cluster name on every cluster.
   *
   * @default - none
   */
  readonly sharedEndpoints?: readonly (SharedEndpointSpec | ISharedEndpointSource)[];
  /**
   * How client traffic reaches the clusters.
   *
   * @default - nothing in front: bring your own
   */
  readonly traffic?: TrafficPolicy;
  /**
   * How the clusters get their manifests from one repository.
   *
   * @default - no GitOps objects
   */
  readonly gitOps?: GitOps;
  /**
   * Recovery targets.
   *
   * @default - none
   */
  readonly targets?: Targets;
}

/** A cluster of a resolved topology: where it sits and where its manifests go. */
export interface TopologyCluster extends ResolvedCluster {
  /** Name of its site. */
  readonly site: string;
  /** Role of its site. */
  readonly role: SiteRole;
  /** Output folder, relative to the app's: `<cluster>`, or `<site>/<cluster>` with several sites. */
  readonly folder: string;
  /** The shared endpoints this cluster reaches: the topology's, with its site's replacing them. */
  readonly sharedEndpoints: readonly ResolvedSharedEndpoint[];
}

/** A site of a resolved topology. */
export interface ResolvedSite {
  readonly name: string;
  readonly role: SiteRole;
  readonly clusters: readonly TopologyCluster[];
}

/** How traffic reaches the clusters, checked. */
export interface ResolvedTrafficPolicy {
  readonly kind: TrafficPolicy['kind'];
  /** The service and host every cluster's Ingress answers; the balancer's backends for `balanced` and `failover`. */
  readonly loadBalancing: ResolvedLoadBalancing;
  /** DNS failover (`k8gb`, `route53`), in seconds. */
  readonly dns?: ResolvedDnsFailover;
  /** A switch made by hand (`manual`), in seconds. */
  readonly manual?: { readonly what: string; readonly switchSeconds: number; readonly cacheSeconds: number };
}

/** DNS failover, checked, in seconds. */
export interface ResolvedDnsFailover {
  readonly provider: 'k8gb' | 'route53';
  readonly ttlSeconds: number;
  /** k8gb's reconcile interval. */
  readonly reconcileSeconds?: number;
  /** Route 53 health-check interval and failures before failing over. */
  readonly healthCheckIntervalSeconds?: number;
  readonly failureThreshold?: number;
  /** Route 53: each site's address and health check. */
  readonly sites?: Readonly<Record<string, { readonly address: string; readonly healthCheckId: string }>>;
}

/** Recovery targets in seconds. */
export interface ResolvedTargets {
  readonly rtoSeconds?: number;
  readonly rpoSeconds?: number;
}

/** A {@link TopologySpec} checked, with every default applied. */
export interface ResolvedTopology {
  readonly name: string;
  readonly namespace: string;
  /** Each service as declared, resolved once (images and ports do not vary by cluster). */
  readonly services: readonly ResolvedService[];
  /** The services as declared, for the per-cluster overrides. */
  readonly declared: readonly TopologyServiceSpec[];
  /** What each service calls, by service name. */
  readonly dependsOn: Readonly<Record<string, readonly string[]>>;
  readonly sites: readonly ResolvedSite[];
  /** Every cluster of every site, in declaration order. */
  readonly clusters: readonly TopologyCluster[];
  /** Every shared endpoint: the topology's, then each site's own. */
  readonly sharedEndpoints: readonly ResolvedSharedEndpoint[];
  readonly traffic?: ResolvedTrafficPolicy;
  readonly gitOps?: ResolvedGitOps;
  readonly targets: ResolvedTargets;
}

/** What {@link resolveTopology} checks beyond the spec itself. */
export interface TopologyContext {
  /** Fewest clusters over all sites. @default 1 */
  readonly minClusters?: number;
  /**
   * How the user wrote the sites: `'sites'` for a TopologySpec, or `'clusters'` when a
   * one-site construct (MultiCluster) took its clusters directly, so errors name their field.
   *
   * @default 'sites'
   */
  readonly sitesField?: 'sites' | 'clusters';
}

/** Output folders a topology writes besides its clusters: no site or cluster may take their names. */
export const OUTPUT_FOLDERS = { gitops: 'gitops', balancer: 'balancer' } as const;

/** Kinds whose data has one writer: two active sites must not each write their own copy. */
const SINGLE_WRITER = new Set([StatefulKind.POSTGRESQL.name, StatefulKind.REDIS.name]);

/**
 * Checks a topology and applies its defaults: every name, every site and cluster, every
 * shared endpoint and whether its address works where it is used, the traffic policy, GitOps
 * and the targets. Throws a HadrError naming `path`, the field as the user wrote it, the bad
 * value and the fix.
 *
 * @example
 * const topology = resolveTopology('chat', {
 *   name: 'chat',
 *   services: [{ name: 'web', image: 'ghcr.io/acme/web:1.0.0', port: 8080 }],
 *   sites: [{ name: 'dc1', role: SiteRole.ACTIVE, clusters: [{ name: 'dc1-a' }, { name: 'dc1-b' }] }],
 * });
 * topology.clusters.map((c) => c.folder); // ['dc1-a', 'dc1-b']
 */
export function resolveTopology(path: string, spec: TopologySpec, context: TopologyContext = {}): ResolvedTopology {
  check(typeof spec === 'object' && spec !== null, {
    path, field: 'props', value: spec, problem: 'are required', fix: 'give the services, the sites and their clusters',
  });
  checkName(path, 'name', spec.name);
  const namespace = spec.namespace ?? spec.name;
  checkName(path, 'namespace', namespace);
  const declared = checkServiceList(path, spec.services);
  const services = declared.map((s, i) => renamingErrors(path, [['service', `services[${i}]`]], () => resolveServiceSpec(path, s)));
  const serviceNames = services.map((s) => s.name);
  const dependsOn = resolveDependencies(path, declared, serviceNames);
  const sitesField = context.sitesField ?? 'sites';
  const defaultAvailability = spec.availability ?? AvailabilityMode.MULTI_REPLICA;

  check(Array.isArray(spec.sites) && spec.sites.length > 0, {
    path, field: 'sites', value: spec.sites, problem: 'must list at least one site', fix: "give e.g. [{ name: 'dc1', role: SiteRole.ACTIVE, clusters: [...] }]",
  });
  const several = spec.sites.length > 1;
  const reserved = Object.values(OUTPUT_FOLDERS);
  const topologyEndpoints = resolveSharedEndpoints(path, spec.sharedEndpoints ?? [], serviceNames);
  const siteNames = new Set<string>();
  const clusterNames = new Map<string, string>();
  const sites: ResolvedSite[] = spec.sites.map((site, s) => {
    const field = sitesField === 'sites' ? `sites[${s}]` : '';
    const at = (rest: string) => (field ? `${field}.${rest}` : rest);
    const nameField = field ? `${field}.name` : 'site';
    checkName(path, nameField, site.name);
    check(!siteNames.has(site.name), {
      path, field: nameField, value: site.name, problem: 'is used by another site', fix: 'give every site its own name',
    });
    siteNames.add(site.name);
    check(site.role instanceof SiteRole, {
      path, field: at('role'), value: site.role, problem: 'must be a SiteRole', fix: 'use SiteRole.ACTIVE or SiteRole.STANDBY',
    });
    if (sitesField === 'sites') {
      check(Array.isArray(site.clusters) && site.clusters.length > 0, {
        path, field: at('clusters'), value: site.clusters,
        problem: 'must list at least one cluster: a site without a cluster runs nothing', fix: `give e.g. [{ name: '${site.name}-a' }]`,
      });
    }
    if (several) checkFolder(path, nameField, site.name, reserved);
    const clusters = resolveClusters(path, site.clusters, {
      serviceNames,
      availability: site.availability ?? defaultAvailability,
      // A one-site construct that takes its clusters directly reports its own minimum there.
      minClusters: sitesField === 'clusters' ? context.minClusters ?? 1 : 1,
      listField: at('clusters'),
    });
    const siteEndpoints = resolveSharedEndpoints(path, site.sharedEndpoints ?? [], serviceNames, at('sharedEndpoints'));
    const effective = [
      ...topologyEndpoints.map((e) => siteEndpoints.find((own) => own.name === e.name) ?? e),
      ...siteEndpoints.filter((own) => !topologyEndpoints.some((e) => e.name === own.name)),
    ];
    return {
      name: site.name,
      role: site.role,
      clusters: clusters.map((cluster, c) => {
        const clusterField = at(`clusters[${c}].name`);
        check(!clusterNames.has(cluster.name), {
          path, field: clusterField, value: cluster.name,
          problem: `is used by another cluster (${clusterNames.get(cluster.name)}): both would write the same folder and GitOps target`,
          fix: 'give every cluster of the topology its own name',
        });
        clusterNames.set(cluster.name, clusterField);
        if (!several) checkFolder(path, clusterField, cluster.name, reserved);
        return {
          ...cluster,
          site: site.name,
          role: site.role,
          folder: several ? `${site.name}/${cluster.name}` : cluster.name,
          sharedEndpoints: effective,
        };
      }),
    };
  });
  const clusters = sites.flatMap((site) => site.clusters);
  const minClusters = context.minClusters ?? 1;
  check(clusters.length >= minClusters, {
    path, field: sitesField, value: clusters.map((c) => c.name),
    problem: `must list at least ${minClusters} clusters: a topology on one cluster does not survive losing it`,
    fix: 'add a second cluster, or use MultiReplica in a single chart',
  });
  check(sites.some((site) => site.role === SiteRole.ACTIVE), {
    path, field: 'sites', value: sites.map((site) => `${site.name}: ${site.role.name}`),
    problem: 'has no active site, so nothing serves', fix: 'make one site SiteRole.ACTIVE',
  });

  const sharedEndpoints = [...new Set(clusters.flatMap((c) => c.sharedEndpoints))];
  for (const endpoint of sharedEndpoints.filter((e) => e.heldBy !== undefined)) {
    check(clusterNames.has(endpoint.heldBy!), {
      path, field: `${endpoint.field}.cluster`, value: endpoint.heldBy,
      problem: 'is not a cluster of the topology', fix: `use one of ${[...clusterNames.keys()].map((n) => JSON.stringify(n)).join(', ')}`,
    });
  }
  checkReach(path, clusters, sitesField);
  checkSingleWriter(path, sites);
  checkStandbyDependencies(path, clusters, dependsOn, sitesField);

  return {
    name: spec.name,
    namespace,
    services,
    declared,
    dependsOn,
    sites,
    clusters,
    sharedEndpoints,
    traffic: spec.traffic === undefined ? undefined : resolveTraffic(path, spec.traffic, services, sites, sitesField),
    gitOps: spec.gitOps === undefined ? undefined : resolveGitOps(path, spec.gitOps),
    targets: resolveTargets(path, spec.targets),
  };
}

/** True when `service` runs in standby (0 replicas) on `cluster`. */
export function isStandbyOn(cluster: ResolvedCluster, service: string): boolean {
  return cluster.services[service]?.standby === true;
}

function checkServiceList(path: string, services: readonly TopologyServiceSpec[]): readonly TopologyServiceSpec[] {
  check(Array.isArray(services) && services.length > 0, {
    path, field: 'services', value: services,
    problem: 'must list at least one service', fix: "give e.g. [{ name: 'api', image: 'ghcr.io/acme/api:1.0.0', port: 8080 }]",
  });
  services.forEach((service, i) => check(services.findIndex((s) => s?.name === service?.name) === i, {
    path, field: `services[${i}].name`, value: service?.name,
    problem: 'is used by another service', fix: 'give every service its own name',
  }));
  return services;
}

function resolveDependencies(path: string, services: readonly TopologyServiceSpec[], names: readonly string[]): Record<string, string[]> {
  return Object.fromEntries(services.map((service, i) => {
    const dependsOn = service.dependsOn ?? [];
    check(Array.isArray(dependsOn), {
      path, field: `services[${i}].dependsOn`, value: dependsOn, problem: 'must be a list of service names', fix: "use e.g. ['api']",
    });
    dependsOn.forEach((name, j) => check(names.includes(name) && name !== service.name && dependsOn.indexOf(name) === j, {
      path, field: `services[${i}].dependsOn[${j}]`, value: name,
      problem: name === service.name ? 'names the service itself' : names.includes(name) ? 'is listed twice' : 'is not a service of the topology',
      fix: `use one of ${names.filter((n) => n !== service.name).map((n) => JSON.stringify(n)).join(', ') || 'the other services'}`,
    }));
    return [service.name, [...dependsOn]];
  }));
}

function checkFolder(path: string, field: string, name: string, reserved: readonly string[]): void {
  check(!reserved.includes(name), {
    path, field, value: name,
    problem: `is the folder of the ${name === 'gitops' ? 'GitOps objects' : name === 'balancer' ? "balancer's configuration" : `topology's ${name} files`}`,
    fix: `give the ${field.endsWith('site') || /^sites\[\d+\]\.name$/.test(field) ? 'site' : 'cluster'} another name`,
  });
}

/**
 * Every address a cluster uses must work there: a cluster-local name from another cluster is
 * refused, and a component another cluster holds must be able to admit this cluster's egress.
 */
function checkReach(path: string, clusters: readonly TopologyCluster[], sitesField: string): void {
  for (const cluster of clusters) {
    const index = clusters.indexOf(cluster);
    const clusterField = fieldOfCluster(clusters, index, sitesField);
    for (const endpoint of cluster.sharedEndpoints.filter((e) => e.usedBy.length > 0 && e.heldBy !== cluster.name)) {
      const remote = endpoint.reach.scope === 'cluster' && endpoint.reach.cluster !== cluster.folder;
      const host = endpoint.target.type === 'dns' ? endpoint.target.host : endpoint.target.addresses.join(', ');
      check(!remote, {
        path, field: endpoint.field, value: host,
        problem: `resolves only inside ${describeCluster(endpoint.reach.cluster)}, and ${cluster.name} is another cluster: it would not connect at runtime`,
        fix: `expose it, e.g. expose: { ${endpoint.kind === StatefulKind.POSTGRESQL.name ? 'pooler' : 'primary'}: `
          + "Exposure.loadBalancer({ host: '<name>.<zone you manage>' }) }, or give the address other clusters reach it on",
      });
      // A component the topology renders admits exactly its consumers' addresses.
      const heldElsewhere = endpoint.source?.allowFrom !== undefined && endpoint.reach.scope === 'anywhere';
      check(!heldElsewhere || cluster.egressCidrs.length > 0, {
        path, field: `${clusterField}.egressCidrs`, value: cluster.egressCidrs,
        problem: `must be declared: ${cluster.name} uses ${endpoint.name}, held by another cluster whose NetworkPolicy admits only the consumer clusters' addresses`,
        fix: "give the addresses this cluster's pods leave it from, e.g. egressCidrs: ['10.1.0.0/16']",
      });
    }
  }
}

/** Two active sites on single-writer data: refused unless the one writer is knowingly shared. */
function checkSingleWriter(path: string, sites: readonly ResolvedSite[]): void {
  const active = sites.filter((site) => site.role === SiteRole.ACTIVE);
  if (active.length < 2) return;
  const writers = new Map<string, { endpoint: ResolvedSharedEndpoint; site: string }[]>();
  for (const site of active) {
    for (const endpoint of site.clusters[0].sharedEndpoints.filter((e) => SINGLE_WRITER.has(e.kind) && e.usedBy.length > 0)) {
      writers.set(endpoint.name, [...(writers.get(endpoint.name) ?? []), { endpoint, site: site.name }]);
    }
  }
  for (const uses of writers.values()) {
    if (uses.length < 2) continue;
    const distinct = new Set(uses.map((u) => u.endpoint)).size > 1;
    const siteList = uses.map((u) => u.site).join(', ');
    check(!distinct, {
      path, field: uses[1].endpoint.field, value: siteList,
      problem: `is ${uses[0].endpoint.kind} data with one writer, and the active sites ${siteList} each write their own copy`,
      fix: 'make all but one site SiteRole.STANDBY, or give the active sites one shared endpoint they all write to',
    });
    check(uses[0].endpoint.sharedAcrossSites, {
      path, field: `${uses[0].endpoint.field}.sharedAcrossSites`, value: undefined,
      problem: `is ${uses[0].endpoint.kind} data with one writer, written from the active sites ${siteList}`,
      fix: 'say that every site writes to this one endpoint with sharedAcrossSites: true (each write from another site crosses the inter-site link), or make all but one site SiteRole.STANDBY',
    });
  }
}

/** An active service must not depend on a service in standby on the same cluster. */
function checkStandbyDependencies(
  path: string, clusters: readonly TopologyCluster[], dependsOn: Readonly<Record<string, readonly string[]>>, sitesField: string,
): void {
  clusters.forEach((cluster, index) => {
    for (const [service, dependencies] of Object.entries(dependsOn)) {
      if (isStandbyOn(cluster, service)) continue;
      for (const dependency of dependencies) {
        check(!isStandbyOn(cluster, dependency), {
          path, field: `${fieldOfCluster(clusters, index, sitesField)}.services.${dependency}.standby`, value: true,
          problem: `stops ${dependency} on ${cluster.name}, and ${service}, active there, depends on it`,
          fix: `put ${service} in standby on ${cluster.name} too, or keep ${dependency} active`,
        });
      }
    }
  });
}

function resolveTraffic(
  path: string, traffic: TrafficPolicy, services: readonly ResolvedService[], sites: readonly ResolvedSite[], sitesField: string,
): ResolvedTrafficPolicy {
  check(traffic instanceof TrafficPolicy, {
    path, field: 'traffic', value: traffic, problem: 'must be a TrafficPolicy', fix: 'use TrafficPolicy.balanced({...}) or TrafficPolicy.failover({...})',
  });
  check(traffic.kind === 'balanced' || sites.some((site) => site.role === SiteRole.STANDBY), {
    path, field: 'traffic', value: traffic.kind,
    problem: 'fails over to a standby site, and the topology has none', fix: 'use TrafficPolicy.balanced({...}), or add a SiteRole.STANDBY site',
  });
  // Active-active balances over the active sites; every other policy can send traffic to any site.
  const serving = sites.filter((site) => traffic.kind !== 'balanced' || site.role === SiteRole.ACTIVE);
  const clusters = serving.flatMap((site) => site.clusters);
  const all = sites.flatMap((site) => site.clusters);
  const loadBalancing = resolveLoadBalancing(path, traffic.loadBalancing, services, clusters, {
    clusterField: (i) => fieldOfCluster(all, all.indexOf(clusters[i]), sitesField),
    ingressAddressRequired: traffic.kind === 'balanced' || traffic.kind === 'failover',
  });
  const options = traffic.loadBalancing;
  return {
    kind: traffic.kind,
    loadBalancing: {
      ...loadBalancing,
      clusters: loadBalancing.clusters.map((c) => ({ ...c, backup: clusters.find((k) => k.name === c.name)!.role === SiteRole.STANDBY })),
    },
    dns: traffic.kind === 'k8gb' ? {
      provider: 'k8gb',
      ttlSeconds: wholeSeconds(path, 'traffic.ttl', options.ttl, 30, 1),
      reconcileSeconds: wholeSeconds(path, 'traffic.reconcileInterval', options.reconcileInterval, 30, 1),
    } : traffic.kind === 'route53' ? resolveRoute53(path, options, sites) : undefined,
    manual: traffic.kind === 'manual' ? {
      what: nonEmpty(path, 'traffic.what', options.what),
      switchSeconds: wholeSeconds(path, 'traffic.switchTime', options.switchTime, undefined, 1),
      cacheSeconds: wholeSeconds(path, 'traffic.cacheTime', options.cacheTime, 0, 0),
    } : undefined,
  };
}

function resolveRoute53(path: string, options: TrafficPolicy['loadBalancing'], sites: readonly ResolvedSite[]): ResolvedDnsFailover {
  check(sites.length === 2, {
    path, field: 'traffic', value: sites.map((s) => s.name),
    problem: 'is Route 53 failover routing, which holds one PRIMARY and one SECONDARY record: it serves two sites', fix: 'use TrafficPolicy.k8gb({...}) or TrafficPolicy.failover({...}) for more sites',
  });
  const given = options.sites ?? {};
  const names = sites.map((s) => s.name);
  check(typeof given === 'object' && Object.keys(given).sort().join() === [...names].sort().join(), {
    path, field: 'traffic.sites', value: Object.keys(given ?? {}),
    problem: 'must give the address and health check of every site, and only those', fix: `give ${names.map((n) => JSON.stringify(n)).join(' and ')}`,
  });
  for (const [site, record] of Object.entries(given)) {
    check(typeof record?.address === 'string' && (isDnsName(record.address) || isIP(record.address) !== 0), {
      path, field: `traffic.sites.${site}.address`, value: record?.address,
      problem: "must be the DNS name or IP address of the site's load balancer", fix: `use e.g. 'ingress.${site}.example.com'`,
    });
    check(typeof record.healthCheckId === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(record.healthCheckId), {
      path, field: `traffic.sites.${site}.healthCheckId`, value: record.healthCheckId,
      problem: 'must be the ID of a Route 53 health check', fix: "use e.g. 'abcdef12-3456-7890-abcd-ef1234567890' (aws route53 list-health-checks)",
    });
  }
  const interval = wholeSeconds(path, 'traffic.healthCheckInterval', options.healthCheckInterval, ROUTE53_DEFAULTS.healthCheckIntervalSeconds, 10);
  check(ROUTE53_DEFAULTS.allowedIntervalsSeconds.includes(interval), {
    path, field: 'traffic.healthCheckInterval', value: options.healthCheckInterval,
    problem: 'must be 10 or 30 seconds, the intervals Route 53 offers', fix: 'use Duration.seconds(10) or Duration.seconds(30)',
  });
  const failureThreshold = options.failureThreshold ?? ROUTE53_DEFAULTS.failureThreshold;
  check(Number.isInteger(failureThreshold) && failureThreshold >= 1 && failureThreshold <= 10, {
    path, field: 'traffic.failureThreshold', value: failureThreshold, problem: 'must be a whole number from 1 to 10', fix: 'use 3',
  });
  return {
    provider: 'route53',
    ttlSeconds: wholeSeconds(path, 'traffic.ttl', options.ttl, ROUTE53_DEFAULTS.ttlSeconds, 0),
    healthCheckIntervalSeconds: interval,
    failureThreshold,
    sites: Object.fromEntries(Object.entries(given).map(([site, r]) => [site, { address: r.address, healthCheckId: r.healthCheckId }])),
  };
}

function wholeSeconds(path: string, field: string, value: DurationLike | undefined, fallback: number | undefined, minimum: number): number {
  if (value === undefined && fallback !== undefined) return fallback;
  const ms = isDurationLike(value) ? value.toMilliseconds() : NaN;
  check(isDurationLike(value) && ms % 1000 === 0 && ms / 1000 >= minimum && ms < 2 ** 31, {
    path, field, value, problem: `must be a whole number of seconds, at least ${minimum}`, fix: 'use e.g. Duration.seconds(30)',
  });
  return value.toMilliseconds() / 1000;
}

function nonEmpty(path: string, field: string, value: string | undefined): string {
  check(typeof value === 'string' && value.trim().length > 0 && !/[\r\n]/.test(value), {
    path, field, value, problem: 'must say what is switched, on one line', fix: "use e.g. 'the DNS record chat.acme.example'",
  });
  return value;
}

function resolveTargets(path: string, targets: Targets | undefined): ResolvedTargets {
  if (targets === undefined) return {};
  const seconds = (field: 'rto' | 'rpo', minimumMs: number) => {
    const value = targets[field];
    if (value === undefined) return undefined;
    check(isDurationLike(value) && value.toMilliseconds() >= minimumMs, {
      path, field: `targets.${field}`, value,
      problem: field === 'rto' ? 'must be a positive Duration' : 'must be a Duration of 0 or more',
      fix: field === 'rto' ? 'use e.g. Duration.minutes(15)' : 'use e.g. Duration.minutes(1), or Duration.seconds(0) for no loss',
    });
    return value.toMilliseconds() / 1000;
  };
  return { rtoSeconds: seconds('rto', 1), rpoSeconds: seconds('rpo', 0) };
}

function fieldOfCluster(clusters: readonly TopologyCluster[], index: number, sitesField: string): string {
  if (sitesField === 'clusters') return `clusters[${index}]`;
  const cluster = clusters[index];
  const siteClusters = clusters.filter((c) => c.site === cluster.site);
  const siteIndex = [...new Set(clusters.map((c) => c.site))].indexOf(cluster.site);
  return `sites[${siteIndex}].clusters[${siteClusters.indexOf(cluster)}]`;
}

function describeCluster(cluster: string | undefined): string {
  return cluster === undefined ? 'its own cluster' : /^the /.test(cluster) ? cluster : `cluster ${describeValue(cluster)}`;
}
