import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Duration, Size } from 'cdk8s';
import * as YAML from 'yaml';
import {
  ActivePassiveDr, ActivePassiveDrProps, AvailabilityMode, GitOps, OperationsOptions, SizingPreset, TopologyApp, TrafficPolicy,
} from '../../lib';
import { renderAlertRulesFile } from '../../lib/core/ops/alert-rules';
import { promtool, promtoolAvailable } from '../support/promtool';
import { findObject, synthValid } from '../support/schema';

const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'hadr-ops-'));
afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

const props: ActivePassiveDrProps = {
  services: [
    { name: 'api', image: 'ghcr.io/acme/api:1.4.2', ports: [{ name: 'http', port: 4000 }, { name: 'metrics', port: 9100 }], healthPath: '/health' },
    { name: 'worker', component: 'worker', image: 'ghcr.io/acme/worker:1.4.2', ports: [{ name: 'metrics', port: 9100 }], healthPath: '/ready', stopWhenPassive: true },
  ],
  sites: [
    { name: 'dc1', clusters: [{ name: 'dc1-a', egressCidrs: ['10.1.0.0/16'] }, { name: 'dc1-b', egressCidrs: ['10.2.0.0/16'] }] },
    { name: 'dc2', availability: AvailabilityMode.BASELINE, clusters: [{ name: 'dc2', egressCidrs: ['10.9.0.0/16'] }] },
  ],
  activeSite: 'dc1',
  postgres: {
    storage: Size.gibibytes(100),
    sites: {
      dc1: { primaryHost: 'db.dc1.acme.internal', poolerHost: 'db-pooler.dc1.acme.internal', archive: { s3Prefix: 's3://acme-wal/dc1' } },
      dc2: { primaryHost: 'db.dc2.acme.internal', archive: { s3Prefix: 's3://acme-wal/dc2' } },
    },
    backup: { credentialsSecret: 'wal-s3' },
    logicalDump: { databases: ['app'], schedule: '15 1/4 * * *' },
  },
  redis: { storage: Size.gibibytes(10), sites: { dc1: { host: 'redis.dc1.acme.internal' }, dc2: {} } },
  traffic: TrafficPolicy.k8gb({ service: 'api', host: 'backup.acme.example' }),
  gitOps: GitOps.argoCd({ repoURL: 'https://git.acme.example/platform/firebackup.git', path: 'dist/firebackup' }),
  targets: { rto: Duration.minutes(15), rpo: Duration.minutes(1) },
};

const OPERATIONS: OperationsOptions = {
  monitoring: { labels: { release: 'prometheus' }, blackboxProber: 'blackbox-exporter.monitoring:9115' },
  clusterBackup: { schedule: '30 2 * * *', retention: Duration.days(14) },
  sizing: SizingPreset.medium(),
};

function build(operations: OperationsOptions | undefined, overrides: Partial<ActivePassiveDrProps> = {}) {
  const app = new TopologyApp({ outdir: fs.mkdtempSync(path.join(outdir, 'app-')) });
  const dr = new ActivePassiveDr(app, 'firebackup', { ...props, ...overrides, operations });
  const folders = Object.fromEntries(dr.clusters.map((c) => [c.name, synthValid(c.chart)]));
  return { dr, folders };
}

describe('ActivePassiveDr operations', () => {
  const { dr, folders } = build(OPERATIONS);
  const rules = (objects: any[]) => findObject(objects, 'PrometheusRule', 'firebackup-alerts').spec.groups.flatMap((g: any) => g.rules);

  it('writes schema-valid ServiceMonitors, PodMonitors, a PrometheusRule, a Probe and a Velero Schedule', () => {
    // synthValid validated every object against the Prometheus Operator and Velero schemas.
    const kinds = (objects: any[]) => [...new Set(objects.map((o) => o.kind))].filter((k) => /Monitor|Rule|Probe|Schedule/.test(k)).sort();
    expect(kinds(folders['dc1-a'])).toEqual(['PodMonitor', 'Probe', 'PrometheusRule', 'Schedule', 'ServiceMonitor']);
    expect(kinds(folders['dc1-b'])).toEqual(['Probe', 'PrometheusRule', 'Schedule', 'ServiceMonitor']);
    expect(kinds(folders.dc2)).toEqual(['PodMonitor', 'Probe', 'PrometheusRule', 'Schedule', 'ServiceMonitor']);
    expect(findObject(folders['dc1-a'], 'ServiceMonitor', 'api').metadata.labels.release).toBe('prometheus');
  });

  it('scrapes Patroni and postgres_exporter on every member, and redis_exporter beside Redis and each Sentinel', () => {
    const db = findObject(folders['dc1-a'], 'PodMonitor', 'postgres');
    expect(db.spec.podMetricsEndpoints.map((e: any) => e.port)).toEqual(['patroni', 'exporter']);
    const members = findObject(folders['dc1-a'], 'StatefulSet', 'postgres').spec.template.spec.containers;
    expect(members.map((c: any) => c.name)).toEqual(['patroni', 'backup', 'exporter']);
    const exporter = members.find((c: any) => c.name === 'exporter');
    expect(exporter.env.find((e: any) => e.name === 'DATA_SOURCE_PASS').valueFrom.secretKeyRef).toEqual({ name: 'postgres-credentials', key: 'superuser-password' });
    for (const set of ['redis', 'redis-sentinel']) {
      expect(findObject(folders['dc1-a'], 'StatefulSet', set).spec.template.spec.containers.map((c: any) => c.name)).toContain('exporter');
    }
    expect(findObject(folders['dc1-a'], 'PodMonitor', 'redis-sentinel').spec.selector.matchLabels['app.kubernetes.io/name']).toBe('redis-sentinel');
  });

  it('admits Prometheus\'s namespace on the metrics ports, and nothing more', () => {
    const fromMonitoring = (policy: any) => policy.spec.ingress.filter((r: any) => r.from?.some((p: any) => p.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] === 'monitoring'));
    expect(fromMonitoring(findObject(folders['dc1-a'], 'NetworkPolicy', 'postgres')).flatMap((r: any) => r.ports.map((p: any) => p.port))).toEqual([8008, 9187]);
    expect(fromMonitoring(findObject(folders['dc1-a'], 'NetworkPolicy', 'redis')).flatMap((r: any) => r.ports.map((p: any) => p.port))).toEqual([9121]);
    expect(fromMonitoring(findObject(folders['dc1-a'], 'NetworkPolicy', 'api')).flatMap((r: any) => r.ports.map((p: any) => p.port))).toEqual([9100]);
  });

  it('derives the thresholds from the targets: outage after a quarter of the RTO, lag at the declared 10 s within the 60 s RPO', () => {
    const all = rules(folders['dc1-a']);
    expect(all.find((r: any) => r.alert === 'HadrServiceDown').for).toBe('225s');
    expect(all.find((r: any) => r.alert === 'HadrPostgresReplicationLag').expr).toMatch(/> 10$/);
    expect(all.find((r: any) => r.alert === 'HadrPostgresBaseBackupTooOld').expr).toContain(`> ${24 * 3600 + 3600}`);
    expect(all.find((r: any) => r.alert === 'HadrRedisPrimaryFenced').expr).toContain('< 1');
  });

  it('links every alert to an anchor that RUNBOOK.md has', () => {
    const urls = rules(folders['dc1-a']).map((r: any) => r.annotations.runbook_url as string);
    expect(urls.length).toBeGreaterThan(8);
    for (const url of urls) {
      const [base, anchor] = url.split('#');
      expect(base).toBe('https://git.acme.example/platform/firebackup/blob/main/dist/firebackup/RUNBOOK.md');
      expect(dr.runbook).toContain(`<a id="${anchor}"></a>`);
    }
  });

  it('writes the restore and point-in-time recovery steps with the real names', () => {
    // Replication state is read on the primary, found by the role label Patroni keeps, not on whichever member exec picks.
    expect(dr.runbook).toContain('kubectl --context dc1-a -n firebackup exec "$(kubectl --context dc1-a -n firebackup get pod '
      + '-l app.kubernetes.io/instance=postgres,role=primary -o name)" -c patroni -- psql -U postgres -Atc "SELECT application_name, state, replay_lag FROM pg_stat_replication"');
    expect(dr.runbook).toContain('## Restore and point-in-time recovery on dc1');
    expect(dr.runbook).toContain('kubectl --context dc1-a -n firebackup exec postgres-0 -c patroni -- sh -c \'mv /home/postgres/pgdata/pgroot/data');
    expect(dr.runbook).toContain("recovery_target_time = '$TARGET'");
    expect(dr.runbook).toContain('velero --kubecontext dc1-a restore create --from-schedule firebackup --wait');
  });

  it('keeps base backups and WAL archiving on the standby site, to its own archive, for after a promotion', () => {
    const standby = findObject(folders.dc2, 'StatefulSet', 'postgres').spec.template.spec.containers;
    expect(standby.map((c: any) => c.name)).toContain('backup');
    expect(standby.find((c: any) => c.name === 'patroni').env.find((e: any) => e.name === 'WALG_S3_PREFIX').value).toBe('s3://acme-wal/dc2');
    const config = YAML.parse(findObject(folders.dc2, 'ConfigMap', 'postgres-patroni').data['patroni.yml']);
    expect(config.postgresql.parameters.archive_mode).toBe('on');
  });

  it('dumps the databases on the active site only, one run at a time, with deadlines and a bounded history', () => {
    const job = findObject(folders['dc1-a'], 'CronJob', 'postgres-dump');
    expect(folders.dc2.some((o) => o.kind === 'CronJob')).toBe(false);
    expect(job.spec).toMatchObject({
      schedule: '15 1/4 * * *', concurrencyPolicy: 'Forbid', startingDeadlineSeconds: 1800, successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 3,
      jobTemplate: { spec: { activeDeadlineSeconds: 10_800, backoffLimit: 1 } },
    });
    const container = job.spec.jobTemplate.spec.template.spec.containers[0];
    expect(container.command[2]).toContain('pg_dump -h postgres.firebackup.svc -p 5432 -U postgres -Fc -d "$db"');
    expect(container.command[2]).toContain('wal-g st put "/tmp/$db.dump" "logical/$run/$db.dump"');
    expect(container.env.find((e: any) => e.name === 'WALG_S3_PREFIX').value).toBe('s3://acme-wal/dc1');
    // The members admit the dump pods on PostgreSQL's port, and the dump pods reach only the members and the store.
    const members = findObject(folders['dc1-a'], 'NetworkPolicy', 'postgres');
    expect(JSON.stringify(members.spec.ingress)).toContain('"app.kubernetes.io/instance":"postgres-dump"');
    expect(findObject(folders['dc1-a'], 'NetworkPolicy', 'postgres-dump').spec.egress.map((r: any) => r.ports?.map((p: any) => p.port))).toEqual([
      [53, 53], [5432], [443],
    ]);
  });

  it('backs the namespace up with Velero on every cluster, on the cron schedule and for the retention given', () => {
    const schedule = findObject(folders.dc2, 'Schedule', 'firebackup');
    expect(schedule.metadata.namespace).toBe('velero');
    expect(schedule.spec).toEqual({
      schedule: '30 2 * * *', useOwnerReferencesInBackup: false,
      template: { includedNamespaces: ['firebackup'], ttl: '336h0m0s', snapshotVolumes: false },
    });
  });

  it('sizes servers, workers, PostgreSQL and Redis from the profile, autoscaling only where MultiReplica runs', () => {
    expect(findObject(folders['dc1-a'], 'HorizontalPodAutoscaler', 'api').spec).toMatchObject({ minReplicas: 3, maxReplicas: 6 });
    expect(findObject(folders['dc1-a'], 'HorizontalPodAutoscaler', 'worker').spec).toMatchObject({ minReplicas: 5, maxReplicas: 20 });
    expect(folders.dc2.some((o) => o.kind === 'HorizontalPodAutoscaler')).toBe(false);
    const api = findObject(folders.dc2, 'Deployment', 'api').spec.template.spec.containers[0];
    expect(api.resources).toEqual({ requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '2', memory: '1Gi' } });
    const patroni = findObject(folders['dc1-a'], 'StatefulSet', 'postgres').spec.template.spec.containers[0];
    expect(patroni.resources.limits).toEqual({ cpu: '2', memory: '16Gi' });
    const redis = findObject(folders['dc1-a'], 'StatefulSet', 'redis').spec.template.spec.containers[0];
    expect(redis.resources.limits.memory).toBe('7315Mi');
  });

  it('lets every number of a profile be overridden, and a service\'s own autoscale win', () => {
    const { folders: sized } = build({ sizing: SizingPreset.named('medium', { worker: { max: 30 } }) }, {
      services: [props.services[0], { ...props.services[1], autoscale: { min: 4, max: 8 } }],
    });
    expect(findObject(sized['dc1-a'], 'HorizontalPodAutoscaler', 'worker').spec).toMatchObject({ minReplicas: 4, maxReplicas: 8 });
    expect(SizingPreset.named('medium', { worker: { max: 30 } }).values.worker).toMatchObject({ min: 5, max: 30 });
  });

  it('adds nothing without operations', () => {
    const { folders: plain } = build(undefined);
    expect(plain['dc1-a'].filter((o) => /Monitor|PrometheusRule|^Schedule$/.test(o.kind)).map((o) => o.kind)).toEqual([]);
    expect(findObject(plain['dc1-a'], 'StatefulSet', 'postgres').spec.template.spec.containers.map((c: any) => c.name)).toEqual(['patroni', 'backup']);
  });

  (promtoolAvailable() ? it : it.skip)('writes rules that promtool accepts, on every cluster', () => {
    for (const objects of Object.values(folders)) {
      const groups = findObject(objects, 'PrometheusRule', 'firebackup-alerts').spec.groups;
      const result = promtool(() => ['check', 'rules', 'rules.yml'], { 'rules.yml': renderAlertRulesFile(groups) });
      expect(result.output).toContain('SUCCESS');
      expect(result.status).toBe(0);
    }
  });

  describe('refuses', () => {
    it('a Velero schedule that is not cron', () => {
      expect(() => build({ clusterBackup: { schedule: 'every night' } })).toThrow(
        'firebackup: operations.clusterBackup.schedule must be a cron expression of five fields (minute hour day-of-month month day-of-week) or a macro such as @daily (got "every night"); use e.g. \'0 3 * * *\' (every day at 03:00)',
      );
    });

    it('a retention that is not a duration', () => {
      expect(() => build({ clusterBackup: { retention: '30d' as any } })).toThrow(
        'firebackup: operations.clusterBackup.retention must be a Duration of whole seconds, at least 3600 seconds (got "30d"); use e.g. Duration.days(30)',
      );
    });

    it('a preset name that does not exist', () => {
      expect(() => SizingPreset.named('huge')).toThrow(
        'SizingPreset: name is not a sizing profile (got "huge"); use one of "small", "medium", "large", "enterprise"',
      );
    });

    it('a lag bound above the RPO, before any alert could report it too late', () => {
      expect(() => build(OPERATIONS, { targets: { rto: Duration.minutes(15), rpo: Duration.seconds(5) } })).toThrow(
        /^firebackup: targets cannot be met by this design: the site loss can lose 10 s of postgres/,
      );
    });

    it('an RTO too short to alert on with the scrape interval', () => {
      expect(() => build({ monitoring: { scrapeInterval: Duration.minutes(2) } })).toThrow(
        'firebackup: targets.rto cannot be alerted on in time: an outage is seen after two scrapes (240 s), and that must fit in a quarter of the RTO (got "900 seconds"); '
        + 'scrape more often (monitoring.scrapeInterval) or accept an RTO of at least 960 seconds',
      );
    });

    it('a logical dump schedule that is not cron, and a dump without an archive', () => {
      expect(() => build(OPERATIONS, { postgres: { ...props.postgres!, logicalDump: { schedule: '*/5 * * *' } } })).toThrow(
        'firebackup/postgres: logicalDump.schedule must be a cron expression',
      );
      expect(() => build(OPERATIONS, { postgres: { ...props.postgres!, backup: undefined } })).toThrow(
        'firebackup/postgres: logicalDump needs backup: the dumps go to its archive, with its credentials',
      );
    });

    it('a sizing that is not a SizingPreset', () => {
      expect(() => build({ sizing: 'medium' as any })).toThrow(
        'firebackup: operations.sizing must be a SizingPreset (got "medium"); use SizingPreset.medium() or SizingPreset.named(\'medium\')',
      );
    });
  });
});
