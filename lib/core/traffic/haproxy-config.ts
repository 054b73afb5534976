/**
 * haproxy.cfg from a typed spec: TCP routing to the Patroni primary and replicas, and HTTP load
 * balancing with health checks and sticky sessions across clusters. One function, many callers.
 */
import { check } from '../errors';
import { HaproxyCheckTiming } from '../postgres/patroni-timing';
import { DurationLike, isDurationLike, millis, seconds } from '../units';
import { INT32_MAX } from '../validation/kubernetes';
import { isHostName, parseIp, specialRange } from '../validation/network';
import { checkObject, checkShape } from '../validation/shape';
import { HAPROXY_CONFIG_SHAPE } from '../validation/spec-shapes';

/** How HAProxy handles a connection: raw TCP (PostgreSQL) or parsed HTTP (cookies, paths). */
export type HaproxyMode = 'tcp' | 'http';

/**
 * An HTTP health check sent to each server's check port.
 * @see https://docs.haproxy.org/2.6/configuration.html#4.2-http-check%20send
 */
export interface HaproxyHealthCheck {
  /** Request method. @default 'GET' */
  readonly method?: 'GET' | 'HEAD' | 'OPTIONS';
  /** Request path, e.g. `/primary` (Patroni answers 200 only on the leader). */
  readonly path: string;
  /** Status that means healthy. @default 200 */
  readonly expectStatus?: number;
  /** Host header, for backends that route on it. @default - none (HTTP/1.0 check) */
  readonly host?: string;
}

/**
 * One step of a TCP health check (`option tcp-check`): send bytes, or expect text or a pattern
 * in what the server sent back. Steps run in order; the check fails at the first unmet
 * expectation.
 * @see https://docs.haproxy.org/2.6/configuration.html#4.2-tcp-check%20send
 * @see https://docs.haproxy.org/2.6/configuration.html#4.2-tcp-check%20expect
 */
export interface HaproxyTcpCheckStep {
  /**
   * Bytes to send, e.g. `PING\r\n`. `${NAME}` is replaced by the environment variable NAME of
   * the HAProxy process when it reads the file, so a password reaches the check without
   * being written into haproxy.cfg.
   * @default - nothing sent in this step
   * @see https://docs.haproxy.org/2.6/configuration.html#2.3
   */
  readonly send?: string;
  /** Text the reply must contain (`expect string`). @default - no text expected in this step */
  readonly expectString?: string;
  /** Regular expression the reply must match (`expect rstring`). @default - no pattern expected in this step */
  readonly expectRegex?: string;
}

/**
 * Check cadence and what happens on a state change, for every server of a listener
 * (`default-server`).
 * @see https://docs.haproxy.org/2.6/configuration.html#5.2
 */
export interface HaproxyServerChecks {
  /** Interval between checks of an UP server. */
  readonly inter: DurationLike;
  /** Interval while an UP server is failing. */
  readonly fastInter: DurationLike;
  /** Interval between checks of a DOWN server. */
  readonly downInter: DurationLike;
  /** Failed checks that mark a server DOWN. */
  readonly fall: number;
  /** Passed checks that mark a server UP. */
  readonly rise: number;
  /** Longest a check may take. */
  readonly timeout: DurationLike;
  /**
   * Close every session to a server marked DOWN, so clients of a demoted primary reconnect to
   * the new one instead of writing into a dead connection.
   * @default true
   */
  readonly shutdownSessionsOnMarkedDown?: boolean;
}

/** One backend server of a listener. */
export interface HaproxyServer {
  /** Server name, shown in stats (letters, digits, `-_.:`). */
  readonly name: string;
  /** Host name or IP. */
  readonly address: string;
  /** Port traffic goes to. */
  readonly port: number;
  /** Port the health check goes to (Patroni's REST API). @default - the traffic port */
  readonly checkPort?: number;
  /** Cookie value that pins a client to this server (http mode with stickyCookie). @default - the server name */
  readonly cookie?: string;
  /** Use only when every non-backup server is DOWN. @default false */
  readonly backup?: boolean;
  /** Connections HAProxy opens to this server at most; the rest queue. @default - unlimited */
  readonly maxConnections?: number;
}

/** A `listen` section: one bind address and the servers behind it. */
export interface HaproxyListener {
  /** Section name, shown in stats. */
  readonly name: string;
  /** Address to bind. @default '0.0.0.0' */
  readonly bindAddress?: string;
  /** Port to bind. */
  readonly port: number;
  /** TCP or HTTP. @default 'tcp' */
  readonly mode?: HaproxyMode;
  /**
   * Load-balancing algorithm.
   * @default 'roundrobin'
   * @see https://docs.haproxy.org/2.6/configuration.html#4.2-balance
   */
  readonly balance?: 'roundrobin' | 'leastconn' | 'first' | 'source';
  /** HTTP health check. @default - TCP connect check only */
  readonly healthCheck?: HaproxyHealthCheck;
  /**
   * A send/expect conversation with each server (mode tcp), in place of `healthCheck`: e.g.
   * authenticate to Redis and expect `role:master`.
   * @default - TCP connect check only
   * @see https://docs.haproxy.org/2.6/configuration.html#4.2-option%20tcp-check
   */
  readonly tcpCheck?: readonly HaproxyTcpCheckStep[];
  /** Check cadence for every server. @default - HAProxy's (inter 2s, fall 3, rise 2) */
  readonly serverChecks?: HaproxyServerChecks;
  /**
   * Cookie name for sticky sessions (http mode): `cookie NAME insert indirect nocache`, so a
   * client stays on the server (cluster) holding its session while that server is UP.
   * @default - no stickiness
   * @see https://docs.haproxy.org/2.6/configuration.html#4.2-cookie
   */
  readonly stickyCookie?: string;
  /**
   * Retry a failed connection on another server (`option redispatch`), breaking cookie
   * persistence for that request, so a client pinned to a server that just died is served
   * elsewhere before the checks mark it DOWN.
   * @default false
   * @see https://docs.haproxy.org/2.6/configuration.html#4.2-option%20redispatch
   */
  readonly redispatch?: boolean;
  /** Idle client side timeout. @default - 30 minutes in tcp mode (long database sessions), 60 s in http mode */
  readonly clientTimeout?: DurationLike;
  /** Idle server side timeout. @default - same as clientTimeout */
  readonly serverTimeout?: DurationLike;
  /** Backend servers. */
  readonly servers: readonly HaproxyServer[];
}

/** The stats page (CSV at `<uri>;csv`), where drills and operators see which server is UP. */
export interface HaproxyStats {
  /** Address to bind; keep it private. @default '127.0.0.1' */
  readonly bindAddress?: string;
  /** Port to bind. */
  readonly port: number;
  /** Path of the page. @default '/' */
  readonly uri?: string;
  /** Auto-refresh of the HTML page. @default - none */
  readonly refresh?: DurationLike;
}

/** Everything {@link renderHaproxyConfig} needs. */
export interface HaproxyConfigSpec {
  /** Construct path (or label) that errors name. @default 'haproxy' */
  readonly path?: string;
  /** Process-wide connection limit. @default 4096 */
  readonly maxConnections?: number;
  /** Unix socket for the runtime API (`show stat`), admin level. @default - none */
  readonly statsSocket?: string;
  /** Time to open a connection to a server. @default Duration.seconds(4) */
  readonly connectTimeout?: DurationLike;
  /** Connection attempts to a server before giving up on it. @default 2 */
  readonly retries?: number;
  /** Listeners, one `listen` section each. */
  readonly listeners: readonly HaproxyListener[];
  /** Stats page. @default - none */
  readonly stats?: HaproxyStats;
}

/** A PostgreSQL member behind HAProxy: its traffic port and its Patroni REST port. */
export interface PatroniHaproxyMember {
  /** Member name (shown in stats). */
  readonly name: string;
  /** Host or IP. */
  readonly host: string;
  /** PostgreSQL port. */
  readonly port: number;
  /** Patroni REST API port. */
  readonly apiPort: number;
}

/** Options for {@link patroniListeners}. */
export interface PatroniListenersOptions {
  /** Every member of the cluster. */
  readonly members: readonly PatroniHaproxyMember[];
  /** Port for writes (the primary). */
  readonly primaryPort: number;
  /** Port for reads (any healthy replica). @default - no replica listener */
  readonly replicaPort?: number;
  /** Address to bind. @default '0.0.0.0' */
  readonly bindAddress?: string;
  /** Check cadence from the timing profile. */
  readonly checks: HaproxyCheckTiming;
}

/** One line of a section: keyword and arguments, each a validated token. */
type Directive = readonly string[];

interface Section {
  readonly keyword: 'global' | 'defaults' | 'listen' | 'resolvers';
  readonly name?: string;
  readonly directives: readonly Directive[];
}

const NAME = /^[A-Za-z0-9_.:-]+$/;
/** A token HAProxy reads as one word: no spaces, quotes, comment or escape characters. */
const TOKEN = /^[^\s#"'\\\x00-\x1f\x7f-\uffff]+$/;
/**
 * A double-quoted word as {@link haproxyQuoted} writes it: escapes for backslash, quote, dollar
 * and control bytes, and `${NAME}` environment references; nothing else special inside.
 */
const QUOTED_TOKEN = /^"(?:[^"\\$\x00-\x1f\x7f-\uffff]|\\[\\"$rnt]|\\x[0-9a-f]{2}|\$\{[A-Za-z_][A-Za-z0-9_]*\})*"$/;
/** An environment reference HAProxy expands inside double quotes. */
const ENV_REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/y;
/** The balance algorithms this renderer writes, spelled as HAProxy reads them. */
const BALANCE_ALGORITHMS = ['roundrobin', 'leastconn', 'first', 'source'];
/** The longest timer HAProxy accepts: 2^31 - 1 ms (about 24.8 days); a longer one fails with "timer overflow". */
const MAX_TIMER_MS = INT32_MAX;
const IP_ADDRESS = /^(\d{1,3}\.){3}\d{1,3}$|^[0-9a-fA-F:]*:[0-9a-fA-F:]*$/;
/** Name of the resolvers section servers with DNS names use. */
const RESOLVERS = 'dns';

/**
 * Renders haproxy.cfg: global and defaults, one `listen` section per listener, and an optional
 * stats listener. Every name and value is checked before it is written. For HAProxy outside
 * Kubernetes too (the cross-cluster balancer, HAProxy in front of Patroni or Redis on VMs): the
 * drills run real HAProxy from it.
 *
 * @see https://docs.haproxy.org/2.6/configuration.html
 */
export function renderHaproxyConfig(spec: HaproxyConfigSpec): string {
  const path = spec.path ?? 'haproxy';
  validateHaproxyConfig(spec);
  const sections: Section[] = [
    globalSection(spec),
    defaultsSection(spec),
    ...(usesDnsNames(spec) ? [resolversSection()] : []),
    ...spec.listeners.map(listenSection),
    ...(spec.stats ? [statsSection(spec.stats)] : []),
  ];
  return emitSections(path, sections);
}

/** Throws a HadrError for the first invalid name, port, timing or contradictory setting. */
export function validateHaproxyConfig(spec: HaproxyConfigSpec): void {
  const path = spec.path ?? 'haproxy';
  checkObject(path, 'spec', spec, "{ listeners: [{ name: 'primary', port: 5000, servers: [...] }] }");
  check(Array.isArray(spec.listeners) && spec.listeners.length > 0, {
    path, field: 'listeners', value: spec.listeners, problem: 'must have at least one listener', fix: 'add a listener with servers',
  });
  checkShape(path, '', spec, HAPROXY_CONFIG_SHAPE);
  if (spec.statsSocket !== undefined) checkStatsSocket(path, spec.statsSocket);
  check(Array.isArray(spec.listeners) && spec.listeners.length > 0, {
    path, field: 'listeners', value: spec.listeners, problem: 'must have at least one listener', fix: 'add a listener with servers',
  });
  positiveInteger(path, 'maxConnections', spec.maxConnections);
  positiveInteger(path, 'retries', spec.retries);
  if (spec.connectTimeout !== undefined) checkDuration(path, 'connectTimeout', spec.connectTimeout);
  const names = new Set<string>();
  const ports = new Set<number>();
  spec.listeners.forEach((listener, i) => {
    const field = `listeners[${i}]`;
    validateListener(path, field, listener);
    check(!names.has(listener.name), {
      path, field: `${field}.name`, value: listener.name, problem: 'is used by another listener', fix: 'give every listener its own name',
    });
    check(!ports.has(listener.port), {
      path, field: `${field}.port`, value: listener.port, problem: 'is bound by another listener', fix: 'give every listener its own port',
    });
    names.add(listener.name);
    ports.add(listener.port);
  });
  if (spec.stats) {
    check(isPort(spec.stats.port) && !ports.has(spec.stats.port), {
      path, field: 'stats.port', value: spec.stats.port, problem: 'must be a port no listener binds', fix: 'pick a free port, e.g. 7000',
    });
    check(spec.stats.uri === undefined || /^\/[\x21-\x7e]*$/.test(spec.stats.uri) && !/[#"'\\;]/.test(spec.stats.uri), {
      path, field: 'stats.uri', value: spec.stats.uri, problem: 'must be a path starting with /', fix: 'e.g. "/stats"',
    });
    check(spec.stats.bindAddress === undefined || isLoopback(spec.stats.bindAddress), {
      path, field: 'stats.bindAddress', value: spec.stats.bindAddress,
      problem: 'must be a loopback address: the stats page shows every server and its state to whoever reaches it', fix: 'use "127.0.0.1" (the default)',
    });
    if (spec.stats.refresh !== undefined) checkDuration(path, 'stats.refresh', spec.stats.refresh);
  }
}

/**
 * The two listeners of a Patroni cluster: writes go to the one member whose `GET /primary`
 * answers 200, reads to members whose `GET /replica` answers 200. Patroni answers from its own
 * state, so HAProxy never needs to know who the leader is.
 *
 * @see https://patroni.readthedocs.io/en/latest/rest_api.html#health-check-endpoints
 */
export function patroniListeners(options: PatroniListenersOptions): HaproxyListener[] {
  const servers = options.members.map((m) => ({ name: m.name, address: m.host, port: m.port, checkPort: m.apiPort }));
  const serverChecks = haproxyServerChecks(options.checks);
  const primary: HaproxyListener = {
    name: 'primary',
    bindAddress: options.bindAddress,
    port: options.primaryPort,
    mode: 'tcp',
    healthCheck: { method: 'GET', path: '/primary', expectStatus: 200 },
    serverChecks,
    servers,
  };
  if (options.replicaPort === undefined) return [primary];
  return [primary, {
    ...primary,
    name: 'replicas',
    port: options.replicaPort,
    healthCheck: { method: 'GET', path: '/replica', expectStatus: 200 },
  }];
}

/** The `default-server` check settings for a timing profile's HAProxy checks. */
export function haproxyServerChecks(timing: HaproxyCheckTiming): HaproxyServerChecks {
  return {
    inter: millis(timing.interMs),
    fastInter: millis(timing.fastInterMs),
    downInter: millis(timing.downInterMs),
    fall: timing.fall,
    rise: timing.rise,
    timeout: millis(timing.timeoutMs),
    shutdownSessionsOnMarkedDown: true,
  };
}

/** Formats a duration the way HAProxy reads it: `4s`, `500ms`, `30m`. */
export function haproxyDuration(duration: DurationLike): string {
  const ms = duration.toMilliseconds();
  if (ms % 60_000 === 0 && ms > 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

// ---------------------------------------------------------------------------------------------
// Sections

function globalSection(spec: HaproxyConfigSpec): Section {
  const directives: Directive[] = [['maxconn', String(spec.maxConnections ?? 4096)]];
  if (spec.statsSocket) directives.push(['stats', 'socket', spec.statsSocket, 'mode', '600', 'level', 'admin']);
  return { keyword: 'global', directives };
}

function defaultsSection(spec: HaproxyConfigSpec): Section {
  return {
    keyword: 'defaults',
    directives: [
      ['mode', 'tcp'],
      ['retries', String(spec.retries ?? 2)],
      ['timeout', 'connect', haproxyDuration(spec.connectTimeout ?? seconds(4))],
      ['timeout', 'client', '30m'],
      ['timeout', 'server', '30m'],
    ],
  };
}

/**
 * Servers named by DNS (another cluster's load balancer) are re-resolved at run time, and a
 * name that does not resolve at start leaves that server DOWN instead of stopping HAProxy:
 * one site's DNS outage must not take the whole load balancer down.
 *
 * @see https://docs.haproxy.org/2.6/configuration.html#5.3.2
 */
function resolversSection(): Section {
  return {
    keyword: 'resolvers',
    name: RESOLVERS,
    directives: [
      ['parse-resolv-conf'],
      ['hold', 'valid', '10s'],
      ['hold', 'nx', '10s'],
    ],
  };
}

function usesDnsNames(spec: HaproxyConfigSpec): boolean {
  return spec.listeners.some((l) => l.servers.some((s) => !IP_ADDRESS.test(s.address)));
}

function listenSection(listener: HaproxyListener): Section {
  const mode = listener.mode ?? 'tcp';
  const clientTimeout = listener.clientTimeout ?? (mode === 'tcp' ? seconds(1800) : seconds(60));
  const directives: Directive[] = [
    ['bind', `${listener.bindAddress ?? '0.0.0.0'}:${listener.port}`],
    ['mode', mode],
    ['balance', listener.balance ?? 'roundrobin'],
    ['timeout', 'client', haproxyDuration(clientTimeout)],
    ['timeout', 'server', haproxyDuration(listener.serverTimeout ?? clientTimeout)],
  ];
  if (mode === 'http') directives.push(['option', 'forwardfor']);
  if (listener.healthCheck) directives.push(...healthCheckDirectives(listener.healthCheck));
  if (listener.tcpCheck) directives.push(...tcpCheckDirectives(listener.tcpCheck));
  if (listener.serverChecks) {
    directives.push(['timeout', 'check', haproxyDuration(listener.serverChecks.timeout)]);
    directives.push(defaultServer(listener.serverChecks));
  }
  if (listener.redispatch) directives.push(['option', 'redispatch']);
  if (listener.stickyCookie) directives.push(['cookie', listener.stickyCookie, 'insert', 'indirect', 'nocache']);
  for (const server of listener.servers) directives.push(serverDirective(server, listener.stickyCookie !== undefined));
  return { keyword: 'listen', name: listener.name, directives };
}

function healthCheckDirectives(hc: HaproxyHealthCheck): Directive[] {
  const send = ['http-check', 'send', 'meth', hc.method ?? 'GET', 'uri', hc.path];
  if (hc.host) send.push('ver', 'HTTP/1.1', 'hdr', 'Host', hc.host);
  return [
    ['option', 'httpchk'],
    send,
    ['http-check', 'expect', 'status', String(hc.expectStatus ?? 200)],
  ];
}

function tcpCheckDirectives(steps: readonly HaproxyTcpCheckStep[]): Directive[] {
  return [
    ['option', 'tcp-check'],
    ...steps.map((step): Directive => {
      if (step.send !== undefined) return ['tcp-check', 'send', haproxyQuoted(step.send)];
      if (step.expectString !== undefined) return ['tcp-check', 'expect', 'string', haproxyQuoted(step.expectString)];
      return ['tcp-check', 'expect', 'rstring', haproxyQuoted(step.expectRegex!)];
    }),
  ];
}

/**
 * A string as one double-quoted HAProxy word that reads back byte for byte: backslash, quote
 * and a dollar that does not start `${NAME}` are escaped, control bytes written as `\r`, `\n`,
 * `\t` or `\xHH`; `${NAME}` is left for HAProxy to expand from its environment.
 *
 * @see https://docs.haproxy.org/2.6/configuration.html#2.2
 */
export function haproxyQuoted(text: string): string {
  let quoted = '"';
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    ENV_REFERENCE.lastIndex = i;
    const reference = char === '$' ? ENV_REFERENCE.exec(text) : null;
    if (reference) {
      quoted += reference[0];
      i += reference[0].length - 1;
    } else if (char === '\\' || char === '"' || char === '$') {
      quoted += `\\${char}`;
    } else if (char === '\r') {
      quoted += '\\r';
    } else if (char === '\n') {
      quoted += '\\n';
    } else if (char === '\t') {
      quoted += '\\t';
    } else if (char.charCodeAt(0) < 0x20 || char.charCodeAt(0) >= 0x7f) {
      // Every byte outside printable ASCII is escaped: the file stays ASCII, so no line separator or
      // invisible character reaches the ConfigMap or a reviewer's screen.
      for (const byte of Buffer.from(text.codePointAt(i)! > 0xffff ? text.slice(i, i + 2) : char, 'utf8')) quoted += `\\x${byte.toString(16).padStart(2, '0')}`;
      if (text.codePointAt(i)! > 0xffff) i++;
    } else {
      quoted += char;
    }
  }
  return `${quoted}"`;
}

function defaultServer(checks: HaproxyServerChecks): Directive {
  const line = [
    'default-server',
    'inter', haproxyDuration(checks.inter),
    'fastinter', haproxyDuration(checks.fastInter),
    'downinter', haproxyDuration(checks.downInter),
    'fall', String(checks.fall),
    'rise', String(checks.rise),
  ];
  if (checks.shutdownSessionsOnMarkedDown ?? true) line.push('on-marked-down', 'shutdown-sessions');
  return line;
}

function serverDirective(server: HaproxyServer, sticky: boolean): Directive {
  const line = ['server', server.name, `${server.address}:${server.port}`, 'check'];
  if (server.checkPort !== undefined) line.push('port', String(server.checkPort));
  if (server.maxConnections !== undefined) line.push('maxconn', String(server.maxConnections));
  if (sticky) line.push('cookie', server.cookie ?? server.name);
  if (server.backup) line.push('backup');
  if (!IP_ADDRESS.test(server.address)) line.push('resolvers', RESOLVERS, 'init-addr', 'last,libc,none');
  return line;
}

function statsSection(stats: HaproxyStats): Section {
  const directives: Directive[] = [
    ['bind', `${stats.bindAddress ?? '127.0.0.1'}:${stats.port}`],
    ['mode', 'http'],
    ['timeout', 'client', '10s'],
    ['stats', 'enable'],
    ['stats', 'uri', stats.uri ?? '/'],
  ];
  if (stats.refresh) directives.push(['stats', 'refresh', haproxyDuration(stats.refresh)]);
  return { keyword: 'listen', name: 'stats', directives };
}

// ---------------------------------------------------------------------------------------------
// Emitter

/** Writes sections as HAProxy reads them: the keyword at column 0, directives indented. */
function emitSections(path: string, sections: readonly Section[]): string {
  const out: string[] = [];
  for (const section of sections) {
    if (out.length > 0) out.push('');
    out.push(section.name === undefined ? section.keyword : `${section.keyword} ${section.name}`);
    for (const directive of section.directives) {
      directive.forEach((token, i) => check(TOKEN.test(token) || QUOTED_TOKEN.test(token), {
        path, field: `${section.name ?? section.keyword}.${directive[0]}`, value: token,
        problem: `has an argument (#${i}) HAProxy would split or misread`, fix: 'remove spaces, quotes, # and backslashes',
      }));
      out.push(`    ${directive.join(' ')}`);
    }
  }
  return out.join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------
// Checks

function validateListener(path: string, field: string, listener: HaproxyListener): void {
  check(typeof listener.name === 'string' && NAME.test(listener.name) && listener.name !== 'stats', {
    path, field: `${field}.name`, value: listener.name, problem: 'must be letters, digits, -, _, . or : (and not "stats")', fix: 'e.g. "primary"',
  });
  check(isPort(listener.port), { path, field: `${field}.port`, value: listener.port, problem: 'must be a port from 1 to 65535', fix: 'e.g. 5000' });
  check(listener.balance === undefined || BALANCE_ALGORITHMS.includes(listener.balance), {
    path, field: `${field}.balance`, value: listener.balance,
    problem: `must be one of ${BALANCE_ALGORITHMS.join(', ')}, spelled exactly: HAProxy refuses any other`, fix: 'use "roundrobin"',
  });
  if (listener.bindAddress !== undefined) {
    check(isAddress(listener.bindAddress) || listener.bindAddress === '*', {
      path, field: `${field}.bindAddress`, value: listener.bindAddress, problem: 'must be an IP or host name', fix: 'e.g. "0.0.0.0"',
    });
  }
  const mode = listener.mode ?? 'tcp';
  check(mode === 'tcp' || mode === 'http', { path, field: `${field}.mode`, value: mode, problem: 'must be tcp or http', fix: 'use "tcp" for PostgreSQL, "http" for web traffic' });
  check(listener.stickyCookie === undefined || mode === 'http', {
    path, field: `${field}.stickyCookie`, value: listener.stickyCookie, problem: 'needs mode http (HAProxy cannot set cookies on raw TCP)', fix: 'set mode: "http" or drop stickyCookie',
  });
  if (listener.stickyCookie !== undefined) {
    check(/^[A-Za-z0-9_-]+$/.test(listener.stickyCookie), {
      path, field: `${field}.stickyCookie`, value: listener.stickyCookie, problem: 'must be a cookie name', fix: 'e.g. "SERVERID"',
    });
  }
  if (listener.healthCheck) validateHealthCheck(path, `${field}.healthCheck`, listener.healthCheck);
  if (listener.tcpCheck) validateTcpCheck(path, field, listener);
  if (listener.serverChecks) validateServerChecks(path, `${field}.serverChecks`, listener.serverChecks);
  for (const [name, value] of [['clientTimeout', listener.clientTimeout], ['serverTimeout', listener.serverTimeout]] as const) {
    if (value !== undefined) checkDuration(path, `${field}.${name}`, value);
  }
  check(Array.isArray(listener.servers) && listener.servers.length > 0, {
    path, field: `${field}.servers`, value: listener.servers, problem: 'must have at least one server', fix: 'add the backend servers',
  });
  const serverNames = new Set<string>();
  const cookies = new Set<string>();
  listener.servers.forEach((server, i) => {
    const sf = `${field}.servers[${i}]`;
    check(typeof server.name === 'string' && NAME.test(server.name) && !serverNames.has(server.name), {
      path, field: `${sf}.name`, value: server.name, problem: 'must be a unique name of letters, digits, -, _, . or :', fix: 'e.g. "pg-0"',
    });
    serverNames.add(server.name);
    check(isAddress(server.address), {
      path, field: `${sf}.address`, value: server.address, problem: 'must be a host name or IP', fix: 'e.g. "10.0.0.5"',
    });
    check(isPort(server.port), { path, field: `${sf}.port`, value: server.port, problem: 'must be a port from 1 to 65535', fix: 'e.g. 5432' });
    if (server.checkPort !== undefined) {
      check(isPort(server.checkPort), { path, field: `${sf}.checkPort`, value: server.checkPort, problem: 'must be a port from 1 to 65535', fix: 'e.g. 8008' });
    }
    positiveInteger(path, `${sf}.maxConnections`, server.maxConnections);
    if (listener.stickyCookie !== undefined) {
      const cookie = server.cookie ?? server.name;
      check(/^[A-Za-z0-9_.-]+$/.test(cookie) && !cookies.has(cookie), {
        path, field: `${sf}.cookie`, value: cookie, problem: 'must be a unique cookie value', fix: 'give every server its own value',
      });
      cookies.add(cookie);
    }
  });
}

function validateHealthCheck(path: string, field: string, hc: HaproxyHealthCheck): void {
  check(typeof hc.path === 'string' && /^\/[^\s#"'\\]*$/.test(hc.path), {
    path, field: `${field}.path`, value: hc.path, problem: 'must be a path starting with /', fix: 'e.g. "/primary"',
  });
  const status = hc.expectStatus ?? 200;
  check(Number.isInteger(status) && status >= 100 && status <= 599, {
    path, field: `${field}.expectStatus`, value: status, problem: 'must be an HTTP status', fix: 'e.g. 200',
  });
  check(hc.method === undefined || ['GET', 'HEAD', 'OPTIONS'].includes(hc.method), {
    path, field: `${field}.method`, value: hc.method, problem: 'must be GET, HEAD or OPTIONS', fix: 'use "GET"',
  });
  if (hc.host !== undefined) {
    check(isAddress(hc.host), { path, field: `${field}.host`, value: hc.host, problem: 'must be a host name', fix: 'e.g. "api.example.com"' });
  }
}

function validateTcpCheck(path: string, field: string, listener: HaproxyListener): void {
  const steps = listener.tcpCheck!;
  check(listener.healthCheck === undefined, {
    path, field: `${field}.tcpCheck`, value: listener.healthCheck, problem: 'cannot be given together with healthCheck (one check per server)',
    fix: 'keep healthCheck for an HTTP check, or tcpCheck for a send/expect conversation',
  });
  check((listener.mode ?? 'tcp') === 'tcp', {
    path, field: `${field}.tcpCheck`, value: listener.mode, problem: 'needs mode tcp', fix: 'set mode: "tcp", or use healthCheck for HTTP',
  });
  check(Array.isArray(steps) && steps.length > 0, {
    path, field: `${field}.tcpCheck`, value: steps, problem: 'must have at least one step', fix: "e.g. [{ send: 'PING\\r\\n' }, { expectString: '+PONG' }]",
  });
  steps.forEach((step, i) => {
    const given = (['send', 'expectString', 'expectRegex'] as const).filter((key) => step[key] !== undefined);
    check(given.length === 1 && typeof step[given[0]] === 'string' && step[given[0]]!.length > 0 && !step[given[0]]!.includes('\0'), {
      path, field: `${field}.tcpCheck[${i}]`, value: given, problem: 'must be exactly one non-empty send, expectString or expectRegex (without NUL bytes)',
      fix: "split it into steps, e.g. { send: 'PING\\r\\n' } then { expectString: '+PONG' }",
    });
    if (step.expectRegex !== undefined) checkRegex(path, `${field}.tcpCheck[${i}].expectRegex`, step.expectRegex);
  });
}

function validateServerChecks(path: string, field: string, checks: HaproxyServerChecks): void {
  for (const [name, value] of [
    ['inter', checks.inter], ['fastInter', checks.fastInter], ['downInter', checks.downInter], ['timeout', checks.timeout],
  ] as const) {
    checkDuration(path, `${field}.${name}`, value);
    check(value.toMilliseconds() >= 100, {
      path, field: `${field}.${name}`, value, problem: 'must be at least 100 ms', fix: 'faster checks only load the health endpoint',
    });
  }
  for (const [name, value] of [['fall', checks.fall], ['rise', checks.rise]] as const) {
    check(Number.isInteger(value) && value >= 1 && value <= INT32_MAX, { path, field: `${field}.${name}`, value, problem: 'must be a whole number, at least 1', fix: 'use 1 to react to the first check' });
  }
}

function checkDuration(path: string, field: string, value: DurationLike): void {
  check(isDurationLike(value) && Number.isInteger(value.toMilliseconds()) && value.toMilliseconds() > 0, {
    path, field, value, problem: 'must be a positive duration in whole milliseconds', fix: 'use Duration.millis(n) or Duration.seconds(n)',
  });
  check(value.toMilliseconds() <= MAX_TIMER_MS, {
    path, field, value, problem: 'must be below 2^31 milliseconds (about 24.8 days): HAProxy refuses a longer timer ("timer overflow")',
    fix: 'use e.g. Duration.minutes(30)',
  });
}

function positiveInteger(path: string, field: string, value: number | undefined): void {
  if (value === undefined) return;
  check(Number.isInteger(value) && value >= 1 && value <= INT32_MAX, {
    path, field, value, problem: value >= 1 && Number.isInteger(value) ? `must be at most ${INT32_MAX}` : 'must be a whole number, at least 1', fix: 'use a positive integer',
  });
}

/** An IP address or a host name, as a server, bind or Host header value. */
function isAddress(value: unknown): boolean {
  return isHostName(value) || parseIp(value) !== undefined;
}

/** True for `localhost` or a loopback address (127.0.0.0/8, ::1, and IPv4 loopback inside IPv6). */
function isLoopback(value: string): boolean {
  const ip = parseIp(value);
  return value === 'localhost' || (ip !== undefined && /^loopback/.test(specialRange(ip)?.meaning ?? ''));
}

/**
 * The runtime API (`stats socket ... level admin`) can disable servers, change weights and read
 * every state: only a unix socket (a path, `unix@/path`, `abns@name`) or a loopback address may
 * carry it.
 */
function checkStatsSocket(path: string, socket: unknown): void {
  const text = typeof socket === 'string' ? socket : '';
  const unix = /^(unix@)?\/[A-Za-z0-9_.\/-]+$/.test(text) || /^abns@[A-Za-z0-9_.-]+$/.test(text);
  const inet = /^(ipv4@|ipv6@)?(.+):([0-9]{1,5})$/.exec(text);
  const host = inet?.[2].replace(/^\[|\]$/g, '');
  check(unix || (inet !== null && host !== undefined && isLoopback(host) && Number(inet[3]) >= 1 && Number(inet[3]) <= 65535), {
    path, field: 'statsSocket', value: socket,
    problem: 'must be a unix socket or a loopback address: the runtime API it serves can take every server out of rotation',
    fix: 'use e.g. "/var/run/haproxy/admin.sock" or "ipv4@127.0.0.1:9999"',
  });
}

/**
 * A regular expression HAProxy (PCRE2) compiles and that cannot backtrack without end: it must
 * compile as a strict (unicode) JavaScript pattern, which refuses what PCRE2 also refuses
 * (unbalanced groups, reversed ranges, dangling escapes), and nest no quantified group inside a
 * quantifier, such as `(a+)+`, whose matching time explodes on a reply that almost matches.
 */
function checkRegex(path: string, field: string, pattern: string): void {
  let compiles = true;
  try {
    new RegExp(pattern, 'u');
  } catch {
    compiles = false;
  }
  check(compiles && pattern.length <= 1024, {
    path, field, value: pattern, problem: 'is not a regular expression HAProxy compiles (checked strictly: balanced groups, valid ranges and escapes, at most 1024 characters)',
    fix: 'e.g. "role:master\\r\\n"',
  });
  check(!/\((?:[^()\\]|\\.)*[+*}](?:[^()\\]|\\.)*\)[+*{]/.test(pattern), {
    path, field, value: pattern, problem: 'nests a repeated group inside a repetition, which can backtrack for as long as a reply takes to fail',
    fix: 'repeat a single item, e.g. "(ab)+" rather than "(a+)+"',
  });
}

function isPort(port: unknown): boolean {
  return Number.isInteger(port) && (port as number) >= 1 && (port as number) <= 65535;
}
