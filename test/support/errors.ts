import { HadrError } from 'hadr-constructs';

/** The message of the HadrError `fn` throws; fails the test when it throws nothing or something else. */
export function hadrErrorMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(HadrError);
    return (err as Error).message;
  }
  throw new Error('expected a HadrError');
}
