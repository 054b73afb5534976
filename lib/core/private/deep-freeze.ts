/** A value and everything reachable from it, read-only at compile time too. */
export type DeepReadonly<T> = T extends (...args: never[]) => unknown ? T
  : T extends RegExp ? T
    : T extends readonly (infer E)[] ? readonly DeepReadonly<E>[]
      : T extends object ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
        : T;

/**
 * Freezes `value` and every object and array reachable from it, so shared defaults cannot be
 * changed by one caller under every later one (a push onto a default list throws in strict mode).
 *
 * @returns `value` itself, frozen
 */
export function deepFreeze<T>(value: T): DeepReadonly<T> {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Reflect.ownKeys(value)) deepFreeze((value as Record<PropertyKey, unknown>)[key]);
  }
  return value as DeepReadonly<T>;
}
