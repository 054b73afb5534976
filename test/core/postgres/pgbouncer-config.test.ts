import { Duration } from 'cdk8s';
import { seconds } from '../../../lib/core/units';
import { PatroniTiming, PgbouncerIniSpec, renderPgbouncerIni } from 'hadr-constructs';
import { estimateFailover } from 'hadr-constructs/core';

const spec: PgbouncerIniSpec = {
  path: 'firebackup/db-pooler',
  databases: [{ name: '*', host: 'firebackup-db-primary', port: 5432 }],
  auth: { file: '/etc/pgbouncer/userlist.txt' },
};

/** `[section] key = value` as a map per section. */
function parseIni(text: string): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  let current = '';
  for (const line of text.split('\n')) {
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      current = header[1];
      out[current] = {};
    } else if (line.includes('=')) {
      const i = line.indexOf('=');
      out[current][line.slice(0, i).trim()] = line.slice(i + 1).trim();
    }
  }
  return out;
}

describe('renderPgbouncerIni', () => {
  const ini = parseIni(renderPgbouncerIni(spec));

  it('pools per transaction by default, so a failover breaks only transactions in flight', () => {
    expect(ini.pgbouncer.pool_mode).toBe('transaction');
  });

  it('lets queries wait 120 s for a server, longer than any failover of the default profile', () => {
    expect(Number(ini.pgbouncer.query_wait_timeout)).toBe(120);
    expect(Number(ini.pgbouncer.query_wait_timeout)).toBeGreaterThan(estimateFailover(PatroniTiming.default()).maxSeconds);
  });

  it('retries a failed server login after 1 s instead of 15, so it reconnects as soon as the new primary is up', () => {
    expect(ini.pgbouncer).toMatchObject({ server_login_retry: '1', server_connect_timeout: '5' });
  });

  it('checks idle server connections before reuse', () => {
    expect(ini.pgbouncer).toMatchObject({ server_check_query: 'select 1', server_check_delay: '10' });
  });

  it('points every database at the primary endpoint', () => {
    expect(ini.databases).toEqual({ '*': 'host=firebackup-db-primary port=5432' });
  });

  it('authenticates with SCRAM from a userlist file and holds no password', () => {
    const text = renderPgbouncerIni(spec);
    expect(ini.pgbouncer).toMatchObject({ auth_type: 'scram-sha-256', auth_file: '/etc/pgbouncer/userlist.txt' });
    expect(text).not.toMatch(/password/i);
  });

  it('disables the Unix socket, which a read-only root filesystem could not hold', () => {
    expect(renderPgbouncerIni(spec)).toContain('\nunix_socket_dir =\n');
  });

  it('looks unknown users up with auth_query as a dedicated role', () => {
    const withQuery = parseIni(renderPgbouncerIni({ ...spec, auth: { file: '/etc/pgbouncer/userlist.txt', query: { user: 'pgbouncer' } } }));
    expect(withQuery.pgbouncer).toMatchObject({ auth_user: 'pgbouncer', auth_query: 'SELECT usename, passwd FROM pg_shadow WHERE usename=$1' });
  });

  it('matches the snapshot', () => {
    expect(renderPgbouncerIni({ ...spec, adminUsers: ['pgbouncer'], statsUsers: ['metrics'], queryWaitTimeout: Duration.minutes(3) })).toMatchSnapshot();
  });
});

describe('bad input', () => {
  it('rejects a query wait shorter than the failover, which would fail clients instead of holding them', () => {
    const failoverBudget = seconds(estimateFailover(PatroniTiming.default()).maxSeconds);
    expect(() => renderPgbouncerIni({ ...spec, queryWaitTimeout: Duration.seconds(30), failoverBudget })).toThrow(
      'firebackup/db-pooler: queryWaitTimeout must outlast the failover (46 seconds), or clients fail instead of waiting for the new primary (got 30 seconds); raise it above 46 seconds');
  });

  it('rejects a literal password', () => {
    const withPassword = { ...spec, auth: { file: '/etc/pgbouncer/userlist.txt', password: 'hunter2' } } as unknown as PgbouncerIniSpec;
    expect(() => renderPgbouncerIni(withPassword)).toThrow(
      'firebackup/db-pooler: auth.password must not hold a literal password (got "***"); put the user\'s SCRAM secret in the auth file (mounted from a Secret) or use auth.query');
  });

  it('rejects a relative auth file path', () => {
    expect(() => renderPgbouncerIni({ ...spec, auth: { file: 'userlist.txt' } })).toThrow(
      'firebackup/db-pooler: auth.file must be an absolute path to the userlist (got "userlist.txt"); mount it from a Secret, e.g. "/etc/pgbouncer/userlist.txt"');
  });

  it('rejects a database name that would break the connection string', () => {
    expect(() => renderPgbouncerIni({ ...spec, databases: [{ name: 'orders', host: 'db', dbname: 'orders db' }] })).toThrow(
      'firebackup/db-pooler: databases[0].dbname must be a plain database name (got "orders db"); no spaces or quotes');
  });

  it('rejects an auth query without the user parameter', () => {
    expect(() => renderPgbouncerIni({ ...spec, auth: { file: '/etc/pgbouncer/userlist.txt', query: { user: 'pgbouncer', sql: 'SELECT 1' } } })).toThrow(
      'firebackup/db-pooler: auth.query.sql must be one line that uses $1 for the user name (got "SELECT 1"); e.g. "SELECT usename, passwd FROM pg_shadow WHERE usename=$1"');
  });
});
