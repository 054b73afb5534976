import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Duration } from 'cdk8s';
import { haproxyDuration } from '../../../lib/core/traffic/haproxy-config';
import { serversAvailable } from '../../e2e/support/processes';
import { PatroniTiming, HaproxyConfigSpec, haproxyServerChecks, HaproxyListener, patroniListeners, renderHaproxyConfig } from 'hadr-constructs';

const members = [0, 1, 2].map((i) => ({ name: `pg${i}`, host: `10.0.0.${i + 1}`, port: 5432, apiPort: 8008 }));

const patroniSpec: HaproxyConfigSpec = {
  path: 'firebackup/db-haproxy',
  listeners: patroniListeners({ members, primaryPort: 5000, replicaPort: 5001, checks: PatroniTiming.fast().haproxyCheck }),
  stats: { port: 7000, uri: '/stats' },
};

/** Cross-cluster HTTP balancing as MultiCluster will ask for it: sticky sessions, health checks, a DNS-named site. */
const crossClusterListener: HaproxyListener = {
  name: 'api',
  port: 8080,
  mode: 'http',
  balance: 'roundrobin',
  stickyCookie: 'HADR_SITE',
  healthCheck: { method: 'GET', path: '/health', expectStatus: 204, host: 'api.example.com' },
  serverChecks: haproxyServerChecks(PatroniTiming.default().haproxyCheck),
  servers: [
    { name: 'dc1-a', address: '10.1.0.10', port: 443, cookie: 'a' },
    { name: 'dc1-b', address: 'ingress.dc1-b.example.com', port: 443, cookie: 'b' },
  ],
};

/** Lines of one section, without indentation. */
function section(cfg: string, header: string): string[] {
  const blocks = cfg.split('\n\n');
  const block = blocks.find((b) => b.startsWith(`${header}\n`));
  if (!block) throw new Error(`no section ${header}`);
  return block.split('\n').slice(1).map((l) => l.trim()).filter((l) => l !== '');
}

const haveHaproxy = serversAvailable('haproxy -c', ['haproxy']);

/** HAProxy's own parser: exit status and output of `haproxy -c -f`. */
function haproxyCheck(cfg: string): { status: number | null; output: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'haproxy-check-'));
  try {
    const file = path.join(dir, 'haproxy.cfg');
    fs.writeFileSync(file, cfg);
    const run = spawnSync('haproxy', ['-c', '-f', file], { encoding: 'utf8', timeout: 10_000 });
    return { status: run.status, output: `${run.stdout}${run.stderr}` };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('Patroni listeners', () => {
  const cfg = renderHaproxyConfig(patroniSpec);

  it('route writes to the one member whose GET /primary answers 200', () => {
    expect(section(cfg, 'listen primary')).toEqual(expect.arrayContaining([
      'bind 0.0.0.0:5000',
      'mode tcp',
      'option httpchk',
      'http-check send meth GET uri /primary',
      'http-check expect status 200',
    ]));
  });

  it('route reads to members whose GET /replica answers 200', () => {
    expect(section(cfg, 'listen replicas')).toEqual(expect.arrayContaining(['bind 0.0.0.0:5001', 'http-check send meth GET uri /replica']));
  });

  it('check Patroni\'s REST port while sending traffic to PostgreSQL\'s', () => {
    expect(section(cfg, 'listen primary').filter((l) => l.startsWith('server '))).toEqual([
      'server pg0 10.0.0.1:5432 check port 8008',
      'server pg1 10.0.0.2:5432 check port 8008',
      'server pg2 10.0.0.3:5432 check port 8008',
    ]);
  });

  it('use the profile\'s check timing and cut the sessions of a demoted primary', () => {
    expect(section(cfg, 'listen primary')).toEqual(expect.arrayContaining([
      'timeout check 1s',
      'default-server inter 500ms fastinter 250ms downinter 500ms fall 1 rise 1 on-marked-down shutdown-sessions',
    ]));
  });

  it('keep idle database sessions open for 30 minutes', () => {
    expect(section(cfg, 'listen primary')).toEqual(expect.arrayContaining(['timeout client 30m', 'timeout server 30m']));
  });

  it('publish a stats page on loopback', () => {
    expect(section(cfg, 'listen stats')).toEqual(['bind 127.0.0.1:7000', 'mode http', 'timeout client 10s', 'stats enable', 'stats uri /stats']);
  });

  (haveHaproxy ? it : it.skip)('pass haproxy -c without a warning', () => {
    const result = haproxyCheck(cfg);
    expect(result.output).toContain('Configuration file is valid');
    expect(result.output).not.toMatch(/WARNING|ALERT/);
    expect(result.status).toBe(0);
  });

  it('matches the snapshot', () => {
    expect(cfg).toMatchSnapshot();
  });
});

describe('HTTP listeners for cross-cluster balancing', () => {
  const cfg = renderHaproxyConfig({ listeners: [crossClusterListener] });

  it('pin a client to its site with an inserted cookie, one value per server', () => {
    const lines = section(cfg, 'listen api');
    expect(lines).toContain('cookie HADR_SITE insert indirect nocache');
    expect(lines).toContain('server dc1-a 10.1.0.10:443 check cookie a');
  });

  it('send the Host header the backends route on', () => {
    expect(section(cfg, 'listen api')).toContain('http-check send meth GET uri /health ver HTTP/1.1 hdr Host api.example.com');
    expect(section(cfg, 'listen api')).toContain('http-check expect status 204');
  });

  it('re-resolve DNS-named sites at run time and start even when one does not resolve', () => {
    expect(section(cfg, 'resolvers dns')).toEqual(['parse-resolv-conf', 'hold valid 10s', 'hold nx 10s']);
    expect(section(cfg, 'listen api')).toContain('server dc1-b ingress.dc1-b.example.com:443 check cookie b resolvers dns init-addr last,libc,none');
  });

  (haveHaproxy ? it : it.skip)('pass haproxy -c', () => {
    const result = haproxyCheck(cfg);
    expect(result.output).toContain('Configuration file is valid');
    expect(result.output).not.toMatch(/ALERT/);
    expect(result.status).toBe(0);
  });
});

describe('bad input', () => {
  it('rejects sticky sessions on a TCP listener', () => {
    expect(() => renderHaproxyConfig({ listeners: [{ ...crossClusterListener, mode: 'tcp' }] })).toThrow(
      'haproxy: listeners[0].stickyCookie needs mode http (HAProxy cannot set cookies on raw TCP) (got "HADR_SITE"); set mode: "http" or drop stickyCookie');
  });

  it('rejects two listeners on one port', () => {
    const [primary, replicas] = patroniListeners({ members, primaryPort: 5000, replicaPort: 5000, checks: PatroniTiming.fast().haproxyCheck });
    expect(() => renderHaproxyConfig({ listeners: [primary, replicas] })).toThrow(
      'haproxy: listeners[1].port is bound by another listener (got 5000); give every listener its own port');
  });

  it('rejects a health-check path HAProxy would split into two arguments', () => {
    expect(() => renderHaproxyConfig({ listeners: [{ ...crossClusterListener, healthCheck: { path: '/health check' } }] })).toThrow(
      'haproxy: listeners[0].healthCheck.path must be a path starting with / (got "/health check"); e.g. "/primary"');
  });

  it('rejects a listener without servers', () => {
    expect(() => renderHaproxyConfig({ listeners: [{ ...crossClusterListener, servers: [] }] })).toThrow(
      'haproxy: listeners[0].servers must have at least one server (got []); add the backend servers');
  });

  it('rejects a check interval that would hammer the health endpoint', () => {
    const serverChecks = { ...haproxyServerChecks(PatroniTiming.fast().haproxyCheck), inter: Duration.millis(10) };
    expect(() => renderHaproxyConfig({ listeners: [{ ...crossClusterListener, serverChecks }] })).toThrow(
      'haproxy: listeners[0].serverChecks.inter must be at least 100 ms (got 10 millis); faster checks only load the health endpoint');
  });

  it('rejects a stats socket path with a space before it reaches the file', () => {
    expect(() => renderHaproxyConfig({ ...patroniSpec, statsSocket: '/run/my haproxy.sock' })).toThrow(
      'firebackup/db-haproxy: statsSocket must be a unix socket or a loopback address: the runtime API it serves can take every server out of rotation (got "/run/my haproxy.sock"); use e.g. "/var/run/haproxy/admin.sock" or "ipv4@127.0.0.1:9999"');
  });
});

describe('haproxyDuration', () => {
  it('writes the largest exact unit', () => {
    expect(haproxyDuration(Duration.millis(500))).toBe('500ms');
    expect(haproxyDuration(Duration.seconds(4))).toBe('4s');
    expect(haproxyDuration(Duration.minutes(30))).toBe('30m');
    expect(haproxyDuration(Duration.millis(1500))).toBe('1500ms');
  });
});
