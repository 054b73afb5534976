import { checkBudgetAllowsDrain } from '../../../lib/core/service/disruption-budget';
import { DisruptionBudget } from 'hadr-constructs';
import { allowedEvictions } from 'hadr-constructs/core';

describe('allowedEvictions', () => {
  it.each([
    [DisruptionBudget.maxUnavailable(1), 3, 1],
    [DisruptionBudget.maxUnavailable(1), 1, 1],
    [DisruptionBudget.maxUnavailable(5), 3, 3],
    [DisruptionBudget.maxUnavailable('25%'), 3, 1],
    [DisruptionBudget.maxUnavailable('50%'), 10, 5],
    [DisruptionBudget.maxUnavailable(0), 3, 0],
    [DisruptionBudget.minAvailable(2), 3, 1],
    [DisruptionBudget.minAvailable(3), 3, 0],
    [DisruptionBudget.minAvailable('50%'), 3, 1],
    [DisruptionBudget.minAvailable('100%'), 3, 0],
  ])('%o at %i replicas lets a drain evict %i pods', (budget, replicas, expected) => {
    expect(allowedEvictions(budget, replicas)).toBe(expected);
  });
});

describe('checkBudgetAllowsDrain', () => {
  it('accepts a budget that leaves one pod evictable', () => {
    expect(() => checkBudgetAllowsDrain('shop/api', DisruptionBudget.minAvailable(2), 3)).not.toThrow();
  });

  it('refuses a minAvailable equal to the replica count, naming the fix', () => {
    expect(() => checkBudgetAllowsDrain('shop/api', DisruptionBudget.minAvailable(3), 3)).toThrow(
      'shop/api: disruptionBudget.minAvailable would block every node drain: with 3 replicas it allows 0 evictions (got 3); use DisruptionBudget.maxUnavailable(1), or a minAvailable below 3',
    );
  });

  it('refuses maxUnavailable 0', () => {
    expect(() => checkBudgetAllowsDrain('shop/api', DisruptionBudget.maxUnavailable(0), 3)).toThrow(
      'shop/api: disruptionBudget.maxUnavailable would block every node drain: with 3 replicas it allows 0 evictions (got 0); use DisruptionBudget.maxUnavailable(1) or more',
    );
  });

  it('refuses a value that is neither a count nor a percentage', () => {
    expect(() => checkBudgetAllowsDrain('shop/api', DisruptionBudget.maxUnavailable('one'), 3)).toThrow(
      'shop/api: disruptionBudget.maxUnavailable must be a whole number of pods or a percentage from 0% to 100% (got "one"); use e.g. 1 or \'25%\'',
    );
  });
});
