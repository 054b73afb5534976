/**
 * Point-in-time recovery with a real PostgreSQL: one short trial of the drill `npm run drill`
 * measures (test/e2e/pitr-restore-drill.ts). Asserts what must hold; the restore time is a
 * figure for bench/drills.json, never asserted here.
 */
import { postgresBinDir } from './patroni-drill';
import { PITR_DRILL_BINARIES, pitrTrial } from './pitr-restore-drill';
import { serversAvailable } from './support/processes';

const available = serversAvailable('the point-in-time recovery drill', PITR_DRILL_BINARIES, [postgresBinDir()]);

(available ? describe : describe.skip)('a base backup and a WAL archive restored to a point in time', () => {
  it('holds every row written before the target and none written after it', async () => {
    const result = await pitrTrial({ writeSeconds: 1 });

    expect(result.rowsBefore).toBeGreaterThan(10);
    expect(result.rowsAfter).toBeGreaterThan(10);
    expect(result.rowsMissing).toBe(0);
    expect(result.rowsExtra).toBe(0);
    expect(result.segmentsReplayed).toBeGreaterThan(0);
    // The backup-age alert reads the time the backup loop records: it survives the restore.
    expect(result.baseBackupRecorded).toBe(true);
  }, 60_000);
});
