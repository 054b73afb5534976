import { check } from '../errors';

/**
 * How many pods a voluntary disruption (a node drain, an upgrade) may take down at once.
 *
 * @see https://kubernetes.io/docs/tasks/run-application/configure-pdb/
 */
export class DisruptionBudget {
  /**
   * At most `pods` unavailable at once: a whole number or a percentage such as `'25%'`
   * (Kubernetes rounds a percentage up). Scales with the replica count, so a budget that lets a
   * drain proceed at 3 replicas still does at 30: the safe choice.
   */
  public static maxUnavailable(pods: number | string): DisruptionBudget {
    return new DisruptionBudget('maxUnavailable', pods);
  }

  /**
   * At least `pods` available at once: a whole number or a percentage (rounded up). Blocks
   * every drain when it reaches the replica count; prefer {@link DisruptionBudget.maxUnavailable}.
   */
  public static minAvailable(pods: number | string): DisruptionBudget {
    return new DisruptionBudget('minAvailable', pods);
  }

  private constructor(
    /** Which PodDisruptionBudget field is set. */
    public readonly field: 'maxUnavailable' | 'minAvailable',
    /** Its value, a whole number or a percentage string. */
    public readonly value: number | string,
  ) {}
}

/**
 * Pods a drain may evict at once when `replicas` pods are healthy, as the disruption controller
 * computes it.
 *
 * @example
 * allowedEvictions(DisruptionBudget.maxUnavailable(1), 3);     // 1
 * allowedEvictions(DisruptionBudget.maxUnavailable('25%'), 3); // 1 (0.75 rounded up)
 * allowedEvictions(DisruptionBudget.minAvailable(2), 3);       // 1
 * allowedEvictions(DisruptionBudget.minAvailable('100%'), 3);  // 0: every drain blocks
 */
export function allowedEvictions(budget: DisruptionBudget, replicas: number): number {
  const pods = podsOf(budget.value, replicas);
  const allowed = budget.field === 'maxUnavailable' ? pods : replicas - pods;
  return Math.max(0, Math.min(allowed, replicas));
}

/**
 * Throws unless the budget lets a drain evict at least one pod at `replicas` (the fewest
 * replicas the workload can run with: the HPA minimum when it autoscales).
 */
export function checkBudgetAllowsDrain(path: string, budget: DisruptionBudget, replicas: number): void {
  check(budget instanceof DisruptionBudget, {
    path, field: 'disruptionBudget', value: budget, problem: 'must be a DisruptionBudget', fix: 'use DisruptionBudget.maxUnavailable(1)',
  });
  checkBudgetValue(path, budget);
  const allowed = allowedEvictions(budget, replicas);
  check(allowed >= 1, {
    path,
    field: `disruptionBudget.${budget.field}`,
    value: budget.value,
    problem: `would block every node drain: with ${replicas} replicas it allows ${allowed} evictions`,
    fix: budget.field === 'minAvailable'
      ? `use DisruptionBudget.maxUnavailable(1), or a minAvailable below ${replicas}`
      : 'use DisruptionBudget.maxUnavailable(1) or more',
  });
}

function checkBudgetValue(path: string, budget: DisruptionBudget): void {
  const value = budget.value;
  const valid = typeof value === 'number'
    ? Number.isInteger(value) && value >= 0 && value <= 2_147_483_647
    : typeof value === 'string' && /^\d{1,3}%$/.test(value) && parseInt(value, 10) <= 100;
  check(valid, {
    path,
    field: `disruptionBudget.${budget.field}`,
    value,
    problem: 'must be a whole number of pods or a percentage from 0% to 100%',
    fix: "use e.g. 1 or '25%'",
  });
}

function podsOf(value: number | string, replicas: number): number {
  if (typeof value === 'number') return value;
  return Math.ceil((replicas * parseInt(value, 10)) / 100);
}
