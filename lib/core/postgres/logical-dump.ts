import { check } from '../errors';

/** What the logical dump job does. */
export interface LogicalDumpScriptSpec {
  /** Error path prefix. */
  readonly path: string;
  /** Host of the primary (the leader Service). */
  readonly host: string;
  readonly port: number;
  /** Databases dumped, one custom-format file each. */
  readonly databases: readonly string[];
  /** Folder under the archive prefix the dumps go to, one sub-folder per run. */
  readonly folder: string;
}

const DATABASE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * The shell script of the logical dump CronJob: `pg_dump -Fc` of each database from the primary
 * into the pod's /tmp, uploaded with `wal-g st put` under `<folder>/<UTC time>/` of the cluster's
 * archive. A failed dump or upload fails the Job, so the CronJob's history shows it.
 *
 * @see https://www.postgresql.org/docs/15/app-pgdump.html
 * @see https://github.com/wal-g/wal-g/blob/master/docs/StorageTools.md
 */
export function renderLogicalDumpScript(spec: LogicalDumpScriptSpec): string {
  spec.databases.forEach((db, i) => check(DATABASE_NAME.test(db), {
    path: spec.path, field: `logicalDump.databases[${i}]`, value: db,
    problem: 'must be a database name of lowercase letters, digits and _', fix: "use e.g. 'app'",
  }));
  check(spec.databases.length > 0, {
    path: spec.path, field: 'logicalDump.databases', value: spec.databases, problem: 'must name at least one database', fix: "use e.g. ['app']",
  });
  return [
    'set -eu',
    'run=$(date -u +%Y%m%dT%H%M%SZ)',
    `for db in ${spec.databases.join(' ')}; do`,
    `  pg_dump -h ${spec.host} -p ${spec.port} -U postgres -Fc -d "$db" -f "/tmp/$db.dump"`,
    `  wal-g st put "/tmp/$db.dump" "${spec.folder}/$run/$db.dump"`,
    '  rm -f "/tmp/$db.dump"',
    'done',
    '',
  ].join('\n');
}
