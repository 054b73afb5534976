import { Duration } from 'cdk8s';
import { replicasRequired } from '../../../lib/core/redis/redis-timing';
import { hadrErrorMessage } from '../../support/errors';
import { Durability, SentinelTiming } from 'hadr-constructs';

describe('SentinelTiming', () => {
  it('calls the primary down after 5 s by default and after 1 s when fast', () => {
    expect(SentinelTiming.default()).toMatchObject({ name: 'default', downAfterMs: 5_000, failoverTimeoutMs: 60_000, parallelSyncs: 1 });
    expect(SentinelTiming.fast()).toMatchObject({ name: 'fast', downAfterMs: 1_000, failoverTimeoutMs: 10_000, parallelSyncs: 1 });
  });

  it('carries measured failovers where the fast profile finds the new primary sooner, losing no acknowledged write', () => {
    const slow = SentinelTiming.default().measured!;
    const fast = SentinelTiming.fast().measured!;
    expect(slow.trials).toBeGreaterThanOrEqual(3);
    expect(fast.rtoMedianSeconds).toBeGreaterThan(1);
    expect(fast.rtoMedianSeconds).toBeLessThan(slow.rtoMedianSeconds);
    expect(slow.rtoMedianSeconds).toBeGreaterThan(5);
    expect(slow.rtoMaxSeconds).toBeGreaterThanOrEqual(slow.rtoMedianSeconds);
    expect([slow.ackedWritesLost, fast.ackedWritesLost]).toEqual([0, 0]);
  });

  it('takes cdk8s durations for a custom profile', () => {
    const timing = SentinelTiming.custom({ downAfter: Duration.seconds(10), failoverTimeout: Duration.minutes(2), parallelSyncs: 2 });
    expect(timing).toEqual({
      name: 'custom', downAfterMs: 10_000, failoverTimeoutMs: 120_000, parallelSyncs: 2,
      fence: { pollIntervalMs: 100, leaseMs: 500, askTimeoutMs: 250 }, fenceBoundSeconds: 0.7,
    });
  });

  it('bounds the fence below down-after, so a cut-off primary refuses writes before another can be promoted', () => {
    for (const profile of [SentinelTiming.default(), SentinelTiming.fast()]) {
      expect(profile.fenceBoundSeconds * 1000).toBe(profile.fence.leaseMs + profile.fence.pollIntervalMs + 100);
      expect(profile.fenceBoundSeconds * 1000).toBeLessThan(profile.downAfterMs);
      expect(profile.fence.leaseMs).toBeGreaterThanOrEqual(2 * profile.fence.pollIntervalMs);
    }
    expect(SentinelTiming.default().fenceBoundSeconds).toBe(0.7);
    expect(SentinelTiming.fast().fenceBoundSeconds).toBe(0.45);
  });

  it('takes the fence timing of a custom profile, and refuses a lease that outlasts down-after', () => {
    const timing = SentinelTiming.custom({
      downAfter: Duration.seconds(2), failoverTimeout: Duration.seconds(20),
      fence: { pollInterval: Duration.millis(200), lease: Duration.millis(1000), askTimeout: Duration.millis(300) },
    });
    expect(timing).toMatchObject({ fence: { pollIntervalMs: 200, leaseMs: 1000, askTimeoutMs: 300 }, fenceBoundSeconds: 1.3 });
    expect(hadrErrorMessage(() => SentinelTiming.custom({
      downAfter: Duration.seconds(1), failoverTimeout: Duration.seconds(10), fence: { lease: Duration.millis(800) },
    }))).toBe('SentinelTiming.custom: fence.lease gives a fence bound (lease + poll interval + 100 ms = 1000 ms) that is not below downAfter (1000 ms), '
      + 'so the Sentinels could promote a new primary while the cut-off one still takes writes (got 800 millis); use a lease of at most 799 ms or a longer downAfter');
    expect(hadrErrorMessage(() => SentinelTiming.custom({
      downAfter: Duration.seconds(5), failoverTimeout: Duration.seconds(60), fence: { pollInterval: Duration.millis(300) },
    }))).toBe('SentinelTiming.custom: fence.lease must cover at least two poll intervals (600 ms), or one late answer fences a healthy primary (got 500 millis); '
      + 'use a lease of at least 600 ms or poll more often');
    expect(hadrErrorMessage(() => SentinelTiming.custom({
      downAfter: Duration.seconds(5), failoverTimeout: Duration.seconds(60), fence: { askTimeout: Duration.millis(600) },
    }))).toBe('SentinelTiming.custom: fence.askTimeout must not be longer than the lease (500 ms) (got 600 millis); use at most 500 ms');
  });

  it('refuses a down-after longer than the failover timeout', () => {
    expect(hadrErrorMessage(() => SentinelTiming.custom({ downAfter: Duration.seconds(30), failoverTimeout: Duration.seconds(10) }))).toBe(
      'SentinelTiming.custom: downAfter must not be longer than failoverTimeout (got 30 seconds); '
      + 'use a downAfter of at most 10 seconds or a failoverTimeout of at least 30 seconds');
  });

  it('refuses zero parallel syncs', () => {
    const custom = () => SentinelTiming.custom({ downAfter: Duration.seconds(5), failoverTimeout: Duration.seconds(60), parallelSyncs: 0 });
    expect(hadrErrorMessage(custom)).toBe(
      'SentinelTiming.custom: parallelSyncs must be a whole number of at least 1 (got 0); use 1');
  });
});

describe('Durability', () => {
  it('async needs no replica and says a failover loses what the replicas had not received', () => {
    const durability = Durability.async();
    expect(durability).toMatchObject({ kind: 'async', minReplicasToWrite: 0, waitReplicas: 0 });
    expect(replicasRequired(durability)).toBe(0);
    expect(durability.guarantee).toMatch(/^none beyond the primary/);
  });

  it('minReplicas renders Redis seconds and says the loss is bounded, not zero', () => {
    const durability = Durability.minReplicas(1, Duration.seconds(2));
    expect(durability).toMatchObject({ kind: 'min-replicas', minReplicasToWrite: 1, minReplicasMaxLagSeconds: 2, waitReplicas: 0 });
    expect(replicasRequired(durability)).toBe(1);
    expect(durability.guarantee).toMatch(/^bounded, not zero: .* up to the first 4 s of the stall's writes are lost/);
  });

  it('waitForReplicas leaves the server asynchronous and makes the client WAIT 1 s by default', () => {
    const durability = Durability.waitForReplicas(1);
    expect(durability).toMatchObject({ kind: 'wait', minReplicasToWrite: 0, waitReplicas: 1, waitTimeoutMs: 1_000 });
    expect(replicasRequired(durability)).toBe(1);
    expect(Durability.waitForReplicas(2, Duration.millis(250)).waitTimeoutMs).toBe(250);
    expect(durability.guarantee).toMatch(/survives the loss of the primary \(not the loss of those replicas too, nor a partition that leaves them with the old primary unless every replica confirms\)/);
  });

  it('backs each guarantee with the drill: async loses most, min-replicas less, WAIT-confirmed writes none', () => {
    const [async, minReplicas, wait] = [Durability.async(), Durability.minReplicas(1, Duration.seconds(2)), Durability.waitForReplicas(1)];
    for (const { measured, guarantee } of [async, minReplicas, wait]) {
      expect(measured.trials).toBeGreaterThanOrEqual(3);
      expect(measured.ackedWrites).toBeGreaterThan(0);
      expect(guarantee).toContain(`${measured.ackedWritesLost} of ${measured.ackedWrites}`);
    }
    expect(async.measured.ackedWritesLost).toBeGreaterThan(minReplicas.measured.ackedWritesLost);
    expect(minReplicas.measured.ackedWritesLost).toBeGreaterThan(0);
    expect(wait.measured.ackedWritesLost).toBe(0);
  });

  it('refuses a max lag Redis cannot express in whole seconds', () => {
    expect(hadrErrorMessage(() => Durability.minReplicas(1, Duration.millis(1500)))).toBe(
      'Durability.minReplicas: maxLag must be a whole number of seconds, at least 1 (Redis counts it in seconds) (got 1 second 500 millis); use e.g. Duration.seconds(2)');
  });

  it('refuses to require no replica', () => {
    expect(hadrErrorMessage(() => Durability.minReplicas(0, Duration.seconds(2)))).toBe(
      'Durability.minReplicas: replicas must be a whole number, at least 1 (got 0); use 1');
    expect(hadrErrorMessage(() => Durability.waitForReplicas(0))).toBe(
      'Durability.waitForReplicas: replicas must be a whole number, at least 1 (got 0); use 1');
  });

  it('refuses a WAIT timeout of 0, which would block forever', () => {
    expect(hadrErrorMessage(() => Durability.waitForReplicas(1, Duration.millis(0)))).toBe(
      'Durability.waitForReplicas: timeout must be a positive whole number of milliseconds (WAIT 0 blocks forever) (got 0 seconds); use e.g. Duration.seconds(1)');
  });
});
