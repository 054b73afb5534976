import { computeBudget } from '../../../lib/core/dr/budget';
import { fenceItem, patroniPromotionItem } from '../../../lib/core/dr/budget-items';
import { DrRunbookSpec, renderRunbook, RunbookTarget } from '../../../lib/core/dr/runbook';
import { PatroniTiming } from '../../../lib/core/postgres/patroni-timing';

/** A target that names each action, so the steps' order and arguments read plainly. */
const target: RunbookTarget = {
  patronictl: (site, args) => `patronictl@${site} ${args}`,
  sql: (site, statement) => `sql@${site} ${statement}`,
  setStandbyInDcs: (site, source) => `dcs@${site} standby-of ${source}`,
  stopDatabase: (site) => `stop@${site}`,
  startDatabase: (site) => `start@${site}`,
  reinitDiverged: (site) => `reinit@${site}`,
  fence: (site) => `fence@${site}`,
  unfence: (site) => `unfence@${site}`,
  activate: (site) => `activate ${site}`,
  checkServices: (site) => `services@${site}`,
  checkTraffic: (site) => `traffic@${site}`,
};

const budget = computeBudget({
  targets: {},
  inSite: [],
  siteLoss: {
    decisionSeconds: 300,
    promotions: [fenceItem(60), patroniPromotionItem('db', PatroniTiming.default())],
    activation: [{ step: 'GitOps applies the flipped roles', seconds: 60, basis: 'declared' }],
    traffic: { what: 'k8gb', automatic: true, switchSeconds: 40, cacheSeconds: 30, basis: 'k8gb' },
  },
});

const spec = (sites: string[]): DrRunbookSpec => ({
  topology: 'shop', namespace: 'shop', activeSite: sites[0],
  sites: sites.map((name) => ({ name, clusters: [{ name, folder: `${name}/${name}` }] })),
  postgres: {
    scope: 'db', members: 3, synchronous: true, archived: false,
    sites: Object.fromEntries(sites.map((s) => [s, { cluster: s, primaryHost: `db.${s}.example.com`, primaryPort: 5432, slot: `standby_${s}` }])),
  },
  stoppedServices: ['worker'], services: [{ name: 'api', healthPath: '/health' }],
  traffic: { kind: 'k8gb', host: 'shop.example.com', service: 'api' },
  gitOps: { tool: 'argo-cd', repoURL: 'https://git.example.com/shop.git', branch: 'main' },
  objectStorage: [], sharedSecrets: ['db-credentials'], secretsSynced: false, budget,
});

describe('renderRunbook', () => {
  const three = renderRunbook(spec(['dc1', 'dc2', 'dc3']), target);

  it('fails over by fencing, promoting, re-pointing the third site, then flipping the roles', () => {
    expect(three.failover.map((s) => s.command)).toEqual([
      expect.stringMatching(/^# the site alert fired/),
      'fence@dc1',
      'patronictl@dc2 list',
      'patronictl@dc2 edit-config --force --set standby_cluster=null',
      'patronictl@dc2 edit-config --force --set synchronous_mode=true',
      'patronictl@dc2 edit-config --force --set slots.standby_dc3.type=physical && patronictl@dc3 edit-config --force --set synchronous_mode=false '
        + '--set standby_cluster.host=db.dc2.example.com --set standby_cluster.port=5432 --set standby_cluster.primary_slot_name=standby_dc3',
      'activate dc2',
      'traffic@dc2',
    ]);
  });

  it('gives each step the budget covers its share: decision, fencing, promotion, activation, traffic', () => {
    const seconds = Object.fromEntries(three.failover.filter((s) => s.expectedDuration)
      .map((s) => [s.title, s.expectedDuration!.toMilliseconds() / 1000]));
    expect(seconds).toEqual({
      'Decide that dc1 is lost': 300, 'Fence dc1': 60, 'Promote the database on dc2': 12,
      'Make dc2 the active site in the topology': 60, 'Check clients reach dc2': 70,
    });
  });

  it('fails back by marking the old site a standby in its DCS before it starts, and switches with the new site read-only first', () => {
    const commands = three.failback.map((s) => s.command);
    const at = (command: string) => commands.findIndex((c) => c.includes(command));
    expect(at('dcs@dc1 standby-of dc2')).toBeLessThan(at('start@dc1'));
    expect(commands[at('dcs@dc1')].indexOf('stop@dc1')).toBe(0);
    expect(at('start@dc1')).toBeLessThan(at('reinit@dc1'));
    expect(at('default_transaction_read_only=on')).toBeLessThan(at('patronictl@dc1 edit-config --force --set standby_cluster=null'));
    expect(at('patronictl@dc1 edit-config --force --set standby_cluster=null')).toBeLessThan(at('--set standby_cluster.host=db.dc1.example.com'));
    expect(at('default_transaction_read_only=null')).toBeGreaterThan(at('--set standby_cluster.host=db.dc1.example.com'));
    expect(commands.at(-2)).toBe('activate dc1');
  });

  it('writes the steps with their commands, why and how to verify, the budget table and the preconditions', () => {
    expect(three.markdown).toContain('## Failover: dc1 is lost, dc2 takes over');
    expect(three.markdown).toContain('4. **Promote the database on dc2** (budget: 12 s)');
    expect(three.markdown).toContain('   Why: Patroni promotes the standby leader once standby_cluster leaves the dynamic configuration');
    expect(three.markdown).toContain('| Decide the site is lost | 300 s (5 min) |');
    expect(three.markdown).toContain('`db-credentials`. Nothing syncs them: check them before every drill.');
    expect(three.markdown).toContain('These run at 0 replicas until it is activated: `worker`'.replace('These', 'On a standby site these'));
  });

  it('skips the re-pointing with two sites, and the database steps without a database', () => {
    expect(renderRunbook(spec(['dc1', 'dc2']), target).failover.map((s) => s.title)).not.toContainEqual(expect.stringMatching(/re-point/));
    const noDb = renderRunbook({ ...spec(['dc1', 'dc2']), postgres: undefined }, target);
    expect(noDb.failover.map((s) => s.command)).toEqual([expect.stringMatching(/^#/), 'fence@dc1', 'activate dc2', 'traffic@dc2']);
  });
});
