import { SizingPreset } from '../../../lib/core/ops/sizing';

describe('SizingPreset', () => {
  it('follows the capacity table: API pods and workers at the minimum, PostgreSQL and Redis by profile', () => {
    const minimums = ['small', 'medium', 'large', 'enterprise'].map((name) => {
      const v = SizingPreset.named(name).values;
      return [name, v.serving.min, v.worker.min, v.postgres.memoryMebibytes / 1024, Math.round((v.redis.memoryMebibytes * 0.7) / 1024)];
    });
    expect(minimums).toEqual([['small', 2, 2, 4, 2], ['medium', 3, 5, 16, 5], ['large', 5, 10, 32, 10], ['enterprise', 10, 20, 64, 20]]);
  });

  it('overrides any number and keeps the rest', () => {
    const preset = SizingPreset.large({ worker: { max: 100 }, postgres: { memoryMebibytes: 48 * 1024 } });
    expect(preset.values.worker).toMatchObject({ min: 10, max: 100 });
    expect(preset.values.postgres).toEqual({ cpu: { request: '4', limit: '4' }, memoryMebibytes: 48 * 1024 });
    expect(SizingPreset.large().values.worker.max).toBe(40);
  });

  it('cannot be changed once made', () => {
    const preset = SizingPreset.small();
    expect(() => { (preset.values.serving as any).min = 1; }).toThrow();
  });
});
