/**
 * The start step that turns the password file mounted from a Kubernetes Secret into an
 * include file for redis-server or redis-sentinel. Plain POSIX sh with od, tr, sed, grep,
 * tail and mv, which the official redis images (Debian and Alpine) ship.
 */
import { checkAbsolutePath, REDACTED } from './redis-checks';
import { HadrError } from '../../errors';

/** Where the password is read from and where its directives are written. */
export interface AuthFiles {
  readonly passwordFile: string;
  readonly includeFile: string;
}

/**
 * Rejects anything that is not `{ passwordFile, includeFile }` with absolute paths. A value
 * that is not a path is most likely the password itself, so it is never echoed.
 */
export function checkAuthFiles(path: string, auth: unknown): asserts auth is AuthFiles {
  const given = (auth !== null && typeof auth === 'object' ? auth : {}) as Record<string, unknown>;
  const literal = typeof auth === 'string' ? 'auth'
    : 'password' in given ? 'auth.password'
      : typeof given.passwordFile === 'string' && !given.passwordFile.startsWith('/') ? 'auth.passwordFile'
        : undefined;
  if (literal) {
    throw new HadrError({
      path, field: literal, value: REDACTED, problem: 'must not be a literal password',
      fix: 'mount the password from a Kubernetes Secret and set auth.passwordFile to the mounted file',
    });
  }
  checkAbsolutePath(path, 'auth.passwordFile', given.passwordFile as string);
  checkAbsolutePath(path, 'auth.includeFile', given.includeFile as string);
}

/** Single-quotes a word for sh. */
export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, "'\\''")}'`;
}

/**
 * A sh script that writes `<directive> "<password>"` for each directive into `includeFile`
 * (mode 0600, replaced atomically). The password is hex-escaped byte by byte (`\xHH`), so it
 * reaches the server exactly as stored in the Secret; one trailing newline (how most tools write
 * a Secret's file) is dropped. It fails, and the server does not start, when the file is
 * unreadable or empty, or the password has whitespace, a quote or a control character: Sentinel
 * writes `auth-pass` back into its own config without quotes (checked on Redis 7.0.15), and
 * could not restart from that file.
 */
export function authIncludeScript(auth: AuthFiles, directives: readonly string[]): string {
  const bytes = 'printf \'%s\\n\' "$bytes"';
  return [
    'set -eu',
    'umask 077',
    `secret=${shellQuote(auth.passwordFile)}`,
    `target=${shellQuote(auth.includeFile)}`,
    'fail() { echo "redis auth: $*" >&2; exit 1; }',
    '[ -r "$secret" ] || fail "cannot read the password file $secret"',
    'bytes=$(od -An -v -tx1 "$secret" | tr -s \' \\n\' \'\\n\\n\' | sed \'/^$/d\')',
    `[ "$(${bytes} | tail -n 1)" != 0a ] || bytes=$(${bytes} | sed '$d')`,
    `[ "$(${bytes} | tail -n 1)" != 0d ] || bytes=$(${bytes} | sed '$d')`,
    '[ -n "$bytes" ] || fail "the password file $secret is empty"',
    `if ${bytes} | grep -Eq '^([01][0-9a-f]|20|22|27|7f)$'; then`,
    '  fail "the password in $secret has whitespace, a quote or a control character; Sentinel rewrites it unquoted and could not restart"',
    'fi',
    `escaped=$(${bytes} | sed 's/^/\\\\x/' | tr -d '\\n')`,
    `printf '%s "%s"\\n' ${directives.map((d) => `${shellQuote(d)} "$escaped"`).join(' ')} > "$target.tmp"`,
    'mv -f "$target.tmp" "$target"',
    '',
  ].join('\n');
}
