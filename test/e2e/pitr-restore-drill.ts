/**
 * Point-in-time recovery with a real PostgreSQL: WAL archived by archive_command to a
 * filesystem directory, a base backup, rows written with their server timestamps, then a
 * restore of the base backup replaying the archive up to a target time. Every row committed
 * before the target must be there and none after it. The restore follows the runbook's steps
 * (lib/core/ops/ops-runbook.ts): fetch the base backup, `restore_command` and
 * `recovery_target_time` with `recovery_target_action = 'promote'`, `recovery.signal`, start.
 * The time of the base backup is recorded as the backup loop records it, and read back from the
 * restored copy with the exporter's query.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Client } from 'pg';
import { postgresBinDir } from './patroni-drill';
import { Drill, MeasuredRow, median, roundSeconds } from './support/drill-results';
import { freePorts, ProcessGroup, sleep, userIds, waitFor } from './support/processes';
import { lastBaseBackupSql, recordBaseBackupSql } from '../../lib/core/ops/exporters';

/** Binaries the drill needs (in PostgreSQL's bin folder). */
export const PITR_DRILL_BINARIES = ['initdb', 'postgres', 'pg_basebackup'];

/** What one trial measured. */
export interface PitrTrial {
  /** Rows acknowledged before the target time. */
  readonly rowsBefore: number;
  /** Rows acknowledged after it. */
  readonly rowsAfter: number;
  /** Rows acknowledged before the target and missing from the restored copy. */
  readonly rowsMissing: number;
  /** Rows written after the target that the restored copy holds. */
  readonly rowsExtra: number;
  /** From writing the recovery settings to the restored server answering as a primary. */
  readonly restoreSeconds: number;
  /** WAL segments restore_command fetched from the archive. */
  readonly segmentsReplayed: number;
  /** The base backup time recorded on the primary, as the exporter reads it on the restored copy. */
  readonly baseBackupRecorded: boolean;
  readonly postgresVersion: string;
  /** `pg_basebackup --version`, the tool that took the base backup. */
  readonly basebackupVersion: string;
}

/** Options of a trial. */
export interface PitrOptions {
  /** Seconds of writes before and after the target. */
  readonly writeSeconds?: number;
  readonly log?: (line: string) => void;
}

/** Runs as postgres when root (PostgreSQL refuses root); files made for it are chowned. */
const pgUser = () => (process.getuid?.() === 0 ? userIds('postgres') : undefined);

/** One trial: a primary archiving WAL, a base backup, timed writes, a restore to the middle. */
export async function pitrTrial(options: PitrOptions = {}): Promise<PitrTrial> {
  const log = options.log ?? (() => undefined);
  const writeSeconds = options.writeSeconds ?? 2;
  const bin = postgresBinDir();
  const user = pgUser();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'hadr-pitr-'));
  fs.chmodSync(root, 0o755);
  const dirs = { data: path.join(root, 'data'), archive: path.join(root, 'archive'), restored: path.join(root, 'restored'), run: path.join(root, 'run') };
  for (const dir of [dirs.archive, dirs.run]) fs.mkdirSync(dir, { mode: 0o700 });
  if (user) for (const dir of [root, dirs.archive, dirs.run]) fs.chownSync(dir, user.uid, user.gid);
  const asPostgres = (command: string, args: string[]) => {
    const result = spawnSync(path.join(bin, command), args, { encoding: 'utf8', uid: user?.uid, gid: user?.gid, timeout: 120_000 });
    if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr || result.stdout}`);
    return result.stdout;
  };
  const procs = new ProcessGroup();
  const [primaryPort, restoredPort] = await freePorts(2);
  const client = (port: number) => new Client({ host: dirs.run, port, user: 'postgres', database: 'postgres' });
  const start = (name: string, dataDir: string, port: number) => procs.start(name, path.join(bin, 'postgres'),
    ['-D', dataDir, '-p', String(port), '-k', dirs.run, '-c', 'listen_addresses='], { logFile: path.join(root, `${name}.log`), user });
  const ready = (port: number, what: string) => waitFor(what, async () => {
    const c = client(port);
    try {
      await c.connect();
      return (await c.query<{ recovering: boolean }>('SELECT pg_is_in_recovery() AS recovering')).rows[0].recovering === false;
    } finally {
      await c.end().catch(() => undefined);
    }
  }, { timeoutMs: 60_000, intervalMs: 50 });
  try {
    asPostgres('initdb', ['-D', dirs.data, '-U', 'postgres', '--auth=trust', '--no-sync']);
    // What PatroniCluster sets with an archive (wal_level replica, archive_mode on), with a
    // filesystem archive in place of WAL-G's object store.
    fs.appendFileSync(path.join(dirs.data, 'postgresql.conf'), [
      'wal_level = replica',
      'archive_mode = on',
      `archive_command = 'test ! -f ${dirs.archive}/%f && cp %p ${dirs.archive}/%f'`,
      'fsync = off',
      '',
    ].join('\n'));
    start('primary', dirs.data, primaryPort);
    await ready(primaryPort, 'the primary to accept connections');
    const writer = client(primaryPort);
    await writer.connect();
    await writer.query('CREATE TABLE rows_written (id bigint PRIMARY KEY, at timestamptz NOT NULL DEFAULT clock_timestamp())');

    // The base backup, with the WAL it needs, then its time recorded as the backup loop does.
    asPostgres('pg_basebackup', ['-h', dirs.run, '-p', String(primaryPort), '-U', 'postgres', '-D', dirs.restored, '-X', 'stream', '-c', 'fast']);
    const recorded = spawnSync('sh', ['-c', `${path.join(bin, 'psql')} -h ${dirs.run} -p ${primaryPort} -U postgres -d postgres -Atqc "${recordBaseBackupSql()}"`],
      { encoding: 'utf8', uid: user?.uid, gid: user?.gid });
    if (recorded.status !== 0) throw new Error(`recording the base backup failed: ${recorded.stderr}`);

    // Writes before the target, the target taken on the server between two writes, writes after.
    let id = 0;
    const before: number[] = [];
    const after: number[] = [];
    const writeFor = async (seconds: number, into: number[]) => {
      const until = Date.now() + seconds * 1000;
      while (Date.now() < until) {
        id += 1;
        await writer.query('INSERT INTO rows_written (id) VALUES ($1)', [id]);
        into.push(id);
      }
    };
    await writeFor(writeSeconds, before);
    // A commit's timestamp is taken when it commits: a few milliseconds apart, the last write
    // before and the first after fall clearly on their side of the target.
    await sleep(20);
    const target = (await writer.query<{ target: string }>("SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || '+00' AS target")).rows[0].target;
    await sleep(20);
    await writeFor(writeSeconds, after);
    // The segment holding the last writes goes to the archive: recovery reads past the target to stop.
    const last = (await writer.query<{ wal: string }>('SELECT pg_walfile_name(pg_switch_wal()) AS wal')).rows[0].wal;
    await waitFor('the last segment to be archived', async () => fs.existsSync(path.join(dirs.archive, last)), { timeoutMs: 30_000, intervalMs: 50 });
    const version = (await writer.query<{ server_version: string }>('SHOW server_version')).rows[0].server_version;
    await writer.end();
    await procs.stop('primary', 10_000);
    log(`wrote ${before.length} rows before ${target} and ${after.length} after; archive holds ${fs.readdirSync(dirs.archive).length} files`);

    // The restore, as the runbook's steps: recovery settings, recovery.signal, start, promoted.
    const restoreStarted = Date.now();
    const fetched = path.join(root, 'fetched.log');
    fs.appendFileSync(path.join(dirs.restored, 'postgresql.auto.conf'), [
      `restore_command = 'cp ${dirs.archive}/%f %p && echo %f >> ${fetched}'`,
      `recovery_target_time = '${target}'`,
      "recovery_target_action = 'promote'",
      '',
    ].join('\n'));
    fs.writeFileSync(path.join(dirs.restored, 'recovery.signal'), '');
    if (user) {
      for (const file of ['postgresql.auto.conf', 'recovery.signal']) fs.chownSync(path.join(dirs.restored, file), user.uid, user.gid);
      fs.writeFileSync(fetched, '');
      fs.chownSync(fetched, user.uid, user.gid);
    }
    start('restored', dirs.restored, restoredPort);
    await ready(restoredPort, 'the restored copy to be promoted');
    const restoreSeconds = (Date.now() - restoreStarted) / 1000;

    const reader = client(restoredPort);
    await reader.connect();
    let present: Set<number>;
    let backupTime: number;
    try {
      present = new Set((await reader.query<{ id: string }>('SELECT id FROM rows_written')).rows.map((r) => Number(r.id)));
      const recordedRows = (await reader.query<{ last_success_timestamp_seconds: number }>(lastBaseBackupSql())).rows;
      backupTime = Number(recordedRows[0].last_success_timestamp_seconds);
    } finally {
      await reader.end();
    }
    const rowsMissing = before.filter((r) => !present.has(r)).length;
    const rowsExtra = after.filter((r) => present.has(r)).length;
    const segmentsReplayed = fs.existsSync(fetched) ? fs.readFileSync(fetched, 'utf8').split('\n').filter((l) => /^[0-9A-F]{24}$/.test(l)).length : 0;
    log(`restored in ${restoreSeconds.toFixed(2)} s from ${segmentsReplayed} archived segments: ${rowsMissing} missing, ${rowsExtra} extra`);
    return {
      rowsBefore: before.length, rowsAfter: after.length, rowsMissing, rowsExtra, restoreSeconds, segmentsReplayed,
      baseBackupRecorded: backupTime > 0 && Math.abs(backupTime - restoreStarted / 1000) < 600, postgresVersion: version,
      basebackupVersion: asPostgres('pg_basebackup', ['--version']).trim().replace(/^pg_basebackup \(PostgreSQL\) /, ''),
    };
  } finally {
    await procs.stopAll();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

/** `npm run drill -- --drill pitr-restore`: the trials, as one row. */
export const pitrRestoreDrill: Drill = {
  id: 'pitr-restore',
  source: 'test/e2e/pitr-restore-drill.ts',
  description: 'Point-in-time recovery: base backup and filesystem WAL archive, rows written with timestamps, restored to a time between them',
  async run({ trials, log }): Promise<MeasuredRow[]> {
    const results: PitrTrial[] = [];
    for (let i = 0; i < trials; i++) {
      log(`pitr-restore trial ${i + 1}/${trials}`);
      results.push(await pitrTrial({ writeSeconds: 3, log }));
    }
    const rowsMissing = Math.max(...results.map((r) => r.rowsMissing));
    return [{
      system: 'patroni',
      profile: 'archive',
      scenario: 'pitr-restore',
      synchronous: false,
      trials,
      ackedWritesLost: rowsMissing,
      rowsMissing,
      rowsExtra: Math.max(...results.map((r) => r.rowsExtra)),
      restoreSeconds: roundSeconds(median(results.map((r) => r.restoreSeconds * 1000))),
      reruns: [],
      topology: 'one PostgreSQL primary on 127.0.0.1 archiving WAL with archive_command to a local directory; a pg_basebackup restored '
        + 'beside it with restore_command and recovery_target_time (promote)',
      versions: { postgresql: results[0].postgresVersion, pg_basebackup: results[0].basebackupVersion },
      details: {
        restoreSecondsPerTrial: results.map((r) => Math.round(r.restoreSeconds * 100) / 100),
        rowsBeforeTarget: results.map((r) => r.rowsBefore),
        rowsAfterTarget: results.map((r) => r.rowsAfter),
        segmentsReplayed: results.map((r) => r.segmentsReplayed),
        baseBackupTimeReadOnRestoredCopy: results.every((r) => r.baseBackupRecorded),
      },
    }];
  },
};
