import { isIP } from 'net';
import { isDnsName } from './cluster-spec';
import { isClusterLocalName, Reach } from './reach';
import { check } from '../errors';
import { EgressRule, NetworkPeer } from '../service/network-peer';
import { checkName, checkPortNumber } from '../service/service-spec';
import { DurationLike } from '../units';
import { checkRemoteHost, checkRemoteNetwork } from '../validation/network';
import { checkObject } from '../validation/shape';

/**
 * What a stateful component is, for the summary, the runbook and the diagram, with the port
 * it usually listens on.
 */
export class StatefulKind {
  /** PostgreSQL (a Patroni cluster, a managed database). Port 5432. */
  public static readonly POSTGRESQL = new StatefulKind('postgresql', { name: 'postgresql', port: 5432 });
  /** Redis (with Sentinel, or a managed cache). Port 6379. */
  public static readonly REDIS = new StatefulKind('redis', { name: 'redis', port: 6379 });
  /** S3-compatible object storage (MinIO, Ceph RGW, a cloud bucket endpoint). Port 443. */
  public static readonly OBJECT_STORAGE = new StatefulKind('object-storage', { name: 'https', port: 443 });
  /** A message broker speaking AMQP, such as RabbitMQ. Port 5672. */
  public static readonly MESSAGE_QUEUE = new StatefulKind('message-queue', { name: 'amqp', port: 5672 });
  /** A vector database such as Qdrant. Port 6333 (HTTP API). */
  public static readonly VECTOR_DATABASE = new StatefulKind('vector-database', { name: 'http', port: 6333 });

  /**
   * Any other stateful component; give its ports explicitly.
   *
   * @param name lowercase name, e.g. `search-index`
   */
  public static custom(name: string): StatefulKind {
    return new StatefulKind(name);
  }

  private constructor(
    /** Stable name, as written in summaries. */
    public readonly name: string,
    /** The port it usually listens on; undefined for a custom kind. */
    public readonly defaultPort?: { readonly name: string; readonly port: number },
  ) {}
}

/**
 * A stateful service that lives outside the active clusters and is shared by all of them
 * (database, cache, object storage, queue): every cluster reaches it by the same in-cluster
 * name, so both clusters read and write the same data.
 *
 * A DNS `host` becomes an ExternalName Service (a CNAME); IP `addresses` become a Service
 * without selector and an EndpointSlice listing them.
 *
 * @example
 * const postgres: SharedEndpointSpec = { name: 'postgres', kind: StatefulKind.POSTGRESQL, host: 'pg.data.acme.internal' };
 * const redis: SharedEndpointSpec = { name: 'redis', kind: StatefulKind.REDIS, addresses: ['10.30.0.21'] };
 *
 * @see https://kubernetes.io/docs/concepts/services-networking/service/#externalname
 * @see https://kubernetes.io/docs/concepts/services-networking/service/#services-without-selectors
 */
export interface SharedEndpointSpec {
  /**
   * In-cluster Service name the services connect to, e.g. `postgres`: the same on every
   * cluster. A DNS-1123 label starting with a letter.
   */
  readonly name: string;
  /** What it is. */
  readonly kind: StatefulKind;
  /**
   * DNS name (or a single IP address) the component answers on, outside the clusters. Give
   * either `host` or `addresses`.
   *
   * @default - see `addresses`
   */
  readonly host?: string;
  /**
   * IP addresses of the component's members, all of one family (IPv4 or IPv6).
   *
   * @default - see `host`
   */
  readonly addresses?: readonly string[];
  /**
   * Shorthand for one TCP port. Give either `port` or `ports`.
   *
   * @default - the kind's usual port (5432, 6379, 443, 5672, 6333)
   * @see https://kubernetes.io/docs/concepts/services-networking/service/#field-spec-ports
   */
  readonly port?: number;
  /**
   * The ports the component listens on.
   *
   * @default - see `port`
   */
  readonly ports?: readonly SharedEndpointPort[];
  /**
   * IP range the component lives in, for the services' egress NetworkPolicy. Needed to narrow
   * egress for a DNS `host`: a NetworkPolicy cannot match a DNS name.
   *
   * @default - the `addresses` themselves; any address on the endpoint's ports for a DNS host
   * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/
   */
  readonly network?: string;
  /**
   * Services allowed to connect (egress NetworkPolicy rules are added to them); the others
   * cannot reach it at all.
   *
   * @default - every service of the topology
   * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/#networkpolicy-resource
   */
  readonly usedBy?: readonly string[];

  /**
   * Where the address works. An address you give is taken to work from every cluster; a
   * stateful construct sets it to its own cluster until it is exposed, so its cluster-local
   * name is never handed to another cluster.
   *
   * @default Reach.ANYWHERE
   */
  readonly reach?: Reach;

  /**
   * The site that holds the component, for the summary, the runbook and the checks on
   * single-writer data.
   *
   * @default - not recorded
   */
  readonly site?: string;

  /**
   * Single-writer data (PostgreSQL, Redis) that services on two or more active sites write
   * through this one endpoint, knowingly: every write from the other sites crosses the
   * inter-site link. Without it, two active sites on single-writer data are refused.
   *
   * @default false
   */
  readonly sharedAcrossSites?: boolean;

  /**
   * The cluster of the topology that runs the component, by name. That cluster reaches it
   * directly: no Service is written there (the component's own Service has this name), and
   * its clients' egress goes to `localPods`.
   *
   * @default - outside the topology's clusters
   */
  readonly cluster?: string;

  /**
   * Labels of the component's pods in `cluster`, for the egress rule of the clients there.
   *
   * @default - required with `cluster`
   */
  readonly localPods?: Readonly<Record<string, string>>;

  /**
   * How this copy follows the writable one, when it is a standby copy on another site.
   *
   * @default - the writable copy, or not replicated
   */
  readonly replication?: SharedEndpointReplication;
}

/** How a standby copy of data follows the writable one. */
export interface SharedEndpointReplication {
  /** The site of the writable copy. */
  readonly fromSite: string;
  /** The address it replicates from. */
  readonly fromHost: string;
  /** `asynchronous` (it may lag) or `synchronous` (a commit waits for it). */
  readonly mode: 'asynchronous' | 'synchronous';
  /**
   * The longest lag the design accepts: this copy's share of the RPO.
   *
   * @default - unbounded
   */
  readonly maxLag?: DurationLike;
  /**
   * For synchronous replication across sites: the round trip between the sites you measured,
   * which every commit now waits for. Without it, synchronous replication across sites is refused.
   *
   * @default - not accepted
   */
  readonly acceptedLatency?: DurationLike;
}

/** A port of a shared endpoint. */
export interface SharedEndpointPort {
  /** Port number. */
  readonly port: number;
  /**
   * Port name (IANA service name), the same on the Service and the EndpointSlice.
   *
   * @default - `tcp-<port>`
   */
  readonly name?: string;
}

/**
 * Anything that can be reached as a shared endpoint: typically a stateful construct (a
 * PostgreSQL or Redis cluster) placed on a separate data cluster, which knows the address the
 * active clusters reach it on.
 */
export interface ISharedEndpointSource {
  /** The endpoint as the active clusters reach it, with the reach of its address. */
  sharedEndpoint(): SharedEndpointSpec;
  /**
   * Admits `peer` (the consumer clusters' egress CIDRs) to the component's NetworkPolicy on the
   * ports it shares. A component in another cluster without it cannot be shared.
   */
  allowFrom?(peer: NetworkPeer): unknown;
}

/**
 * A construct that holds state. Placed inside an active cluster of a multi-cluster topology
 * it would give each cluster its own copy of the data, so such placement is refused at synth.
 */
export interface IStatefulComponent {
  /** What state it holds. */
  readonly statefulKind: StatefulKind;
}

/** What {@link shareEndpoint} may narrow about a construct's endpoint. */
export interface ShareOptions {
  /**
   * Services allowed to connect; the others get no egress rule to it.
   *
   * @default - every service of the topology
   */
  readonly usedBy?: readonly string[];
}

/**
 * A stateful construct's endpoint used by some services only, still admitting the consumer
 * clusters on the construct's own NetworkPolicy.
 *
 * @example
 * sharedEndpoints: [shareEndpoint(redis, { usedBy: ['api'] })]
 */
export function shareEndpoint(source: ISharedEndpointSource, options: ShareOptions): ISharedEndpointSource {
  return {
    sharedEndpoint: () => ({ ...source.sharedEndpoint(), usedBy: options.usedBy }),
    allowFrom: source.allowFrom && ((peer: NetworkPeer) => source.allowFrom!(peer)),
  };
}

/** True for an object that declares it holds state ({@link IStatefulComponent}). */
export function isStatefulComponent(value: unknown): value is IStatefulComponent {
  return typeof value === 'object' && value !== null && (value as IStatefulComponent).statefulKind instanceof StatefulKind;
}

/** True for an object that can describe itself as a shared endpoint ({@link ISharedEndpointSource}). */
export function isSharedEndpointSource(value: unknown): value is ISharedEndpointSource {
  return typeof value === 'object' && value !== null && typeof (value as ISharedEndpointSource).sharedEndpoint === 'function';
}

/** A shared endpoint checked and with its defaults applied. */
export interface ResolvedSharedEndpoint {
  readonly name: string;
  readonly kind: string;
  /** A DNS name (ExternalName Service) or IP addresses of one family (Service + EndpointSlice). */
  readonly target:
  | { readonly type: 'dns'; readonly host: string }
  | { readonly type: 'ips'; readonly family: 'IPv4' | 'IPv6'; readonly addresses: readonly string[] };
  readonly ports: readonly Required<SharedEndpointPort>[];
  /** Egress the clients need: to the addresses, the network, or anywhere on the ports. */
  readonly egress: readonly EgressRule[];
  readonly usedBy: readonly string[];
  readonly reach: Reach;
  readonly site?: string;
  readonly sharedAcrossSites: boolean;
  /** The construct that described itself; undefined for an address given as data. */
  readonly source?: ISharedEndpointSource;
  /** Where it was declared, as the user wrote it (`sharedEndpoints[0]`), for errors. */
  readonly field: string;
  /** The cluster that runs it, reaching it directly; undefined for a component outside the clusters. */
  readonly heldBy?: string;
  /** Its pods in `heldBy`, for the clients there. */
  readonly localPeer?: NetworkPeer;
  readonly replication?: SharedEndpointReplication;
}

const PORT_NAME = /^(?=.*[a-z])[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const CIDR = /^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$|^[0-9a-fA-F:]+\/\d{1,3}$/;

/**
 * Checks the shared endpoints of a topology and applies their defaults. Throws a HadrError
 * naming `path`, the field (`sharedEndpoints[0].host`...), the bad value and the fix.
 *
 * @param serviceNames the topology's services: endpoint names must not collide with them, and
 *   `usedBy` must name them
 * @param listField the field holding the list, as the user wrote it (`sites[1].sharedEndpoints`)
 */
export function resolveSharedEndpoints(
  path: string,
  endpoints: readonly (SharedEndpointSpec | ISharedEndpointSource)[],
  serviceNames: readonly string[],
  listField = 'sharedEndpoints',
): ResolvedSharedEndpoint[] {
  const seen = new Set<string>();
  return endpoints.map((given, i) => {
    const field = `${listField}[${i}]`;
    const source = isSharedEndpointSource(given) ? given : undefined;
    const spec = source ? source.sharedEndpoint() : given as SharedEndpointSpec;
    checkObject(path, field, spec, "{ name: 'postgres', kind: StatefulKind.POSTGRESQL, host: 'pg.data.example.com' }");
    checkName(path, `${field}.name`, spec.name);
    check(!seen.has(spec.name) && !serviceNames.includes(spec.name), {
      path, field: `${field}.name`, value: spec.name,
      problem: seen.has(spec.name) ? 'is used by another shared endpoint' : 'is the name of a service of the topology',
      fix: 'give every Service in the namespace its own name',
    });
    seen.add(spec.name);
    check(spec.kind instanceof StatefulKind, {
      path, field: `${field}.kind`, value: spec.kind,
      problem: 'must be a StatefulKind', fix: 'use e.g. StatefulKind.POSTGRESQL, or StatefulKind.custom(name)',
    });
    const target = resolveTarget(path, field, spec);
    // A component that one of the topology's clusters runs is reached there by its own name.
    const local = spec.cluster !== undefined && target.type === 'dns' && isClusterLocalName(target.host);
    const reach = spec.reach ?? (local ? Reach.cluster(spec.cluster!) : Reach.ANYWHERE);
    check(reach instanceof Reach, {
      path, field: `${field}.reach`, value: reach, problem: 'must be a Reach', fix: 'use Reach.ANYWHERE, or drop it',
    });
    check(reach.scope === 'cluster' || target.type === 'ips' || !isClusterLocalName(target.host), {
      path, field: `${field}.host`, value: target.type === 'dns' ? target.host : undefined,
      problem: 'is a name only one cluster\'s DNS resolves, and a shared endpoint is reached from other clusters',
      fix: 'give a DNS name in a zone you manage or IP addresses, or expose the component with Exposure.loadBalancer({ host })',
    });
    check(spec.sharedAcrossSites === undefined || typeof spec.sharedAcrossSites === 'boolean', {
      path, field: `${field}.sharedAcrossSites`, value: spec.sharedAcrossSites, problem: 'must be true or false', fix: 'use true, or drop it',
    });
    const ports = resolvePorts(path, field, spec);
    const usedBy = [...(spec.usedBy ?? serviceNames)];
    usedBy.forEach((name, j) => check(serviceNames.includes(name), {
      path, field: `${field}.usedBy[${j}]`, value: name,
      problem: 'is not a service of the topology', fix: `use one of ${serviceNames.map((n) => JSON.stringify(n)).join(', ')}`,
    }));
    if (spec.network !== undefined) {
      check(CIDR.test(spec.network), {
        path, field: `${field}.network`, value: spec.network, problem: 'is not a CIDR range', fix: "use e.g. '10.30.0.0/24'",
      });
      checkRemoteNetwork(path, `${field}.network`, spec.network);
    }
    const egressPorts = ports.map((p) => ({ port: p.port }));
    const peers = spec.network !== undefined ? [NetworkPeer.cidr(spec.network)]
      : target.type === 'ips' ? target.addresses.map((a) => NetworkPeer.cidr(`${a}/${target.family === 'IPv4' ? 32 : 128}`))
        // Any address on the endpoint's ports, but never the link-local range of the cloud metadata server.
        : [NetworkPeer.cidr('0.0.0.0/0', ['169.254.0.0/16'])];
    return {
      name: spec.name,
      kind: spec.kind.name,
      target,
      ports,
      egress: peers.map((to) => ({ to, ports: egressPorts })),
      usedBy,
      reach,
      site: spec.site,
      sharedAcrossSites: spec.sharedAcrossSites ?? false,
      source,
      field,
      heldBy: spec.cluster,
      localPeer: resolveLocalPeer(path, field, spec),
      replication: spec.replication,
    };
  });
}

function resolveLocalPeer(path: string, field: string, spec: SharedEndpointSpec): NetworkPeer | undefined {
  if (spec.cluster === undefined) return undefined;
  checkName(path, `${field}.cluster`, spec.cluster);
  check(spec.localPods !== undefined && Object.keys(spec.localPods).length > 0, {
    path, field: `${field}.localPods`, value: spec.localPods,
    problem: 'is required with cluster: the clients in that cluster reach the pods directly', fix: "give the pods' labels, e.g. { 'app.kubernetes.io/instance': 'orders-pooler' }",
  });
  return NetworkPeer.pods(spec.localPods);
}

function resolveTarget(path: string, field: string, spec: SharedEndpointSpec): ResolvedSharedEndpoint['target'] {
  check((spec.host === undefined) !== (spec.addresses === undefined), {
    path, field: `${field}.host`, value: spec.host,
    problem: spec.host === undefined ? 'or addresses is required' : 'cannot be given together with addresses',
    fix: "give the DNS name in host (e.g. 'pg.data.example.com'), or the IP addresses in addresses",
  });
  if (spec.host !== undefined) {
    check(isDnsName(spec.host) || isIP(spec.host) !== 0, {
      path, field: `${field}.host`, value: spec.host,
      problem: 'must be a DNS name or an IP address', fix: "use e.g. 'pg.data.example.com'",
    });
    checkRemoteHost(path, `${field}.host`, spec.host, "use the component's own DNS name or address, e.g. 'pg.data.example.com'");
    if (isIP(spec.host) === 0) return { type: 'dns', host: spec.host };
  }
  const addresses = spec.addresses ?? [spec.host!];
  check(addresses.length > 0, {
    path, field: `${field}.addresses`, value: addresses, problem: 'must list at least one address', fix: "use e.g. ['10.30.0.21']",
  });
  addresses.forEach((address, j) => {
    check(isIP(address) !== 0 && addresses.indexOf(address) === j, {
      path, field: `${field}.addresses[${j}]`, value: address,
      problem: 'must be an IP address listed once', fix: "use e.g. '10.30.0.21', or a DNS name in host",
    });
    checkRemoteHost(path, `${field}.addresses[${j}]`, address, "use e.g. '10.30.0.21', the component's own address");
  });
  const family = isIP(addresses[0]) === 4 ? 'IPv4' : 'IPv6';
  check(addresses.every((a) => (isIP(a) === 4) === (family === 'IPv4')), {
    path, field: `${field}.addresses`, value: addresses,
    problem: 'mixes IPv4 and IPv6: one EndpointSlice holds one address family', fix: 'list the addresses of one family',
  });
  return { type: 'ips', family, addresses: [...addresses] };
}

function resolvePorts(path: string, field: string, spec: SharedEndpointSpec): Required<SharedEndpointPort>[] {
  check(spec.port === undefined || spec.ports === undefined, {
    path, field: `${field}.port`, value: spec.port, problem: 'cannot be given together with ports', fix: 'list every port in ports',
  });
  const kindPort = spec.kind.defaultPort;
  const ports: Required<SharedEndpointPort>[] = spec.ports !== undefined
    ? spec.ports.map((p) => ({ port: p.port, name: p.name ?? `tcp-${p.port}` }))
    : spec.port !== undefined
      ? [{ port: spec.port, name: kindPort && kindPort.port === spec.port ? kindPort.name : `tcp-${spec.port}` }]
      : kindPort ? [{ ...kindPort }] : [];
  check(ports.length > 0, {
    path, field: `${field}.ports`, value: spec.ports,
    problem: `is required for a ${spec.kind.name} endpoint: it has no usual port`, fix: 'give e.g. port: 9200',
  });
  ports.forEach((p, j) => {
    checkPortNumber(path, `${field}.ports[${j}].port`, p.port);
    check(p.name.length <= 15 && PORT_NAME.test(p.name) && ports.findIndex((q) => q.name === p.name || q.port === p.port) === j, {
      path, field: `${field}.ports[${j}].name`, value: p.name,
      problem: 'must be a unique IANA service name for a unique port: at most 15 lowercase letters, digits and dashes',
      fix: "use e.g. 'amqp' or 'tcp-5672'",
    });
  });
  return ports;
}
