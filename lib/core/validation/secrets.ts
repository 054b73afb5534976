/**
 * Finding a credential before it is written into a manifest or a config file in clear: by the
 * name that holds it (a variable, a flag, a directive, a key) and by its shape inside a string
 * (a URL with user info, `password=`, an Authorization header, a well-known token format).
 */
import { HadrError } from '../errors';

/** Shown instead of a credential in messages. */
export const REDACTED = '<redacted>';

/** Words that name a credential wherever they stand in a name. */
const SECRET_WORDS = new Set([
  'password', 'passwd', 'pwd', 'pass', 'passphrase', 'secret', 'token', 'bearer', 'credential', 'credentials',
  'apikey', 'requirepass', 'masterauth', 'authpass', 'privatekey', 'accesskey', 'secretkey', 'sessiontoken', 'clientsecret',
]);
/** Two words that name a credential together, e.g. `api-key`, `auth-pass`. */
const SECRET_PAIRS = new Set(['api key', 'private key', 'access key', 'secret key', 'auth pass', 'client secret', 'auth token', 'session token', 'master auth']);
/** Last words that make a name refer to where a credential is, not hold it: `--password-file`. */
const REFERENCE_WORDS = new Set([
  'file', 'path', 'dir', 'env', 'var', 'name', 'ref', 'id', 'ttl', 'length', 'len', 'type', 'cmd', 'command', 'mode',
  'policy', 'hash', 'algorithm', 'min', 'max', 'expiry', 'expires', 'header', 'store', 'encryption',
]);
/** Credential words that also stand inside a longer word: `PGPASSWORD`, `mastertoken`. */
const SECRET_STEMS = ['password', 'passwd', 'passphrase', 'secret', 'token', 'credential', 'apikey', 'privatekey', 'accesskey', 'masterauth'];
/** Words ending in `pass` that are not about passwords. */
const NOT_PASS = new Set(['bypass', 'compass', 'encompass', 'overpass', 'underpass', 'surpass', 'trespass']);

/** The words of a name: `--db-password`, `DB_PASSWORD`, `dbPassword` all give `db password`. */
function words(name: string): string[] {
  return name.replace(/^-+/, '').replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase().split(/[^a-z0-9]+/).filter((w) => w !== '');
}

/**
 * True for a name that holds a credential (`password`, `--db-password`, `auth-pass`,
 * `tls-key-file-pass`, `API_KEY`), false for one that points at it (`--password-file`,
 * `passwordSecret`).
 */
export function isSecretName(name: string): boolean {
  const parts = words(name);
  if (parts.length === 0) return false;
  const last = parts[parts.length - 1];
  if (parts.length > 1 && REFERENCE_WORDS.has(last)) return false;
  return parts.some((w, i) => SECRET_WORDS.has(w) || SECRET_STEMS.some((stem) => w.includes(stem))
    || (w.endsWith('pass') && !NOT_PASS.has(w)) || (i > 0 && SECRET_PAIRS.has(`${parts[i - 1]} ${w}`)));
}

/** A value that names where the secret is rather than holding it: `$(DB_PASSWORD)`, `${TOKEN}`, openssl's `env:VAR`, `file:/path`. */
export function isSecretReference(value: string): boolean {
  return /^\$\([A-Za-z_][A-Za-z0-9_]*\)$/.test(value) || /^\$\{?[A-Za-z_][A-Za-z0-9_]*\}?$/.test(value)
    || /^(env|file|fd):\S+$/.test(value) || value === 'stdin' || value === '';
}

interface Finding {
  /** What was found, completing "holds ...". */
  readonly what: string;
  /** The text with the credential replaced by {@link REDACTED}. */
  readonly redacted: string;
}

const URL_USER_INFO = /\b([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#@\s]*)@/g;
const QUERY_SECRET = /([?&;])(password|passwd|pwd|pass|token|access_token|private_token|api_?key|secret|client_secret|sig|signature|x-amz-signature|x-amz-credential|x-amz-security-token)=([^&#\s]*)/gi;
const CONNINFO_PASSWORD = /(^|[\s;,'"])(password|passwd|pwd)\s*=\s*('[^']*'|"[^"]*"|[^\s;,'"]*)/gi;
const AUTHORIZATION = /\b(bearer|basic|token)\s+([A-Za-z0-9._~+/=-]{12,})/gi;
const TOKEN_FORMATS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\b(ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{30,}/g, 'a GitHub token'],
  [/\bgithub_pat_[A-Za-z0-9_]{30,}/g, 'a GitHub token'],
  [/\bglpat-[A-Za-z0-9_-]{20,}/g, 'a GitLab token'],
  [/\bxox[abprs]-[A-Za-z0-9-]{10,}/g, 'a Slack token'],
  [/\b(AKIA|ASIA)[0-9A-Z]{16}\b/g, 'an AWS access key id'],
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g, 'a private key'],
];

/**
 * The credential inside `value`, if any: a password (or, for http, https and git URLs, any
 * user info, where a token sits) in a URL, a secret in a URL's query, a `password=` setting of
 * a connection string, an Authorization header value, or a well-known token format. A
 * password written as a reference to a variable (`$(DB_PASSWORD)`) is not a credential.
 */
export function findCredential(value: string): Finding | undefined {
  let what: string | undefined;
  let redacted = value.replace(URL_USER_INFO, (whole, scheme: string, userInfo: string) => {
    const colon = userInfo.indexOf(':');
    if (colon >= 0) {
      const password = userInfo.slice(colon + 1);
      if (password === '' || isSecretReference(decodeURIComponentSafe(password))) return whole;
      what ??= 'a password in a URL';
      return `${scheme}://${userInfo.slice(0, colon)}:${REDACTED}@`;
    }
    if (/^(https?|git\+https?|ftp)$/i.test(scheme) && userInfo !== '' && !isSecretReference(userInfo)) {
      what ??= `user info in an ${scheme.toLowerCase()} URL, where a token is sent as the user`;
      return `${scheme}://${REDACTED}@`;
    }
    return whole;
  });
  redacted = redacted.replace(QUERY_SECRET, (whole, sep: string, key: string, secret: string) => {
    if (isSecretReference(decodeURIComponentSafe(secret))) return whole;
    what ??= `a secret in a URL's query (${key})`;
    return `${sep}${key}=${REDACTED}`;
  });
  redacted = redacted.replace(CONNINFO_PASSWORD, (whole, lead: string, key: string, secret: string) => {
    if (isSecretReference(secret.replace(/^['"]|['"]$/g, ''))) return whole;
    what ??= `a ${key}= setting`;
    return `${lead}${key}=${REDACTED}`;
  });
  redacted = redacted.replace(AUTHORIZATION, (whole, scheme: string, secret: string) => {
    if (isSecretReference(secret)) return whole;
    what ??= `an Authorization header value (${scheme})`;
    return `${scheme} ${REDACTED}`;
  });
  for (const [pattern, name] of TOKEN_FORMATS) {
    redacted = redacted.replace(pattern, () => {
      what ??= name;
      return REDACTED;
    });
  }
  return what === undefined ? undefined : { what, redacted };
}

/** Throws when `value` holds a credential ({@link findCredential}); the message shows it redacted. */
export function checkNoCredential(path: string, field: string, value: string, fix: string): void {
  const found = findCredential(value);
  if (found) {
    throw new HadrError({ path, field, value: found.redacted, problem: `holds a credential (${found.what}) that would be written in clear`, fix });
  }
}

/**
 * Throws when command-line arguments pass a credential: `--password=x`, `--db-token x`,
 * `-pass pass:x` (also inside a script such as `sh -c '... --pass x'`), or any argument holding
 * one ({@link findCredential}). A value that references a variable (`--password=$(DB_PASSWORD)`,
 * which Kubernetes expands from an env var filled from a Secret) is fine.
 */
export function checkArgsHoldNoCredential(path: string, field: string, args: readonly string[], fix: string): void {
  checkFlags(path, args, (i) => `${field}[${i}]`, fix);
  args.forEach((arg, i) => {
    if (typeof arg !== 'string') return;
    // A script in one argument: its words are flags and values too.
    if (/\s/.test(arg)) checkFlags(path, arg.split(/[\s'"`;|&()]+/).filter((w) => w !== ''), () => `${field}[${i}]`, fix);
    checkNoCredential(path, `${field}[${i}]`, arg, fix);
  });
}

function checkFlags(path: string, tokens: readonly unknown[], fieldOf: (i: number) => string, fix: string): void {
  tokens.forEach((word, i) => {
    const flag = typeof word === 'string' ? /^(--?[A-Za-z][A-Za-z0-9_.-]*)(=([\s\S]*))?$/.exec(word) : null;
    if (!flag || !isSecretName(flag[1])) return;
    const inline = flag[3] !== undefined;
    const next = tokens[i + 1];
    const value = inline ? flag[3] : typeof next === 'string' && !next.startsWith('-') ? next : undefined;
    // openssl spells a literal `pass:<password>` and a reference `env:VAR` or `file:/path`.
    const secret = value?.startsWith('pass:') ? value.slice('pass:'.length) : value;
    if (secret !== undefined && !isSecretReference(secret)) {
      throw new HadrError({
        path, field: inline ? fieldOf(i) : fieldOf(i + 1),
        value: inline ? `${flag[1]}=${REDACTED}` : REDACTED,
        problem: `passes a credential to ${flag[1]} in clear: it would be written into the manifest and shown by ps`,
        fix,
      });
    }
  });
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
