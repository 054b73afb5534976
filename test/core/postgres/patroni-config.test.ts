import { Duration, Size } from 'cdk8s';
import { parse } from 'yaml';
import { validatePatroniConfig } from '../../../lib/core/postgres/patroni-config';
import { HadrError, PatroniConfigSpec, patroniEnvironment, renderPatroniConfig, PatroniTiming } from 'hadr-constructs';

/** What a StatefulSet pod gets: one ConfigMap for every pod, per-pod values from the environment. */
const kubernetesSpec: PatroniConfigSpec = {
  path: 'firebackup/db',
  scope: 'firebackup-db',
  members: 3,
  dcs: { kind: 'kubernetes', labels: { 'app.kubernetes.io/name': 'firebackup-db' } },
  postgresql: { dataDir: '/home/postgres/pgdata/pgroot/data' },
};

const etcdSpec: PatroniConfigSpec = {
  path: 'drill/pg0',
  scope: 'drill',
  name: 'pg0',
  members: 3,
  dcs: { kind: 'etcd3', hosts: ['127.0.0.1:2379', '127.0.0.1:2479'] },
  restApi: { listenAddress: '127.0.0.1', port: 8008, connectAddress: '127.0.0.1' },
  timing: PatroniTiming.fast(),
  postgresql: { listenAddress: '127.0.0.1', port: 5432, connectAddress: '127.0.0.1', dataDir: '/tmp/pg0/data', binDir: '/usr/lib/postgresql/15/bin' },
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function render(spec: PatroniConfigSpec): any {
  return parse(renderPatroniConfig(spec), { version: '1.1' });
}

function errorOf(fn: () => unknown): HadrError {
  try {
    fn();
  } catch (err) {
    if (err instanceof HadrError) return err;
    throw err;
  }
  throw new Error('expected a HadrError');
}

describe('renderPatroniConfig for the Kubernetes DCS', () => {
  const doc = render(kubernetesSpec);

  it('keeps the leader key in Endpoints, so the key and the traffic address change in one update', () => {
    expect(doc.kubernetes.use_endpoints).toBe(true);
  });

  it('writes the scope and role labels the primary and replica Services select on', () => {
    expect(doc.kubernetes).toMatchObject({
      labels: { 'app.kubernetes.io/name': 'firebackup-db' },
      scope_label: 'cluster-name',
      role_label: 'role',
      ports: [{ name: 'postgresql', port: 5432 }],
    });
  });

  it('leaves pod name, pod IP, namespace and connect addresses to the environment so one ConfigMap serves every pod', () => {
    expect(doc.name).toBeUndefined();
    expect(doc.kubernetes.pod_ip).toBeUndefined();
    expect(doc.kubernetes.namespace).toBeUndefined();
    expect(doc.postgresql.connect_address).toBeUndefined();
    expect(doc.restapi).toEqual({ listen: '0.0.0.0:8008' });
    expect(patroniEnvironment(kubernetesSpec).filter((e) => !e.secret).map((e) => e.name)).toEqual([
      'PATRONI_NAME', 'PATRONI_POSTGRESQL_CONNECT_ADDRESS', 'PATRONI_RESTAPI_CONNECT_ADDRESS', 'PATRONI_KUBERNETES_POD_IP', 'PATRONI_KUBERNETES_NAMESPACE',
    ]);
  });

  it('renders the role label values when asked, so Services match across Patroni versions', () => {
    const labelled = render({ ...kubernetesSpec, dcs: { kind: 'kubernetes', leaderLabelValue: 'primary', followerLabelValue: 'replica' } });
    expect(labelled.kubernetes).toMatchObject({ leader_label_value: 'primary', follower_label_value: 'replica' });
  });

  it('defaults to synchronous, non-strict mode with failsafe, pg_rewind and slots (no acknowledged write lost, no DCS-outage demotion)', () => {
    expect(doc.bootstrap.dcs).toMatchObject({
      ttl: 30, loop_wait: 10, retry_timeout: 10,
      maximum_lag_on_failover: 1048576,
      synchronous_mode: true, synchronous_mode_strict: false, synchronous_node_count: 1, failsafe_mode: true,
      postgresql: { use_pg_rewind: true, use_slots: true },
    });
  });

  it('requires a password for every network connection and never trusts one', () => {
    expect(doc.postgresql.pg_hba).toEqual([
      'local all all peer',
      'host all all 127.0.0.1/32 scram-sha-256',
      'host all all ::1/128 scram-sha-256',
      'host replication replicator 0.0.0.0/0 scram-sha-256',
      'host replication replicator ::/0 scram-sha-256',
      'host all all 0.0.0.0/0 scram-sha-256',
      'host all all ::/0 scram-sha-256',
    ]);
  });

  it('matches the snapshot', () => {
    expect(renderPatroniConfig(kubernetesSpec)).toMatchSnapshot();
  });
});

describe('renderPatroniConfig for the etcd DCS (the drill)', () => {
  const doc = render(etcdSpec);

  it('renders an etcd3 section, never etcd (etcd 3.4 serves only the v3 API)', () => {
    expect(doc.etcd3).toEqual({ hosts: ['127.0.0.1:2379', '127.0.0.1:2479'], protocol: 'http' });
    expect(doc.etcd).toBeUndefined();
    expect(doc.kubernetes).toBeUndefined();
  });

  it('writes the timing profile as integer seconds', () => {
    expect(doc.bootstrap.dcs).toMatchObject({ ttl: 10, loop_wait: 2, retry_timeout: 3 });
  });

  it('names the member and its addresses', () => {
    expect(doc).toMatchObject({
      scope: 'drill',
      name: 'pg0',
      restapi: { listen: '127.0.0.1:8008', connect_address: '127.0.0.1:8008' },
      postgresql: { listen: '127.0.0.1:5432', connect_address: '127.0.0.1:5432', data_dir: '/tmp/pg0/data', bin_dir: '/usr/lib/postgresql/15/bin' },
    });
    expect(patroniEnvironment(etcdSpec).map((e) => e.name)).toEqual([
      'PATRONI_SUPERUSER_PASSWORD', 'PATRONI_REPLICATION_PASSWORD', 'PATRONI_REWIND_PASSWORD',
    ]);
  });
});

describe('passwords', () => {
  it('are never rendered: only user names appear, and the environment carries the passwords', () => {
    const text = renderPatroniConfig({ ...kubernetesSpec, walArchive: {}, standbyCluster: { host: 'db.dc1.example.com' } });
    expect(text).not.toMatch(/password/i);
    expect(parse(text).postgresql.authentication).toEqual({
      superuser: { username: 'postgres' }, replication: { username: 'replicator' }, rewind: { username: 'rewind_user' },
    });
    expect(patroniEnvironment(kubernetesSpec).filter((e) => e.secret).map((e) => e.name)).toEqual([
      'PATRONI_SUPERUSER_PASSWORD', 'PATRONI_REPLICATION_PASSWORD', 'PATRONI_REWIND_PASSWORD',
    ]);
  });

  it('given as a literal string are rejected, and the error does not repeat them', () => {
    const spec = {
      ...kubernetesSpec,
      postgresql: { ...kubernetesSpec.postgresql, authentication: { superuser: { username: 'postgres', password: 'hunter2' } } },
    } as unknown as PatroniConfigSpec;
    const err = errorOf(() => renderPatroniConfig(spec));
    expect(err.message).toBe('firebackup/db: postgresql.authentication.superuser.password must not hold a literal password (got "***"); '
      + 'remove it; Patroni reads PATRONI_SUPERUSER_PASSWORD from the environment, filled from a Secret');
    expect(err.message).not.toContain('hunter2');
  });

  it('inside a connection string are rejected', () => {
    const spec: PatroniConfigSpec = { ...kubernetesSpec, parameters: { primary_conninfo: 'host=x password=hunter2' } };
    expect(() => validatePatroniConfig(spec)).toThrow('firebackup/db: parameters.primary_conninfo must not embed a password in a connection string (got "***")');
  });

  it('do not stop password_encryption, a parameter and no secret', () => {
    expect(render({ ...kubernetesSpec, parameters: { password_encryption: 'scram-sha-256' } }).bootstrap.dcs.postgresql.parameters)
      .toEqual({ password_encryption: 'scram-sha-256' });
  });
});

describe('timing', () => {
  it('enforces loop_wait + 2 * retry_timeout <= ttl', () => {
    const timing = { ...PatroniTiming.default(), ttlSeconds: 20 };
    expect(() => renderPatroniConfig({ ...kubernetesSpec, timing })).toThrow(
      'firebackup/db: timing.ttl must be at least loop_wait + 2 * retry_timeout = 30 (got 20); raise ttl to 30 or lower loop_wait/retry_timeout');
  });

  it('rejects a profile that the image\'s Patroni (3.2+) would silently raise', () => {
    expect(() => renderPatroniConfig({ ...etcdSpec, patroniVersion: '4.0.4' })).toThrow(
      'drill/pg0: timing would be raised by Patroni 4.0.4 to its floors (ttl 20, loop_wait 1, retry_timeout 3), so its measured failover would not hold '
      + '(got "fast (ttl 10, loop_wait 2, retry_timeout 3)"); use PatroniTiming.responsive() (ttl 20, the fastest it honours), PatroniTiming.default(), or an image with Patroni older than 3.2.0');
  });

  it('accepts the fast profile on Patroni 3.0.2, which honours it', () => {
    expect(() => renderPatroniConfig({ ...etcdSpec, patroniVersion: '3.0.2' })).not.toThrow();
  });
});

describe('synchronous settings', () => {
  it('reject strict mode with one member, which would refuse every write', () => {
    expect(() => renderPatroniConfig({ ...kubernetesSpec, members: 1, synchronousModeStrict: true })).toThrow(
      'firebackup/db: synchronousModeStrict with 1 member would refuse every write (no standby can confirm a commit) (got true); use 3 members, or drop synchronousModeStrict');
  });

  it('reject strict mode without synchronous mode', () => {
    expect(() => renderPatroniConfig({ ...kubernetesSpec, synchronousMode: false, synchronousModeStrict: true })).toThrow(
      'firebackup/db: synchronousModeStrict needs synchronousMode (got true); set synchronousMode: true, or drop synchronousModeStrict');
  });

  it('reject more synchronous standbys than the other members', () => {
    expect(() => renderPatroniConfig({ ...kubernetesSpec, synchronousNodeCount: 3 })).toThrow(
      'firebackup/db: synchronousNodeCount must be between 1 and members - 1 (2) (got 3); use 1, or add members');
  });

  it('reject synchronous_commit that acknowledges before the standby has the commit', () => {
    expect(() => renderPatroniConfig({ ...kubernetesSpec, parameters: { synchronous_commit: 'local' } })).toThrow(
      'firebackup/db: parameters.synchronous_commit contradicts synchronousMode: the primary would acknowledge commits before the synchronous standby has them (got "local"); '
      + 'use "on" or "remote_apply", or set synchronousMode: false');
  });

  it('reject strict mode in a standby cluster, whose leader replicates asynchronously from the remote site', () => {
    expect(() => renderPatroniConfig({ ...kubernetesSpec, standbyCluster: { host: 'db.dc1.example.com' }, synchronousModeStrict: true })).toThrow(
      'firebackup/db: synchronousModeStrict contradicts standbyCluster: the standby leader replicates asynchronously from the remote site, so no write there is confirmed synchronously (got true); '
      + 'drop synchronousModeStrict in the standby site (synchronousMode still applies locally once the site is promoted)');
  });
});

describe('DR and archiving', () => {
  it('renders standby_cluster so this site replicates from the other one', () => {
    const doc = render({
      ...kubernetesSpec,
      standbyCluster: { host: 'db-primary.dc1.example.com', port: 5433, primarySlotName: 'dc2_standby', recoveryMinApplyDelay: Duration.minutes(5) },
    });
    expect(doc.bootstrap.dcs.standby_cluster).toEqual({
      host: 'db-primary.dc1.example.com',
      port: 5433,
      primary_slot_name: 'dc2_standby',
      create_replica_methods: ['basebackup'],
      recovery_min_apply_delay: '300000ms',
    });
  });

  it('archives WAL with WAL-G, restores from it and seeds replicas from the latest base backup', () => {
    const doc = render({ ...kubernetesSpec, walArchive: { archiveTimeout: Duration.minutes(2) }, standbyCluster: { host: 'db.dc1.example.com' } });
    expect(doc.postgresql.parameters).toEqual({ archive_mode: 'on', archive_command: 'wal-g wal-push %p', archive_timeout: 120 });
    expect(doc.postgresql.recovery_conf).toEqual({ restore_command: 'wal-g wal-fetch %f %p' });
    expect(doc.postgresql.create_replica_methods).toEqual(['wal_g', 'basebackup']);
    // Patroni would append --scope/--datadir, which wal-g rejects: no_params keeps the command as written.
    expect(doc.postgresql.wal_g).toEqual({ command: 'wal-g backup-fetch /home/postgres/pgdata/pgroot/data LATEST', no_params: true, no_leader: true });
    expect(doc.bootstrap.dcs.standby_cluster).toMatchObject({ create_replica_methods: ['wal_g', 'basebackup'], restore_command: 'wal-g wal-fetch %f %p' });
  });

  it('keeps the user\'s own archive_command over the default', () => {
    const doc = render({ ...kubernetesSpec, walArchive: {}, postgresql: { ...kubernetesSpec.postgresql, parameters: { archive_command: '/bin/true' } } });
    expect(doc.postgresql.parameters.archive_command).toBe('/bin/true');
  });
});

describe('rendering details', () => {
  it('quotes strings PyYAML (YAML 1.1) would read as booleans or numbers', () => {
    const text = renderPatroniConfig({ ...kubernetesSpec, parameters: { hot_standby: 'on', log_rotation_age: '10:30' } });
    expect(text).toContain('hot_standby: "on"');
    expect(text).toContain('log_rotation_age: "10:30"');
  });

  it('converts maximumLagOnFailover from a Size to bytes', () => {
    expect(render({ ...kubernetesSpec, maximumLagOnFailover: Size.mebibytes(16) }).bootstrap.dcs.maximum_lag_on_failover).toBe(16 * 1024 * 1024);
  });

  it('renders initdb flags and options in order', () => {
    expect(render(kubernetesSpec).bootstrap.initdb).toEqual([{ encoding: 'UTF8' }, 'data-checksums']);
  });

  it('rejects a scope Kubernetes cannot name objects after', () => {
    expect(() => renderPatroniConfig({ ...kubernetesSpec, scope: 'Orders_DB' })).toThrow(
      'firebackup/db: scope must be a lowercase DNS label of at most 54 characters (got "Orders_DB"); use letters, digits and dashes, e.g. "orders-db" (Patroni names Kubernetes objects <scope>-config, <scope>-failover)');
  });

  it('rejects an etcd host without a port', () => {
    expect(() => renderPatroniConfig({ ...etcdSpec, dcs: { kind: 'etcd3', hosts: ['etcd-0'] } })).toThrow(
      'drill/pg0: dcs.hosts[0] must be host:port, listed once (got "etcd-0"); e.g. "etcd-0.etcd:2379"');
  });

  it('rejects a network rule that trusts clients without a password', () => {
    expect(() => renderPatroniConfig({ ...kubernetesSpec, postgresql: { ...kubernetesSpec.postgresql, pgHba: ['host all all 0.0.0.0/0 trust'] } })).toThrow(
      'firebackup/db: postgresql.pgHba[0] lets clients in without a password (got "host all all 0.0.0.0/0 trust"); use scram-sha-256 (or peer for local sockets)');
  });
});
