import { HadrError } from '../errors';

/** How a field of an inner spec maps to the user's prop: `['extraDirectives', 'redisDirectives']`. */
export type FieldMapping = readonly (readonly [inner: string, outer: string])[];

/**
 * Runs `build` (a renderer, or a construct built on the user's behalf) and rewrites a
 * {@link HadrError} it throws so the message starts with the user's construct `path` and names
 * the user's prop, not the inner one: `shop/db: pooler.poolMode ...`, never
 * `shop/db/pooler: poolMode ...`. The first mapping whose inner field is the error's field, or a
 * prefix of it, wins; an error from another path, or a field no mapping names, gets `fallback`
 * as a prefix (when given).
 */
export function renamingErrors<T>(path: string, mapping: FieldMapping, build: () => T, fallback?: string): T {
  try {
    return build();
  } catch (err) {
    if (!(err instanceof HadrError)) throw err;
    const field = renameField(err.field, mapping) ?? (fallback !== undefined && !err.field.startsWith(fallback) ? `${fallback}${err.field}` : err.field);
    const problem = renameWords(err.problem, mapping);
    const fix = renameWords(err.fix, mapping);
    if (err.path === path && field === err.field && problem === err.problem && fix === err.fix) throw err;
    throw new HadrError({ path, field, value: err.value, problem, fix });
  }
}

/**
 * Inner field names mentioned in a message's text, replaced by the outer ones. Only names that
 * read as code (camelCase, dotted or indexed, such as `synchronousModeStrict`) are replaced:
 * a plain word such as `replicas` is also English.
 */
function renameWords(text: string, mapping: FieldMapping): string {
  return mapping.filter(([inner]) => /[A-Z.[]/.test(inner)).reduce((result, [inner, outer]) => {
    const escaped = inner.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    return result.replace(new RegExp(`(?<![\\w.])${escaped}(?![\\w])`, 'g'), outer);
  }, text);
}

/** `field` with the first matching inner prefix replaced by its outer name; undefined when none matches. */
export function renameField(field: string, mapping: FieldMapping): string | undefined {
  for (const [inner, outer] of mapping) {
    if (field === inner || field.startsWith(`${inner}.`) || field.startsWith(`${inner}[`) || field.startsWith(`${inner} `)) {
      return `${outer}${field.slice(inner.length)}`;
    }
  }
  return undefined;
}
