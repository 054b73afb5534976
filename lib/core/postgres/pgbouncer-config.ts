/**
 * pgbouncer.ini from a typed spec: a connection pooler in front of the primary's endpoint that
 * holds clients through a failover instead of failing them.
 */
import { check, HadrError } from '../errors';
import { DurationLike, isDurationLike, seconds, toSecondsCeil } from '../units';
import { checkListenAddress, isHostOrIp } from './private/postgres-checks';
import { INT32_MAX } from '../validation/kubernetes';
import { findCredential, isSecretName } from '../validation/secrets';
import { checkObject, checkShape } from '../validation/shape';
import { PGBOUNCER_INI_SHAPE } from '../validation/spec-shapes';
import { checkTextTree } from '../validation/text';

/**
 * When a server connection goes back to the pool.
 * @see https://www.pgbouncer.org/config.html#pool_mode
 */
export type PgbouncerPoolMode = 'session' | 'transaction' | 'statement';

/** One entry of `[databases]`: a name clients use and where PgBouncer connects for it. */
export interface PgbouncerDatabase {
  /** Name clients connect to; `*` routes every database name to this server. */
  readonly name: string;
  /** Host PgBouncer connects to (the primary's Service or HAProxy). */
  readonly host: string;
  /** Port PgBouncer connects to. @default 5432 */
  readonly port?: number;
  /** Database on the server. @default - the same name the client asked for */
  readonly dbname?: string;
  /** Server connections for this database and user. @default - the global default pool size */
  readonly poolSize?: number;
}

/**
 * How PgBouncer checks client passwords. It never holds a literal password in this config:
 * `file` points at a userlist (mounted from a Secret) and `query` looks users up in PostgreSQL.
 * @see https://www.pgbouncer.org/config.html#authentication-settings
 */
export interface PgbouncerAuth {
  /** Password exchange. @default 'scram-sha-256' */
  readonly type?: 'scram-sha-256' | 'md5' | 'cert' | 'hba';
  /** Path of the userlist file (`"user" "SCRAM-SHA-256$..."` lines), mounted from a Secret. */
  readonly file: string;
  /**
   * Look users missing from `file` up in PostgreSQL, connecting as `user` (whose secret is in `file`).
   * @default - only users in `file`
   */
  readonly query?: {
    /** Role PgBouncer runs the lookup as. */
    readonly user: string;
    /**
     * Lookup returning (usename, passwd); a SECURITY DEFINER function avoids granting pg_shadow.
     * @default 'SELECT usename, passwd FROM pg_shadow WHERE usename=$1'
     */
    readonly sql?: string;
  };
  /** pg_hba-style rules file (type 'hba'). @default - none */
  readonly hbaFile?: string;
}

/** Everything {@link renderPgbouncerIni} needs. */
export interface PgbouncerIniSpec {
  /** Construct path (or label) that errors name. @default 'pgbouncer' */
  readonly path?: string;
  /** Address to listen on. @default '0.0.0.0' */
  readonly listenAddress?: string;
  /** Port to listen on. @default 6432 */
  readonly listenPort?: number;
  /** Directory of the Unix socket; empty disables it. @default '' */
  readonly unixSocketDir?: string;
  /** Databases clients may reach. */
  readonly databases: readonly PgbouncerDatabase[];
  /**
   * Transaction pooling: a client holds a server connection only inside a transaction, so a
   * failover breaks only the transactions in flight and many clients share few connections.
   * @default 'transaction'
   */
  readonly poolMode?: PgbouncerPoolMode;
  /** Authentication. */
  readonly auth: PgbouncerAuth;
  /** Client connections accepted at most. @default 1000 */
  readonly maxClientConnections?: number;
  /** Server connections per database and user. @default 20 */
  readonly defaultPoolSize?: number;
  /**
   * How long a query may wait for a server connection. Longer than the failover, so clients
   * queue through it instead of failing.
   * @default Duration.seconds(120)
   * @see https://www.pgbouncer.org/config.html#query_wait_timeout
   */
  readonly queryWaitTimeout?: DurationLike;
  /**
   * The longest failover expected (e.g. from estimateFailover); queryWaitTimeout must exceed it.
   * @default - not checked
   */
  readonly failoverBudget?: DurationLike;
  /**
   * Query that checks an idle server connection is alive before reuse.
   * @default 'select 1'
   * @see https://www.pgbouncer.org/config.html#server_check_query
   */
  readonly serverCheckQuery?: string;
  /** Idle time after which a server connection is checked before reuse. @default Duration.seconds(10) */
  readonly serverCheckDelay?: DurationLike;
  /** Time to open a server connection. @default Duration.seconds(5) */
  readonly serverConnectTimeout?: DurationLike;
  /**
   * Wait after a failed server login before the next try. PgBouncer's 15 s default would add up
   * to 15 s to every failover; 1 s reconnects as soon as the new primary is up.
   * @default Duration.seconds(1)
   */
  readonly serverLoginRetry?: DurationLike;
  /**
   * Startup parameters PgBouncer ignores instead of refusing the client (JDBC sends
   * extra_float_digits).
   * @default ['extra_float_digits']
   */
  readonly ignoreStartupParameters?: readonly string[];
  /** Users allowed to run admin commands on the console. @default - none */
  readonly adminUsers?: readonly string[];
  /** Users allowed to read SHOW statistics (metrics exporters). @default - none */
  readonly statsUsers?: readonly string[];
  /** Log file. @default - stderr only */
  readonly logFile?: string;
  /** PID file. @default - none */
  readonly pidFile?: string;
}

type IniValue = string | number;

interface IniSection {
  readonly name: string;
  readonly entries: ReadonlyArray<readonly [string, IniValue]>;
}

const DEFAULT_AUTH_QUERY = 'SELECT usename, passwd FROM pg_shadow WHERE usename=$1';
const INI_KEY = /^[A-Za-z0-9_*.-]+$/;
const CONN_VALUE = /^[^\s'"\\=;#]+$/;
/** An absolute path PgBouncer reads as one value: no whitespace, quotes or controls. */
const FILE_PATH = /^\/[^\s'"\\;#]*$/;
/** Auth types that let a client in without a password. */
const PASSWORDLESS_AUTH = new Set(['trust', 'any']);
const ROLE = /^[A-Za-z_][A-Za-z0-9_.-]{0,62}$/;

/**
 * Renders pgbouncer.ini: `[databases]` and `[pgbouncer]`. Never a password: authentication
 * points at a userlist file or an auth query. For PgBouncer outside Kubernetes too: the drill
 * runs real PgBouncer from it in front of HAProxy.
 *
 * @see https://www.pgbouncer.org/config.html
 */
export function renderPgbouncerIni(spec: PgbouncerIniSpec): string {
  validatePgbouncerIni(spec);
  return emitIni(spec.path ?? 'pgbouncer', [
    { name: 'databases', entries: spec.databases.map((db) => [db.name, connectionString(db)] as const) },
    { name: 'pgbouncer', entries: pgbouncerEntries(spec) },
  ]);
}

/** Throws a HadrError for a literal password, a wait shorter than the failover, or a malformed value. */
export function validatePgbouncerIni(spec: PgbouncerIniSpec): void {
  const path = spec.path ?? 'pgbouncer';
  checkObject(path, 'spec', spec, "{ databases: [{ name: '*', host: 'db' }], auth: { file: '/etc/pgbouncer/userlist.txt' } }");
  checkObject(path, 'auth', spec.auth, "{ file: '/etc/pgbouncer/userlist.txt' }");
  checkShape(path, '', spec, PGBOUNCER_INI_SHAPE);
  rejectLiteralPasswords(path, spec, '');
  // pgbouncer.ini is line-based and lands in a ConfigMap: every value is one plain line.
  checkTextTree(path, spec, '');
  const authType = spec.auth.type ?? 'scram-sha-256';
  check(!PASSWORDLESS_AUTH.has(String(authType).trim().toLowerCase()), {
    path, field: 'auth.type', value: authType, problem: 'lets clients in without a password', fix: 'use "scram-sha-256"',
  });
  check(['scram-sha-256', 'md5', 'cert', 'hba'].includes(authType), {
    path, field: 'auth.type', value: authType, problem: 'must be "scram-sha-256", "md5", "cert" or "hba", spelled exactly', fix: 'use "scram-sha-256"',
  });
  if (spec.listenAddress !== undefined) checkListenAddress(path, 'listenAddress', spec.listenAddress);
  check(spec.unixSocketDir === undefined || spec.unixSocketDir === '' || FILE_PATH.test(spec.unixSocketDir), {
    path, field: 'unixSocketDir', value: spec.unixSocketDir, problem: 'must be an absolute path, or empty for no socket', fix: 'use "" or "/var/run/postgresql"',
  });
  for (const [field, file] of [['auth.hbaFile', spec.auth.hbaFile], ['logFile', spec.logFile], ['pidFile', spec.pidFile]] as const) {
    check(file === undefined || (typeof file === 'string' && FILE_PATH.test(file)), {
      path, field, value: file, problem: 'must be an absolute path without spaces, quotes, ; or #', fix: 'e.g. "/etc/pgbouncer/userlist.txt"',
    });
  }
  check(Array.isArray(spec.databases) && spec.databases.length > 0, {
    path, field: 'databases', value: spec.databases, problem: 'must list at least one database', fix: 'e.g. { name: "*", host: "db-primary" }',
  });
  spec.databases.forEach((db, i) => checkDatabase(path, `databases[${i}]`, db));
  check(isPort(spec.listenPort ?? 6432), {
    path, field: 'listenPort', value: spec.listenPort, problem: 'must be a port from 1 to 65535', fix: 'use 6432',
  });
  const poolMode = spec.poolMode ?? 'transaction';
  check(['session', 'transaction', 'statement'].includes(poolMode), {
    path, field: 'poolMode', value: poolMode, problem: 'must be session, transaction or statement', fix: 'use "transaction"',
  });
  check(typeof spec.auth?.file === 'string' && spec.auth.file.startsWith('/'), {
    path, field: 'auth.file', value: spec.auth?.file, problem: 'must be an absolute path to the userlist', fix: 'mount it from a Secret, e.g. "/etc/pgbouncer/userlist.txt"',
  });
  check(FILE_PATH.test(spec.auth.file), {
    path, field: 'auth.file', value: spec.auth.file, problem: 'must be an absolute path without spaces, quotes, ; or #', fix: 'e.g. "/etc/pgbouncer/userlist.txt"',
  });
  if (spec.auth.query) {
    check(ROLE.test(spec.auth.query.user), {
      path, field: 'auth.query.user', value: spec.auth.query.user, problem: 'must be a role name', fix: 'e.g. "pgbouncer"',
    });
    check(spec.auth.query.sql === undefined || (spec.auth.query.sql.includes('$1') && !/[\r\n]/.test(spec.auth.query.sql)), {
      path, field: 'auth.query.sql', value: spec.auth.query.sql, problem: 'must be one line that uses $1 for the user name', fix: `e.g. "${DEFAULT_AUTH_QUERY}"`,
    });
    const credential = spec.auth.query.sql === undefined ? undefined : findCredential(spec.auth.query.sql);
    check(credential === undefined, {
      path, field: 'auth.query.sql', value: credential?.redacted, problem: `holds a credential (${credential?.what})`, fix: 'look the user up without a literal secret',
    });
  }
  check(spec.auth.type !== 'hba' || spec.auth.hbaFile !== undefined, {
    path, field: 'auth.hbaFile', value: spec.auth.hbaFile, problem: 'is required with auth type hba', fix: 'give the path of the hba file',
  });
  for (const [field, value] of durationFields(spec)) {
    if (value !== undefined) {
      check(isDurationLike(value) && value.toMilliseconds() > 0 && value.toMilliseconds() / 1000 <= INT32_MAX, {
        path, field, value, problem: 'must be a positive duration', fix: 'use Duration.seconds(n)',
      });
    }
  }
  checkWaitOutlastsFailover(path, spec);
  for (const [field, value] of [['maxClientConnections', spec.maxClientConnections], ['defaultPoolSize', spec.defaultPoolSize]] as const) {
    if (value !== undefined) {
      check(Number.isInteger(value) && value >= 1 && value <= INT32_MAX, {
        path, field, value, problem: `must be a whole number from 1 to ${INT32_MAX}`, fix: 'use a positive integer',
      });
    }
  }
  for (const [field, list] of [
    ['ignoreStartupParameters', spec.ignoreStartupParameters], ['adminUsers', spec.adminUsers], ['statsUsers', spec.statsUsers],
  ] as const) {
    (list ?? []).forEach((item, i) => check(ROLE.test(item), {
      path, field: `${field}[${i}]`, value: item, problem: 'must be a plain name', fix: 'no spaces or commas',
    }));
  }
  check(spec.serverCheckQuery === undefined || !/[\r\n]/.test(spec.serverCheckQuery), {
    path, field: 'serverCheckQuery', value: spec.serverCheckQuery, problem: 'must be one line', fix: 'use "select 1"',
  });
}

function checkWaitOutlastsFailover(path: string, spec: PgbouncerIniSpec): void {
  if (spec.failoverBudget === undefined) return;
  const wait = spec.queryWaitTimeout ?? seconds(120);
  check(wait.toMilliseconds() > spec.failoverBudget.toMilliseconds(), {
    path, field: 'queryWaitTimeout', value: wait,
    problem: `must outlast the failover (${spec.failoverBudget.toHumanString()}), or clients fail instead of waiting for the new primary`,
    fix: `raise it above ${toSecondsCeil(spec.failoverBudget)} seconds`,
  });
}

function durationFields(spec: PgbouncerIniSpec): Array<[string, DurationLike | undefined]> {
  return [
    ['queryWaitTimeout', spec.queryWaitTimeout],
    ['failoverBudget', spec.failoverBudget],
    ['serverCheckDelay', spec.serverCheckDelay],
    ['serverConnectTimeout', spec.serverConnectTimeout],
    ['serverLoginRetry', spec.serverLoginRetry],
  ];
}

function pgbouncerEntries(spec: PgbouncerIniSpec): Array<readonly [string, IniValue]> {
  const entries: Array<readonly [string, IniValue | undefined]> = [
    ['listen_addr', spec.listenAddress ?? '0.0.0.0'],
    ['listen_port', spec.listenPort ?? 6432],
    ['unix_socket_dir', spec.unixSocketDir ?? ''],
    ['auth_type', spec.auth.type ?? 'scram-sha-256'],
    ['auth_file', spec.auth.file],
    ['auth_hba_file', spec.auth.hbaFile],
    ['auth_user', spec.auth.query?.user],
    ['auth_query', spec.auth.query ? spec.auth.query.sql ?? DEFAULT_AUTH_QUERY : undefined],
    ['pool_mode', spec.poolMode ?? 'transaction'],
    ['max_client_conn', spec.maxClientConnections ?? 1000],
    ['default_pool_size', spec.defaultPoolSize ?? 20],
    ['query_wait_timeout', toSecondsCeil(spec.queryWaitTimeout ?? seconds(120))],
    ['server_check_query', spec.serverCheckQuery ?? 'select 1'],
    ['server_check_delay', toSecondsCeil(spec.serverCheckDelay ?? seconds(10))],
    ['server_connect_timeout', toSecondsCeil(spec.serverConnectTimeout ?? seconds(5))],
    ['server_login_retry', toSecondsCeil(spec.serverLoginRetry ?? seconds(1))],
    ['ignore_startup_parameters', (spec.ignoreStartupParameters ?? ['extra_float_digits']).join(',')],
    ['admin_users', spec.adminUsers?.join(',')],
    ['stats_users', spec.statsUsers?.join(',')],
    ['logfile', spec.logFile],
    ['pidfile', spec.pidFile],
  ];
  // An empty unix_socket_dir is meaningful (no socket); other empty values are left out.
  return entries.filter((e): e is readonly [string, IniValue] => e[1] !== undefined && (e[1] !== '' || e[0] === 'unix_socket_dir'));
}

function connectionString(db: PgbouncerDatabase): string {
  const parts = [`host=${db.host}`, `port=${db.port ?? 5432}`];
  if (db.dbname) parts.push(`dbname=${db.dbname}`);
  if (db.poolSize !== undefined) parts.push(`pool_size=${db.poolSize}`);
  return parts.join(' ');
}

/** Writes `[section]` headers and `key = value` lines; values were validated to be one line. */
function emitIni(path: string, sections: readonly IniSection[]): string {
  const out: string[] = [];
  for (const section of sections) {
    if (out.length > 0) out.push('');
    out.push(`[${section.name}]`);
    for (const [key, value] of section.entries) {
      if (!INI_KEY.test(key) || /[\r\n]/.test(String(value))) {
        throw new HadrError({ path, field: `${section.name}.${key}`, value, problem: 'cannot be written as one ini line', fix: 'remove line breaks' });
      }
      out.push(`${key} = ${value}`.trimEnd());
    }
  }
  return out.join('\n') + '\n';
}

function checkDatabase(path: string, field: string, db: PgbouncerDatabase): void {
  check(typeof db.name === 'string' && (db.name === '*' || /^[A-Za-z0-9_.-]+$/.test(db.name)), {
    path, field: `${field}.name`, value: db.name, problem: 'must be a database name or *', fix: 'use letters, digits, _, . and -',
  });
  check(isHostOrIp(db.host), {
    path, field: `${field}.host`, value: db.host, problem: 'must be a host name or IP', fix: 'point it at the primary\'s Service or HAProxy',
  });
  check(isPort(db.port ?? 5432), { path, field: `${field}.port`, value: db.port, problem: 'must be a port from 1 to 65535', fix: 'use 5432' });
  if (db.dbname !== undefined) {
    check(CONN_VALUE.test(db.dbname), { path, field: `${field}.dbname`, value: db.dbname, problem: 'must be a plain database name', fix: 'no spaces or quotes' });
  }
  if (db.poolSize !== undefined) {
    check(Number.isInteger(db.poolSize) && db.poolSize >= 1 && db.poolSize <= INT32_MAX, { path, field: `${field}.poolSize`, value: db.poolSize, problem: 'must be a whole number, at least 1', fix: 'e.g. 20' });
  }
}

/** Any field named like a password holding a value is a literal secret on its way into a manifest. */
function rejectLiteralPasswords(path: string, value: unknown, field: string): void {
  if (typeof value === 'string') {
    const credential = findCredential(value);
    if (credential) {
      throw new HadrError({
        path, field, value: credential.redacted, problem: `holds a credential (${credential.what}) that would be written into pgbouncer.ini in clear`,
        fix: 'put the user\'s SCRAM secret in the auth file (mounted from a Secret) or use auth.query',
      });
    }
    return;
  }
  if (value === null || typeof value !== 'object' || isDurationLike(value)) return;
  for (const [key, child] of Object.entries(value)) {
    const childField = field === '' ? key : `${field}.${key}`;
    if ((/password$/i.test(key) || isSecretName(key)) && child !== undefined) {
      throw new HadrError({
        path, field: childField, value: '***', problem: 'must not hold a literal password',
        fix: 'put the user\'s SCRAM secret in the auth file (mounted from a Secret) or use auth.query',
      });
    }
    rejectLiteralPasswords(path, child, childField);
  }
}

function isPort(port: unknown): boolean {
  return Number.isInteger(port) && (port as number) >= 1 && (port as number) <= 65535;
}
