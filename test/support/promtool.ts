/**
 * `promtool` (Debian's prometheus package) for the rule tests: `check rules` on every rendered
 * rule group, `test rules` on unit tests that prove a threshold fires. Missing, the tests are
 * skipped on a workstation and fail under CI, as the drills do (scripts/ensure-servers.sh installs it).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { serversAvailable } from '../e2e/support/processes';

/** Whether promtool is here; throws under CI when it is not. */
export function promtoolAvailable(): boolean {
  return serversAvailable('the alert rule tests', ['promtool']);
}

/** Runs promtool with files written to a fresh folder; returns its exit status and output. */
export function promtool(args: (dir: string) => string[], files: Readonly<Record<string, string>>): { status: number; output: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hadr-promtool-'));
  try {
    for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), content);
    const result = spawnSync('promtool', args(dir), { encoding: 'utf8', cwd: dir, timeout: 60_000 });
    return { status: result.status ?? -1, output: `${result.stdout}${result.stderr}` };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
