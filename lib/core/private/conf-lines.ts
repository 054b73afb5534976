/**
 * A tiny emitter for the line-based formats of redis.conf and sentinel.conf: one directive
 * per line, arguments split on spaces, double-quoted arguments with C-style escapes.
 *
 * Every argument is quoted when it is not a plain token, so no value can start a new line or
 * a new directive: a hostname or path with a space, quote or newline cannot inject config.
 *
 * @see https://redis.io/docs/latest/operate/oss_and_stack/management/config/
 */

/** One argument of a directive. */
export type ConfArg = string | number;

/** A directive and its arguments, e.g. `['sentinel', 'monitor', 'cache', '10.0.0.1', 6379, 2]`. */
export type ConfDirective = readonly [name: string, ...args: ConfArg[]];

/** Directive names as Redis spells them: lowercase words joined by hyphens. */
const DIRECTIVE_NAME = /^[a-z][a-z0-9-]*$/;

/** Arguments that need no quotes: no spaces, quotes, backslashes, `#` or control characters. */
const PLAIN_ARG = /^[A-Za-z0-9_.,:/@+=*%-]+$/;

/** True when `name` can be written as a directive name. */
export function isDirectiveName(name: string): boolean {
  return DIRECTIVE_NAME.test(name);
}

/**
 * One argument as Redis' config parser (`sdssplitargs`) reads it back unchanged: bare when it
 * is a plain token, otherwise double-quoted with `\\`, `\"` and `\xHH` for every byte outside
 * printable ASCII.
 */
export function quoteConfArg(arg: ConfArg): string {
  if (typeof arg === 'number') {
    if (!Number.isSafeInteger(arg)) throw new Error(`config argument must be a whole number (got ${arg})`);
    return String(arg);
  }
  if (PLAIN_ARG.test(arg)) return arg;
  let quoted = '"';
  for (const byte of Buffer.from(arg, 'utf8')) {
    if (byte === 0x5c) quoted += '\\\\';
    else if (byte === 0x22) quoted += '\\"';
    else if (byte < 0x20 || byte >= 0x7f) quoted += `\\x${byte.toString(16).padStart(2, '0')}`;
    else quoted += String.fromCharCode(byte);
  }
  return `${quoted}"`;
}

/** One directive as a line, e.g. `sentinel monitor cache 10.0.0.1 6379 2`. */
export function confLine([name, ...args]: ConfDirective): string {
  if (!isDirectiveName(name)) throw new Error(`config directive name must be lowercase words joined by hyphens (got ${JSON.stringify(name)})`);
  return [name, ...args.map(quoteConfArg)].join(' ');
}

/** A whole file: comment lines, then one line per directive, ending with a newline. */
export function renderConfLines(comments: readonly string[], directives: readonly ConfDirective[]): string {
  const commentLines = comments.map((comment) => {
    if (/[\r\n]/.test(comment)) throw new Error('config comments must be single lines');
    return `# ${comment}`;
  });
  return [...commentLines, ...directives.map(confLine)].join('\n') + '\n';
}

/** Redis' spelling of a boolean. */
export function yesNo(value: boolean): string {
  return value ? 'yes' : 'no';
}
