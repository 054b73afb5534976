import { ApiObject, Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import * as YAML from 'yaml';
import { MultiReplica } from './multi-replica';
import { PATRONI_CLUSTER_DEFAULTS as DEFAULTS, SERVICE_DEFAULTS } from '../core/defaults';
import { check, HadrError } from '../core/errors';
import { PostgresSpec, RunbookStep } from '../core/intents';
import { clusterIdentity } from './private/cluster-identity';
import { configFile } from './private/config-file';
import { kubeObject } from './private/kube-object';
import { claimObjectName, nameObjectsAfter } from './private/name-registry';
import { DNS_EGRESS, policyPeer, tcpPorts } from './private/network-policy';
import { antiAffinityFor, topologySpreadFor } from './private/placement';
import { containerResources, probe, restrictedContainerSecurityContext, restrictedPodSecurityContext } from './private/pod-template';
import { exemptFromPolarisCheck, exemptPinnedImagePull } from './private/polaris';
import { priorityClassNameFor } from './private/priority-class';
import { checkEndpointUrl, checkHostList, checkS3Prefix, checkStatefulProps } from './private/stateful-props';
import { configChecksum, dataVolumeClaim } from './private/stateful-storage';
import { EXPORTER_DEFAULTS, renderPostgresExporterQueries } from '../core/ops/exporters';
import { checkCron, checkRetention } from '../core/ops/schedule';
import { renderLogicalDumpScript } from '../core/postgres/logical-dump';
import {
  checkArchiveLocation, PATRONI_PASSWORD_ENV, PatroniConfigSpec, renderPatroniConfig, validatePatroniConfig, WalGArchiveLocation,
} from '../core/postgres/patroni-config';
import { PatroniTiming, PatroniTimingProfile, estimateFailover } from '../core/postgres/patroni-timing';
import { PgbouncerPoolMode, renderPgbouncerIni } from '../core/postgres/pgbouncer-config';
import { BACKUP_LOOP_ALIVE, renderWalgBackupLoop } from '../core/postgres/walg-backup';
import { FieldMapping, renamingErrors } from '../core/private/rename-errors';
import { FileSource } from '../core/service/file-source';
import { HealthCheck } from '../core/service/health-check';
import { LABEL, recommendedLabels, selectorLabels } from '../core/service/labels';
import { NetworkPeer } from '../core/service/network-peer';
import { Placement, SchedulingRule } from '../core/service/placement';
import { PriorityClass } from '../core/service/priority-class';
import { ImagePullPolicy, ResolvedService, ResourceSpec, resolveServiceSpec } from '../core/service/service-spec';
import { Exposure, isClusterLocalName, Reach, ResolvedExposure, resolveExposure } from '../core/topology/reach';
import { ISharedEndpointSource, IStatefulComponent, SharedEndpointSpec, StatefulKind } from '../core/topology/shared-endpoint';
import { DurationLike, isDurationLike, isSizeLike, mebibytes, seconds, toSecondsCeil } from '../core/units';
import { checkSecretName, INT32_MAX } from '../core/validation/kubernetes';
import {
  checkObject, checkOneOf, checkOptionalBoolean, checkOptionalObject, checkOptionalString, checkString,
} from '../core/validation/shape';

/** Props of {@link PatroniCluster}. */
export interface PatroniClusterProps extends PostgresSpec {
  /**
   * The product this database belongs to (`app.kubernetes.io/part-of`).
   *
   * @default - the cluster name
   */
  readonly partOf?: string;

  /**
   * StorageClass of the data volumes; use one bound in each member's zone
   * (`volumeBindingMode: WaitForFirstConsumer`).
   *
   * @default - the cluster's default StorageClass
   */
  readonly storageClassName?: string;

  /**
   * Image with Patroni, PostgreSQL and WAL-G. Run with the rendered patroni.yml, not the
   * image's own configuration generator, so the configuration the drill proved is the one that runs.
   *
   * @default 'ghcr.io/zalando/spilo-18:4.1-p2'
   */
  readonly image?: string;

  /**
   * Patroni version in the image; newer Patroni raises timings below its floors, so a profile
   * it would not honour is refused.
   *
   * @default '4.1.4'
   */
  readonly patroniVersion?: string;

  /**
   * Failover timings (ttl, loop_wait, retry_timeout) and the matching check cadence.
   *
   * @default PatroniTiming.default()
   * @see https://patroni.readthedocs.io/en/latest/dynamic_configuration.html
   */
  readonly timing?: PatroniTimingProfile;

  /**
   * Existing Secret with the keys `superuser-password`, `replication-password` and
   * `rewind-password`. Never generated: create it before the first sync, e.g.
   * `kubectl create secret generic <name>-credentials --from-literal=superuser-password=...`.
   *
   * @default - `<name>-credentials`
   */
  readonly credentialsSecret?: string;

  /**
   * etcd v3 endpoints (`host:port`) to use as the DCS instead of Kubernetes: for clusters whose
   * members also run outside Kubernetes.
   *
   * @default - the Kubernetes DCS: Endpoints in the cluster's namespace, no etcd needed
   * @see https://patroni.readthedocs.io/en/latest/kubernetes.html
   */
  readonly etcdHosts?: readonly string[];

  /**
   * Permanent physical replication slots on the primary, one per standby site replicating from
   * this cluster, so it keeps their WAL while the sites are cut off. Watch the disk: a slot no
   * standby consumes holds WAL until it is dropped.
   *
   * @default - none
   * @see https://patroni.readthedocs.io/en/latest/dynamic_configuration.html#permanent-replication-slots
   */
  readonly permanentSlots?: readonly string[];

  /**
   * Run as a standby of another site's cluster: replicate from it (its primary or a cascading
   * replica), with no primary of its own until promoted (see {@link PatroniCluster.promotionSteps}).
   *
   * @default - a primary cluster
   * @see https://patroni.readthedocs.io/en/latest/standby_cluster.html
   */
  readonly standby?: PatroniReplicationSource;

  /**
   * WAL archiving and periodic base backups to S3-compatible storage with WAL-G, for
   * point-in-time recovery.
   *
   * @default - no archive: recovery only from the other members
   */
  readonly backup?: PatroniBackupOptions;

  /**
   * The PgBouncer pooler in front of the leader Service; `false` for none.
   *
   * @default - 2 replicas, transaction pooling
   */
  readonly pooler?: PatroniPoolerOptions | false;

  /**
   * CPU and memory of each member.
   *
   * @default - cpu 500m request / 2 limit, memory 1Gi request = limit
   */
  readonly resources?: ResourceSpec;

  /**
   * Who may connect to PostgreSQL (port 5432) and to the pooler. Members reach each other regardless.
   *
   * @default - every pod of the same namespace
   */
  readonly clients?: readonly NetworkPeer[];

  /**
   * Keep members on different nodes.
   *
   * @default 'required'
   */
  readonly nodeAntiAffinity?: SchedulingRule;

  /**
   * Spread members over zones (maxSkew 1).
   *
   * @default 'required'
   */
  readonly zoneSpread?: SchedulingRule;

  /**
   * PriorityClass of the members and the pooler. A class the library creates is written once
   * per cluster (cdk8s App, or cluster folder of a TopologyApp), not once per chart.
   *
   * @default PriorityClass.highAvailability() - `hadr-high-availability` (1,000,000), created once per cluster
   * @see https://kubernetes.io/docs/concepts/scheduling-eviction/pod-priority-preemption/
   */
  readonly priorityClass?: PriorityClass;

  /**
   * Addresses other clusters and sites reach this cluster on: the primary (for a standby
   * cluster on another site) and the pooler (for clients in other clusters). Without it the
   * cluster is reachable only by its cluster-local Service names, and sharing it with another
   * cluster or site is refused. Whoever is admitted with {@link PatroniCluster.allowFrom} (a
   * topology does it with its clusters' egress CIDRs) reaches it; nobody else does.
   *
   * @default - not exposed
   * @see https://kubernetes.io/docs/concepts/services-networking/service/#loadbalancer
   */
  readonly expose?: PatroniExposure;

  /**
   * When the kubelet pulls the member image (and the backup sidecar's, the same image). The
   * image is pinned, so `IfNotPresent` lets a member restart while the registry is down.
   *
   * @default 'IfNotPresent'
   * @see https://kubernetes.io/docs/concepts/containers/images/#image-pull-policy
   */
  readonly imagePullPolicy?: ImagePullPolicy;

  /**
   * The image runs as a numeric non-root user of its own: keep it rather than force Spilo's
   * postgres user (101:103). `runAsNonRoot` stays; 103 stays the fsGroup of the volumes.
   *
   * @default false - the members run as 101:103, the postgres user of the default Spilo image
   * @see https://kubernetes.io/docs/tasks/configure-pod-container/security-context/
   */
  readonly imageRunsAsNonRoot?: boolean;

  /**
   * A postgres_exporter beside each member (port `exporter`, 9187) for replication lag, settings
   * and the time of the last base backup, and Patroni's own `/metrics` admitted to the scrapers.
   * The alerts of an ActivePassiveDr's operations read them.
   *
   * @default - no exporter; Patroni's REST API is reached only by the members
   * @see https://github.com/prometheus-community/postgres_exporter
   */
  readonly metrics?: PatroniMetricsOptions;

  /**
   * A CronJob that dumps databases with `pg_dump` into the backup archive, beside base backups
   * and WAL: a copy that restores into any PostgreSQL version. Needs `backup` (its location and
   * credentials).
   *
   * @default - no logical dump
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/
   */
  readonly logicalDump?: PatroniLogicalDumpOptions;
}

/** The logical dump CronJob of a {@link PatroniCluster}. */
export interface PatroniLogicalDumpOptions {
  /**
   * When to dump, as cron.
   *
   * @default '0 0/4 * * *'
   */
  readonly schedule?: string;
  /**
   * Databases dumped.
   *
   * @default ['postgres']
   */
  readonly databases?: readonly string[];
  /**
   * `Forbid` skips a run while the previous one still runs; `Replace` stops it.
   *
   * @default 'Forbid' - two dumps at once double the load and neither finishes sooner
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#concurrency-policy
   */
  readonly concurrencyPolicy?: 'Forbid' | 'Replace';
  /**
   * A run that could not start this long after its time is skipped (a controller outage).
   *
   * @default Duration.minutes(30)
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#starting-deadline
   */
  readonly startingDeadline?: DurationLike;
  /**
   * A run still going after this long is stopped and counts as failed.
   *
   * @default Duration.hours(3)
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/job/#job-termination-and-cleanup
   */
  readonly activeDeadline?: DurationLike;
  /**
   * Finished Jobs kept, successful and failed, for their logs.
   *
   * @default 3
   */
  readonly historyLimit?: number;
}

/** The metrics exporter of a {@link PatroniCluster}. */
export interface PatroniMetricsOptions {
  /**
   * Who scrapes the metrics: admitted on the exporter and Patroni ports.
   *
   * @default NetworkPeer.namespace('monitoring')
   */
  readonly scrapers?: NetworkPeer;
  /**
   * The postgres_exporter image, pinned.
   *
   * @default 'quay.io/prometheuscommunity/postgres-exporter:v0.17.1'
   */
  readonly image?: string;
}

/** Where a standby cluster replicates from. */
export interface PatroniReplicationSource {
  /** Host of the source cluster's primary (or a replica of it), reachable from this site. */
  readonly host: string;
  /**
   * Port of the source.
   *
   * @default 5432
   */
  readonly port?: number;
  /**
   * Where `host` resolves. A host you give is taken to work from anywhere unless it is a
   * cluster-local Service name; {@link PatroniCluster.replicationSource} sets it.
   *
   * @default Reach.ANYWHERE, or the source's own cluster for a cluster-local name
   */
  readonly reach?: Reach;
  /**
   * Permanent replication slot kept for this standby on the source's primary
   * (`permanentSlots` there), so the source keeps the WAL it still needs while the sites are cut off.
   *
   * @default - no slot: the standby catches up from the archive after a long cut
   * @see https://patroni.readthedocs.io/en/latest/standby_cluster.html
   */
  readonly slotName?: string;
  /**
   * The source's WAL archive, read when streaming falls behind what the source still holds.
   *
   * @default - the standby's own archive
   */
  readonly archive?: WalGArchiveLocation;
}

/** WAL-G archive and base backups. */
export interface PatroniBackupOptions {
  /** Archive location, e.g. `s3://acme-db-backups/firebackup`. */
  readonly s3Prefix: string;
  /**
   * Existing Secret with `access-key-id` and `secret-access-key` for the bucket.
   */
  readonly credentialsSecret: string;
  /**
   * Endpoint of S3-compatible storage (MinIO, Ceph...).
   *
   * @default - AWS S3
   */
  readonly endpoint?: string;
  /**
   * Region of the bucket.
   *
   * @default 'us-east-1'
   */
  readonly region?: string;
  /**
   * Time between full base backups; WAL archiving covers the time between.
   *
   * @default Duration.hours(24)
   */
  readonly fullBackupInterval?: DurationLike;
  /**
   * Full backups kept (and the WAL needed to restore from each).
   *
   * @default 7
   */
  readonly retainFullBackups?: number;
  /**
   * Switch WAL segments at least this often: the most an idle site can lose with the archive.
   *
   * @default Duration.seconds(60)
   */
  readonly archiveTimeout?: DurationLike;
}

/** The PgBouncer pooler. */
export interface PatroniPoolerOptions {
  /**
   * Pooler replicas, at least 2.
   *
   * @default 2
   */
  readonly replicas?: number;
  /**
   * PgBouncer image.
   *
   * @default 'ghcr.io/cloudnative-pg/pgbouncer:1.25.1'
   */
  readonly image?: string;
  /**
   * Pooling mode; transaction pooling lets clients wait out a failover on a held connection.
   *
   * @default 'transaction'
   * @see https://www.pgbouncer.org/config.html#pool_mode
   */
  readonly poolMode?: PgbouncerPoolMode;
  /**
   * Existing Secret whose `userlist.txt` lists the users PgBouncer accepts (SCRAM verifiers).
   *
   * @default - `<name>-pooler-auth`
   */
  readonly authSecret?: string;
  /**
   * When the kubelet pulls the PgBouncer image; pinned, so `IfNotPresent` survives a registry outage.
   *
   * @default 'IfNotPresent'
   * @see https://kubernetes.io/docs/concepts/containers/images/#image-pull-policy
   */
  readonly imagePullPolicy?: ImagePullPolicy;
}

/** What of a {@link PatroniCluster} is reached from other clusters and sites. */
export interface PatroniExposure {
  /**
   * The primary, through the leader Service (Patroni points it at the primary): what a
   * standby cluster on another site replicates from.
   *
   * @default - not exposed
   */
  readonly primary?: Exposure;
  /**
   * The PgBouncer pooler: what clients in other clusters connect to.
   *
   * @default - not exposed
   */
  readonly pooler?: Exposure;
}

const PORT = { postgres: 5432, patroni: 8008 } as const;
const ROLE_LABEL = 'role';
const ROLE = { primary: 'primary', replica: 'replica' } as const;
const CREDENTIAL_KEYS = { superuser: 'superuser-password', replication: 'replication-password', rewind: 'rewind-password' } as const;
const MOUNT = {
  data: '/home/postgres/pgdata',
  config: '/etc/patroni',
  socket: '/var/run/postgresql',
  tmp: '/tmp',
  token: '/var/run/secrets/kubernetes.io/serviceaccount',
} as const;
const DATA_DIR = `${MOUNT.data}/pgroot/data`;
/** Defaults of the logical dump CronJob: every 4 hours, as the backup service's guide does. */
const LOGICAL_DUMP = { schedule: '0 0/4 * * *', startingDeadlineSeconds: 30 * 60, activeDeadlineSeconds: 3 * 3600, historyLimit: 3 } as const;

/**
 * PostgreSQL made highly available by Patroni: a StatefulSet of members that elect a primary
 * through the Kubernetes API (or etcd), synchronous replication so a failover loses no
 * acknowledged write, a leader Service Patroni points at the primary, a replica Service, a
 * PodDisruptionBudget that never blocks a drain, members kept apart on nodes and zones, and a
 * PgBouncer pooler in front. Can run as the standby of another site's cluster for DR, and
 * archive WAL and base backups to S3 with WAL-G for point-in-time recovery.
 *
 * The patroni.yml in its ConfigMap comes from `renderPatroniConfig`, the same function the
 * failover drill starts real Patroni members with.
 *
 * @example
 * new PatroniCluster(chart, 'db', { storage: Size.gibibytes(100) });
 */
export class PatroniCluster extends Construct implements IStatefulComponent, ISharedEndpointSource {
  /** Holds PostgreSQL data: refused inside an active cluster of a MultiCluster. */
  public readonly statefulKind = StatefulKind.POSTGRESQL;
  /** Cluster name (Patroni scope). */
  public readonly clusterName: string;
  /** Members. */
  public readonly members: number;
  /** Failover timings in use. */
  public readonly timing: PatroniTimingProfile;
  /** Whether commits wait for a synchronous standby. */
  public readonly synchronous: boolean;
  /** The rendered patroni.yml every member runs with. */
  public readonly patroniConfig: string;
  /** Host of the leader Service (the primary) inside the cluster. */
  public readonly primaryHost: string;
  /** Host of the replica Service (read-only traffic). */
  public readonly replicaHost: string;
  /** Host of the pooler, when there is one. */
  public readonly poolerHost?: string;
  /** The StatefulSet (child id `Resource`). */
  public readonly statefulSet: ApiObject;
  /** The leader Service: no selector, its Endpoints written by Patroni. */
  public readonly primaryService: ApiObject;
  /** The replica Service, selecting `role: replica`. */
  public readonly replicaService: ApiObject;
  /** The PodDisruptionBudget. */
  public readonly podDisruptionBudget: ApiObject;
  /** The Role with exactly what Patroni needs of the Kubernetes API (Kubernetes DCS only). */
  public readonly role?: ApiObject;
  /** The NetworkPolicy of the members. */
  public readonly networkPolicy: ApiObject;
  /** The pooler, when there is one. */
  public readonly pooler?: MultiReplica;
  /** Labels that select the members. */
  public readonly selector: Readonly<Record<string, string>>;
  /** The address other clusters and sites reach the primary on; undefined when not exposed. */
  public readonly primaryExposure?: ResolvedExposure;
  /** The address other clusters reach the pooler on; undefined when not exposed. */
  public readonly poolerExposure?: ResolvedExposure;
  /** The logical dump CronJob; undefined without `logicalDump`. */
  public logicalDump?: ApiObject;
  /** Port name of the metrics exporter on the member pods; undefined without `metrics`. */
  public readonly metricsPort?: string;

  private readonly namespace?: string;
  private readonly clients: NetworkPeer[];
  private readonly renderedSpec: PatroniConfigSpec;

  constructor(scope: Construct, id: string, props: PatroniClusterProps) {
    super(scope, id);
    const path = this.node.path;
    checkObject(path, 'props', props, '{ storage: Size.gibibytes(100) }');
    const name = props.name ?? id;
    checkPatroniProps(path, name, props);
    const members = props.members ?? DEFAULTS.members;
    checkMembers(path, members, props.fewerThanThreeMembersReason);
    check(isSizeLike(props.storage) && props.storage.toKibibytes() > 0, {
      path, field: 'storage', value: props.storage, problem: 'must be a positive Size', fix: 'use e.g. Size.gibibytes(100)',
    });
    const synchronous = props.synchronous ?? props.standby === undefined;
    check(!(props.synchronous === true && props.standby !== undefined), {
      path, field: 'synchronous', value: true,
      problem: 'contradicts standby: a standby cluster replicates from another site and has no synchronous standbys of its own',
      fix: 'drop synchronous (it is off for a standby cluster), or drop standby',
    });

    check(props.expose === undefined || (typeof props.expose === 'object' && props.expose !== null), {
      path, field: 'expose', value: props.expose, problem: 'must be { primary?, pooler? }', fix: "use e.g. { pooler: Exposure.loadBalancer({ host: 'db.data.example.com' }) }",
    });
    this.primaryExposure = props.expose?.primary && resolveExposure(path, 'expose.primary', props.expose.primary);
    this.poolerExposure = props.expose?.pooler && resolveExposure(path, 'expose.pooler', props.expose.pooler);
    check(this.poolerExposure === undefined || props.pooler !== false, {
      path, field: 'expose.pooler', value: props.expose?.pooler?.options.host,
      problem: 'exposes the pooler, and pooler is false', fix: 'keep the pooler, or expose the primary instead',
    });
    if (props.standby) checkStandbySource(path, props.standby, clusterIdentity(this));
    this.clients = [...(props.clients ?? [NetworkPeer.sameNamespace()])];

    this.clusterName = name;
    this.members = members;
    this.synchronous = synchronous;
    this.timing = props.timing ?? PatroniTiming.default();
    this.namespace = Chart.of(this).namespace;
    const partOf = props.partOf ?? name;
    const labels = recommendedLabels({ name: 'postgresql', instance: name, component: 'database', partOf });
    this.selector = selectorLabels({ name: 'postgresql', instance: name });
    const metadata = { name, labels };
    const dns = (service: string) => this.namespace ? `${service}.${this.namespace}.svc` : service;
    this.primaryHost = dns(name);
    this.replicaHost = dns(`${name}-replica`);

    nameObjectsAfter(this, 'name', name);
    // Patroni writes these Endpoints itself: no other Service of the namespace may take the names.
    if (!props.etcdHosts) for (const suffix of PATRONI_ENDPOINTS) claimObjectName(this, 'Endpoints', `${name}${suffix}`);
    const configSpec = this.configSpec(path, name, props);
    this.renderedSpec = configSpec;
    this.patroniConfig = renamingErrors(path, CONFIG_FIELDS, () => {
      validatePatroniConfig(configSpec);
      return renderPatroniConfig(configSpec);
    });
    const configMap = kubeObject(this, 'Config', k8s.KubeConfigMap.GVK, { name: `${name}-patroni`, labels }, {
      data: () => ({ 'patroni.yml': this.patroniConfig }),
    });

    const serviceAccount = kubeObject(this, 'ServiceAccount', k8s.KubeServiceAccount.GVK, metadata, {
      automountServiceAccountToken: () => false,
    });
    if (!props.etcdHosts) this.role = this.kubernetesDcsAccess(metadata, serviceAccount);

    // Leader Service without selector: Patroni writes its Endpoints in the same update that
    // moves the leader key. A leader cut off from the API server keeps them until the new leader
    // takes the key (a ttl), and meanwhile refuses writes it cannot confirm (docs/partitions.md).
    this.primaryService = kubeObject(this, 'PrimaryService', k8s.KubeService.GVK, exposedMetadata(metadata, this.primaryExposure), {
      spec: () => k8s.toJson_ServiceSpec({ ...this.exposedServiceFields(this.primaryExposure), ports: [postgresPort()] }),
    });
    kubeObject(this, 'PrimaryEndpoints', k8s.KubeEndpoints.GVK, metadata, { subsets: () => [] });
    this.replicaService = kubeObject(this, 'ReplicaService', k8s.KubeService.GVK, { name: `${name}-replica`, labels }, {
      spec: () => k8s.toJson_ServiceSpec({ type: 'ClusterIP', selector: { ...this.selector, [ROLE_LABEL]: ROLE.replica }, ports: [postgresPort()] }),
    });
    // Keeps Patroni's `<name>-config` Endpoints from being removed by the endpoints controller.
    kubeObject(this, 'ConfigService', k8s.KubeService.GVK, { name: `${name}-config`, labels }, {
      spec: () => k8s.toJson_ServiceSpec({ clusterIp: 'None' }),
    });
    // Governing Service of the StatefulSet: stable DNS names for the members, ready or not.
    const membersService = kubeObject(this, 'MembersService', k8s.KubeService.GVK, { name: `${name}-members`, labels }, {
      spec: () => k8s.toJson_ServiceSpec({
        clusterIp: 'None',
        publishNotReadyAddresses: true,
        selector: { ...this.selector },
        ports: [postgresPort(), { name: 'patroni', port: PORT.patroni, targetPort: k8s.IntOrString.fromNumber(PORT.patroni) }],
      }),
    });

    const placement: Placement = {
      nodeAntiAffinity: props.nodeAntiAffinity ?? DEFAULTS.nodeAntiAffinity,
      zoneSpread: props.zoneSpread ?? DEFAULTS.zoneSpread,
      zoneTopologyKey: SERVICE_DEFAULTS.zoneTopologyKey,
    };
    const priorityClassName = priorityClassNameFor(this, 'priorityClass', props.priorityClass);
    // The member container, checked as a service: pinned image, sane requests and limits.
    const member = renamingErrors(path, MEMBER_FIELDS, () => resolveServiceSpec(path, {
      name, image: props.image ?? DEFAULTS.image, imagePullPolicy: props.imagePullPolicy, port: PORT.postgres,
      resources: props.resources ?? {
        cpu: { request: DEFAULTS.cpuRequest, limit: DEFAULTS.cpuLimit },
        memory: { request: mebibytes(DEFAULTS.memoryMebibytes), limit: mebibytes(DEFAULTS.memoryMebibytes) },
      },
    }));
    // Built here, not while synthesizing: a bad backup setting fails the constructor, before any chart is written.
    const backupContainer = props.backup ? this.backupContainer(path, props, props.backup, member) : undefined;
    const exporter = props.metrics ? this.exporterContainer(path, props, props.metrics) : undefined;
    if (props.logicalDump) this.logicalDumpJob(path, props, props.logicalDump, member, labels, priorityClassNameFor(this, 'priorityClass', props.priorityClass));
    this.metricsPort = exporter ? 'exporter' : undefined;
    const exporterQueries = exporter && kubeObject(this, 'ExporterQueries', k8s.KubeConfigMap.GVK, { name: `${name}-exporter`, labels }, {
      data: () => ({ 'queries.yaml': renderPostgresExporterQueries() }),
    });
    this.statefulSet = kubeObject(this, 'Resource', k8s.KubeStatefulSet.GVK, metadata, {
      spec: () => k8s.toJson_StatefulSetSpec({
        serviceName: membersService.name,
        replicas: members,
        podManagementPolicy: 'Parallel',
        updateStrategy: { type: 'RollingUpdate' },
        persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
        selector: { matchLabels: { ...this.selector } },
        template: {
          metadata: { labels, annotations: { 'hadr-constructs.io/patroni-config-sha': runtimeChecksum(this.patroniConfig) } },
          spec: {
            serviceAccountName: serviceAccount.name,
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            priorityClassName,
            terminationGracePeriodSeconds: DEFAULTS.terminationGracePeriodSeconds,
            securityContext: restrictedPodSecurityContext(DEFAULTS.runAs, !props.imageRunsAsNonRoot),
            affinity: antiAffinityFor(this.selector, placement),
            topologySpreadConstraints: topologySpreadFor(this.selector, placement),
            containers: [
              this.patroniContainer(props, member),
              ...(backupContainer ? [backupContainer] : []),
              ...(exporter ? [exporter] : []),
            ],
            volumes: [
              { name: 'config', configMap: { name: configMap.name } },
              { name: 'tmp', emptyDir: {} },
              { name: 'socket', emptyDir: {} },
              ...(exporterQueries ? [{ name: 'exporter-queries', configMap: { name: exporterQueries.name } }] : []),
              // Patroni talks to the Kubernetes API: the token is mounted for its container only.
              ...(props.etcdHosts ? [] : [serviceAccountTokenVolume()]),
            ],
          },
        },
        volumeClaimTemplates: [dataVolumeClaim('pgdata', this.selector, props.storage, props.storageClassName)],
      }),
    });

    exemptPinnedImagePull(this.statefulSet, [member.imagePullPolicy]);

    this.podDisruptionBudget = kubeObject(this, 'DisruptionBudget', k8s.KubePodDisruptionBudget.GVK, metadata, {
      spec: () => k8s.toJson_PodDisruptionBudgetSpec({
        selector: { matchLabels: { ...this.selector } },
        // One member at a time: a drain proceeds, and a majority is always left.
        maxUnavailable: k8s.IntOrString.fromNumber(1),
        unhealthyPodEvictionPolicy: 'AlwaysAllow',
      }),
    });

    if (props.pooler !== false) {
      const pooler = props.pooler ?? {};
      this.pooler = renamingErrors(path, POOLER_FIELDS, () => this.poolerFor(name, partOf, pooler, priorityClassName), 'pooler.');
      this.poolerHost = dns(this.pooler.resolved.name);
      if (this.poolerExposure?.type === 'load-balancer') {
        const poolerName = this.pooler.resolved.name;
        kubeObject(this, 'PoolerExternalService', k8s.KubeService.GVK,
          exposedMetadata({ name: `${poolerName}-external`, labels: { ...this.pooler.labels } }, this.poolerExposure), {
            spec: () => k8s.toJson_ServiceSpec({
              ...this.exposedServiceFields(this.poolerExposure),
              selector: { ...this.pooler!.selector },
              ports: [{ name: 'postgresql', port: PORT.postgres, targetPort: k8s.IntOrString.fromString('postgresql'), protocol: 'TCP' }],
            }),
          });
      }
    }
    this.networkPolicy = this.membersPolicy(metadata, props);
    this.node.addValidation({ validate: () => this.exposureErrors() });
  }

  /**
   * Admits `peer` as a client: to PostgreSQL on the members (5432) and to the pooler. A
   * topology admits its consumer clusters' egress CIDRs here; the load balancer of an exposed
   * address admits the same ranges.
   *
   * @returns the peer admitted
   */
  public allowFrom(peer: NetworkPeer): NetworkPeer {
    this.clients.push(peer);
    this.pooler?.allowFrom(peer, [{ port: PORT.postgres }]);
    return peer;
  }

  /**
   * This cluster as the replication source of a standby cluster on another site: its exposed
   * primary, or `options.host` (an address you route yourself). Without either, the address is
   * the cluster-local leader Service, which a standby in another cluster refuses.
   */
  public replicationSource(options: { host?: string; port?: number } = {}): PatroniReplicationSource {
    const port = options.port ?? PORT.postgres;
    if (options.host !== undefined) return { host: options.host, port };
    if (this.primaryExposure) return { host: this.primaryExposure.host, port, reach: Reach.ANYWHERE };
    return { host: this.primaryHost, port, reach: Reach.cluster(clusterIdentity(this)) };
  }

  /**
   * This cluster as a shared endpoint for the clusters of a topology: the exposed pooler, else
   * the exposed primary. Not exposed, it carries its cluster-local name and that reach, and a
   * topology refuses to hand it to another cluster.
   */
  public sharedEndpoint(): SharedEndpointSpec {
    const exposed = this.poolerExposure ?? this.primaryExposure;
    if (exposed) return { name: this.clusterName, kind: StatefulKind.POSTGRESQL, host: exposed.host, reach: Reach.ANYWHERE };
    return {
      name: this.clusterName, kind: StatefulKind.POSTGRESQL, host: this.poolerHost ?? this.primaryHost, reach: Reach.cluster(clusterIdentity(this)),
    };
  }

  /**
   * This cluster's dynamic configuration (what Patroni keeps in its DCS) as a standby of
   * `source`: what a returning site's DCS must hold before its members start, so that it
   * follows the new primary instead of taking writes of its own.
   *
   * @see https://patroni.readthedocs.io/en/latest/standby_cluster.html
   */
  public dynamicConfigurationAsStandbyOf(source: PatroniReplicationSource): Record<string, unknown> {
    const spec: PatroniConfigSpec = {
      ...this.renderedSpec,
      permanentSlots: undefined,
      synchronousMode: false,
      standbyCluster: { host: source.host, port: source.port, primarySlotName: source.slotName, sourceArchive: source.archive },
    };
    validatePatroniConfig(spec);
    return YAML.parse(renderPatroniConfig(spec)).bootstrap.dcs;
  }

  /**
   * How to promote this standby cluster when the primary site is lost, as runbook data.
   * Patroni keeps replicating until `standby_cluster` leaves its dynamic configuration.
   */
  public promotionSteps(): RunbookStep[] {
    const ns = this.namespace ? ` -n ${this.namespace}` : '';
    const exec = `kubectl${ns} exec ${this.clusterName}-0 -c patroni -- patronictl -c ${MOUNT.config}/patroni.yml`;
    return [
      {
        title: 'Fence the old primary site',
        command: 'scale the old site\'s applications and database to zero, or cut its network, before promoting',
        why: 'two primaries accepting writes split the data; the old site must not come back as a primary',
      },
      {
        title: 'Check the standby is streaming and how far behind it is',
        command: `${exec} list`,
        why: 'the lag shown is the data the promotion gives up (the DR RPO)',
      },
      {
        title: 'Promote: remove standby_cluster from the dynamic configuration',
        command: `${exec} edit-config --force --set standby_cluster=null`,
        why: 'the standby leader then promotes itself and the other members follow it',
      },
      {
        title: 'Verify a primary accepts writes',
        command: `${exec} list   # expect one member with role Leader, the others streaming`,
        why: 'clients reconnect through the leader Service once Patroni moves its Endpoints',
      },
      {
        title: 'Remove the standby setting from the topology code',
        command: 'drop `standby` from this PatroniCluster and commit, so a re-bootstrap does not demote it again',
        why: 'the manifest is the source of truth for the next bootstrap',
      },
    ];
  }

  private configSpec(path: string, name: string, props: PatroniClusterProps): PatroniConfigSpec {
    const backup = props.backup;
    return {
      path,
      scope: name,
      members: this.members,
      patroniVersion: props.patroniVersion ?? DEFAULTS.patroniVersion,
      dcs: props.etcdHosts
        ? { kind: 'etcd3', hosts: props.etcdHosts }
        : {
          kind: 'kubernetes',
          labels: { [LABEL.name]: 'postgresql' },
          scopeLabel: LABEL.instance,
          roleLabel: ROLE_LABEL,
          useEndpoints: true,
          ports: [{ name: 'postgresql', port: PORT.postgres }],
          leaderLabelValue: ROLE.primary,
          followerLabelValue: ROLE.replica,
          standbyLeaderLabelValue: ROLE.primary,
        },
      timing: this.timing,
      synchronousMode: this.synchronous,
      synchronousModeStrict: props.synchronousStrict ?? false,
      parameters: props.parameters,
      postgresql: {
        dataDir: DATA_DIR,
        binDir: `/usr/lib/postgresql/${props.postgresVersion ?? DEFAULTS.postgresVersion}/bin`,
        pgpass: `${MOUNT.tmp}/pgpass`,
        parameters: { unix_socket_directories: MOUNT.socket },
      },
      walArchive: backup && { archiveTimeout: backup.archiveTimeout },
      standbyCluster: props.standby && {
        host: props.standby.host, port: props.standby.port, primarySlotName: props.standby.slotName, sourceArchive: props.standby.archive,
      },
      permanentSlots: props.permanentSlots,
    };
  }

  private patroniContainer(props: PatroniClusterProps, member: ResolvedService): k8s.Container {
    const { image, imagePullPolicy } = member;
    const secret = props.credentialsSecret ?? `${this.clusterName}-credentials`;
    const fromSecret = (key: string) => ({ valueFrom: { secretKeyRef: { name: secret, key } } });
    const field = (fieldPath: string) => ({ valueFrom: { fieldRef: { fieldPath } } });
    return {
      name: 'patroni',
      image,
      imagePullPolicy,
      command: ['patroni', `${MOUNT.config}/patroni.yml`],
      ports: [
        { name: 'postgresql', containerPort: PORT.postgres, protocol: 'TCP' },
        { name: 'patroni', containerPort: PORT.patroni, protocol: 'TCP' },
      ],
      env: [
        { name: 'PATRONI_NAME', ...field('metadata.name') },
        { name: 'POD_IP', ...field('status.podIP') },
        { name: 'PATRONI_KUBERNETES_POD_IP', value: '$(POD_IP)' },
        { name: 'PATRONI_KUBERNETES_NAMESPACE', ...field('metadata.namespace') },
        { name: 'PATRONI_POSTGRESQL_CONNECT_ADDRESS', value: `$(POD_IP):${PORT.postgres}` },
        { name: 'PATRONI_RESTAPI_CONNECT_ADDRESS', value: `$(POD_IP):${PORT.patroni}` },
        { name: PATRONI_PASSWORD_ENV.superuser, ...fromSecret(CREDENTIAL_KEYS.superuser) },
        { name: PATRONI_PASSWORD_ENV.replication, ...fromSecret(CREDENTIAL_KEYS.replication) },
        { name: PATRONI_PASSWORD_ENV.rewind, ...fromSecret(CREDENTIAL_KEYS.rewind) },
        ...(props.backup ? walgEnvironment(props.backup) : []),
      ],
      resources: containerResources(member),
      // Ready once PostgreSQL runs as primary or streaming replica.
      readinessProbe: probe(
        { kind: 'http', path: '/readiness', port: PORT.patroni, scheme: 'HTTP' },
        { periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 3, successThreshold: 1 },
      ),
      // Alive while Patroni's HA loop runs: a lagging or restarting replica is not killed.
      livenessProbe: probe(
        { kind: 'http', path: '/liveness', port: PORT.patroni, scheme: 'HTTP' },
        { periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 6, successThreshold: 1 },
      ),
      securityContext: restrictedContainerSecurityContext(DEFAULTS.runAs, !props.imageRunsAsNonRoot),
      volumeMounts: [
        { name: 'pgdata', mountPath: MOUNT.data },
        { name: 'config', mountPath: MOUNT.config, readOnly: true },
        { name: 'tmp', mountPath: MOUNT.tmp },
        { name: 'socket', mountPath: MOUNT.socket },
        ...(props.etcdHosts ? [] : [{ name: 'kube-api-access', mountPath: MOUNT.token, readOnly: true }]),
      ],
    };
  }

  private backupContainer(path: string, props: PatroniClusterProps, backup: PatroniBackupOptions, member: ResolvedService): k8s.Container {
    const secret = props.credentialsSecret ?? `${this.clusterName}-credentials`;
    const script = renamingErrors(path, [], () => renderWalgBackupLoop({
      path,
      dataDir: DATA_DIR,
      restApiPort: PORT.patroni,
      intervalSeconds: backup.fullBackupInterval ? toSecondsCeil(backup.fullBackupInterval) : DEFAULTS.fullBackupIntervalSeconds,
      retainFullBackups: backup.retainFullBackups ?? DEFAULTS.retainFullBackups,
    }));
    return {
      name: 'backup',
      image: member.image,
      imagePullPolicy: member.imagePullPolicy,
      command: ['/bin/sh', '-c', script],
      readinessProbe: { exec: { command: [...BACKUP_LOOP_ALIVE] }, periodSeconds: 60, timeoutSeconds: 5, failureThreshold: 2 },
      livenessProbe: { exec: { command: [...BACKUP_LOOP_ALIVE] }, periodSeconds: 60, timeoutSeconds: 5, failureThreshold: 3 },
      env: [
        ...walgEnvironment(backup),
        { name: 'PGHOST', value: MOUNT.socket },
        { name: 'PGUSER', value: 'postgres' },
        { name: 'PGPASSWORD', valueFrom: { secretKeyRef: { name: secret, key: CREDENTIAL_KEYS.superuser } } },
      ],
      resources: containerResources({ cpu: { request: '100m', limit: '1' }, memory: { request: '256Mi', limit: '256Mi' } }),
      securityContext: restrictedContainerSecurityContext(DEFAULTS.runAs, !props.imageRunsAsNonRoot),
      volumeMounts: [
        { name: 'pgdata', mountPath: MOUNT.data, readOnly: true },
        { name: 'tmp', mountPath: MOUNT.tmp },
        { name: 'socket', mountPath: MOUNT.socket },
      ],
    };
  }

  /** The logical dump CronJob and the NetworkPolicy of its pods. */
  private logicalDumpJob(
    path: string, props: PatroniClusterProps, options: PatroniLogicalDumpOptions, member: ResolvedService,
    labels: Record<string, string>, priorityClassName: string | undefined,
  ): void {
    check(typeof options === 'object' && options !== null, {
      path, field: 'logicalDump', value: options, problem: 'must be an object', fix: "use e.g. { schedule: '0 0/4 * * *' }",
    });
    check(props.backup !== undefined, {
      path, field: 'logicalDump', value: options, problem: 'needs backup: the dumps go to its archive, with its credentials',
      fix: "give backup: { s3Prefix: 's3://acme-db-backups/firebackup', credentialsSecret: 'db-backup' }",
    });
    const schedule = checkCron(path, 'logicalDump.schedule', options.schedule ?? LOGICAL_DUMP.schedule);
    if (options.concurrencyPolicy !== undefined) checkOneOf(path, 'logicalDump.concurrencyPolicy', options.concurrencyPolicy, ['Forbid', 'Replace']);
    const startingDeadline = toSecondsCeil(checkRetention(path, 'logicalDump.startingDeadline', options.startingDeadline ?? seconds(LOGICAL_DUMP.startingDeadlineSeconds), 10));
    const activeDeadline = toSecondsCeil(checkRetention(path, 'logicalDump.activeDeadline', options.activeDeadline ?? seconds(LOGICAL_DUMP.activeDeadlineSeconds), 60));
    const history = options.historyLimit ?? LOGICAL_DUMP.historyLimit;
    check(Number.isInteger(history) && history >= 1 && history <= 100, {
      path, field: 'logicalDump.historyLimit', value: history, problem: 'must be a whole number from 1 to 100', fix: 'use e.g. 3',
    });
    const script = renderLogicalDumpScript({
      path, host: this.primaryHost, port: PORT.postgres, databases: options.databases ?? ['postgres'], folder: 'logical',
    });
    const name = `${this.clusterName}-dump`;
    const selector = selectorLabels({ name: 'postgresql-dump', instance: name });
    const podLabels = { ...labels, ...selector };
    const secret = props.credentialsSecret ?? `${this.clusterName}-credentials`;
    const backup = props.backup!;
    this.allowFrom(NetworkPeer.pods(selector));
    this.logicalDump = kubeObject(this, 'LogicalDump', k8s.KubeCronJob.GVK, { name, labels: podLabels }, {
      spec: () => k8s.toJson_CronJobSpec({
        schedule,
        concurrencyPolicy: options.concurrencyPolicy ?? 'Forbid',
        startingDeadlineSeconds: startingDeadline,
        successfulJobsHistoryLimit: history,
        failedJobsHistoryLimit: history,
        jobTemplate: {
          spec: {
            activeDeadlineSeconds: activeDeadline,
            backoffLimit: 1,
            template: {
              metadata: { labels: podLabels },
              spec: {
                restartPolicy: 'Never',
                automountServiceAccountToken: false,
                enableServiceLinks: false,
                priorityClassName,
                securityContext: restrictedPodSecurityContext(DEFAULTS.runAs, !props.imageRunsAsNonRoot),
                containers: [{
                  name: 'dump',
                  image: member.image,
                  imagePullPolicy: member.imagePullPolicy,
                  command: ['/bin/sh', '-c', script],
                  env: [
                    ...walgEnvironment(backup),
                    { name: 'PGPASSWORD', valueFrom: { secretKeyRef: { name: secret, key: CREDENTIAL_KEYS.superuser } } },
                  ],
                  resources: containerResources({ cpu: { request: '100m', limit: '1' }, memory: { request: '256Mi', limit: '256Mi' } }),
                  securityContext: restrictedContainerSecurityContext(DEFAULTS.runAs, !props.imageRunsAsNonRoot),
                  volumeMounts: [{ name: 'tmp', mountPath: MOUNT.tmp }],
                }],
                volumes: [{ name: 'tmp', emptyDir: {} }],
              },
            },
          },
        },
      }),
    });
    exemptPinnedImagePull(this.logicalDump, [member.imagePullPolicy]);
    exemptFromPolarisCheck(this.logicalDump, 'missingNetworkPolicy',
      `the NetworkPolicy ${name} selects these pods and denies every connection to them (a Job serves nothing), which the check, wanting one ingress rule, cannot tell apart from none`);
    kubeObject(this, 'LogicalDumpNetworkPolicy', k8s.KubeNetworkPolicy.GVK, { name, labels: podLabels }, {
      spec: () => k8s.toJson_NetworkPolicySpec({
        podSelector: { matchLabels: { [LABEL.instance]: name } },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [],
        // The primary, and the archive's object store outside the pod network.
        egress: [DNS_EGRESS, { to: [policyPeer(NetworkPeer.pods(this.selector))], ports: tcpPorts(PORT.postgres) }, { ports: tcpPorts(443) }],
      }),
    });
  }

  /** postgres_exporter as the superuser (it reads pg_settings and replication state). */
  private exporterContainer(path: string, props: PatroniClusterProps, metrics: PatroniMetricsOptions): k8s.Container {
    checkObject(path, 'metrics', metrics, '{}');
    checkOptionalString(path, 'metrics.image', metrics.image, `'${EXPORTER_DEFAULTS.postgresImage}'`);
    check(metrics.scrapers === undefined || metrics.scrapers instanceof NetworkPeer, {
      path, field: 'metrics.scrapers', value: metrics.scrapers, problem: 'must be a NetworkPeer', fix: "use NetworkPeer.namespace('monitoring')",
    });
    const secret = props.credentialsSecret ?? `${this.clusterName}-credentials`;
    const image = renamingErrors(path, [['service.image', 'metrics.image']], () => resolveServiceSpec(path, {
      name: 'exporter', image: String(metrics.image ?? EXPORTER_DEFAULTS.postgresImage), port: EXPORTER_DEFAULTS.postgresPort,
    }));
    return {
      name: 'exporter',
      image: image.image,
      imagePullPolicy: image.imagePullPolicy,
      args: ['--extend.query-path=/etc/postgres-exporter/queries.yaml', `--web.listen-address=:${EXPORTER_DEFAULTS.postgresPort}`],
      ports: [{ name: 'exporter', containerPort: EXPORTER_DEFAULTS.postgresPort, protocol: 'TCP' }],
      env: [
        // Over loopback with the password: the socket's peer authentication knows no user of this image.
        { name: 'DATA_SOURCE_URI', value: `127.0.0.1:${PORT.postgres}/postgres?sslmode=disable` },
        { name: 'DATA_SOURCE_USER', value: 'postgres' },
        { name: 'DATA_SOURCE_PASS', valueFrom: { secretKeyRef: { name: secret, key: CREDENTIAL_KEYS.superuser } } },
      ],
      readinessProbe: { httpGet: { path: '/', port: k8s.IntOrString.fromString('exporter') }, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 },
      livenessProbe: { httpGet: { path: '/', port: k8s.IntOrString.fromString('exporter') }, periodSeconds: 20, timeoutSeconds: 5, failureThreshold: 3 },
      resources: containerResources({
        cpu: { request: EXPORTER_DEFAULTS.cpuRequest, limit: EXPORTER_DEFAULTS.cpuLimit },
        memory: { request: `${EXPORTER_DEFAULTS.memoryMebibytes}Mi`, limit: `${EXPORTER_DEFAULTS.memoryMebibytes}Mi` },
      }),
      securityContext: restrictedContainerSecurityContext(DEFAULTS.runAs, !props.imageRunsAsNonRoot),
      volumeMounts: [{ name: 'exporter-queries', mountPath: '/etc/postgres-exporter', readOnly: true }],
    };
  }

  /**
   * The Role Patroni's Kubernetes DCS needs and nothing more: Endpoints for the leader and
   * config keys, Pods for members and role labels. No ConfigMaps (Endpoints mode), no
   * Services (the config Service is written here), no delete (only `patronictl remove` needs it).
   *
   * @see https://patroni.readthedocs.io/en/latest/kubernetes.html
   */
  private kubernetesDcsAccess(metadata: { name: string; labels: Record<string, string> }, serviceAccount: ApiObject): ApiObject {
    const role = kubeObject(this, 'Role', k8s.KubeRole.GVK, metadata, {
      rules: () => [
        { apiGroups: [''], resources: ['endpoints'], verbs: [...DEFAULTS.rbac.endpoints] },
        { apiGroups: [''], resources: ['pods'], verbs: [...DEFAULTS.rbac.pods] },
      ],
    });
    kubeObject(this, 'RoleBinding', k8s.KubeRoleBinding.GVK, metadata, {
      roleRef: () => ({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role.name }),
      subjects: () => [{ kind: 'ServiceAccount', name: serviceAccount.name, namespace: this.namespace }],
    });
    return role;
  }

  private poolerFor(name: string, partOf: string, options: PatroniPoolerOptions, priorityClassName: string | undefined): MultiReplica {
    const poolerName = `${name}-pooler`;
    const failover = estimateFailover(this.timing);
    const ini = renderPgbouncerIni({
      path: this.node.path,
      listenPort: PORT.postgres,
      databases: [{ name: '*', host: this.primaryHost, port: PORT.postgres }],
      poolMode: options.poolMode ?? 'transaction',
      auth: { file: '/etc/pgbouncer/auth/userlist.txt' },
      unixSocketDir: '',
      // Clients wait out a failover on their pooled connection instead of failing.
      failoverBudget: { toMilliseconds: () => failover.maxSeconds * 1000, toHumanString: () => `${failover.maxSeconds} seconds` },
    });
    const config = configFile(this, 'PoolerConfig', {
      name: poolerName, labels: recommendedLabels({ name: poolerName, instance: poolerName, component: 'pooler', partOf }),
      fileName: 'pgbouncer.ini', content: ini, directory: '/etc/pgbouncer',
    });
    return new MultiReplica(this, 'Pooler', {
      replicas: options.replicas ?? DEFAULTS.poolerReplicas,
      // The members' class, already created for this cluster when the library creates it.
      priorityClass: priorityClassName === undefined ? PriorityClass.none() : PriorityClass.existing(priorityClassName),
      service: {
        name: poolerName,
        partOf,
        component: 'pooler',
        image: options.image ?? DEFAULTS.poolerImage,
        imagePullPolicy: options.imagePullPolicy,
        ports: [{ name: 'postgresql', port: PORT.postgres }],
        healthCheck: HealthCheck.tcp(PORT.postgres),
        command: ['pgbouncer', '/etc/pgbouncer/pgbouncer.ini'],
        files: [
          config.mount,
          { path: '/etc/pgbouncer/auth', from: FileSource.secret(options.authSecret ?? `${poolerName}-auth`) },
        ],
        annotations: config.podAnnotations,
        ingress: this.clients.map((from) => ({ from })),
        egress: [{ to: NetworkPeer.pods(this.selector), ports: [{ port: PORT.postgres }] }],
      },
    });
  }

  /** Service fields of an address exposed through a load balancer; ClusterIP otherwise. */
  private exposedServiceFields(exposure: ResolvedExposure | undefined): k8s.ServiceSpec {
    if (exposure?.type !== 'load-balancer') return { type: 'ClusterIP' };
    const ranges = this.externalCidrs();
    return {
      type: 'LoadBalancer',
      loadBalancerClass: exposure.loadBalancerClass,
      // Clients keep their own address, so the NetworkPolicy can admit exactly the consumer ranges.
      externalTrafficPolicy: 'Local',
      loadBalancerSourceRanges: ranges.length > 0 ? ranges : undefined,
    };
  }

  /** CIDR ranges admitted as clients: who may come through an exposed address. */
  private externalCidrs(): string[] {
    return [...new Set(this.clients.flatMap((peer) => (peer.cidr !== undefined ? [peer.cidr] : [])))];
  }

  /** An exposed address that admits nobody from outside would connect nobody. */
  private exposureErrors(): string[] {
    const exposed = [['expose.primary', this.primaryExposure], ['expose.pooler', this.poolerExposure]] as const;
    if (this.externalCidrs().length > 0) return [];
    return exposed.filter(([, exposure]) => exposure !== undefined).map(([field, exposure]) => new HadrError({
      path: this.node.path, field, value: exposure!.host,
      problem: 'is exposed, but no address outside the cluster is admitted, so the NetworkPolicy drops every connection that comes through it',
      fix: "admit the consumers with allowFrom(NetworkPeer.cidr('10.1.0.0/16')), or share it in a topology whose clusters declare egressCidrs",
    }).message);
  }

  private membersPolicy(metadata: { name: string; labels: Record<string, string> }, props: PatroniClusterProps): ApiObject {
    const members = NetworkPeer.pods(this.selector);
    const clients = () => [...this.clients, ...(this.pooler ? [this.pooler.asPeer()] : [])];
    return kubeObject(this, 'NetworkPolicy', k8s.KubeNetworkPolicy.GVK, metadata, {
      spec: () => k8s.toJson_NetworkPolicySpec({
        podSelector: { matchLabels: { [LABEL.instance]: this.clusterName } },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [
          { from: [policyPeer(members)], ports: tcpPorts(PORT.postgres, PORT.patroni) },
          { from: clients().map(policyPeer), ports: tcpPorts(PORT.postgres) },
          ...(props.metrics ? [{
            from: [policyPeer(props.metrics.scrapers ?? NetworkPeer.namespace(EXPORTER_DEFAULTS.monitoringNamespace))],
            ports: tcpPorts(PORT.patroni, EXPORTER_DEFAULTS.postgresPort),
          }] : []),
        ],
        egress: [
          DNS_EGRESS,
          { to: [policyPeer(members)], ports: tcpPorts(PORT.postgres, PORT.patroni) },
          // The Kubernetes API (DCS), S3 (archive) and the standby's source are outside the pod network.
          ...(props.etcdHosts ? [] : [{ ports: tcpPorts(443, 6443) }]),
          ...(props.backup ? [{ ports: tcpPorts(443) }] : []),
          ...(props.standby ? [{ ports: tcpPorts(props.standby.port ?? PORT.postgres) }] : []),
          ...(props.etcdHosts ? [{ ports: tcpPorts(...new Set(props.etcdHosts.map((h) => Number(h.split(':').pop()) || 2379))) }] : []),
        ],
      }),
    });
  }
}

/** A standby's source must be reachable from the standby's own cluster. */
function checkStandbySource(path: string, source: PatroniReplicationSource, cluster: string): void {
  const reach = source.reach ?? (isClusterLocalName(source.host) ? Reach.cluster('the source\'s own cluster') : Reach.ANYWHERE);
  check(reach instanceof Reach && reach.worksIn(cluster), {
    path, field: 'standby.host', value: source.host,
    problem: `resolves only inside ${reach?.cluster ?? 'another cluster'}, so this standby cannot connect to it`,
    fix: "expose the source's primary (expose: { primary: Exposure.loadBalancer({ host: 'db.dc1.example.com' }) }) and use its replicationSource(), or give a host this site can reach",
  });
  if (source.archive !== undefined) checkArchiveLocation(path, 'standby.archive', source.archive);
}

/** Metadata of a Service, with the exposure's annotations when it is exposed through a load balancer. */
function exposedMetadata(metadata: { name: string; labels: Record<string, string> }, exposure: ResolvedExposure | undefined) {
  return exposure?.type === 'load-balancer' && Object.keys(exposure.annotations).length > 0
    ? { ...metadata, annotations: { ...exposure.annotations } } : metadata;
}

/**
 * Checksum of what a running member reads from patroni.yml. The bootstrap section is read only
 * when the cluster is first created (later changes go through \`patronictl edit-config\`), so a
 * change there, such as a DR flip of \`standby_cluster\`, must not roll the members.
 */
function runtimeChecksum(patroniYml: string): string {
  const { bootstrap: _bootstrap, ...runtime } = YAML.parse(patroniYml);
  return configChecksum({ 'patroni.yml': YAML.stringify(runtime) });
}

/** Endpoints Patroni's Kubernetes DCS writes besides the leader's and `<name>-config`. */
const PATRONI_ENDPOINTS = ['-failover', '-sync'];
/** The spec fields of patroni.yml as the props name them. */
const CONFIG_FIELDS: FieldMapping = [
  ['scope', 'name'], ['standbyCluster', 'standby'], ['walArchive', 'backup'], ['synchronousModeStrict', 'synchronousStrict'],
  ['synchronousMode', 'synchronous'], ['dcs.hosts', 'etcdHosts'], ['patroniVersion', 'patroniVersion'],
];
/** The member container's fields, checked as a service, as the props name them. */
const MEMBER_FIELDS: FieldMapping = [['service.name', 'name'], ['service.image', 'image'], ['service.resources', 'resources']];
/** The pooler's fields (a MultiReplica and a pgbouncer.ini) as the props name them. */
const POOLER_FIELDS: FieldMapping = [
  ['service.name', 'name'], ['service.image', 'pooler.image'], ['replicas', 'pooler.replicas'], ['service.partOf', 'partOf'],
  ['priorityClass', 'priorityClass'], ['poolMode', 'pooler.poolMode'],
];

/** Checks of the props before anything is built: types, names, references, addresses. */
function checkPatroniProps(path: string, name: string, props: PatroniClusterProps): void {
  checkStatefulProps(path, name, props, [
    { suffix: '-failover', limit: 63, what: "Patroni's Endpoints" },
    { suffix: '-replica', limit: 63, what: 'the replica Service' },
    { suffix: '-members', limit: 63, what: 'the members Service' },
    { suffix: '-pooler', limit: 63, what: 'the pooler' },
  ]);
  checkOptionalString(path, 'image', props.image, "'ghcr.io/zalando/spilo-18:4.1-p2'");
  const version = props.postgresVersion;
  check(version === undefined || (Number.isInteger(version) && version >= 10 && version <= 99), {
    path, field: 'postgresVersion', value: props.postgresVersion, problem: 'must be a PostgreSQL major version from 10 to 99', fix: 'use e.g. 18',
  });
  check(props.patroniVersion === undefined || (typeof props.patroniVersion === 'string' && /^[0-9]+(\.[0-9]+){0,3}$/.test(props.patroniVersion)), {
    path, field: 'patroniVersion', value: props.patroniVersion, problem: 'must be a version such as 4.1.4', fix: "use e.g. '4.1.4'",
  });
  checkOptionalObject(path, 'timing', props.timing, 'PatroniTiming.default()');
  checkOptionalBoolean(path, 'synchronous', props.synchronous);
  checkOptionalBoolean(path, 'synchronousStrict', props.synchronousStrict);
  if (props.credentialsSecret !== undefined) checkSecretName(path, 'credentialsSecret', props.credentialsSecret);
  if (props.etcdHosts !== undefined) checkHostList(path, 'etcdHosts', props.etcdHosts);
  if (props.standby !== undefined) {
    checkObject(path, 'standby', props.standby, "{ host: 'db.dc1.example.com' }");
    checkString(path, 'standby.host', props.standby.host, "'db.dc1.example.com'");
  }
  if (props.backup !== undefined) {
    const backup = props.backup;
    checkObject(path, 'backup', backup, "{ s3Prefix: 's3://acme-db-backups/firebackup', credentialsSecret: 'db-backup' }");
    checkS3Prefix(path, 'backup.s3Prefix', backup.s3Prefix);
    checkSecretName(path, 'backup.credentialsSecret', backup.credentialsSecret);
    if (backup.endpoint !== undefined) checkEndpointUrl(path, 'backup.endpoint', backup.endpoint);
    check(backup.region === undefined || (typeof backup.region === 'string' && /^[a-z0-9][a-z0-9-]{0,62}$/.test(backup.region)), {
      path, field: 'backup.region', value: backup.region, problem: 'must be a region name of lowercase letters, digits and -', fix: "use e.g. 'eu-west-1'",
    });
    check(backup.fullBackupInterval === undefined || isDurationLike(backup.fullBackupInterval), {
      path, field: 'backup.fullBackupInterval', value: backup.fullBackupInterval, problem: 'must be a Duration', fix: 'use e.g. Duration.hours(24)',
    });
    check(backup.archiveTimeout === undefined || (isDurationLike(backup.archiveTimeout) && backup.archiveTimeout.toMilliseconds() >= 1000
      && backup.archiveTimeout.toMilliseconds() <= INT32_MAX * 1000), {
      path, field: 'backup.archiveTimeout', value: backup.archiveTimeout, problem: 'must be a Duration of at least one second', fix: 'use e.g. Duration.seconds(60)',
    });
  }
  if (props.pooler !== undefined && props.pooler !== false) {
    const pooler = props.pooler;
    checkObject(path, 'pooler', pooler, '{ replicas: 2 }, or false for no pooler');
    checkOptionalString(path, 'pooler.image', pooler.image, "'ghcr.io/cloudnative-pg/pgbouncer:1.25.1'");
    if (pooler.poolMode !== undefined) checkOneOf(path, 'pooler.poolMode', pooler.poolMode, ['transaction', 'session', 'statement']);
    if (pooler.authSecret !== undefined) checkSecretName(path, 'pooler.authSecret', pooler.authSecret);
  }
  checkOptionalObject(path, 'resources', props.resources, "{ cpu: { request: '500m' } }");
}

function checkMembers(path: string, members: number, reason: string | undefined): void {
  check(Number.isInteger(members) && members >= 1, {
    path, field: 'members', value: members, problem: 'must be a whole number of at least 1', fix: 'use 3 or 5',
  });
  check(members <= INT32_MAX, {
    path, field: 'members', value: members, problem: `must be at most ${INT32_MAX} (a Kubernetes int32)`, fix: 'use 3 or 5',
  });
  check(members >= 3 || (reason !== undefined && reason.trim().length > 0), {
    path, field: 'members', value: members,
    problem: 'is below 3: losing one member leaves no synchronous standby and no automatic failover',
    fix: "use 3, or accept it with fewerThanThreeMembersReason: '<why>'",
  });
  check(members % 2 === 1, {
    path, field: 'members', value: members, problem: 'must be odd to keep a quorum', fix: `use ${members - 1} or ${members + 1}`,
  });
}

function postgresPort(): k8s.ServicePort {
  return { name: 'postgresql', port: PORT.postgres, targetPort: k8s.IntOrString.fromNumber(PORT.postgres), protocol: 'TCP' };
}

/** The service-account token, CA and namespace, as automounting would give them, but only where mounted. */
function serviceAccountTokenVolume(): k8s.Volume {
  return {
    name: 'kube-api-access',
    projected: {
      defaultMode: 0o440,
      sources: [
        { serviceAccountToken: { path: 'token', expirationSeconds: 3607 } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        { downwardApi: { items: [{ path: 'namespace', fieldRef: { fieldPath: 'metadata.namespace' } }] } },
      ],
    },
  };
}

function walgEnvironment(backup: PatroniBackupOptions): k8s.EnvVar[] {
  return [
    { name: 'WALG_S3_PREFIX', value: backup.s3Prefix },
    { name: 'AWS_REGION', value: backup.region ?? 'us-east-1' },
    ...(backup.endpoint ? [{ name: 'AWS_ENDPOINT', value: backup.endpoint }, { name: 'AWS_S3_FORCE_PATH_STYLE', value: 'true' }] : []),
    { name: 'AWS_ACCESS_KEY_ID', valueFrom: { secretKeyRef: { name: backup.credentialsSecret, key: 'access-key-id' } } },
    { name: 'AWS_SECRET_ACCESS_KEY', valueFrom: { secretKeyRef: { name: backup.credentialsSecret, key: 'secret-access-key' } } },
    { name: 'WALG_COMPRESSION_METHOD', value: 'lz4' },
  ];
}
