/**
 * Checks of a value's type, for callers the TypeScript compiler does not watch (plain
 * JavaScript, JSON read from a file, `as any`): a missing or mistyped prop is a HadrError that
 * names it, never a TypeError from deep inside a renderer.
 */
import { HadrError } from '../errors';

/** Throws unless `value` is an object (not null, not an array). */
export function checkObject(path: string, field: string, value: unknown, example: string): asserts value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new HadrError({
      path, field, value, problem: value === undefined ? 'is required' : 'must be an object', fix: `give e.g. ${example}`,
    });
  }
}

/** Throws unless `value` is undefined or an object. */
export function checkOptionalObject(path: string, field: string, value: unknown, example: string): asserts value is Record<string, unknown> | undefined {
  if (value !== undefined) checkObject(path, field, value, example);
}

/** Throws unless `value` is an array. */
export function checkArray(path: string, field: string, value: unknown, example: string): asserts value is readonly unknown[] {
  if (!Array.isArray(value)) {
    throw new HadrError({ path, field, value, problem: value === undefined ? 'is required' : 'must be a list', fix: `give e.g. ${example}` });
  }
}

/** Throws unless `value` is undefined or an array. */
export function checkOptionalArray(path: string, field: string, value: unknown, example: string): asserts value is readonly unknown[] | undefined {
  if (value !== undefined) checkArray(path, field, value, example);
}

/** Throws unless `value` is a non-empty string. */
export function checkString(path: string, field: string, value: unknown, example: string): asserts value is string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new HadrError({
      path, field, value, problem: value === undefined ? 'is required' : typeof value === 'string' ? 'must not be empty' : 'must be a string',
      fix: `give e.g. ${example}`,
    });
  }
}

/** Throws unless `value` is undefined or a non-empty string. */
export function checkOptionalString(path: string, field: string, value: unknown, example: string): asserts value is string | undefined {
  if (value !== undefined) checkString(path, field, value, example);
}

/** Throws unless `value` is undefined or a boolean. */
export function checkOptionalBoolean(path: string, field: string, value: unknown): asserts value is boolean | undefined {
  if (value !== undefined && typeof value !== 'boolean') {
    throw new HadrError({ path, field, value, problem: 'must be true or false', fix: 'give a boolean' });
  }
}

/** Throws unless `value` is one of `allowed`, spelled exactly. */
export function checkOneOf<T extends string>(path: string, field: string, value: unknown, allowed: readonly T[]): asserts value is T {
  if (!allowed.includes(value as T)) {
    throw new HadrError({
      path, field, value, problem: `must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}, spelled exactly`,
      fix: `use ${JSON.stringify(allowed[0])}`,
    });
  }
}

/** Throws unless `value` is an instance of `type` (a choice class such as HealthCheck or NetworkPeer). */
export function checkInstance<T>(
  path: string, field: string, value: unknown, type: { readonly prototype: T; readonly name: string }, example: string,
): asserts value is T {
  if (!(value instanceof (type as unknown as new () => T))) {
    throw new HadrError({ path, field, value, problem: value === undefined ? 'is required' : `must be a ${type.name}`, fix: `use e.g. ${example}` });
  }
}
