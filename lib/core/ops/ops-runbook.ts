/**
 * The operations steps of a runbook: what to do when each alert fires (the alerts'
 * `runbook_url` points at these anchors) and how to restore the database to a point in time,
 * with the topology's real names. The restore steps are the ones the PITR drill runs against
 * real servers (test/e2e/pitr-restore-drill.ts).
 */
import { ALERT_ANCHORS, AlertName } from './alert-rules';
import { RunbookStep } from '../intents';

/** What the operations steps name. */
export interface OpsRunbookSpec {
  readonly namespace: string;
  /** The clusters of the active site. */
  readonly activeClusters: readonly string[];
  readonly services: readonly string[];
  readonly postgres?: {
    readonly scope: string;
    /** The cluster that runs the active site's database. */
    readonly cluster: string;
    readonly members: number;
    /** Whether base backups and WAL go to an archive: restore steps need one. */
    readonly archived: boolean;
    /** `s3://` prefix of the active site's archive. */
    readonly archive?: string;
  };
  readonly redis?: { readonly name: string; readonly masterName: string; readonly cluster: string };
  /** The public URL DNS failover health-checks. */
  readonly healthUrl?: string;
  /** Velero schedule of each cluster, when cluster state is backed up. */
  readonly veleroSchedule?: string;
  readonly queues: readonly { readonly service: string }[];
}

/** PostgreSQL's data directory in a PatroniCluster member. */
export const PATRONI_DATA_DIR = '/home/postgres/pgdata/pgroot/data';
const PATRONI_CONFIG = '/etc/patroni/patroni.yml';

/** The steps the alerts link to, one per alert the topology has, each with its anchor. */
export function alertSteps(spec: OpsRunbookSpec, alerts: readonly AlertName[]): RunbookStep[] {
  const kubectl = (cluster: string) => `kubectl --context ${cluster} -n ${spec.namespace}`;
  const each = (command: (cluster: string) => string) => spec.activeClusters.map(command).join('\n');
  const pg = spec.postgres;
  const patronictl = pg && `${kubectl(pg.cluster)} exec statefulset/${pg.scope} -c patroni -- patronictl -c ${PATRONI_CONFIG}`;
  // Replication and read-only state live on the primary: `exec statefulset/` may land on a replica.
  const psqlOnPrimary = pg && `${kubectl(pg.cluster)} exec "$(${kubectl(pg.cluster)} get pod -l app.kubernetes.io/instance=${pg.scope},role=primary -o name)" `
    + '-c patroni -- psql -U postgres -Atc';
  const steps: Record<AlertName, () => Omit<RunbookStep, 'anchor'>> = {
    HadrServiceDown: () => ({
      title: 'A service has no instance up',
      command: each((c) => `${kubectl(c)} get pods -l 'app.kubernetes.io/name in (${spec.services.join(',')})' -o wide\n`
        + `${kubectl(c)} get events --sort-by=.lastTimestamp | tail -30`),
      why: 'the alert fires after a quarter of the RTO: find whether the pods crash, are evicted or cannot be scheduled, while the rest of the budget remains',
      verify: 'every pod of the service is Running and Ready; if a whole site is lost, follow the failover section instead',
    }),
    HadrServiceErrorRate: () => ({
      title: 'A service fails too many requests',
      command: each((c) => `${kubectl(c)} logs -l 'app.kubernetes.io/name in (${spec.services.join(',')})' --since=10m --tail=200 --prefix`),
      why: 'errors while pods are up point at a dependency (database, Redis, queue) or a bad release',
      verify: 'the error ratio falls below the threshold; roll back the last release if it started with it',
    }),
    HadrPostgresReplicationLag: () => ({
      title: 'The standby site falls behind',
      command: `${patronictl} list\n${psqlOnPrimary} "SELECT application_name, state, replay_lag FROM pg_stat_replication"`,
      why: 'a site loss now would lose the lag shown; the usual causes are the link between sites, a long transaction on the primary, or a standby that lost its slot',
      verify: 'the lag is back under the threshold (the declared maximum lag, within the RPO)',
    }),
    HadrPostgresNoLeader: () => ({
      title: 'PostgreSQL has no leader',
      command: `${patronictl} list\n${kubectl(pg!.cluster)} logs statefulset/${pg!.scope} -c patroni --tail=100`,
      why: 'no member holds the leader key for two ttls: the DCS (Kubernetes API) is unreachable, or no member is healthy enough to be promoted',
      verify: `patronictl list shows a Leader (or a Standby Leader on a standby site) for ${pg?.scope}`,
    }),
    HadrPostgresLeaderFlapping: () => ({
      title: 'PostgreSQL changes leader again and again',
      command: `${patronictl} history\n${kubectl(pg!.cluster)} get pods -l app.kubernetes.io/instance=${pg?.scope} -o wide`,
      why: 'each failover starts a timeline; repeated ones point at one member, one node or the DCS; pause automatic failover (patronictl pause) only while you fix it',
      verify: 'no new timeline for an hour',
    }),
    HadrPostgresPrimaryReadOnly: () => ({
      title: 'The PostgreSQL primary refuses writes',
      command: `${patronictl} show-config | grep default_transaction_read_only\n`
        + `${patronictl} edit-config --force --set postgresql.parameters.default_transaction_read_only=null`,
      why: 'a switchover makes the old site read-only while the standby catches up; left behind, the setting makes the site refuse every write after a promotion',
      verify: `${psqlOnPrimary} "SHOW default_transaction_read_only"`,
    }),
    HadrPostgresBaseBackupTooOld: () => ({
      title: 'The last base backup is older than its schedule',
      command: `${kubectl(pg!.cluster)} logs statefulset/${pg!.scope} -c backup --tail=50\n`
        + `${kubectl(pg!.cluster)} exec statefulset/${pg!.scope} -c backup -- wal-g backup-list`,
      why: 'point-in-time recovery starts from a base backup and replays WAL from it: without a recent one a restore replays far more, or cannot start',
      verify: 'wal-g backup-list shows a backup finished within the schedule',
    }),
    HadrRedisPrimaryObjectivelyDown: () => ({
      title: 'Sentinel sees the Redis primary down and did not replace it',
      command: `${kubectl(spec.redis!.cluster)} exec statefulset/${spec.redis!.name}-sentinel -c sentinel -- sh -c `
        + `'redis-cli -p 26379 -a "$(cat /etc/redis-secret/password)" --no-auth-warning SENTINEL replicas ${spec.redis!.masterName}'`,
      why: 'a failover needs a Sentinel majority and a replica in sync: one of them is missing',
      verify: 'SENTINEL get-master-addr-by-name names a primary that answers, and the alert clears',
    }),
    HadrRedisPrimaryFenced: () => ({
      title: 'The Redis primary refuses writes',
      command: `${kubectl(spec.redis!.cluster)} get pods -l app.kubernetes.io/instance=${spec.redis!.name} -o wide\n`
        + `${kubectl(spec.redis!.cluster)} logs statefulset/${spec.redis!.name} -c fence --tail=50`,
      why: 'the primary has fewer replicas than min-replicas-to-write, or its fence agent lost the Sentinel majority: it refuses writes rather than lose them',
      verify: 'the replicas are connected again (INFO replication) and the fence agent reports the majority',
    }),
    HadrDnsHealthCheckFailing: () => ({
      title: 'The health check DNS failover follows is failing',
      command: `curl -fsS -o /dev/null -w '%{http_code} %{time_total}\\n' ${spec.healthUrl}`,
      why: 'DNS moves clients to the standby site while it fails: if the active site is lost, follow the failover section; if it is only cut off from the checker, traffic may move anyway',
      verify: `${spec.healthUrl} answers 200 from outside`,
    }),
    HadrQueueBacklog: () => ({
      title: 'A queue grows beyond what its consumers work off',
      command: each((c) => `${kubectl(c)} get scaledobject,hpa\n${kubectl(c)} get pods -l 'app.kubernetes.io/name in (${spec.queues.map((q) => q.service).join(',')})'`),
      why: 'the autoscaler is at its maximum and the backlog still grows: raise the maximum, or find why each consumer is slow',
      verify: 'the backlog shrinks',
    }),
  };
  return alerts.map((alert) => ({ ...steps[alert](), anchor: ALERT_ANCHORS[alert] }));
}

/**
 * Restoring the active site's database to a point in time: stop it, fetch the base backup,
 * replay the archived WAL up to the target, promote, and let the replicas be rebuilt. The
 * target is `$TARGET` (a timestamp with time zone), set by whoever runs the steps.
 */
export function restoreSteps(spec: OpsRunbookSpec): RunbookStep[] {
  const pg = spec.postgres;
  const steps: RunbookStep[] = [];
  const kubectl = (cluster: string) => `kubectl --context ${cluster} -n ${spec.namespace}`;
  if (pg?.archived) {
    const k = kubectl(pg.cluster);
    const leader = `${pg.scope}-0`;
    const patronictl = `${k} exec ${leader} -c patroni -- patronictl -c ${PATRONI_CONFIG}`;
    steps.push(
      {
        title: 'Choose the point in time and the base backup before it',
        command: `export TARGET='2026-01-15 10:30:00+00'   # the last moment to keep\n${k} exec ${leader} -c backup -- wal-g backup-list --detail`,
        why: 'recovery starts from the newest base backup that finished before the target, then replays WAL up to it',
        verify: 'a backup with a finish time before $TARGET is listed',
        anchor: 'restore-choose-point',
      },
      {
        title: `Stop automatic failover and the members of ${pg.scope}`,
        command: `${patronictl} pause --wait\n${k} exec ${leader} -c patroni -- pg_ctl -D ${PATRONI_DATA_DIR} stop -m fast`,
        why: 'Patroni must not restart or promote anything while the data directory is replaced',
        verify: `${patronictl} list shows the cluster paused and ${leader} stopped`,
        anchor: 'restore-stop',
      },
      {
        title: `Fetch the base backup into ${leader}`,
        command: `${k} exec ${leader} -c patroni -- sh -c 'mv ${PATRONI_DATA_DIR} ${PATRONI_DATA_DIR}.before-restore && `
          + `wal-g backup-fetch ${PATRONI_DATA_DIR} LATEST'`,
        why: 'the old data directory is kept beside it until the restore is verified',
        verify: `${PATRONI_DATA_DIR}/PG_VERSION exists`,
        anchor: 'restore-fetch',
      },
      {
        title: 'Replay the archived WAL up to the target, then promote',
        command: `${k} exec ${leader} -c patroni -- sh -c "printf \\"restore_command = 'wal-g wal-fetch %f %p'\\nrecovery_target_time = '$TARGET'\\n`
          + `recovery_target_action = 'promote'\\n\\" >> ${PATRONI_DATA_DIR}/postgresql.auto.conf && touch ${PATRONI_DATA_DIR}/recovery.signal && `
          + `pg_ctl -D ${PATRONI_DATA_DIR} start -w -t 3600"`,
        why: 'PostgreSQL replays every transaction committed up to the target and none after it, then opens a new timeline',
        verify: `${k} exec ${leader} -c patroni -- psql -U postgres -Atc "SELECT pg_is_in_recovery()" prints f`,
        anchor: 'restore-replay',
      },
      {
        title: `Hand ${pg.scope} back to Patroni and rebuild the replicas`,
        command: `${patronictl} resume --wait\n`
          + Array.from({ length: pg.members - 1 }, (_, i) => `${patronictl} reinit --force ${pg.scope} ${pg.scope}-${i + 1}`).join('\n'),
        why: 'the replicas hold the data from before the target: each is copied again from the restored leader',
        verify: `${patronictl} list shows one Leader and ${pg.members - 1} streaming replicas`,
        anchor: 'restore-resume',
      },
    );
  }
  if (spec.veleroSchedule) {
    steps.push({
      title: 'Restore the cluster objects from Velero (a lost cluster)',
      command: spec.activeClusters.map((c) => `velero --kubecontext ${c} restore create --from-schedule ${spec.veleroSchedule} --wait`).join('\n'),
      why: 'the objects of the namespace come back from the last scheduled backup; the database comes back from its own archive',
      verify: spec.activeClusters.map((c) => `velero --kubecontext ${c} restore get`).join('; '),
      anchor: 'restore-cluster-objects',
    });
  }
  return steps;
}
