/**
 * sh building blocks shared by the start and probe scripts of Redis and Sentinel: POSIX sh
 * with coreutils `timeout`, sed and redis-cli, which the official redis image (Debian) ships.
 */
import { shellQuote } from './auth-include';
import { checkAbsolutePath, checkHost, checkPort } from './redis-checks';
import { check } from '../../errors';

/** A server a script talks to: the address Sentinel and the other servers know it by. */
export interface ShellAddress {
  readonly host: string;
  readonly port: number;
}

/** A server of a StatefulSet, identified in the script by the pod name in `$POD_NAME`. */
export interface ShellMember extends ShellAddress {
  readonly name: string;
}

/** Environment variable that names the pod (the member) a script runs in. */
export const MEMBER_NAME_ENV = 'POD_NAME';

/** A pod name: a DNS label. */
const MEMBER_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** A program: an absolute path or a name looked up on PATH. */
const PROGRAM = /^(\/[^\0\n]*|[A-Za-z0-9_.-]+)$/;

/** The script's prologue: fail on errors and unset variables, no globbing, private files. */
export function prologue(what: string): string[] {
  return [
    'set -euf',
    'umask 077',
    `log() { echo "${what}: $*" >&2; }`,
    'fail() { log "$*"; exit 1; }',
  ];
}

/**
 * Reads the password from the Secret's file into REDISCLI_AUTH, where redis-cli takes it from:
 * never a command-line argument (`ps` would show it). The trailing newline and carriage
 * return a Secret file may end with are dropped, as the auth include script drops them.
 */
export function passwordForCli(passwordFile: string): string[] {
  return [
    `REDISCLI_AUTH=$(cat ${shellQuote(passwordFile)})`,
    "REDISCLI_AUTH=${REDISCLI_AUTH%\"$(printf '\\r')\"}",
    'export REDISCLI_AUTH',
  ];
}

/**
 * `ask HOST PORT COMMAND...`: runs one command with redis-cli, giving up after `timeoutSeconds`,
 * printing the reply or nothing (an unreachable server is not an error: the next one is asked).
 * `valid_address HOST PORT` accepts only what a host name, an IP and a port can be, so an error
 * reply is never taken for an address and nothing unexpected reaches a config file.
 */
export function askFunctions(redisCli: string, timeoutSeconds: number): string[] {
  return [
    `ask() { ask_host=$1; ask_port=$2; shift 2; timeout ${timeoutSeconds} ${shellQuote(redisCli)} -h "$ask_host" -p "$ask_port" "$@" 2>/dev/null || true; }`,
    'valid_address() {',
    "  case \"$1\" in ''|-*|*[!A-Za-z0-9.:_-]*) return 1 ;; esac",
    "  case \"$2\" in ''|*[!0-9]*) return 1 ;; esac",
    '}',
  ];
}

/**
 * Sets `self` to `host port` of the member named by `$POD_NAME`, and fails the script for any
 * other name: a pod of another StatefulSet must not start with this one's config.
 */
export function selfFromMemberName(members: readonly ShellMember[], what: string): string[] {
  const names = members.map((m) => m.name).join(' ');
  return [
    `member=\${${MEMBER_NAME_ENV}:-}`,
    'case "$member" in',
    ...members.map((m) => `  ${shellQuote(m.name)}) self=${shellQuote(`${m.host} ${m.port}`)} ;;`),
    `  *) fail "${MEMBER_NAME_ENV} ($member) names none of the ${what}: ${names}" ;;`,
    'esac',
  ];
}

/** A list of addresses as sh words, `'host port'` each, for a `for` loop. */
export function addressWords(addresses: readonly ShellAddress[]): string {
  return addresses.map((a) => shellQuote(`${a.host} ${a.port}`)).join(' ');
}

/** Checks what a script is rendered from; errors name the path and field. */
export function checkShellInputs(path: string, inputs: {
  readonly members?: readonly ShellMember[];
  readonly membersField?: string;
  readonly addresses?: readonly ShellAddress[];
  readonly addressesField?: string;
  readonly files?: Readonly<Record<string, string>>;
  readonly programs?: Readonly<Record<string, string>>;
  readonly timeoutSeconds?: number;
}): void {
  const membersField = inputs.membersField ?? 'members';
  if (inputs.members !== undefined) {
    check(Array.isArray(inputs.members) && inputs.members.length > 0, {
      path, field: membersField, value: inputs.members, problem: 'must list at least one server', fix: 'list every server of the StatefulSet',
    });
    const seen = new Set<string>();
    inputs.members.forEach((m, i) => {
      check(typeof m.name === 'string' && MEMBER_NAME.test(m.name) && !seen.has(m.name), {
        path, field: `${membersField}[${i}].name`, value: m.name, problem: 'must be a unique pod name (a DNS label)', fix: 'use e.g. "cache-0"',
      });
      seen.add(m.name);
      checkHost(path, `${membersField}[${i}].host`, m.host);
      checkPort(path, `${membersField}[${i}].port`, m.port);
    });
  }
  const addressesField = inputs.addressesField ?? 'addresses';
  (inputs.addresses ?? []).forEach((a, i) => {
    checkHost(path, `${addressesField}[${i}].host`, a.host);
    checkPort(path, `${addressesField}[${i}].port`, a.port);
  });
  for (const [field, file] of Object.entries(inputs.files ?? {})) checkAbsolutePath(path, field, file);
  for (const [field, program] of Object.entries(inputs.programs ?? {})) {
    check(typeof program === 'string' && PROGRAM.test(program), {
      path, field, value: program, problem: 'must be an absolute path or a program name', fix: 'use e.g. "redis-server" or "/usr/bin/redis-server"',
    });
  }
  if (inputs.timeoutSeconds !== undefined) {
    check(Number.isInteger(inputs.timeoutSeconds) && inputs.timeoutSeconds >= 1, {
      path, field: 'askTimeoutSeconds', value: inputs.timeoutSeconds, problem: 'must be a whole number of seconds, at least 1', fix: 'use 2',
    });
  }
}
