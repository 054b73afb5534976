import { ApiObject, Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { MultiReplica } from './multi-replica';
import { PATRONI_CLUSTER_DEFAULTS as DEFAULTS, SERVICE_DEFAULTS } from '../core/defaults';
import { check } from '../core/errors';
import { configFile } from './private/config-file';
import { kubeObject } from './private/kube-object';
import { claimObjectName, nameObjectsAfter } from './private/name-registry';
import { DNS_EGRESS, policyPeer, tcpPorts } from './private/network-policy';
import { antiAffinityFor, topologySpreadFor } from './private/placement';
import { containerResources, probe, restrictedContainerSecurityContext, restrictedPodSecurityContext } from './private/pod-template';
import { defaultPriorityClass } from './private/priority-class';
import { checkEndpointUrl, checkHostList, checkS3Prefix, checkStatefulProps } from './private/stateful-props';
import { configChecksum, dataVolumeClaim } from './private/stateful-storage';
import {
  PATRONI_PASSWORD_ENV, PatroniConfigSpec, PgParameterValue, renderPatroniConfig, validatePatroniConfig,
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
import { ResolvedService, ResourceSpec, resolveServiceSpec } from '../core/service/service-spec';
import { ISharedEndpointSource, IStatefulComponent, SharedEndpointSpec, StatefulKind } from '../core/topology/shared-endpoint';
import { DurationLike, isDurationLike, isSizeLike, mebibytes, SizeLike, toSecondsCeil } from '../core/units';
import { checkSecretName, INT32_MAX } from '../core/validation/kubernetes';
import {
  checkObject, checkOneOf, checkOptionalBoolean, checkOptionalObject, checkOptionalString, checkString,
} from '../core/validation/shape';

/** Props of {@link PatroniCluster}. */
export interface PatroniClusterProps {
  /**
   * Cluster name: Patroni's scope, the StatefulSet, the leader Service clients connect to.
   * Keep it stable; the standby site's cluster may use the same name.
   *
   * @default - the construct id
   */
  readonly name?: string;

  /**
   * The product this database belongs to (`app.kubernetes.io/part-of`).
   *
   * @default - the cluster name
   */
  readonly partOf?: string;

  /**
   * Members (PostgreSQL instances). Odd, and at least 3: with 2, losing one leaves no
   * synchronous standby and no majority view of the cluster.
   *
   * @default 3
   * @see https://patroni.readthedocs.io/en/latest/replication_modes.html
   */
  readonly members?: number;

  /**
   * Why fewer than three members are acceptable here (a test or development database). Without
   * a reason, fewer than three members is an error.
   *
   * @default - fewer than three members are refused
   */
  readonly fewerThanThreeMembersReason?: string;

  /**
   * Size of each member's data volume.
   *
   * @see https://kubernetes.io/docs/concepts/storage/persistent-volumes/
   */
  readonly storage: SizeLike;

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
   * PostgreSQL major version in the image (chooses the binary directory).
   *
   * @default 18
   */
  readonly postgresVersion?: number;

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
   * Synchronous replication: a commit is acknowledged only once a standby has it, so a failover
   * loses no acknowledged write (measured: 0 lost). Off for a standby cluster, which replicates
   * from another site.
   *
   * @default - true, false for a standby cluster
   * @see https://patroni.readthedocs.io/en/latest/replication_modes.html#synchronous-mode
   */
  readonly synchronous?: boolean;

  /**
   * Refuse writes when no synchronous standby is left, rather than continue without one.
   * Needs three or more members.
   *
   * @default false
   * @see https://patroni.readthedocs.io/en/latest/replication_modes.html#synchronous-mode
   */
  readonly synchronousStrict?: boolean;

  /**
   * PostgreSQL parameters applied to every member through Patroni's dynamic configuration.
   *
   * @default - none beyond Patroni's own
   * @see https://patroni.readthedocs.io/en/latest/dynamic_configuration.html
   */
  readonly parameters?: Readonly<Record<string, PgParameterValue>>;

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
   * PriorityClass of the members and the pooler.
   *
   * @default - `hadr-high-availability`, created once per chart
   */
  readonly priorityClassName?: string;
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
}

/** A step of a runbook, as data: what to do, the command, and why. */
export interface RunbookStep {
  /** What the step achieves. */
  readonly title: string;
  /** The command to run, with this topology's real names. */
  readonly command: string;
  /** Why the step is needed. */
  readonly why: string;
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

  private readonly namespace?: string;

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
    // moves the leader key, so clients never reach a demoted primary.
    this.primaryService = kubeObject(this, 'PrimaryService', k8s.KubeService.GVK, metadata, {
      spec: () => k8s.toJson_ServiceSpec({ type: 'ClusterIP', ports: [postgresPort()] }),
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
    const priorityClassName = props.priorityClassName ?? defaultPriorityClass(this);
    // The member container, checked as a service: pinned image, sane requests and limits.
    const member = renamingErrors(path, MEMBER_FIELDS, () => resolveServiceSpec(path, {
      name, image: props.image ?? DEFAULTS.image, port: PORT.postgres,
      resources: props.resources ?? {
        cpu: { request: DEFAULTS.cpuRequest, limit: DEFAULTS.cpuLimit },
        memory: { request: mebibytes(DEFAULTS.memoryMebibytes), limit: mebibytes(DEFAULTS.memoryMebibytes) },
      },
    }));
    // Built here, not while synthesizing: a bad backup setting fails the constructor, before any chart is written.
    const backupContainer = props.backup ? this.backupContainer(path, props, props.backup, member.image) : undefined;
    this.statefulSet = kubeObject(this, 'Resource', k8s.KubeStatefulSet.GVK, metadata, {
      spec: () => k8s.toJson_StatefulSetSpec({
        serviceName: membersService.name,
        replicas: members,
        podManagementPolicy: 'Parallel',
        updateStrategy: { type: 'RollingUpdate' },
        persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
        selector: { matchLabels: { ...this.selector } },
        template: {
          metadata: { labels, annotations: { 'hadr-constructs.io/patroni-config-sha': configChecksum({ 'patroni.yml': this.patroniConfig }) } },
          spec: {
            serviceAccountName: serviceAccount.name,
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            priorityClassName,
            terminationGracePeriodSeconds: DEFAULTS.terminationGracePeriodSeconds,
            securityContext: restrictedPodSecurityContext(DEFAULTS.runAs),
            affinity: antiAffinityFor(this.selector, placement),
            topologySpreadConstraints: topologySpreadFor(this.selector, placement),
            containers: [
              this.patroniContainer(props, member),
              ...(backupContainer ? [backupContainer] : []),
            ],
            volumes: [
              { name: 'config', configMap: { name: configMap.name } },
              { name: 'tmp', emptyDir: {} },
              { name: 'socket', emptyDir: {} },
              // Patroni talks to the Kubernetes API: the token is mounted for its container only.
              ...(props.etcdHosts ? [] : [serviceAccountTokenVolume()]),
            ],
          },
        },
        volumeClaimTemplates: [dataVolumeClaim('pgdata', this.selector, props.storage, props.storageClassName)],
      }),
    });

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
      this.pooler = renamingErrors(path, POOLER_FIELDS, () => this.poolerFor(name, partOf, pooler, props.clients, priorityClassName), 'pooler.');
      this.poolerHost = dns(this.pooler.resolved.name);
    }
    this.networkPolicy = this.membersPolicy(metadata, props);
  }

  /** This cluster as a replication source for a standby cluster on another site. */
  public replicationSource(options: { host?: string; port?: number } = {}): PatroniReplicationSource {
    return { host: options.host ?? this.primaryHost, port: options.port ?? PORT.postgres };
  }

  /** This cluster as a shared endpoint for the clusters of a MultiCluster topology. */
  public sharedEndpoint(): SharedEndpointSpec {
    return { name: this.clusterName, kind: StatefulKind.POSTGRESQL, host: this.poolerHost ?? this.primaryHost };
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
      standbyCluster: props.standby && { host: props.standby.host, port: props.standby.port },
    };
  }

  private patroniContainer(props: PatroniClusterProps, member: ResolvedService): k8s.Container {
    const { image } = member;
    const secret = props.credentialsSecret ?? `${this.clusterName}-credentials`;
    const fromSecret = (key: string) => ({ valueFrom: { secretKeyRef: { name: secret, key } } });
    const field = (fieldPath: string) => ({ valueFrom: { fieldRef: { fieldPath } } });
    return {
      name: 'patroni',
      image,
      imagePullPolicy: 'Always',
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
      securityContext: restrictedContainerSecurityContext(DEFAULTS.runAs),
      volumeMounts: [
        { name: 'pgdata', mountPath: MOUNT.data },
        { name: 'config', mountPath: MOUNT.config, readOnly: true },
        { name: 'tmp', mountPath: MOUNT.tmp },
        { name: 'socket', mountPath: MOUNT.socket },
        ...(props.etcdHosts ? [] : [{ name: 'kube-api-access', mountPath: MOUNT.token, readOnly: true }]),
      ],
    };
  }

  private backupContainer(path: string, props: PatroniClusterProps, backup: PatroniBackupOptions, image: string): k8s.Container {
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
      image,
      imagePullPolicy: 'Always',
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
      securityContext: restrictedContainerSecurityContext(DEFAULTS.runAs),
      volumeMounts: [
        { name: 'pgdata', mountPath: MOUNT.data, readOnly: true },
        { name: 'tmp', mountPath: MOUNT.tmp },
        { name: 'socket', mountPath: MOUNT.socket },
      ],
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

  private poolerFor(
    name: string, partOf: string, options: PatroniPoolerOptions, clients: readonly NetworkPeer[] | undefined, priorityClassName: string,
  ): MultiReplica {
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
      priorityClassName,
      service: {
        name: poolerName,
        partOf,
        component: 'pooler',
        image: options.image ?? DEFAULTS.poolerImage,
        ports: [{ name: 'postgresql', port: PORT.postgres }],
        healthCheck: HealthCheck.tcp(PORT.postgres),
        command: ['pgbouncer', '/etc/pgbouncer/pgbouncer.ini'],
        files: [
          config.mount,
          { path: '/etc/pgbouncer/auth', from: FileSource.secret(options.authSecret ?? `${poolerName}-auth`) },
        ],
        annotations: config.podAnnotations,
        ingress: (clients ?? [NetworkPeer.sameNamespace()]).map((from) => ({ from })),
        egress: [{ to: NetworkPeer.pods(this.selector), ports: [{ port: PORT.postgres }] }],
      },
    });
  }

  private membersPolicy(metadata: { name: string; labels: Record<string, string> }, props: PatroniClusterProps): ApiObject {
    const members = NetworkPeer.pods(this.selector);
    const clients = [...(props.clients ?? [NetworkPeer.sameNamespace()]), ...(this.pooler ? [this.pooler.asPeer()] : [])];
    return kubeObject(this, 'NetworkPolicy', k8s.KubeNetworkPolicy.GVK, metadata, {
      spec: () => k8s.toJson_NetworkPolicySpec({
        podSelector: { matchLabels: { [LABEL.instance]: this.clusterName } },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [
          { from: [policyPeer(members)], ports: tcpPorts(PORT.postgres, PORT.patroni) },
          { from: clients.map(policyPeer), ports: tcpPorts(PORT.postgres) },
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
  ['priorityClassName', 'priorityClassName'], ['poolMode', 'pooler.poolMode'],
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
