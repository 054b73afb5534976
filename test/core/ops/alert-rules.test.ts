import * as YAML from 'yaml';
import { ALERT_ANCHORS, AlertRulesSpec, alertThresholds, renderAlertRules, renderAlertRulesFile } from '../../../lib/core/ops/alert-rules';
import { promtool, promtoolAvailable } from '../../support/promtool';

/** RTO 15 min, RPO 1 min, a standby site allowed 10 s behind, daily base backups. */
const SPEC: AlertRulesSpec = {
  path: 'firebackup', topology: 'firebackup', namespace: 'firebackup', runbookUrl: 'https://git.acme.example/platform/firebackup/blob/main/RUNBOOK.md',
  rtoSeconds: 900, rpoSeconds: 60, scrapeIntervalSeconds: 30, services: ['api', 'worker'], errorRatio: 0.05,
  postgres: { scope: 'db', maxLagSeconds: 10, ttlSeconds: 30, backupIntervalSeconds: 86_400 },
  redis: { name: 'cache', masterName: 'cache', minReplicasToWrite: 1, failoverTimeoutSeconds: 60 },
  dns: { url: 'https://backup.acme.example/health' },
  queues: [{ service: 'worker', metric: 'redis_key_size{key="bull:backups:waiting"}', perReplica: 5, maxReplicas: 20 }],
};

const rule = (name: string, spec = SPEC) => renderAlertRules(spec).flatMap((g) => g.rules).find((r) => r.alert === name)!;

describe('alertThresholds', () => {
  it('pages a service outage after a quarter of the RTO, at most five minutes', () => {
    expect(alertThresholds(SPEC).serviceDownSeconds).toBe(225);
    expect(alertThresholds({ ...SPEC, rtoSeconds: 3600 }).serviceDownSeconds).toBe(300);
    expect(rule('HadrServiceDown').for).toBe('225s');
  });

  it('alerts on replication lag at the declared lag, itself within the RPO', () => {
    expect(alertThresholds(SPEC).replicationLagSeconds).toBe(10);
    expect(rule('HadrPostgresReplicationLag').expr).toMatch(/pg_replication_lag_seconds\{namespace="firebackup", pod=~"db-\[0-9\]\+"\}\) > 10$/);
  });

  it('counts a base backup as missed an hour after its schedule', () => {
    expect(alertThresholds(SPEC).backupMaxAgeSeconds).toBe(86_400 + 3600);
    expect(rule('HadrPostgresBaseBackupTooOld').expr).toContain('> 90000');
  });

  it('allows a leaderless cluster two Patroni ttls, and an objectively-down Redis primary its failover timeout', () => {
    expect(alertThresholds(SPEC).noLeaderSeconds).toBe(60);
    expect(rule('HadrRedisPrimaryObjectivelyDown').for).toBe('60s');
    expect(rule('HadrRedisPrimaryFenced').expr).toContain('< 1');
  });

  it('raises the backlog alert beyond what the most replicas work off', () => {
    expect(rule('HadrQueueBacklog').expr).toBe('max(redis_key_size{key="bull:backups:waiting"}) > 100');
  });

  it('refuses a lag threshold above the RPO: the alert would fire once the target is already missed', () => {
    expect(() => alertThresholds({ ...SPEC, postgres: { ...SPEC.postgres!, maxLagSeconds: 120 } })).toThrow(
      'firebackup: postgres.maxReplicationLag is above the RPO (60 s): the lag alert would fire only once the target is already missed (got "120 seconds"); use at most 60 seconds',
    );
  });

  it('refuses an RTO too short to see an outage in with the scrape interval', () => {
    expect(() => alertThresholds({ ...SPEC, rtoSeconds: 120 })).toThrow(
      'firebackup: targets.rto cannot be alerted on in time: an outage is seen after two scrapes (60 s), and that must fit in a quarter of the RTO (got "120 seconds"); '
      + 'scrape more often (monitoring.scrapeInterval) or accept an RTO of at least 240 seconds',
    );
  });
});

describe('renderAlertRules', () => {
  it('links every alert to its anchor in the runbook', () => {
    for (const r of renderAlertRules(SPEC).flatMap((g) => g.rules)) {
      expect(r.annotations.runbook_url).toBe(`${SPEC.runbookUrl}#${ALERT_ANCHORS[r.alert as keyof typeof ALERT_ANCHORS]}`);
    }
  });

  it('writes only the groups the topology has', () => {
    const names = renderAlertRules({ ...SPEC, redis: undefined, dns: undefined, queues: [] }).map((g) => g.name);
    expect(names).toEqual(['firebackup.services', 'firebackup.postgres']);
  });
});

const available = promtoolAvailable();

(available ? describe : describe.skip)('the rules as promtool reads them', () => {
  it('passes promtool check rules', () => {
    const result = promtool(() => ['check', 'rules', 'rules.yml'], { 'rules.yml': renderAlertRulesFile(renderAlertRules(SPEC)) });
    expect(result.output).toContain('SUCCESS: 11 rules found');
    expect(result.status).toBe(0);
  });

  it('fires the lag alert above the declared lag and not below it', () => {
    const tests = {
      rule_files: ['rules.yml'],
      evaluation_interval: '30s',
      tests: [{
        interval: '30s',
        input_series: [
          { series: 'pg_replication_lag_seconds{namespace="firebackup", pod="db-0"}', values: '0+0x10' },
          { series: 'pg_replication_lag_seconds{namespace="firebackup", pod="db-1"}', values: '9+0x10' },
          { series: 'pg_replication_lag_seconds{namespace="firebackup", pod="db-2"}', values: '11+0x10' },
        ],
        alert_rule_test: [{
          eval_time: '3m',
          alertname: 'HadrPostgresReplicationLag',
          exp_alerts: [{
            exp_labels: { severity: 'critical', topology: 'firebackup', namespace: 'firebackup', pod: 'db-2' },
            exp_annotations: rule('HadrPostgresReplicationLag').annotations,
          }],
        }],
      }, {
        interval: '30s',
        input_series: [
          { series: 'up{namespace="firebackup", service="api", pod="api-1"}', values: '1 1 0x10' },
          { series: 'up{namespace="firebackup", service="api", pod="api-2"}', values: '1 1 0x10' },
        ],
        // Down from 1m: not yet paging at 4m (3 min down), paging at 5m (4 min, past 225 s).
        alert_rule_test: [
          { eval_time: '4m', alertname: 'HadrServiceDown', exp_alerts: [] },
          {
            eval_time: '5m', alertname: 'HadrServiceDown',
            exp_alerts: [{
              exp_labels: { severity: 'critical', topology: 'firebackup', namespace: 'firebackup', service: 'api' },
              exp_annotations: {
                summary: 'Service api has no instance up',
                description: 'No pod of api in firebackup answered a scrape for 225 s (a quarter of the RTO).',
                runbook_url: `${SPEC.runbookUrl}#alert-service-down`,
              },
            }],
          },
        ],
      }],
    };
    // exp_annotations must list the templated values as rendered: drop the templated ones.
    const lag = rule('HadrPostgresReplicationLag');
    tests.tests[0].alert_rule_test[0].exp_alerts[0].exp_annotations = {
      ...lag.annotations, summary: 'PostgreSQL db-2 is 11s behind',
    };
    const result = promtool(() => ['test', 'rules', 'tests.yml'], {
      'rules.yml': renderAlertRulesFile(renderAlertRules(SPEC)),
      'tests.yml': YAML.stringify(tests),
    });
    expect(result.output).toContain('SUCCESS');
    expect(result.status).toBe(0);
  });
  it('fires the backup-age alert where a member is primary and the last base backup is older than the schedule, not on a standby site', () => {
    // The last backup finished 25 h 30 min before the test's epoch: past 24 h + 1 h.
    const lastBackup = -25.5 * 3600;
    const tests = {
      rule_files: ['rules.yml'],
      evaluation_interval: '1m',
      tests: [{
        interval: '1m',
        input_series: [
          { series: 'hadr_base_backup_last_success_timestamp_seconds{namespace="firebackup", pod="db-0"}', values: `${lastBackup}+0x10` },
          { series: 'patroni_primary{namespace="firebackup", scope="db", name="db-0"}', values: '1+0x10' },
          { series: 'hadr_base_backup_last_success_timestamp_seconds{namespace="standby", pod="db-0"}', values: `${lastBackup}+0x10` },
          { series: 'patroni_primary{namespace="standby", scope="db", name="db-0"}', values: '0+0x10' },
        ],
        alert_rule_test: [{
          eval_time: '5m',
          alertname: 'HadrPostgresBaseBackupTooOld',
          exp_alerts: [{
            exp_labels: { severity: 'critical', topology: 'firebackup', namespace: 'firebackup' },
            exp_annotations: rule('HadrPostgresBaseBackupTooOld').annotations,
          }],
        }],
      }],
    };
    const standby = renderAlertRules({ ...SPEC, namespace: 'standby' }).find((g) => g.name === 'firebackup.postgres')!;
    const result = promtool(() => ['test', 'rules', 'tests.yml'], {
      'rules.yml': renderAlertRulesFile([...renderAlertRules(SPEC), { ...standby, name: 'standby.postgres' }]),
      'tests.yml': YAML.stringify(tests),
    });
    expect(result.output).toContain('SUCCESS');
    expect(result.status).toBe(0);
  });
});
