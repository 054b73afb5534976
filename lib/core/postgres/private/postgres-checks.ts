/**
 * Checks of what PostgreSQL reads from the rendered patroni.yml: pg_hba rules, parameters,
 * addresses. Each spelling PostgreSQL accepts is checked, not only the usual one.
 */
import { check, HadrError } from '../../errors';
import { checkCidr, isHostName, parseIp } from '../../validation/network';
import { findCredential, isSecretName, REDACTED } from '../../validation/secrets';
import { textProblem } from '../../validation/text';

/** A PostgreSQL parameter value as Patroni accepts it. */
type ParameterValue = string | number | boolean;

const PARAMETER_NAME = /^[a-z_][a-z0-9_.]*$/;
/** pg_hba connection types whose rules carry an address. */
const HOST_TYPES = new Set(['host', 'hostssl', 'hostnossl', 'hostgssenc', 'hostnogssenc']);
/** The values of `synchronous_commit`, as PostgreSQL's enum lookup reads them (case-insensitive, exact). */
const SYNCHRONOUS_COMMIT_ON = new Set(['on', 'remote_apply', 'remote_write', 'true', 'yes', '1']);
const SYNCHRONOUS_COMMIT_OFF = new Set(['off', 'local', 'false', 'no', '0']);

/**
 * The words of one pg_hba.conf line as PostgreSQL splits it: whitespace separates, double
 * quotes group (and are removed), `#` outside quotes starts a comment.
 *
 * @see https://www.postgresql.org/docs/15/auth-pg-hba-conf.html
 */
export function pgHbaWords(line: string): string[] {
  const words: string[] = [];
  let current = '';
  let inWord = false;
  let quoted = false;
  for (const char of line) {
    if (char === '"') {
      quoted = !quoted;
      inWord = true;
    } else if (!quoted && char === '#') {
      break;
    } else if (!quoted && /[\s,]/.test(char)) {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
    } else {
      current += char;
      inWord = true;
    }
  }
  if (inWord) words.push(current);
  return words;
}

/**
 * Throws for a pg_hba line that is not one rule PostgreSQL reads as written, or that admits
 * anyone without a password: `trust` in any case and position (after a comment is removed,
 * quoted or not, for a local socket too), `include` directives that pull in rules nobody
 * reviews, and a trailing backslash that continues the rule on the next line.
 */
export function checkPgHbaLine(path: string, field: string, line: unknown): void {
  check(typeof line === 'string' && line.trim().length > 0, {
    path, field, value: line, problem: 'must be one non-empty pg_hba.conf line', fix: 'give one rule per entry',
  });
  const text = textProblem(line);
  if (text) throw new HadrError({ path, field, value: line, ...text });
  check(!/\\\s*$/.test(line), {
    path, field, value: line, problem: 'ends with a backslash, which continues the rule on the next line', fix: 'give the whole rule in one entry',
  });
  const words = pgHbaWords(line);
  check(words.length > 0, { path, field, value: line, problem: 'is only a comment', fix: 'give a rule, or leave the entry out' });
  const type = words[0].toLowerCase();
  check(!type.startsWith('include'), {
    path, field, value: line, problem: 'includes rules from another file, which nobody reviews with this code', fix: 'list every rule here',
  });
  check(!words.some((word) => word.toLowerCase() === 'trust'), {
    path, field, value: line, problem: 'lets clients in without a password', fix: 'use scram-sha-256 (or peer for local sockets)',
  });
  check(type === 'local' || HOST_TYPES.has(type), {
    path, field, value: line, problem: 'must start with a connection type (local, host, hostssl, hostnossl, hostgssenc, hostnogssenc)',
    fix: 'e.g. "host all all 10.0.0.0/8 scram-sha-256"',
  });
  const methodAt = type === 'local' ? 3 : words[3] !== undefined && parseIp(words[3]) !== undefined && parseIp(words[4]) !== undefined ? 5 : 4;
  check(words.length > methodAt, {
    path, field, value: line, problem: 'has no authentication method', fix: 'end the rule with a method, e.g. scram-sha-256',
  });
}

/**
 * Throws unless `cidr` is one canonical CIDR range: a pg_hba rule is built from it, so a value
 * such as `0.0.0.0/0 trust` or `all` must never get through.
 */
export function checkClientCidr(path: string, field: string, cidr: unknown): void {
  checkCidr(path, field, cidr);
}

/**
 * Throws for a parameter PostgreSQL would not read as written, or that carries a credential:
 * a malformed name, a value that is not a string, number or boolean, control characters or line
 * breaks, a name that holds a secret (`*password*`), or a value holding one (`password=` in a
 * connection string, a URL with a password).
 */
export function checkParameters(path: string, field: string, parameters: unknown): void {
  if (parameters === undefined) return;
  check(typeof parameters === 'object' && parameters !== null && !Array.isArray(parameters), {
    path, field, value: parameters, problem: 'must be an object of parameter names and values', fix: "e.g. { max_connections: 200, shared_buffers: '256MB' }",
  });
  for (const [name, value] of Object.entries(parameters as Record<string, unknown>)) {
    const parameterField = `${field}.${name}`;
    check(PARAMETER_NAME.test(name), {
      path, field: parameterField, value: name, problem: 'is not a PostgreSQL parameter name', fix: 'use lowercase names such as max_connections',
    });
    check(['string', 'number', 'boolean'].includes(typeof value) && (typeof value !== 'number' || Number.isFinite(value)), {
      path, field: parameterField, value, problem: 'must be a string, number or boolean', fix: 'e.g. "256MB" or 200',
    });
    if (isSecretName(name) && !/(_command|_file)$/.test(name)) {
      throw new HadrError({
        path, field: parameterField, value: REDACTED, problem: 'holds a credential that would be written into patroni.yml in clear',
        fix: 'leave passwords to the PATRONI_*_PASSWORD environment variables filled from a Secret',
      });
    }
    if (typeof value === 'string') {
      const text = textProblem(value);
      if (text) throw new HadrError({ path, field: parameterField, value, ...text });
      const credential = findCredential(value);
      if (credential) {
        throw new HadrError({
          path, field: parameterField, value: credential.redacted,
          problem: `holds a credential (${credential.what}) that would be written into patroni.yml in clear`,
          fix: 'use a .pgpass file or a passfile= from a Secret; Patroni writes one from PATRONI_*_PASSWORD',
        });
      }
    }
  }
}

/**
 * Throws when `synchronous_commit` would let the primary acknowledge a commit before the
 * synchronous standby has it, in any spelling PostgreSQL accepts (`off`, `OFF`, `false`, `no`,
 * `0`, `local`, the boolean false, the number 0), or is no value PostgreSQL accepts at all.
 */
export function checkSynchronousCommit(path: string, field: string, value: ParameterValue | undefined, synchronous: boolean): void {
  if (value === undefined) return;
  const spelled = typeof value === 'boolean' ? (value ? 'on' : 'off') : String(value).trim().toLowerCase();
  check(SYNCHRONOUS_COMMIT_ON.has(spelled) || SYNCHRONOUS_COMMIT_OFF.has(spelled), {
    path, field, value, problem: 'is not a value PostgreSQL accepts for synchronous_commit, so the server would not start',
    fix: 'use "on", "remote_apply", "remote_write", "local" or "off"',
  });
  check(!(synchronous && SYNCHRONOUS_COMMIT_OFF.has(spelled)), {
    path, field, value,
    problem: 'contradicts synchronousMode: the primary would acknowledge commits before the synchronous standby has them',
    fix: 'use "on" or "remote_apply", or set synchronousMode: false',
  });
}

/** True for a host name or an IP address (no port). */
export function isHostOrIp(value: unknown): value is string {
  return isHostName(value) || parseIp(value) !== undefined;
}

/** Throws unless `value` is a listen address: `*`, or comma-separated IPs and host names. */
export function checkListenAddress(path: string, field: string, value: unknown): void {
  const parts = typeof value === 'string' ? value.split(',') : [];
  check(parts.length > 0 && parts.every((part) => part === '*' || isHostOrIp(part)), {
    path, field, value, problem: 'must be *, or IP addresses and host names separated by commas', fix: 'e.g. "0.0.0.0"',
  });
}
