import { Duration } from 'cdk8s';
import { checkCron, goDuration, isCron } from '../../../lib/core/ops/schedule';

describe('cron and Go durations for CronJob and Velero', () => {
  it('accepts five-field cron with ranges, lists and steps, and the macros', () => {
    for (const ok of ['0 3 * * *', '*/15 * * * *', '0 0-6/2 1,15 * 1-5', '@daily', '59 23 31 12 7']) expect(isCron(ok)).toBe(true);
  });

  it('refuses what the controllers would not parse', () => {
    for (const bad of ['every night', '0 25 * * *', '60 * * * *', '0 3 * *', '0 3 * * * *', '*/0 * * * *', '5-1 * * * *', '', 3]) expect(isCron(bad)).toBe(false);
    expect(() => checkCron('shop', 'schedule', '0 3 * *')).toThrow('shop: schedule must be a cron expression of five fields');
  });

  it('writes retention as Go parses it', () => {
    expect(goDuration(Duration.days(30))).toBe('720h0m0s');
    expect(goDuration(Duration.minutes(90))).toBe('1h30m0s');
  });
});
