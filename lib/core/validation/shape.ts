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
export function checkOptionalObject(
  path: string, field: string, value: unknown, example: string,
): asserts value is Record<string, unknown> | undefined {
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

/**
 * The documented type of a spec, for {@link checkShape}: a type name, an object of fields, a
 * list, a record of any keys, an optional value or one of several.
 */
export type Shape =
  /** `any`: not checked here (the renderer checks it, with a more precise message). */
  | 'string' | 'number' | 'boolean' | 'duration' | 'size' | 'object' | 'any'
  | { readonly fields: Readonly<Record<string, Shape>> }
  | { readonly list: Shape }
  | { readonly record: Shape }
  | { readonly optional: Shape }
  | { readonly anyOf: readonly Shape[] };

/** An object with these fields (all required unless wrapped in {@link optional}). */
export const fields = (of: Readonly<Record<string, Shape>>): Shape => ({ fields: of });
/** A list of items of one shape. */
export const list = (of: Shape): Shape => ({ list: of });
/** An object of any keys whose values have one shape. */
export const record = (of: Shape): Shape => ({ record: of });
/** A value that may be left out. */
export const optional = (of: Shape): Shape => ({ optional: of });
/** A value of one of several shapes. */
export const anyOf = (...of: Shape[]): Shape => ({ anyOf: of });

/** Why `value` does not have `shape`, or undefined when it does: `must be a list`, `is required`. */
function shapeProblem(value: unknown, shape: Shape): string | undefined {
  if (shape === 'any') return undefined;
  if (typeof shape === 'object' && 'optional' in shape) return value === undefined ? undefined : shapeProblem(value, shape.optional);
  if (value === undefined) return 'is required';
  if (typeof shape === 'string') {
    switch (shape) {
      case 'duration': return typeof (value as { toMilliseconds?: unknown } | null)?.toMilliseconds === 'function' ? undefined : 'must be a Duration';
      case 'size': return typeof (value as { toKibibytes?: unknown } | null)?.toKibibytes === 'function' ? undefined : 'must be a Size';
      case 'object': return value !== null && typeof value === 'object' && !Array.isArray(value) ? undefined : 'must be an object';
      default: return typeof value === shape ? undefined : `must be a ${shape}`;
    }
  }
  if ('anyOf' in shape) return shape.anyOf.some((s) => shapeProblem(value, s) === undefined) ? undefined : 'has the wrong type';
  if ('list' in shape) return Array.isArray(value) ? undefined : 'must be a list';
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? undefined : 'must be an object';
}

/**
 * Throws a HadrError naming the first field of `value` whose type is not the one `shape`
 * documents, at any depth: for callers the compiler does not watch.
 */
export function checkShape(path: string, field: string, value: unknown, shape: Shape): void {
  const problem = shapeProblem(value, shape);
  if (problem) throw new HadrError({ path, field, value, problem, fix: 'give the value the type the spec documents' });
  if (value === undefined || typeof shape === 'string') return;
  const inner = 'optional' in shape ? shape.optional : shape;
  if (typeof inner === 'string' || 'anyOf' in inner) return;
  const at = (key: string) => (field === '' ? key : `${field}.${key}`);
  if ('list' in inner) (value as unknown[]).forEach((item, i) => checkShape(path, `${field}[${i}]`, item, inner.list));
  else if ('record' in inner) for (const [key, item] of Object.entries(value as object)) checkShape(path, at(key), item, inner.record);
  else if ('fields' in inner) for (const [key, of] of Object.entries(inner.fields)) checkShape(path, at(key), (value as Record<string, unknown>)[key], of);
}
