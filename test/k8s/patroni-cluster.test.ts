import { Chart, Duration, Size, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { findObject, synthValid } from '../support/schema';
import { DisruptionBudget, PatroniTiming, PatroniCluster, PatroniClusterProps } from 'hadr-constructs';
import { allowedEvictions, estimateFailover } from 'hadr-constructs/core';

function synth(props: Partial<PatroniClusterProps> = {}, configure?: (db: PatroniCluster) => void) {
  const app = Testing.app();
  const chart = new Chart(app, 'shop', { namespace: 'shop' });
  const db = new PatroniCluster(chart, 'db', { storage: Size.gibibytes(100), ...props });
  configure?.(db);
  return { db, objects: synthValid(chart) };
}

function patroniYml(objects: any[]): any {
  return YAML.parse(findObject(objects, 'ConfigMap', 'db-patroni').data['patroni.yml']);
}

function iniSections(ini: string): Record<string, Record<string, string>> {
  const sections: Record<string, Record<string, string>> = {};
  let current = '';
  for (const line of ini.split('\n')) {
    const header = /^\[(.+)\]$/.exec(line.trim());
    if (header) {sections[current = header[1]] = {};} else if (line.includes('=') && !line.trim().startsWith(';')) {
      const [key, ...rest] = line.split('=');
      sections[current][key.trim()] = rest.join('=').trim();
    }
  }
  return sections;
}

describe('PatroniCluster', () => {
  it('matches the snapshot', () => {
    expect(synth().objects).toMatchSnapshot();
  });

  describe('GIVEN only a storage size', () => {
    const { db, objects } = synth();
    const sts = findObject(objects, 'StatefulSet', 'db');
    const pod = sts.spec.template.spec;
    const patroni = pod.containers.find((c: any) => c.name === 'patroni');
    const config = patroniYml(objects);

    it('runs three members, each with its own data volume of the asked size', () => {
      expect(sts.spec.replicas).toBe(3);
      expect(sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('100Gi');
      expect(patroni.volumeMounts).toContainEqual({ name: 'pgdata', mountPath: '/home/postgres/pgdata' });
      expect(config.postgresql.data_dir.startsWith('/home/postgres/pgdata/')).toBe(true);
    });

    it('declares PostgreSQL and the REST API ports, ready on /readiness and alive on /liveness', () => {
      expect(patroni.ports.map((p: any) => p.containerPort)).toEqual([5432, 8008]);
      expect(patroni.readinessProbe.httpGet).toEqual({ path: '/readiness', port: 8008, scheme: 'HTTP' });
      expect(patroni.livenessProbe.httpGet).toEqual({ path: '/liveness', port: 8008, scheme: 'HTTP' });
      // Liveness tolerates a minute of a slow HA loop before restarting anything.
      expect(patroni.livenessProbe.periodSeconds * patroni.livenessProbe.failureThreshold).toBeGreaterThanOrEqual(60);
    });

    it('gives Patroni exactly the Kubernetes API access its DCS needs', () => {
      const role = findObject(objects, 'Role', 'db');
      expect(role.rules).toEqual([
        { apiGroups: [''], resources: ['endpoints'], verbs: ['get', 'list', 'watch', 'create', 'patch', 'update'] },
        { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch', 'patch', 'update'] },
      ]);
      const binding = findObject(objects, 'RoleBinding', 'db');
      expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'db' });
      expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: pod.serviceAccountName, namespace: 'shop' }]);
      expect(objects.filter((o) => o.kind === 'ClusterRole' || o.kind === 'ClusterRoleBinding')).toEqual([]);
    });

    it('uses Endpoints for the leader key, with the pods\' own labels as Patroni\'s selector', () => {
      expect(config.kubernetes.use_endpoints).toBe(true);
      const podLabels = sts.spec.template.metadata.labels;
      expect(podLabels).toMatchObject(config.kubernetes.labels);
      expect(podLabels[config.kubernetes.scope_label]).toBe(config.scope);
      expect(config.kubernetes.role_label).toBe('role');
      expect([config.kubernetes.leader_label_value, config.kubernetes.follower_label_value]).toEqual(['primary', 'replica']);
    });

    it('routes clients to the primary through a leader Service without selector and its Endpoints', () => {
      const leader = findObject(objects, 'Service', 'db');
      expect(leader.spec.selector).toBeUndefined();
      expect(findObject(objects, 'Endpoints', 'db').metadata.name).toBe(leader.metadata.name);
      // Patroni writes its Endpoints ports by name: the Service port must carry the same name.
      expect(leader.spec.ports.map((p: any) => p.name)).toEqual(config.kubernetes.ports.map((p: any) => p.name));
      expect(db.primaryHost).toBe('db.shop.svc');
    });

    it('selects replicas on the role label Patroni writes', () => {
      const replicas = findObject(objects, 'Service', 'db-replica');
      const role = { [config.kubernetes.role_label]: config.kubernetes.follower_label_value };
      expect(replicas.spec.selector).toEqual({ ...sts.spec.selector.matchLabels, ...role });
    });

    it('keeps Patroni\'s config Endpoints alive with a headless Service, and gives members stable names', () => {
      expect(findObject(objects, 'Service', 'db-config').spec).toEqual({ clusterIP: 'None' });
      const members = findObject(objects, 'Service', 'db-members');
      expect(sts.spec.serviceName).toBe('db-members');
      expect(members.spec).toMatchObject({ clusterIP: 'None', publishNotReadyAddresses: true, selector: sts.spec.selector.matchLabels });
    });

    it('waits for a synchronous standby before acknowledging a commit, with Patroni\'s timings', () => {
      expect(db.synchronous).toBe(true);
      expect(config.bootstrap.dcs).toMatchObject({ synchronous_mode: true, ttl: 30, loop_wait: 10, retry_timeout: 10 });
      expect(config.bootstrap.dcs.loop_wait + 2 * config.bootstrap.dcs.retry_timeout).toBeLessThanOrEqual(config.bootstrap.dcs.ttl);
    });

    it('keeps one member evictable so a drain never blocks, and only one', () => {
      const pdb = findObject(objects, 'PodDisruptionBudget', 'db');
      expect(pdb.spec.selector.matchLabels).toEqual(sts.spec.selector.matchLabels);
      expect(allowedEvictions(DisruptionBudget.maxUnavailable(pdb.spec.maxUnavailable), sts.spec.replicas)).toBe(1);
    });

    it('requires members on different nodes and spreads them over zones, selecting their own labels', () => {
      const term = pod.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0];
      expect(term.topologyKey).toBe('kubernetes.io/hostname');
      expect(sts.spec.template.metadata.labels).toMatchObject(term.labelSelector.matchLabels);
      expect(pod.topologySpreadConstraints[0]).toMatchObject({ topologyKey: 'topology.kubernetes.io/zone', maxSkew: 1, whenUnsatisfiable: 'DoNotSchedule' });
    });

    it('runs restricted, mounting the API token only into the Patroni container', () => {
      expect(pod.automountServiceAccountToken).toBe(false);
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 101, fsGroup: 103 });
      expect(patroni.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
      const token = pod.volumes.find((v: any) => v.name === 'kube-api-access');
      expect(token.projected.sources[0].serviceAccountToken.path).toBe('token');
      expect(patroni.volumeMounts).toContainEqual({ name: 'kube-api-access', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true });
      expect(findObject(objects, 'ServiceAccount', 'db').automountServiceAccountToken).toBe(false);
    });

    it('takes every password from the credentials Secret and writes none', () => {
      const fromSecret = patroni.env.filter((e: any) => /PASSWORD/.test(e.name));
      expect(fromSecret.map((e: any) => e.valueFrom.secretKeyRef.name)).toEqual(['db-credentials', 'db-credentials', 'db-credentials']);
      expect(JSON.stringify(objects)).not.toMatch(/"password"\s*:/i);
      for (const container of objects.flatMap((o) => o.spec?.template?.spec?.containers ?? [])) {
        for (const env of container.env ?? []) if (/password|secret|token/i.test(env.name)) expect(env.value).toBeUndefined();
      }
    });

    it('pools connections with two PgBouncers pointed at the leader Service, waiting out a failover', () => {
      const pooler = findObject(objects, 'Deployment', 'db-pooler');
      expect(pooler.spec.replicas).toBe(2);
      const ini = iniSections(findObject(objects, 'ConfigMap', 'db-pooler').data['pgbouncer.ini']);
      expect(ini.databases['*']).toMatch(/host=db\.shop\.svc port=5432/);
      expect(ini.pgbouncer.pool_mode).toBe('transaction');
      expect(Number(ini.pgbouncer.query_wait_timeout)).toBeGreaterThan(estimateFailover(PatroniTiming.default()).maxSeconds);
      const pdb = findObject(objects, 'PodDisruptionBudget', 'db-pooler');
      expect(allowedEvictions(DisruptionBudget.maxUnavailable(pdb.spec.maxUnavailable), 2)).toBe(1);
      expect(db.poolerHost).toBe('db-pooler.shop.svc');
    });

    it('admits clients and the pooler on 5432, and members to each other on 5432 and 8008', () => {
      const policy = findObject(objects, 'NetworkPolicy', 'db');
      const poolerPods = findObject(objects, 'Deployment', 'db-pooler').spec.selector.matchLabels;
      expect(policy.spec.ingress).toContainEqual({ from: [{ podSelector: { matchLabels: sts.spec.selector.matchLabels } }], ports: [{ protocol: 'TCP', port: 5432 }, { protocol: 'TCP', port: 8008 }] });
      expect(policy.spec.ingress[1].from).toContainEqual({ podSelector: { matchLabels: poolerPods } });
      expect(policy.spec.ingress[1].ports).toEqual([{ protocol: 'TCP', port: 5432 }]);
    });
  });

  it('runs as a standby of another site, without synchronous mode, and says how to promote it', () => {
    const { db, objects } = synth({ standby: { host: 'db.dc1.example.com', port: 5433 } });
    const config = patroniYml(objects);
    expect(config.bootstrap.dcs.standby_cluster).toMatchObject({ host: 'db.dc1.example.com', port: 5433 });
    expect(config.bootstrap.dcs.synchronous_mode).toBe(false);
    const steps = db.promotionSteps();
    expect(steps.map((s) => s.command)).toContainEqual('kubectl -n shop exec db-0 -c patroni -- patronictl -c /etc/patroni/patroni.yml edit-config --force --set standby_cluster=null');
    expect(steps[0].title).toMatch(/Fence/);
  });

  it('takes its standby source from another PatroniCluster', () => {
    const app = Testing.app();
    const primary = new PatroniCluster(new Chart(app, 'dc1', { namespace: 'db' }), 'db', { storage: Size.gibibytes(10) });
    const chart = new Chart(app, 'dc2', { namespace: 'db' });
    new PatroniCluster(chart, 'db', { storage: Size.gibibytes(10), standby: primary.replicationSource({ host: 'db.dc1.example.com' }) });
    expect(patroniYml(synthValid(chart)).bootstrap.dcs.standby_cluster).toMatchObject({ host: 'db.dc1.example.com', port: 5432 });
  });

  it('archives WAL and takes base backups with WAL-G, credentials from a Secret', () => {
    const { objects } = synth({ backup: { s3Prefix: 's3://acme-backups/db', credentialsSecret: 'backup-s3', endpoint: 'https://minio.acme:9000', retainFullBackups: 14, fullBackupInterval: Duration.hours(12) } });
    const config = patroniYml(objects);
    expect(config.postgresql.parameters).toMatchObject({ archive_mode: 'on', archive_command: 'wal-g wal-push %p' });
    const pod = findObject(objects, 'StatefulSet', 'db').spec.template.spec;
    const backup = pod.containers.find((c: any) => c.name === 'backup');
    expect(backup.command[2]).toContain('wal-g delete retain FULL 14 --confirm');
    expect(backup.command[2]).toContain('-ge 43200');
    expect(backup.volumeMounts).toContainEqual({ name: 'pgdata', mountPath: '/home/postgres/pgdata', readOnly: true });
    for (const container of pod.containers) {
      expect(container.env).toContainEqual({ name: 'AWS_SECRET_ACCESS_KEY', valueFrom: { secretKeyRef: { name: 'backup-s3', key: 'secret-access-key' } } });
      expect(container.env).toContainEqual({ name: 'WALG_S3_PREFIX', value: 's3://acme-backups/db' });
    }
  });

  it('uses etcd instead of the Kubernetes API when given etcd hosts, and then needs no Role or token', () => {
    const { objects } = synth({ etcdHosts: ['etcd-0.etcd:2379', 'etcd-1.etcd:2379', 'etcd-2.etcd:2379'] });
    expect(patroniYml(objects).etcd3.hosts).toEqual(['etcd-0.etcd:2379', 'etcd-1.etcd:2379', 'etcd-2.etcd:2379']);
    expect(objects.filter((o) => o.kind === 'Role')).toEqual([]);
    expect(findObject(objects, 'StatefulSet').spec.template.spec.volumes.map((v: any) => v.name)).not.toContain('kube-api-access');
  });

  it('rolls the poolers when their pgbouncer.ini changes', () => {
    const digest = (props: Partial<PatroniClusterProps>) =>
      findObject(synth(props).objects, 'Deployment', 'db-pooler').spec.template.metadata.annotations['hadr-constructs.io/pgbouncer-ini-sha'];
    expect(digest({})).toMatch(/^[0-9a-f]{16}$/);
    expect(digest({ pooler: { poolMode: 'session' } })).not.toBe(digest({}));
    expect(digest({ pooler: { replicas: 3 } })).toBe(digest({}));
  });

  it('can run without a pooler', () => {
    const { db, objects } = synth({ pooler: false });
    expect(objects.filter((o) => o.kind === 'Deployment')).toEqual([]);
    expect(db.sharedEndpoint().host).toBe('db.shop.svc');
  });

  it('offers the pooler as its shared endpoint', () => {
    expect(synth().db.sharedEndpoint()).toMatchObject({ name: 'db', host: 'db-pooler.shop.svc' });
  });

  it('synthesizes the same output twice', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'shop');
    new PatroniCluster(chart, 'db', { storage: Size.gibibytes(10) });
    expect(Testing.synth(chart)).toEqual(Testing.synth(chart));
  });

  describe('rejects bad input with the path, the field, the value and the fix', () => {
    it.each<[string, Partial<PatroniClusterProps>, string]>([
      ['an even member count', { members: 4 },
        'shop/db: members must be odd to keep a quorum (got 4); use 3 or 5'],
      ['fewer than three members without a reason', { members: 1 },
        "shop/db: members is below 3: losing one member leaves no synchronous standby and no automatic failover (got 1); use 3, or accept it with fewerThanThreeMembersReason: '<why>'"],
      ['a storage size that is not a Size', { storage: '100Gi' as never },
        'shop/db: storage must be a positive Size (got "100Gi"); use e.g. Size.gibibytes(100)'],
      ['a missing storage size', { storage: undefined as never },
        'shop/db: storage must be a positive Size (got nothing); use e.g. Size.gibibytes(100)'],
      ['standby together with synchronous replication', { standby: { host: 'db.dc1' }, synchronous: true },
        'shop/db: synchronous contradicts standby: a standby cluster replicates from another site and has no synchronous standbys of its own (got true); drop synchronous (it is off for a standby cluster), or drop standby'],
      ['a name that is not a DNS label', { name: 'Orders_DB' },
        'shop/db: name must be a DNS-1123 label starting with a letter'],
    ])('%s', (_what, props, message) => {
      expect(() => synth(props)).toThrow(message);
    });

    it('refuses timings that break loop_wait + 2 * retry_timeout <= ttl', () => {
      expect(() => synth({ timing: { ...PatroniTiming.default(), ttlSeconds: 25 } })).toThrow(
        /^shop\/db: timing.ttl must be at least loop_wait \+ 2 \* retry_timeout = 30 \(got 25\)/,
      );
    });

    it('refuses the fast profile with the default image, whose Patroni raises ttl below 20', () => {
      expect(() => synth({ timing: PatroniTiming.fast() })).toThrow(
        /^shop\/db: timing would be raised by Patroni 4\.1\.0 .*use PatroniTiming\.responsive\(\)/,
      );
      const responsive = patroniYml(synth({ timing: PatroniTiming.responsive() }).objects).bootstrap.dcs;
      expect(responsive).toMatchObject({ ttl: 20, loop_wait: 2, retry_timeout: 3 });
      expect(patroniYml(synth({ timing: PatroniTiming.fast(), patroniVersion: '3.0.2' }).objects).bootstrap.dcs.ttl).toBe(10);
    });

    it('refuses strict synchronous mode with one member', () => {
      expect(() => synth({ members: 1, fewerThanThreeMembersReason: 'development', synchronousStrict: true })).toThrow(/^shop\/db: synchronousStrict with 1 member/);
    });

    it('refuses a password written as a literal', () => {
      expect(() => synth({ parameters: { primary_conninfo: 'host=db.dc1 password=hunter2' } })).toThrow(/must not embed a password/);
      expect(() => synth({ parameters: { primary_conninfo: 'host=db.dc1 password=hunter2' } })).not.toThrow(/hunter2/);
    });

    it('accepts one member when a reason is given', () => {
      expect(synth({ members: 1, fewerThanThreeMembersReason: 'preview environment', synchronous: false }).db.members).toBe(1);
    });
  });
});

describe('PatroniCluster in a MultiCluster topology', () => {
  const fs = jest.requireActual<typeof import('fs')>('fs');
  const os = jest.requireActual<typeof import('os')>('os');
  const path = jest.requireActual<typeof import('path')>('path');
  const { MultiCluster, TopologyApp } = jest.requireActual<typeof import('../../lib')>('../../lib');
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'hadr-patroni-'));
  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));
  const props = (sharedEndpoints: any[]) => ({
    services: [{ name: 'api', image: 'ghcr.io/acme/api:1.0.0', port: 8080 }],
    clusters: [{ name: 'dc1-a' }, { name: 'dc1-b' }],
    sharedEndpoints,
  });

  it('is refused from a separate data chart while it has only its cluster-local names', () => {
    const app = new TopologyApp({ outdir: path.join(outdir, 'shared') });
    const db = new PatroniCluster(new Chart(app, 'data', { namespace: 'data' }), 'orders', { storage: Size.gibibytes(10) });
    expect(() => new MultiCluster(app, 'shop', props([db]))).toThrow(
      'shop: sharedEndpoints[0] resolves only inside the cluster of chart "data", and dc1-a is another cluster: it would not connect at runtime '
      + '(got "orders-pooler.data.svc"); expose it, e.g. expose: { pooler: Exposure.loadBalancer({ host: \'<name>.<zone you manage>\' }) }, '
      + 'or give the address other clusters reach it on');
  });

  it('is refused inside an active cluster, where each cluster would hold its own data', () => {
    const app = new TopologyApp({ outdir: path.join(outdir, 'inside') });
    const topology = new MultiCluster(app, 'shop', props([]));
    new PatroniCluster(topology.cluster('dc1-a').chart, 'orders', { storage: Size.gibibytes(10) });
    expect(() => app.synth()).toThrow(/shop\/orders: scope is an active cluster of a MultiCluster, so each cluster would keep its own postgresql data \(got "dc1-a"\)/);
  });
});

describe('PatroniCluster across sites', () => {
  const sha = (objects: any[]) => findObject(objects, 'StatefulSet', 'db').spec.template.metadata.annotations['hadr-constructs.io/patroni-config-sha'];

  it('keeps a permanent slot per standby site on the primary', () => {
    const { objects } = synth({ permanentSlots: ['standby_dc2', 'standby_dc3'] });
    expect(patroniYml(objects).bootstrap.dcs.slots).toEqual({ standby_dc2: { type: 'physical' }, standby_dc3: { type: 'physical' } });
  });

  it("replicates through its slot and catches up from the source site's archive", () => {
    const backup = { s3Prefix: 's3://acme-wal/dc2', credentialsSecret: 'wal-s3', endpoint: 'https://objects.dc2.example.com' };
    const { objects } = synth({
      backup,
      standby: { host: 'db.dc1.example.com', slotName: 'standby_dc2', archive: { s3Prefix: 's3://acme-wal/dc1', endpoint: 'https://objects.dc1.example.com' } },
    });
    expect(patroniYml(objects).bootstrap.dcs.standby_cluster).toMatchObject({
      host: 'db.dc1.example.com',
      primary_slot_name: 'standby_dc2',
      restore_command: 'env WALG_S3_PREFIX=s3://acme-wal/dc1 AWS_ENDPOINT=https://objects.dc1.example.com AWS_S3_FORCE_PATH_STYLE=true wal-g wal-fetch %f %p',
    });
    // Its own members still archive to, and restore from, its own site's archive.
    const env = findObject(objects, 'StatefulSet', 'db').spec.template.spec.containers[0].env;
    expect(env.find((e: any) => e.name === 'WALG_S3_PREFIX').value).toBe('s3://acme-wal/dc2');
  });

  it('does not roll the members when only the bootstrap section changes, as a DR flip does', () => {
    const standby = synth({ standby: { host: 'db.dc1.example.com' } }).objects;
    const primary = synth({ permanentSlots: ['standby_dc2'] }).objects;
    expect(patroniYml(standby).bootstrap.dcs.standby_cluster).toBeDefined();
    expect(sha(standby)).toBe(sha(primary));
    expect(sha(synth({ parameters: { max_connections: 300 } }).objects)).toBe(sha(primary));
    expect(sha(synth({ postgresVersion: 17 }).objects)).not.toBe(sha(primary));
  });

  it('refuses an archive location that is not an S3 prefix', () => {
    expect(() => synth({ standby: { host: 'db.dc1.example.com', archive: { s3Prefix: 's3://acme-wal/dc1; rm -rf /' } } })).toThrow(
      "shop/db: standby.archive.s3Prefix must be s3://<bucket>/<path> (got \"s3://acme-wal/dc1; rm -rf /\"); use e.g. 's3://acme-db-wal/dc1'");
  });
});
