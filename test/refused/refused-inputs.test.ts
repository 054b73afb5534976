/**
 * Issue 10's categories of bad input, each case refused when the construct is built (or the
 * config rendered) with its exact message: the construct path, the user's field, the value (a
 * secret redacted) and the fix.
 */
import { ALL_CATEGORIES } from './cases';
import { EXPECTED_MESSAGES } from './expected-messages';
import { HadrError } from '../../lib';

describe.each(Object.entries(ALL_CATEGORIES))('%s', (_category, cases) => {
  it.each(cases.map(([what, build]) => [what, build] as const))('refuses %s', (what, build) => {
    let thrown: unknown;
    try {
      build();
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(HadrError);
    expect((thrown as Error).message).toBe(EXPECTED_MESSAGES[what]);
  });
});

it('names every case once, so each message is asserted', () => {
  const names = Object.values(ALL_CATEGORIES).flat().map(([what]) => what);
  expect(new Set(names).size).toBe(names.length);
  expect(Object.keys(EXPECTED_MESSAGES).sort()).toEqual([...names].sort());
});

it('never shows a secret in a message', () => {
  const secrets = ['hunter2', 'minio123', 'glpat-abc', 'ghp_0123', ':secret@', 'AKIAIOSFODNN7EXAMPLE', 'pw@'];
  for (const message of Object.values(EXPECTED_MESSAGES)) {
    for (const secret of secrets) expect(message).not.toContain(secret);
  }
});
