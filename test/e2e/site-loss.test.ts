/**
 * The DR drill with real servers, one trial: site A lost, the generated runbook executed, RTO
 * within the budget, the lost writes within the RPO budget; then A returns as a standby and the
 * roles switch back with no acknowledged write lost.
 */
import { postgresBinDir } from './patroni-drill';
import { failbackTrial, SITE_DRILL_BINARIES, siteLossTrial, TwoSiteLab } from './site-loss-drill';
import { serversAvailable } from './support/processes';

const available = serversAvailable('the site-loss drill', SITE_DRILL_BINARIES, [postgresBinDir()]);

(available ? describe : describe.skip)('two sites, A active and B a standby cluster, behind a switch with B as backup', () => {
  let lab: TwoSiteLab;

  beforeAll(async () => {
    lab = new TwoSiteLab({ log: (line) => process.stdout.write(`${line}\n`) });
    await lab.up();
  }, 240_000);

  afterAll(async () => {
    await lab?.down();
  }, 60_000);

  it('loses site A and, by the runbook, serves from B within the budget, losing only writes inside the RPO budget', async () => {
    const result = await siteLossTrial(lab);
    const budget = result.budget.scenarios.find((s) => s.scenario === 'site loss')!;
    process.stdout.write(`site loss: RTO ${(result.rtoMs / 1000).toFixed(2)} s (budget ${budget.rtoSeconds} s), `
      + `${result.lost} of ${result.acked} acknowledged writes lost, oldest ${(result.lostWindowMs / 1000).toFixed(2)} s before the loss (budget ${budget.rpoSeconds} s)\n`);
    expect(result.acked).toBeGreaterThan(0);
    expect(result.steps.map((s) => s.title)).toContain('Promote the database on dc2');
    expect(result.rtoMs / 1000).toBeLessThanOrEqual(budget.rtoSeconds);
    expect(result.lostWindowMs / 1000).toBeLessThanOrEqual(budget.rpoSeconds!);
  }, 300_000);

  it('brings A back as a standby of B and switches back with no acknowledged write lost', async () => {
    const result = await failbackTrial(lab);
    process.stdout.write(`failback: write gap ${(result.writeGapMs / 1000).toFixed(2)} s, ${result.lost} of ${result.acked} lost, ${result.reinitialized} re-cloned; the gap ran from ${result.gapFrom} to ${result.gapTo}, beginning during "${result.gapDuring}"\n`);
    expect(result.acked).toBeGreaterThan(0);
    expect(result.lost).toBe(0);
  }, 400_000);
});
