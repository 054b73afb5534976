import * as pulumi from '@pulumi/pulumi';
import { HadrError, HadrErrorDetails } from '../../core/errors';

/**
 * Throws a `pulumi.ResourceError` worded as every error of the library:
 * `<component name>: <field> <problem> (got <value>); <fix>`.
 */
export function refuse(resource: pulumi.Resource, details: HadrErrorDetails): never {
  throw new pulumi.ResourceError(new HadrError(details).message, resource);
}

/** {@link refuse} unless `condition` holds. */
export function ensure(condition: boolean, resource: pulumi.Resource, details: HadrErrorDetails): asserts condition {
  if (!condition) refuse(resource, details);
}

/** Runs a core function that checks its input, reporting its HadrError against `resource`. */
export function asResourceError<T>(resource: pulumi.Resource, produce: () => T): T {
  try {
    return produce();
  } catch (error) {
    if (error instanceof HadrError) throw new pulumi.ResourceError(error.message, resource);
    throw error;
  }
}

/**
 * A secret input: a plain string would land in the state in clear text, so only a
 * `pulumi.Output` is accepted, and it is marked secret whatever it was.
 */
export function secretInput(resource: pulumi.Resource, path: string, field: string, value: unknown, example: string): pulumi.Output<string> {
  ensure(pulumi.Output.isInstance(value), resource, {
    path, field, value: typeof value === 'string' ? '<a plain string>' : value,
    problem: 'must be a secret Output: a plain string is written to the state in clear text',
    fix: `pass a secret, e.g. ${example}`,
  });
  return pulumi.secret(value as pulumi.Output<string>);
}

/** Whole seconds of a DurationLike, or the default. */
export function secondsOf(value: { toMilliseconds(): number } | undefined, fallback: number): number {
  return value === undefined ? fallback : value.toMilliseconds() / 1000;
}
