/**
 * Prometheus alerting rules that follow from a topology and its declared targets: each threshold
 * is computed from the RTO, the RPO, the backup schedule or the autoscaler's bounds, and each
 * alert links to the step of the generated runbook that answers it. Plain data: the construct
 * puts it in a PrometheusRule, the tests give it to `promtool`.
 *
 * @see https://prometheus.io/docs/prometheus/latest/configuration/alerting_rules/
 */
import * as YAML from 'yaml';
import { check } from '../errors';

/** One alerting rule, as Prometheus reads it. */
export interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  /** How long the condition must hold, e.g. `225s`. */
  readonly for: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

/** A group of rules evaluated together. */
export interface AlertRuleGroup {
  readonly name: string;
  readonly rules: readonly AlertRule[];
}

/** A queue whose backlog a service works off (the same one KEDA scales it on). */
export interface QueueBacklogSpec {
  /** The service that consumes it. */
  readonly service: string;
  /** PromQL selecting the backlog, e.g. `redis_key_size{key="bull:backups:waiting"}`. */
  readonly metric: string;
  /** Backlog one replica is meant to hold (KEDA's target per replica). */
  readonly perReplica: number;
  /** Most replicas the autoscaler may run. */
  readonly maxReplicas: number;
}

/** What the alerts need to know of a topology. */
export interface AlertRulesSpec {
  /** Error path prefix. */
  readonly path: string;
  readonly topology: string;
  readonly namespace: string;
  /** Address of RUNBOOK.md; each alert appends the anchor of its step. */
  readonly runbookUrl: string;
  /** Recovery targets, in seconds. */
  readonly rtoSeconds?: number;
  readonly rpoSeconds?: number;
  /** How often Prometheus scrapes the targets. */
  readonly scrapeIntervalSeconds: number;
  /** Services that are scraped (their Service has a `metrics` port). */
  readonly services: readonly string[];
  /** Share of failed (5xx) requests that pages. */
  readonly errorRatio: number;
  readonly postgres?: {
    readonly scope: string;
    /** Longest accepted lag of a standby site (the database's share of the RPO). */
    readonly maxLagSeconds: number;
    /** Patroni's leader ttl: how long a leaderless cluster is normal during a failover. */
    readonly ttlSeconds: number;
    /** Time between base backups, when the cluster takes them. */
    readonly backupIntervalSeconds?: number;
  };
  readonly redis?: {
    readonly name: string;
    /** The name Sentinel monitors the primary by. */
    readonly masterName: string;
    /** `min-replicas-to-write`: a primary with fewer connected replicas refuses writes. */
    readonly minReplicasToWrite: number;
    /** Sentinel's failover timeout: an objectively-down primary longer than this was not replaced. */
    readonly failoverTimeoutSeconds: number;
  };
  /** The public health check DNS failover follows. */
  readonly dns?: { readonly url: string };
  readonly queues: readonly QueueBacklogSpec[];
}

/** The thresholds of {@link AlertRulesSpec}, in seconds and counts. */
export interface AlertThresholds {
  /** A service down this long pages: a quarter of the RTO, at most 5 minutes. */
  readonly serviceDownSeconds: number;
  /** A standby site this far behind pages: the declared lag, itself within the RPO. */
  readonly replicationLagSeconds: number;
  /** No leader for longer than this pages: a failover takes about one ttl. */
  readonly noLeaderSeconds: number;
  /** A base backup older than this pages: the schedule plus an hour for the backup itself. */
  readonly backupMaxAgeSeconds?: number;
}

/** Time a backup may take beyond its schedule before it counts as missed. */
export const BACKUP_GRACE_SECONDS = 3600;
/** Longest wait before a service outage pages, whatever the RTO. */
export const MAX_SERVICE_DOWN_SECONDS = 300;

/**
 * The thresholds of a topology's alerts, from its targets. An alert must fire while the target
 * can still be met: a service outage pages after a quarter of the RTO (the rest is for the
 * response), the lag alert at the declared lag, which is refused above the RPO. An outage
 * needs two scrapes to be seen: an RTO whose quarter is shorter than that is refused.
 *
 * @example
 * // RTO 15 min, RPO 1 min, lag 10 s, scrapes every 30 s, Patroni ttl 30 s, backups daily:
 * alertThresholds(spec);
 * // { serviceDownSeconds: 225, replicationLagSeconds: 10, noLeaderSeconds: 60, backupMaxAgeSeconds: 90000 }
 */
export function alertThresholds(spec: AlertRulesSpec): AlertThresholds {
  const seen = 2 * spec.scrapeIntervalSeconds;
  check(spec.rtoSeconds === undefined || spec.rtoSeconds / 4 >= seen, {
    path: spec.path, field: 'targets.rto', value: `${spec.rtoSeconds} seconds`,
    problem: `cannot be alerted on in time: an outage is seen after two scrapes (${seen} s), and that must fit in a quarter of the RTO`,
    fix: `scrape more often (monitoring.scrapeInterval) or accept an RTO of at least ${4 * seen} seconds`,
  });
  const serviceDownSeconds = Math.max(seen, Math.min(MAX_SERVICE_DOWN_SECONDS, Math.floor((spec.rtoSeconds ?? 4 * 120) / 4)));
  const pg = spec.postgres;
  if (pg && spec.rpoSeconds !== undefined) {
    check(pg.maxLagSeconds <= spec.rpoSeconds, {
      path: spec.path, field: 'postgres.maxReplicationLag', value: `${pg.maxLagSeconds} seconds`,
      problem: `is above the RPO (${spec.rpoSeconds} s): the lag alert would fire only once the target is already missed`,
      fix: `use at most ${spec.rpoSeconds} seconds`,
    });
  }
  return {
    serviceDownSeconds,
    replicationLagSeconds: pg?.maxLagSeconds ?? 0,
    noLeaderSeconds: Math.max(seen, 2 * (pg?.ttlSeconds ?? 0)),
    backupMaxAgeSeconds: pg?.backupIntervalSeconds !== undefined ? pg.backupIntervalSeconds + BACKUP_GRACE_SECONDS : undefined,
  };
}

/** Anchors of the runbook's alert steps, by alert name. */
export const ALERT_ANCHORS = {
  HadrServiceDown: 'alert-service-down',
  HadrServiceErrorRate: 'alert-service-error-rate',
  HadrPostgresReplicationLag: 'alert-postgres-replication-lag',
  HadrPostgresNoLeader: 'alert-postgres-no-leader',
  HadrPostgresLeaderFlapping: 'alert-postgres-leader-flapping',
  HadrPostgresPrimaryReadOnly: 'alert-postgres-primary-read-only',
  HadrPostgresBaseBackupTooOld: 'alert-postgres-base-backup-too-old',
  HadrRedisPrimaryObjectivelyDown: 'alert-redis-primary-objectively-down',
  HadrRedisPrimaryFenced: 'alert-redis-primary-fenced',
  HadrDnsHealthCheckFailing: 'alert-dns-health-check-failing',
  HadrQueueBacklog: 'alert-queue-backlog',
} as const;

/** Name of an alert this library writes. */
export type AlertName = keyof typeof ALERT_ANCHORS;

/**
 * The alerting rules of a topology: one group per subject (services, PostgreSQL, Redis,
 * traffic, queues), each alert with its severity, a summary and the runbook step to follow.
 */
export function renderAlertRules(spec: AlertRulesSpec): AlertRuleGroup[] {
  const t = alertThresholds(spec);
  const ns = `namespace="${spec.namespace}"`;
  const rule = (alert: AlertName, expr: string, forSeconds: number, severity: 'critical' | 'warning', summary: string, description: string): AlertRule => ({
    alert,
    expr,
    for: `${forSeconds}s`,
    labels: { severity, topology: spec.topology },
    annotations: { summary, description, runbook_url: `${spec.runbookUrl}#${ALERT_ANCHORS[alert]}` },
  });
  const groups: AlertRuleGroup[] = [];
  if (spec.services.length > 0) {
    const services = `service=~"${spec.services.join('|')}"`;
    groups.push({
      name: `${spec.topology}.services`,
      rules: [
        rule('HadrServiceDown', `max by (namespace, service) (up{${ns}, ${services}}) == 0`, t.serviceDownSeconds, 'critical',
          'Service {{ $labels.service }} has no instance up',
          `No pod of {{ $labels.service }} in {{ $labels.namespace }} answered a scrape for ${t.serviceDownSeconds} s (a quarter of the RTO).`),
        rule('HadrServiceErrorRate',
          `sum by (namespace, service) (rate(http_requests_total{${ns}, ${services}, code=~"5.."}[5m]))\n`
          + `  / sum by (namespace, service) (rate(http_requests_total{${ns}, ${services}}[5m])) > ${spec.errorRatio}`,
          t.serviceDownSeconds, 'warning',
          'Service {{ $labels.service }} fails {{ $value | humanizePercentage }} of its requests',
          `More than ${spec.errorRatio * 100}% of requests to {{ $labels.service }} failed with a 5xx over 5 minutes.`),
      ],
    });
  }
  const pg = spec.postgres;
  if (pg) {
    const scope = `scope="${pg.scope}"`;
    // The exporter's metrics carry the pod, whose name is the StatefulSet's: <scope>-<ordinal>.
    const pods = `pod=~"${pg.scope}-[0-9]+"`;
    const rules = [
      rule('HadrPostgresReplicationLag',
        `max by (namespace, pod) (pg_replication_lag_seconds{${ns}, ${pods}}) > ${t.replicationLagSeconds}`,
        2 * spec.scrapeIntervalSeconds, 'critical',
        'PostgreSQL {{ $labels.pod }} is {{ $value | humanizeDuration }} behind',
        `A standby of ${pg.scope} replays more than ${t.replicationLagSeconds} s behind its primary${spec.rpoSeconds !== undefined ? ` (RPO ${spec.rpoSeconds} s)` : ''}: a site loss now would lose that much.`),
      rule('HadrPostgresNoLeader',
        `max by (namespace) (patroni_primary{${ns}, ${scope}} + patroni_standby_leader{${ns}, ${scope}}) < 1`,
        t.noLeaderSeconds, 'critical',
        `PostgreSQL ${pg.scope} has no leader`,
        `No member of ${pg.scope} has been primary or standby leader for ${t.noLeaderSeconds} s (two Patroni ttls).`),
      rule('HadrPostgresLeaderFlapping',
        `max by (namespace) (changes(patroni_postgres_timeline{${ns}, ${scope}}[1h])) > 2`,
        0, 'warning',
        `PostgreSQL ${pg.scope} changed leader more than twice in an hour`,
        'Each failover starts a new timeline: repeated ones point at a member, a node or the DCS that keeps failing.'),
      rule('HadrPostgresPrimaryReadOnly',
        `max by (namespace, pod) (pg_settings_default_transaction_read_only{${ns}, ${pods}}) == 1\n`
        + `  and on (namespace, pod) max by (namespace, pod) (pg_replication_is_replica{${ns}, ${pods}}) == 0`,
        2 * spec.scrapeIntervalSeconds, 'critical',
        'PostgreSQL primary {{ $labels.pod }} is fenced read-only',
        'default_transaction_read_only is on at the primary: a switchover left it behind, or a fence is in place. Every write is refused.'),
    ];
    if (t.backupMaxAgeSeconds !== undefined) {
      rules.push(rule('HadrPostgresBaseBackupTooOld',
        `time() - max by (namespace) (hadr_base_backup_last_success_timestamp_seconds{${ns}, ${pods}}) > ${t.backupMaxAgeSeconds}\n`
        + `  and on (namespace) max by (namespace) (patroni_primary{${ns}, ${scope}}) == 1`,
        2 * spec.scrapeIntervalSeconds, 'critical',
        `The last base backup of ${pg.scope} is older than its schedule`,
        `No base backup finished in ${t.backupMaxAgeSeconds} s (the schedule of ${pg.backupIntervalSeconds} s plus an hour): a restore would replay more WAL than planned, or fail.`));
    }
    groups.push({ name: `${spec.topology}.postgres`, rules });
  }
  const redis = spec.redis;
  if (redis) {
    const pods = `pod=~"${redis.name}-[0-9]+"`;
    groups.push({
      name: `${spec.topology}.redis`,
      rules: [
        rule('HadrRedisPrimaryObjectivelyDown',
          `max by (namespace, master_name) (redis_sentinel_master_status{${ns}, master_name="${redis.masterName}"}) == 0`,
          redis.failoverTimeoutSeconds, 'critical',
          `Sentinel sees the Redis primary of ${redis.name} down`,
          `Sentinel has reported the primary of ${redis.name} down for longer than its failover timeout (${redis.failoverTimeoutSeconds} s): it was not replaced.`),
        rule('HadrRedisPrimaryFenced',
          `max by (namespace, pod) (redis_connected_slaves{${ns}, ${pods}}) < ${redis.minReplicasToWrite}\n`
          + `  and on (namespace, pod) max by (namespace, pod) (redis_instance_info{${ns}, ${pods}, role="master"})`,
          2 * spec.scrapeIntervalSeconds, 'critical',
          'Redis primary {{ $labels.pod }} refuses writes',
          `The primary has fewer than ${redis.minReplicasToWrite} connected replicas (min-replicas-to-write), or is fenced: writes get NOREPLICAS.`),
      ],
    });
  }
  if (spec.dns) {
    groups.push({
      name: `${spec.topology}.traffic`,
      rules: [rule('HadrDnsHealthCheckFailing', `max by (instance) (probe_success{instance="${spec.dns.url}"}) == 0`, 2 * spec.scrapeIntervalSeconds, 'critical',
        `The health check DNS failover follows fails: ${spec.dns.url}`,
        'DNS moves clients off this site while it fails: check whether a failover is under way or whether the site is cut off.')],
    });
  }
  if (spec.queues.length > 0) {
    groups.push({
      name: `${spec.topology}.queues`,
      rules: spec.queues.map((q) => rule('HadrQueueBacklog', `max(${q.metric}) > ${q.perReplica * q.maxReplicas}`, MAX_SERVICE_DOWN_SECONDS, 'warning',
        `The backlog of ${q.service} is beyond what its most replicas work off`,
        `More than ${q.perReplica * q.maxReplicas} items (${q.perReplica} per replica at ${q.maxReplicas} replicas) wait for ${q.service}: raise its maximum or find why it is slow.`)),
    });
  }
  return groups;
}

/** The rules as a Prometheus rule file (`groups:`), as `promtool check rules` reads it. */
export function renderAlertRulesFile(groups: readonly AlertRuleGroup[]): string {
  return YAML.stringify({ groups }, { lineWidth: 0 });
}
