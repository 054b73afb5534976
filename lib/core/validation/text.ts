/**
 * Text that reaches the running process unchanged. Between the props and the process a string
 * passes through YAML 1.1 writers and readers (cdk8s writes YAML 1.1; kubectl, Argo CD and
 * Flux read it with Go's YAML; Patroni with PyYAML), through Git, and into line-based config
 * files. Some characters do not survive that trip (a U+2028 becomes a line break), and some
 * plain scalars change type (`0o17` is read as the number 15).
 */
import { stringify } from 'yaml';
import { HadrError } from '../errors';
import { visible } from '../private/visible';
import { isDurationLike, isSizeLike } from '../units';

/** What a string may contain besides printable characters. */
export interface TextRules {
  /**
   * Allow line breaks and tabs (scripts in `args`, multi-line annotations and environment values).
   *
   * @default false
   */
  readonly multiline?: boolean;
}

/** A reason a string cannot be written, and what to do instead. */
export interface TextProblem {
  readonly problem: string;
  readonly fix: string;
}

/** Line breaks YAML 1.1 readers honour besides LF and CR: NEL, LINE SEPARATOR, PARAGRAPH SEPARATOR. */
const YAML_LINE_BREAK = /[\u0085\u2028\u2029]/;
/** C0 and C1 controls and DEL, but for the line feed and tab that multi-line text keeps. */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
/** Marks that make text read differently from what it is: bidirectional overrides and isolates. */
const BIDI_CONTROL = /[\u202a-\u202e\u2066-\u2069]/;
/** Characters YAML refuses or drops: a byte-order mark inside the text, non-characters, unpaired surrogates. */
const NOT_YAML = /[\ufeff\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Why `value` cannot be written as given, or undefined when it can. Refused: control
 * characters, the line breaks only YAML 1.1 knows (U+0085, U+2028, U+2029), bidirectional
 * controls, byte-order marks and unpaired surrogates; line breaks and tabs unless `multiline`;
 * and plain scalars that Go's YAML reader takes for a number, a boolean or null.
 */
export function textProblem(value: string, rules: TextRules = {}): TextProblem | undefined {
  const lineBreak = YAML_LINE_BREAK.exec(value);
  if (lineBreak) {
    return {
      problem: `contains ${codePoint(lineBreak[0])}, which YAML 1.1 readers (kubectl, Argo CD, Flux, Patroni) take for a line break, so the value would change on its way`,
      fix: 'remove it, or use a plain space',
    };
  }
  if (!rules.multiline && /[\n\t]/.test(value)) {
    return {
      problem: 'must be one line: a line break or tab would split or corrupt the line it is written on',
      fix: 'remove the line breaks and tabs',
    };
  }
  const control = CONTROL.exec(value);
  if (control) {
    return {
      problem: `contains the control character ${codePoint(control[0])}, which config files, shells and terminals do not carry intact`,
      fix: 'remove it',
    };
  }
  const bidi = BIDI_CONTROL.exec(value);
  if (bidi) {
    return {
      problem: `contains ${codePoint(bidi[0])}, a bidirectional control that makes the text read differently from what it is in every review`,
      fix: 'remove it',
    };
  }
  const notYaml = NOT_YAML.exec(value);
  if (notYaml) {
    return { problem: `contains ${codePoint(notYaml[0])}, which YAML readers drop or refuse`, fix: 'remove it' };
  }
  const reading = goYamlReading(value);
  if (reading !== undefined) {
    return {
      problem: `would be read as ${describeReading(reading)} by Go's YAML reader (kubectl, Argo CD, Flux), not as this text: YAML 1.1 writers leave it unquoted`,
      fix: `write it so it does not read as a number, e.g. ${JSON.stringify(`v${value}`)}`,
    };
  }
  return undefined;
}

/** Throws a {@link HadrError} unless `value` is a string that survives YAML, Git and config files. */
export function checkText(path: string, field: string, value: unknown, rules: TextRules = {}): void {
  if (typeof value !== 'string') {
    throw new HadrError({ path, field, value, problem: 'must be a string', fix: 'give text' });
  }
  const found = textProblem(value, rules);
  if (found) throw new HadrError({ path, field, value, ...found });
}

/** One string met while walking props: its field as the user wrote it, and whether it is a key. */
export interface StringVisit {
  readonly field: string;
  readonly value: string;
  /** True for an object key (a label key, an environment variable name), false for a value. */
  readonly isKey: boolean;
  /** The field of the object holding it, e.g. `service.labels` for the key of a label. */
  readonly parent: string;
}

/**
 * Calls `visit` for every string, and every object key, under `root`: plain objects, arrays and
 * the library's value objects (EnvValue, NetworkPeer, ...). Durations, sizes, functions and
 * constructs (which hold the whole tree) are not entered. Fields are named as the user wrote
 * them: `service.env.DB_HOST`, `clusters[1].labels.site`.
 */
export function walkStrings(
  root: unknown, prefix: string, visit: (found: StringVisit) => void, skip: (field: string) => boolean = () => false,
): void {
  const seen = new Set<unknown>();
  const walk = (value: unknown, field: string, parent: string, depth: number): void => {
    if (skip(field)) return;
    if (typeof value === 'string') {
      visit({ field, value, isKey: false, parent });
      return;
    }
    if (value === null || typeof value !== 'object' || depth > 32 || seen.has(value)) return;
    if (isDurationLike(value) || isSizeLike(value) || isConstruct(value)) return;
    seen.add(value);
    if (Array.isArray(value)) {
      value.forEach((item, i) => walk(item, `${field}[${i}]`, field, depth + 1));
      return;
    }
    for (const [key, child] of Object.entries(value)) {
      if (typeof child === 'function') continue;
      const childField = field === '' ? visible(key) : `${field}.${visible(key)}`;
      if (skip(childField)) continue;
      visit({ field: childField, value: key, isKey: true, parent: field });
      walk(child, childField, field, depth + 1);
    }
  };
  walk(root, prefix, prefix, 0);
}

/**
 * Checks every string and key under `root` with {@link textProblem}. `multiline(field)` names
 * the fields that may hold several lines (scripts, annotation values).
 */
export function checkTextTree(
  path: string, root: unknown, prefix: string, multiline: (field: string) => boolean = () => false, skip?: (field: string) => boolean,
): void {
  walkStrings(root, prefix, ({ field, value, isKey }) => {
    const found = textProblem(value, { multiline: !isKey && multiline(field) });
    if (found) throw new HadrError({ path, field: isKey ? `${field} (the key)` : field, value, ...found });
  }, skip);
}

/** `U+2028` for a character, as messages name it. */
export function codePoint(char: string): string {
  return `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

function isConstruct(value: object): boolean {
  const node = (value as { node?: { path?: unknown; children?: unknown } }).node;
  return typeof node === 'object' && node !== null && typeof node.path === 'string' && Array.isArray(node.children);
}

// ---------------------------------------------------------------------------------------------
// What Go's YAML reader makes of a plain scalar

/** Plain scalars go-yaml (v2 and v3) resolves to a boolean or null, besides the numbers below. */
const GO_YAML_KEYWORDS: Record<string, unknown> = Object.fromEntries([
  ...['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON'].map((k) => [k, true]),
  ...['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF'].map((k) => [k, false]),
  ...['~', 'null', 'Null', 'NULL'].map((k) => [k, null]),
  ...['.nan', '.NaN', '.NAN'].map((k) => [k, Number.NaN]),
  ...['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF'].map((k) => [k, Number.POSITIVE_INFINITY]),
  ...['-.inf', '-.Inf', '-.INF'].map((k) => [k, Number.NEGATIVE_INFINITY]),
  ['<<', '<< (a merge key)'],
]);
/** Go's `strconv.ParseInt(s, 0, 64)` syntax, once go-yaml has removed the underscores. */
const GO_INTEGER = /^[-+]?(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/;
/** go-yaml's `yamlStyleFloat`. */
const GO_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
/** go-yaml's timestamp layouts, loosely: a date, optionally followed by a time. */
const GO_TIMESTAMP = /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt ][0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(\.[0-9]*)?(Z|[-+][0-9]{1,2}(:[0-9]{2})?)?)?$/;

/**
 * What go-yaml reads `value` as when cdk8s writes it (YAML 1.1, which quotes only YAML 1.1's
 * own numbers and booleans): undefined when it stays a string.
 */
function goYamlReading(value: string): unknown {
  const reading = goYamlPlainReading(value);
  // Rendering the text is the costly part: only for the few that go-yaml would read otherwise.
  if (reading === undefined) return undefined;
  const written = stringify(value, { version: '1.1', lineWidth: 0 }).replace(/\n$/, '');
  return written === value ? reading : undefined; // quoted, escaped or a block scalar: read back as text
}

/** What go-yaml reads `value` as if it is written as a plain scalar; undefined when a string. */
function goYamlPlainReading(value: string): unknown {
  if (value === '') return undefined;
  if (Object.prototype.hasOwnProperty.call(GO_YAML_KEYWORDS, value)) return GO_YAML_KEYWORDS[value];
  const first = value[0];
  if (first === '.') return GO_FLOAT.test(value) ? Number(value) : undefined;
  if (!/[-+0-9]/.test(first)) return undefined;
  if (GO_TIMESTAMP.test(value)) return `the timestamp ${value}`;
  const plain = value.replace(/_/g, '');
  if (GO_INTEGER.test(plain)) return goInteger(plain);
  if (GO_FLOAT.test(plain)) return Number(plain);
  return undefined;
}

function goInteger(text: string): number | bigint {
  const sign = text.startsWith('-') ? -1n : 1n;
  const digits = text.replace(/^[-+]/, '');
  const radix = /^0[xX]/.test(digits) ? 16 : /^0[oO]/.test(digits) ? 8 : /^0[bB]/.test(digits) ? 2 : /^0[0-7]/.test(digits) ? 8 : 10;
  const body = radix === 10 ? digits : radix === 8 && !/^0[oO]/.test(digits) ? digits.slice(1) : digits.slice(2);
  let result = 0n;
  for (const char of body) result = result * BigInt(radix) + BigInt(parseInt(char, radix));
  const signed = sign * result;
  return Number.isSafeInteger(Number(signed)) ? Number(signed) : signed;
}

function describeReading(reading: unknown): string {
  if (typeof reading === 'number' || typeof reading === 'bigint') return `the number ${String(reading)}`;
  if (typeof reading === 'boolean') return `the boolean ${reading}`;
  if (reading === null) return 'null';
  return String(reading);
}
