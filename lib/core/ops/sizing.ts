/**
 * Named sizing profiles that set replicas, autoscaling bounds and resources of the services,
 * PostgreSQL and Redis together, after the capacity table of the backup service's HA guide:
 *
 * | profile | API pods | workers | PostgreSQL | Redis |
 * | --- | --- | --- | --- | --- |
 * | small (5 projects) | 2 | 2 | db.t3.medium (2 vCPU, 4 GiB) | 2 GB |
 * | medium (25 projects) | 3 | 5 | db.r5.large (2 vCPU, 16 GiB) | 5 GB |
 * | large (100 projects) | 5+ | 10+ | db.r5.xlarge (4 vCPU, 32 GiB) | 10 GB |
 * | enterprise (500+) | 10+ | 20+ | db.r5.2xlarge (8 vCPU, 64 GiB) | 20 GB |
 *
 * The table's counts are the autoscalers' minimums; the maximum is four times that for workers
 * (a queue drains in a quarter of the time) and twice for serving pods. Every number can be
 * overridden, and a service's own `autoscale` or `resources` always wins over the profile.
 */
import { check } from '../errors';
import { deepFreeze } from '../private/deep-freeze';

/** Replicas and resources of one kind of service. */
export interface ServiceSizing {
  /** Fewest replicas (the autoscaler's minimum). */
  readonly min: number;
  /** Most replicas (the autoscaler's maximum). */
  readonly max: number;
  /** CPU request and limit, as Kubernetes quantities (`500m`, `2`). */
  readonly cpu: { readonly request: string; readonly limit: string };
  /** Memory request and limit in mebibytes. */
  readonly memoryMebibytes: number;
}

/** Resources of a database server. */
export interface DataSizing {
  readonly cpu: { readonly request: string; readonly limit: string };
  readonly memoryMebibytes: number;
}

/** Every number of a profile. */
export interface SizingValues {
  /** Services that serve requests (any component but `worker`). */
  readonly serving: ServiceSizing;
  /** Services of component `worker`: queue consumers. */
  readonly worker: ServiceSizing;
  /** Each PostgreSQL member. */
  readonly postgres: DataSizing;
  /** Each Redis server: the memory of the data set, plus room for the fork of a rewrite. */
  readonly redis: DataSizing;
}

/** Overrides of a profile: any number, at any depth. */
export interface SizingOverrides {
  readonly serving?: Partial<ServiceSizing>;
  readonly worker?: Partial<ServiceSizing>;
  readonly postgres?: Partial<DataSizing>;
  readonly redis?: Partial<DataSizing>;
}

const GIB = 1024;
/** Redis keeps its data in memory; the limit leaves 30 % for the fork that rewrites the append-only file. */
const redisFor = (dataGib: number, cpu: string): DataSizing => ({
  cpu: { request: cpu, limit: cpu }, memoryMebibytes: Math.ceil((dataGib * GIB) / 0.7),
});

const PROFILES = deepFreeze({
  small: {
    serving: { min: 2, max: 4, cpu: { request: '250m', limit: '1' }, memoryMebibytes: 512 },
    worker: { min: 2, max: 8, cpu: { request: '250m', limit: '1' }, memoryMebibytes: 512 },
    postgres: { cpu: { request: '1', limit: '2' }, memoryMebibytes: 4 * GIB },
    redis: redisFor(2, '500m'),
  },
  medium: {
    serving: { min: 3, max: 6, cpu: { request: '500m', limit: '2' }, memoryMebibytes: 1024 },
    worker: { min: 5, max: 20, cpu: { request: '500m', limit: '2' }, memoryMebibytes: 1024 },
    postgres: { cpu: { request: '2', limit: '2' }, memoryMebibytes: 16 * GIB },
    redis: redisFor(5, '1'),
  },
  large: {
    serving: { min: 5, max: 10, cpu: { request: '1', limit: '4' }, memoryMebibytes: 1024 },
    worker: { min: 10, max: 40, cpu: { request: '1', limit: '4' }, memoryMebibytes: 2048 },
    postgres: { cpu: { request: '4', limit: '4' }, memoryMebibytes: 32 * GIB },
    redis: redisFor(10, '1'),
  },
  enterprise: {
    serving: { min: 10, max: 20, cpu: { request: '1', limit: '4' }, memoryMebibytes: 4096 },
    worker: { min: 20, max: 80, cpu: { request: '1', limit: '4' }, memoryMebibytes: 4096 },
    postgres: { cpu: { request: '8', limit: '8' }, memoryMebibytes: 64 * GIB },
    redis: redisFor(20, '2'),
  },
} satisfies Record<string, SizingValues>);

/** Names of the profiles. */
export type SizingProfileName = keyof typeof PROFILES;

/** A sizing profile: pick one by name, override any number. */
export class SizingPreset {
  /** 5 projects: 2 API pods, 2 workers, PostgreSQL of 2 vCPU and 4 GiB, Redis of 2 GB. */
  public static small(overrides?: SizingOverrides): SizingPreset {
    return SizingPreset.named('small', overrides);
  }
  /** 25 projects: 3 API pods, 5 workers, PostgreSQL of 2 vCPU and 16 GiB, Redis of 5 GB. */
  public static medium(overrides?: SizingOverrides): SizingPreset {
    return SizingPreset.named('medium', overrides);
  }
  /** 100 projects: 5 API pods, 10 workers, PostgreSQL of 4 vCPU and 32 GiB, Redis of 10 GB. */
  public static large(overrides?: SizingOverrides): SizingPreset {
    return SizingPreset.named('large', overrides);
  }
  /** 500 projects and more: 10 API pods, 20 workers, PostgreSQL of 8 vCPU and 64 GiB, Redis of 20 GB. */
  public static enterprise(overrides?: SizingOverrides): SizingPreset {
    return SizingPreset.named('enterprise', overrides);
  }
  /**
   * A profile by name (from configuration), with overrides.
   *
   * @example
   * SizingPreset.named('medium', { worker: { max: 30 } }).values.worker; // { min: 5, max: 30, ... }
   */
  public static named(name: string, overrides: SizingOverrides = {}): SizingPreset {
    check(typeof name === 'string' && Object.prototype.hasOwnProperty.call(PROFILES, name), {
      path: 'SizingPreset', field: 'name', value: name,
      problem: 'is not a sizing profile', fix: `use one of ${Object.keys(PROFILES).map((n) => JSON.stringify(n)).join(', ')}`,
    });
    const base: SizingValues = PROFILES[name as SizingProfileName];
    const values: SizingValues = {
      serving: { ...base.serving, ...overrides.serving },
      worker: { ...base.worker, ...overrides.worker },
      postgres: { ...base.postgres, ...overrides.postgres },
      redis: { ...base.redis, ...overrides.redis },
    };
    for (const kind of ['serving', 'worker'] as const) {
      const v = values[kind];
      check(Number.isInteger(v.min) && v.min >= 2 && Number.isInteger(v.max) && v.max > v.min, {
        path: `SizingPreset.${name}`, field: `${kind}.min/max`, value: `${v.min}/${v.max}`,
        problem: 'must be whole numbers with 2 <= min < max: one replica alone is no high availability',
        fix: `use e.g. { min: ${Math.max(2, v.min)}, max: ${Math.max(2, v.min) * 2} }`,
      });
    }
    for (const kind of ['serving', 'worker', 'postgres', 'redis'] as const) {
      const memory = values[kind].memoryMebibytes;
      check(Number.isInteger(memory) && memory >= 64, {
        path: `SizingPreset.${name}`, field: `${kind}.memoryMebibytes`, value: memory, problem: 'must be a whole number of at least 64', fix: 'use e.g. 1024',
      });
    }
    return new SizingPreset(name, deepFreeze(values));
  }

  private constructor(
    /** The profile's name. */
    public readonly name: string,
    /** Every number of the profile, overrides applied. */
    public readonly values: SizingValues,
  ) {}
}
