/**
 * Real HAProxy on 127.0.0.1, started from the haproxy.cfg the core renders for a two-cluster
 * topology, in front of two tiny Node HTTP servers standing in for the clusters' ingresses.
 * Shows health-checked failover (a cluster whose check fails, or that crashes, stops getting
 * traffic; its clients are served by the other) and cookie stickiness (same cookie, same
 * cluster).
 */
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { Duration } from 'cdk8s';
import { findBinary, freePorts, ProcessGroup, serversAvailable, tcpOpen, waitFor } from './support/processes';
import { resolveServiceSpec } from '../../lib/core/service/service-spec';
import { resolveClusters } from '../../lib/core/topology/cluster-spec';
import { crossClusterBalancerSpec, resolveLoadBalancing } from '../../lib/core/traffic/cross-cluster-balancer';
import { AvailabilityMode, CrossClusterBalancer, renderHaproxyConfig } from 'hadr-constructs';

const HOST = 'chat.acme.example';
const COOKIE = 'CHAT_SITE';

/**
 * A cluster's ingress, reduced to what the balancer sees: `/healthz` answers 200 for the
 * public host while healthy, `/` names the cluster, and `POST /control/unhealthy` (sent
 * straight to the backend, not through HAProxy) makes the health check fail while the server
 * keeps accepting connections.
 */
const BACKEND = `
const http = require('http');
const [name, port, host] = process.argv.slice(1);
let healthy = true;
http.createServer((req, res) => {
  if (req.method === 'POST' && req.url === '/control/unhealthy') { healthy = false; res.end('ok'); return; }
  if (req.url === '/healthz') {
    res.statusCode = healthy && req.headers.host === host ? 200 : 503;
    res.end(healthy ? 'ok' : 'failing');
    return;
  }
  res.setHeader('content-type', 'text/plain');
  res.end(name);
}).listen(Number(port), '127.0.0.1');
`;

interface Reply {
  readonly status: number;
  readonly body: string;
  /** Value of the balancer's cookie in Set-Cookie, when it set one. */
  readonly cookie?: string;
}

function request(port: number, options: { cookie?: string; method?: string; path?: string; host?: string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1', port, method: options.method ?? 'GET', path: options.path ?? '/', agent: false, timeout: 3_000,
      headers: { host: options.host ?? HOST, ...(options.cookie ? { cookie: `${COOKIE}=${options.cookie}` } : {}) },
    }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => body += chunk);
      res.on('end', () => {
        const setCookie = (res.headers['set-cookie'] ?? []).find((c) => c.startsWith(`${COOKIE}=`));
        resolve({ status: res.statusCode ?? 0, body, cookie: setCookie?.slice(COOKIE.length + 1).split(';')[0] });
      });
    });
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    req.end();
  });
}

/** Status (UP, DOWN...) of each cluster's server, from HAProxy's stats CSV. */
async function serverStatus(statsPort: number): Promise<Record<string, string>> {
  const { body } = await request(statsPort, { path: '/;csv', host: '127.0.0.1' });
  const [header, ...rows] = body.trim().split('\n');
  const columns = header.replace(/^# /, '').split(',');
  const status: Record<string, string> = {};
  for (const row of rows.map((r) => r.split(','))) {
    if (row[columns.indexOf('pxname')] === 'web' && !['FRONTEND', 'BACKEND'].includes(row[columns.indexOf('svname')])) {
      status[row[columns.indexOf('svname')]] = row[columns.indexOf('status')];
    }
  }
  return status;
}

const describeWithHaproxy = serversAvailable('the cross-cluster balancer drill', ['haproxy']) ? describe : describe.skip;

describeWithHaproxy('HAProxy balancing two clusters, from the rendered haproxy.cfg', () => {
  const group = new ProcessGroup();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hadr-balancer-'));
  const backends = { 'dc1-a': 0, 'dc1-b': 0 };
  let balancer = { port: 0, stats: 0 };

  /** Renders haproxy.cfg for the two backends through the topology path and starts HAProxy with it. */
  async function startBalancer(name: string, checkInterval: Duration): Promise<{ port: number; stats: number }> {
    const [port, stats] = await freePorts(2);
    const service = resolveServiceSpec('chat', { name: 'web', image: 'ghcr.io/acme/chat-web:3.2.1', port: 8080, healthPath: '/healthz' });
    const clusters = resolveClusters('chat', (['dc1-a', 'dc1-b'] as const).map((cluster) => ({
      name: cluster, ingress: { address: '127.0.0.1', httpPort: backends[cluster] },
    })), { serviceNames: ['web'], availability: AvailabilityMode.MULTI_REPLICA, minClusters: 2 });
    const balancing = resolveLoadBalancing('chat', {
      service: 'web',
      host: HOST,
      balancer: CrossClusterBalancer.haproxy({ bindAddress: '127.0.0.1', port, statsPort: stats, checkInterval, fall: 2, rise: 2 }),
      stickySessions: { cookieName: COOKIE },
    }, [service], clusters);
    const cfg = path.join(dir, `${name}.cfg`);
    fs.writeFileSync(cfg, renderHaproxyConfig(crossClusterBalancerSpec('chat/balancer', balancing)));
    group.start(name, findBinary('haproxy')!, ['-db', '-f', cfg], { logFile: path.join(dir, `${name}.log`) });
    await waitFor(`both clusters UP in ${name}`, async () => {
      const status = await serverStatus(stats);
      return status['dc1-a'] === 'UP' && status['dc1-b'] === 'UP';
    }, { timeoutMs: 15_000 });
    return { port, stats };
  }

  function startBackend(cluster: 'dc1-a' | 'dc1-b'): void {
    group.start(cluster, process.execPath, ['-e', BACKEND, cluster, String(backends[cluster]), HOST], { logFile: path.join(dir, `${cluster}.log`) });
  }

  beforeAll(async () => {
    [backends['dc1-a'], backends['dc1-b']] = await freePorts(2);
    startBackend('dc1-a');
    startBackend('dc1-b');
    balancer = await startBalancer('haproxy', Duration.millis(200));
  }, 30_000);

  afterAll(async () => {
    await group.stopAll();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('spreads clients without a cookie over both clusters and pins each with a cookie', async () => {
    const replies = await Promise.all([0, 1, 2, 3].map(() => request(balancer.port)));
    expect(replies.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(new Set(replies.map((r) => r.body))).toEqual(new Set(['dc1-a', 'dc1-b']));
    for (const reply of replies) expect(reply.cookie).toBe(reply.body);
  });

  it('keeps a client with a cookie on the same cluster, request after request', async () => {
    for (const cluster of ['dc1-a', 'dc1-b']) {
      const replies = [];
      for (let i = 0; i < 6; i++) replies.push(await request(balancer.port, { cookie: cluster }));
      expect(replies.map((r) => r.body)).toEqual(Array(6).fill(cluster));
      // Indirect cookie: not re-sent to a client that already holds the right one.
      expect(replies.map((r) => r.cookie)).toEqual(Array(6).fill(undefined));
    }
  });

  it('takes a cluster whose health check fails out, though it still accepts connections, and moves its clients', async () => {
    await request(backends['dc1-a'], { method: 'POST', path: '/control/unhealthy' });
    await waitFor('dc1-a marked DOWN', async () => (await serverStatus(balancer.stats))['dc1-a']?.startsWith('DOWN'), { timeoutMs: 10_000 });
    expect(await tcpOpen(backends['dc1-a'])).toBe(true);

    expect(await request(balancer.port, { cookie: 'dc1-a' })).toEqual({ status: 200, body: 'dc1-b', cookie: 'dc1-b' });
    const fresh = await Promise.all([0, 1, 2, 3].map(() => request(balancer.port)));
    expect(fresh.map((r) => r.body)).toEqual(Array(4).fill('dc1-b'));
  });

  it('serves the clients of a crashed cluster from the other one, and takes the recovered one back', async () => {
    await group.stop('dc1-a');
    startBackend('dc1-a');
    await waitFor('dc1-a UP again', async () => (await serverStatus(balancer.stats))['dc1-a'] === 'UP', { timeoutMs: 10_000 });

    group.signal('dc1-b', 'SIGKILL');
    await waitFor('dc1-b marked DOWN', async () => (await serverStatus(balancer.stats))['dc1-b']?.startsWith('DOWN'), { timeoutMs: 10_000 });
    expect(await request(balancer.port, { cookie: 'dc1-b' })).toEqual({ status: 200, body: 'dc1-a', cookie: 'dc1-a' });
    const fresh = await Promise.all([0, 1, 2, 3].map(() => request(balancer.port)));
    expect(fresh.map((r) => r.body)).toEqual(Array(4).fill('dc1-a'));
  });

  it('serves a request pinned to a cluster that just died from the other, before any check notices', async () => {
    await group.stop('dc1-b');
    startBackend('dc1-b');
    // Checks every 10 s: the crash below is not seen by a check during the request.
    const slow = await startBalancer('haproxy-slow-checks', Duration.seconds(10));
    group.signal('dc1-b', 'SIGKILL');
    await waitFor('dc1-b to stop listening', async () => !(await tcpOpen(backends['dc1-b'])), { timeoutMs: 5_000 });

    expect(await request(slow.port, { cookie: 'dc1-b' })).toMatchObject({ status: 200, body: 'dc1-a' });
    expect((await serverStatus(slow.stats))['dc1-b']).toBe('UP');
  });
});
