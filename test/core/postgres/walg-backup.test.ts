import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { renderWalgBackupLoop } from '../../../lib/core/postgres/walg-backup';

/**
 * Runs the real loop under sh with stand-ins for sleep, curl, wal-g and psql: `roles` is what
 * `GET /primary` answers on each tick, `lastRecorded` what the database holds as the last base
 * backup's epoch second ('' when psql cannot tell); the run ends after the last tick.
 * @returns the wal-g invocations, one per line
 */
function runLoop(roles: readonly ('primary' | 'other')[], lastRecorded = ''): string[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hadr-walg-loop-'));
  try {
    const bin = path.join(dir, 'bin');
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(dir, 'roles'), `${roles.join('\n')}\n`);
    const stub = (name: string, body: string) => fs.writeFileSync(path.join(bin, name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
    // Each 60 s tick moves to the next answer; past the last one the loop is stopped.
    stub('sleep', `[ "$1" = 60 ] || exit 0
n=$(cat ${dir}/tick 2>/dev/null || echo 0); n=$((n + 1)); echo $n > ${dir}/tick
[ "$n" -gt ${roles.length} ] && kill -TERM $PPID; exit 0`);
    stub('curl', `n=$(cat ${dir}/tick); [ "$(sed -n "\${n}p" ${dir}/roles)" = primary ]`);
    stub('wal-g', `echo "$1" >> ${dir}/walg.log`);
    stub('touch', 'exit 0');
    // The success is recorded in the database, where the exporter reads it for the backup-age alert.
    stub('psql', `case "$*" in *"ALTER DATABASE postgres SET hadr.last_base_backup = '"[0-9]*"'"*) echo record >> ${dir}/walg.log;;
  *"SELECT"*"hadr.last_base_backup"*) echo '${lastRecorded}';; esac`);
    const script = renderWalgBackupLoop({ path: 'shop/db', dataDir: '/data', restApiPort: 8008, intervalSeconds: 3600, retainFullBackups: 7 });
    spawnSync('sh', ['-c', script], { env: { PATH: `${bin}:/usr/bin:/bin` }, timeout: 20_000 });
    return fs.existsSync(path.join(dir, 'walg.log')) ? fs.readFileSync(path.join(dir, 'walg.log'), 'utf8').trim().split('\n') : [];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('renderWalgBackupLoop, run under sh', () => {
  it('takes a base backup as soon as a member becomes primary, records its time, and applies retention after it', () => {
    expect(runLoop(['other', 'other', 'primary', 'primary', 'primary'])).toEqual(['backup-push', 'record', 'delete']);
  });

  it('takes one again after a failover away and back', () => {
    expect(runLoop(['other', 'primary', 'other', 'primary'])).toEqual(['backup-push', 'record', 'delete', 'backup-push', 'record', 'delete']);
  });

  it('does not back up when a restarted primary finds itself primary, only once the interval has passed', () => {
    expect(runLoop(Array(59).fill('primary'))).toEqual([]);
    expect(runLoop(Array(60).fill('primary'))).toEqual(['backup-push', 'record', 'delete']);
  });

  it('takes one at once on a new cluster, where no base backup was ever recorded', () => {
    expect(runLoop(['primary', 'primary'], '0')).toEqual(['backup-push', 'record', 'delete']);
  });

  it('keeps the schedule across a restart: the interval counts from the recorded backup', () => {
    const halfAnHourAgo = String(Math.floor(Date.now() / 1000) - 1800);
    expect(runLoop(Array(25).fill('primary'), halfAnHourAgo)).toEqual([]);
    expect(runLoop(Array(35).fill('primary'), halfAnHourAgo)).toEqual(['backup-push', 'record', 'delete']);
  });

  it('never backs up from a member that is not primary, a standby leader included', () => {
    expect(runLoop(Array(70).fill('other'))).toEqual([]);
  });
});
