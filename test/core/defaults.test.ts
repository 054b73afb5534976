import { Testing } from 'cdk8s';
import * as defaults from '../../lib/core/defaults';
import { PATRONI_PASSWORD_ENV } from '../../lib/core/postgres/patroni-config';
import { PATRONI_TIMING_FLOORS } from '../../lib/core/postgres/patroni-timing';
import { BACKUP_LOOP_ALIVE } from '../../lib/core/postgres/walg-backup';
import { LABEL } from '../../lib/core/service/labels';
import { BASELINE_PLACEMENT, MULTI_REPLICA_PLACEMENT } from '../../lib/core/service/placement';
import { findObject, synthValid } from '../support/schema';
import { Baseline, Durability, PatroniTiming, SentinelTiming } from 'hadr-constructs';

const { SERVICE_DEFAULTS } = defaults;

/** Paths of every object or array reachable from `value` that is not frozen. */
function unfrozen(value: unknown, at = ''): string[] {
  if (value === null || typeof value !== 'object') return [];
  const own = Object.isFrozen(value) ? [] : [at || '(root)'];
  return own.concat(Object.entries(value).flatMap(([key, child]) => unfrozen(child, `${at}.${key}`)));
}

describe('shared defaults', () => {
  it.each([
    ...Object.entries(defaults),
    ['BASELINE_PLACEMENT', BASELINE_PLACEMENT],
    ['MULTI_REPLICA_PLACEMENT', MULTI_REPLICA_PLACEMENT],
    ['LABEL', LABEL],
    ['PATRONI_TIMING_FLOORS', PATRONI_TIMING_FLOORS],
    ['PATRONI_PASSWORD_ENV', PATRONI_PASSWORD_ENV],
    ['BACKUP_LOOP_ALIVE', BACKUP_LOOP_ALIVE],
  ])('%s is frozen all the way down', (_name, value) => {
    expect(unfrozen(value)).toEqual([]);
  });

  it('refuses a push onto SERVICE_DEFAULTS.writablePaths, and later constructs keep /tmp alone', () => {
    expect(() => (SERVICE_DEFAULTS.writablePaths as string[]).push('/var/cache')).toThrow(TypeError);
    expect(() => { (SERVICE_DEFAULTS as { runAsUser: number }).runAsUser = 0; }).toThrow(TypeError);

    const chart = Testing.chart();
    new Baseline(chart, 'api', { service: { name: 'api', image: 'ghcr.io/acme/api:1.4.2', port: 4000 } });
    const container = findObject(synthValid(chart), 'Deployment').spec.template.spec.containers[0];
    expect(container.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
    expect(SERVICE_DEFAULTS.writablePaths).toEqual(['/tmp']);
  });

  it.each([
    ['PatroniTiming.default()', () => PatroniTiming.default()],
    ['PatroniTiming.fast()', () => PatroniTiming.fast()],
    ['PatroniTiming.responsive()', () => PatroniTiming.responsive()],
    ['SentinelTiming.default()', () => SentinelTiming.default()],
    ['Durability.async()', () => Durability.async()],
    ['Durability.waitForReplicas(1)', () => Durability.waitForReplicas(1)],
  ])('%s returns a fresh object each call: changing one changes no other', (_name, make) => {
    const first = make() as unknown as Record<string, any>;
    const second = make() as unknown as Record<string, any>;
    expect(first).toEqual(second);
    for (const [key, value] of Object.entries(first)) {
      if (value !== null && typeof value === 'object') expect(second[key]).not.toBe(value);
    }
    first.name = 'changed';
    if (first.haproxyCheck) first.haproxyCheck.fall = 99;
    if (first.measured) first.measured.trials = 99;
    expect(make()).toEqual(second);
  });
});
