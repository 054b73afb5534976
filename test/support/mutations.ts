import { HadrError } from '../../lib';

/** Values a plain JavaScript caller, or a tired operator, may put where something else belongs. */
export const WRONG_VALUES: readonly unknown[] = [
  undefined, null, 0, -1, 1.5, Number.NaN, 2 ** 31, '', ' ', 'x', 'X Y', 'a\u2028b', '0o17', 'trust', [], {}, true, false,
];

/** One mutation of a props object: the path changed and the value put there. */
export interface Mutation {
  readonly path: string;
  readonly value: unknown;
  readonly props: unknown;
}

/**
 * Every props object obtained by replacing one value of `props` (at any depth of its plain
 * objects and arrays) with one of `values`. Class instances (EnvValue, Duration...) are replaced
 * whole, not entered.
 */
export function* mutations(props: unknown, values: readonly unknown[] = WRONG_VALUES): Generator<Mutation> {
  function* walk(node: unknown, path: string, replace: (value: unknown) => unknown): Generator<Mutation> {
    if (path !== '') {
      for (const value of values) yield { path, value, props: replace(value) };
    }
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        yield* walk(node[i], `${path}[${i}]`, (value) => replace(node.map((item, j) => (j === i ? value : item))));
      }
    } else if (isPlainObject(node)) {
      for (const key of Object.keys(node)) {
        yield* walk(node[key], path === '' ? key : `${path}.${key}`, (value) => replace({ ...node, [key]: value }));
      }
    }
  }
  yield* walk(props, '', (value) => value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype;
}

/** What happened to one mutation: refused with a HadrError, accepted, or a failure of another kind. */
export type Outcome = { readonly kind: 'refused'; readonly message: string } | { readonly kind: 'accepted' } | { readonly kind: 'crashed'; readonly error: string };

/** Runs `build` and classifies what it did. */
export function outcomeOf(build: () => unknown): Outcome {
  try {
    build();
    return { kind: 'accepted' };
  } catch (err) {
    if (err instanceof HadrError) return { kind: 'refused', message: err.message };
    return { kind: 'crashed', error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) };
  }
}
