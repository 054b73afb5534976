import { check } from '../errors';
import { walgCommands } from './patroni-config';
import { lastBaseBackupSql, recordBaseBackupSql } from '../ops/exporters';
import { deepFreeze } from '../private/deep-freeze';

/** What the base-backup loop of a Patroni member does. */
export interface WalgBackupLoopSpec {
  /** Error path prefix. */
  readonly path: string;
  /** PostgreSQL data directory, as mounted in the backup container. */
  readonly dataDir: string;
  /** Patroni REST API port on localhost: only the member answering `GET /primary` backs up. */
  readonly restApiPort: number;
  /** Seconds between two full backups. */
  readonly intervalSeconds: number;
  /** Full backups kept; older ones and the WAL only they need are deleted. */
  readonly retainFullBackups: number;
}

/**
 * The shell loop run beside each Patroni member: if this member is the primary and either the
 * interval has passed or it has just become primary, push a full base backup with WAL-G and
 * apply retention. A backup needs the data directory,
 * which only the member's pod mounts, so it cannot be a separate CronJob; every member runs the
 * loop and only the current primary acts, so it follows failovers without any scheduling.
 *
 * @see https://github.com/wal-g/wal-g/blob/master/docs/PostgreSQL.md#backup-push
 */
export function renderWalgBackupLoop(spec: WalgBackupLoopSpec): string {
  check(Number.isInteger(spec.intervalSeconds) && spec.intervalSeconds >= 3600, {
    path: spec.path, field: 'backup.fullBackupInterval', value: `${spec.intervalSeconds} seconds`,
    problem: 'must be at least one hour: a full backup reads the whole database', fix: 'use e.g. Duration.hours(24); WAL archiving covers the time between',
  });
  check(Number.isInteger(spec.retainFullBackups) && spec.retainFullBackups >= 1, {
    path: spec.path, field: 'backup.retainFullBackups', value: spec.retainFullBackups,
    problem: 'must be a whole number of at least 1', fix: 'use e.g. 7',
  });
  const walg = walgCommands({ dataDir: spec.dataDir });
  const beat = `touch ${BACKUP_HEARTBEAT_FILE}`;
  return [
    'set -u',
    // The interval counts from the last base backup recorded in the database: a new cluster (none
    // recorded) takes one at once, a restarted pod keeps the schedule; unreadable, it counts from
    // the start. A member that becomes primary (a failover, or a standby site promoted) takes one
    // at once: a new timeline deserves a base, and a promoted standby site has none in its archive.
    'elapsed=0',
    'role=unknown',
    'while true; do',
    `  ${beat}`,
    `  sleep ${TICK_SECONDS}`,
    `  elapsed=$((elapsed + ${TICK_SECONDS}))`,
    `  if curl -fsS -o /dev/null http://127.0.0.1:${spec.restApiPort}/primary; then now=primary; else now=other; fi`,
    '  if [ "$now" = primary ] && [ "$role" = unknown ]; then',
    `    last=$(psql -d postgres -Atqc "${lastBaseBackupSql()}" 2>/dev/null)`,
    '    case "${last%.*}" in ""|*[!0-9]*) ;; *) elapsed=$(( $(date +%s) - ${last%.*} ));; esac',
    '  fi',
    `  if [ "$now" = primary ] && { [ "$role" = other ] || [ "$elapsed" -ge ${spec.intervalSeconds} ]; }; then`,
    '    elapsed=0',
    `    ${walg.backupPush} &`,
    '    backup=$!',
    // The heartbeat goes on during a long backup, so the liveness probe does not kill it.
    `    while kill -0 "$backup" 2>/dev/null; do ${beat}; sleep 30; done`,
    // The time of each success goes into the database, where the exporter reads it for the
    // backup-age alert, and where it survives a restart, a failover and a restore.
    `    if wait "$backup"; then psql -d postgres -Atqc "${recordBaseBackupSql()}"; ${walg.retain(spec.retainFullBackups)}; else echo "base backup failed" >&2; fi`,
    '  fi',
    '  role=$now',
    'done',
    '',
  ].join('\n');
}

/** File the backup loop touches at least every minute; its age tells whether the loop is alive. */
export const BACKUP_HEARTBEAT_FILE = '/tmp/backup-heartbeat';

/** Command that succeeds while the backup loop's heartbeat is fresh (less than 5 minutes old). */
export const BACKUP_LOOP_ALIVE = deepFreeze(['/bin/sh', '-c', `test -n "$(find ${BACKUP_HEARTBEAT_FILE} -mmin -5 2>/dev/null)"`]);

const TICK_SECONDS = 60;
