/**
 * Topology summaries the diagram tests draw, each produced the way the library produces it:
 * the one-site case from the chat-suite example's MultiCluster, the others from
 * `summarizeTopology` over a resolved spec. Standby copies of data get the `replication` record
 * the DR construct writes for them.
 */
import { Duration } from 'cdk8s';
import { chatSuiteMultiCluster } from '../../examples/chat-suite-multi-cluster';
import { AvailabilityMode } from '../../lib/core/topology/availability-mode';
import { StatefulKind } from '../../lib/core/topology/shared-endpoint';
import { SiteRole } from '../../lib/core/topology/site-spec';
import { resolveTopology, TopologySpec } from '../../lib/core/topology/topology-spec';
import { DataReplicationSummary, summarizeTopology, TopologySummary } from '../../lib/core/topology/topology-summary';
import { TrafficPolicy } from '../../lib/core/traffic/traffic-policy';
import { GitOps, MultiCluster } from 'hadr-constructs';

/** The active site of the chat suite: one site, two MultiReplica clusters, data outside both, balanced sticky traffic. */
export function oneSiteSummary(): TopologySummary {
  const app = chatSuiteMultiCluster('/nonexistent/never-synthesized');
  const multiCluster = app.node.findAll().find((c): c is MultiCluster => c instanceof MultiCluster);
  if (!multiCluster) throw new Error('the chat-suite example has no MultiCluster');
  return multiCluster.summary;
}

/** Copies `summary` with `replication` set on the data component `name` of site `site`. */
function withReplication(
  summary: TopologySummary, copies: readonly { name: string; site: string; replication: DataReplicationSummary }[],
): TopologySummary {
  return {
    ...summary,
    data: summary.data.map((d) => {
      const copy = copies.find((c) => c.name === d.name && c.site === d.site);
      return copy ? { ...d, replication: copy.replication } : d;
    }),
  };
}

const twoSiteSpec: TopologySpec = {
  name: 'shop',
  services: [
    { name: 'api', image: 'ghcr.io/acme/api:1.0.0', port: 8080, healthPath: '/health', dependsOn: ['search'] },
    { name: 'search', image: 'ghcr.io/acme/search:1.0.0', port: 9200 },
    { name: 'scheduler', image: 'ghcr.io/acme/scheduler:1.0.0', ports: [{ name: 'metrics', port: 9100 }], healthPath: '/ready' },
  ],
  sites: [
    {
      name: 'dc1', role: SiteRole.ACTIVE,
      clusters: [
        { name: 'dc1-a', ingress: { address: '10.1.0.10' }, egressCidrs: ['10.1.0.0/16'] },
        { name: 'dc1-b', ingress: { address: '10.2.0.10' }, egressCidrs: ['10.2.0.0/16'] },
      ],
    },
    {
      name: 'dc2', role: SiteRole.STANDBY, availability: AvailabilityMode.BASELINE,
      clusters: [{ name: 'dc2-a', ingress: { address: '10.9.0.10' }, services: { scheduler: { standby: true } } }],
      sharedEndpoints: [{ name: 'pg', kind: StatefulKind.POSTGRESQL, host: 'pg.dc2.example.com', site: 'dc2' }],
    },
  ],
  sharedEndpoints: [
    { name: 'pg', kind: StatefulKind.POSTGRESQL, host: 'pg.dc1.example.com', site: 'dc1' },
    { name: 'objects', kind: StatefulKind.OBJECT_STORAGE, addresses: ['10.30.1.5'] },
  ],
  traffic: TrafficPolicy.failover({ service: 'api', host: 'shop.example.com' }),
  gitOps: GitOps.argoCd({ repoURL: 'https://git.example.com/platform/shop.git', path: 'deploy' }),
  targets: { rto: Duration.minutes(15), rpo: Duration.minutes(1) },
};

/** An active site with two clusters and a Baseline standby site whose database replicates from it; HAProxy fails over to the standby. */
export function twoSiteSummary(): TopologySummary {
  const summary = summarizeTopology(resolveTopology('shop', twoSiteSpec), {
    mode: 'active-passive-dr',
    gitOpsFolders: ['gitops/dc1', 'gitops/dc2'],
    balancerConfigFile: 'balancer/haproxy.cfg',
    backends: [
      { cluster: 'dc1-a', address: '10.1.0.10', port: 80, backup: false },
      { cluster: 'dc1-b', address: '10.2.0.10', port: 80, backup: false },
      { cluster: 'dc2-a', address: '10.9.0.10', port: 80, backup: true },
    ],
  });
  return withReplication(summary, [
    { name: 'pg', site: 'dc2', replication: { fromSite: 'dc1', fromHost: 'pg.dc1.example.com', mode: 'asynchronous', maxLagSeconds: 60 } },
  ]);
}

const threeSiteSpec: TopologySpec = {
  name: 'chat',
  services: [
    { name: 'web', image: 'ghcr.io/acme/chat-web:3.2.1', port: 8080, healthPath: '/healthz', dependsOn: ['synapse'] },
    { name: 'synapse', image: 'ghcr.io/acme/synapse:1.120.0', port: 8008, healthPath: '/health', autoscale: { min: 2, max: 6 } },
    { name: 'operator', image: 'ghcr.io/acme/chat-operator:2.4.0', ports: [{ name: 'metrics', port: 9100 }], healthPath: '/readyz' },
    { name: 'updater', image: 'ghcr.io/acme/chat-updater:2.4.0', ports: [{ name: 'metrics', port: 9101 }], healthPath: '/readyz' },
  ],
  sites: [
    {
      name: 'dc1', role: SiteRole.ACTIVE,
      clusters: [
        { name: 'dc1-a', ingress: { address: 'ingress.dc1-a.chat.internal' }, egressCidrs: ['10.1.0.0/16'] },
        { name: 'dc1-b', ingress: { address: 'ingress.dc1-b.chat.internal' }, egressCidrs: ['10.2.0.0/16'] },
      ],
      sharedEndpoints: [
        { name: 'postgres', kind: StatefulKind.POSTGRESQL, host: 'pg.dc1.chat.internal', site: 'dc1' },
        { name: 'redis', kind: StatefulKind.REDIS, host: 'redis.dc1.chat.internal', site: 'dc1' },
      ],
    },
    ...(['dc2', 'dc3'] as const).map((site, i) => ({
      name: site, role: SiteRole.STANDBY, availability: AvailabilityMode.BASELINE,
      // The operator would deploy workloads while passive: 0 replicas until the site is activated.
      clusters: [{ name: `${site}-a`, ingress: { address: `10.${9 + i}.0.10` }, egressCidrs: [`10.${9 + i}.0.0/16`], services: { operator: { standby: true } } }],
      sharedEndpoints: [
        { name: 'postgres', kind: StatefulKind.POSTGRESQL, host: `pg.${site}.chat.internal`, site },
        { name: 'redis', kind: StatefulKind.REDIS, host: `redis.${site}.chat.internal`, site },
      ],
    })),
  ],
  sharedEndpoints: [
    { name: 'postgres', kind: StatefulKind.POSTGRESQL, host: 'pg.dc1.chat.internal', site: 'dc1' },
    { name: 'redis', kind: StatefulKind.REDIS, host: 'redis.dc1.chat.internal', site: 'dc1' },
    // Media lives on a redundant bucket every site reaches.
    { name: 'media', kind: StatefulKind.OBJECT_STORAGE, host: 's3.media.chat.example' },
  ],
  traffic: TrafficPolicy.failover({ service: 'web', host: 'chat.example.org' }),
  gitOps: GitOps.argoCd({ repoURL: 'https://git.example.org/platform/chat.git' }),
  targets: { rto: Duration.minutes(30), rpo: Duration.seconds(30) },
};

/** The three-data-centre plan: one active site, two standby sites whose databases each replicate from the active one. */
export function threeSiteSummary(): TopologySummary {
  const summary = summarizeTopology(resolveTopology('chat', threeSiteSpec), {
    mode: 'active-passive-dr',
    gitOpsFolders: ['gitops/dc1', 'gitops/dc2', 'gitops/dc3'],
    balancerConfigFile: 'balancer/haproxy.cfg',
    backends: [
      { cluster: 'dc1-a', address: 'ingress.dc1-a.chat.internal', port: 80, backup: false },
      { cluster: 'dc1-b', address: 'ingress.dc1-b.chat.internal', port: 80, backup: false },
      { cluster: 'dc2-a', address: '10.9.0.10', port: 80, backup: true },
      { cluster: 'dc3-a', address: '10.10.0.10', port: 80, backup: true },
    ],
  });
  const fromDc1: DataReplicationSummary = { fromSite: 'dc1', fromHost: 'pg.dc1.chat.internal', mode: 'asynchronous', maxLagSeconds: 30 };
  return withReplication(summary, [
    { name: 'postgres', site: 'dc2', replication: fromDc1 },
    { name: 'postgres', site: 'dc3', replication: fromDc1 },
  ]);
}

/** Every fixture by name, for tests that check each one. */
export const DIAGRAM_FIXTURES: readonly (readonly [string, () => TopologySummary])[] = [
  ['one site, two clusters', oneSiteSummary],
  ['two sites, active and standby', twoSiteSummary],
  ['three sites, one active and two standby', threeSiteSummary],
];

/**
 * Names the format would refuse, with every character Mermaid, HTML or XML could misread: quotes,
 * angle brackets, ampersands, `#` and text that looks like an entity code, pipes, backticks,
 * backslashes, an arrow, Mermaid keywords, a control character and a newline. The renderers
 * must draw them as text, whatever reaches them.
 */
export const ODD_NAMES_SUMMARY: TopologySummary = {
  formatVersion: 2,
  topology: 'shop "quoted"\n---',
  mode: 'active-passive-dr',
  namespace: 'shop',
  sites: [
    {
      name: 'dc"1<&>', role: 'active',
      clusters: [{
        name: 'a#b;c|d`e', folder: 'a', availability: 'multi-replica', zones: [], labels: {}, egressCidrs: [],
        replicas: { 'x<script>alert(1)</script>': 3, 'subgraph': { min: 2, max: 4 } }, standby: [],
      }],
    },
    {
      name: 'end', role: 'standby',
      clusters: [{
        name: 'x--> o', folder: 'b', availability: 'baseline', zones: [], labels: {}, egressCidrs: [],
        replicas: { 'x<script>alert(1)</script>': 1, 'subgraph': 0 }, standby: ['subgraph'],
      }],
    },
  ],
  services: [
    { name: 'x<script>alert(1)</script>', image: 'ghcr.io/acme/x:1', ports: [80], dependsOn: [] },
    { name: 'subgraph', image: 'ghcr.io/acme/s:1', ports: [81], dependsOn: [] },
  ],
  data: [
    {
      name: 'pg#quot; & "friends"', kind: 'postgresql', inClusterName: 'pg.shop.svc', host: 'pg.dc"1.example', reach: 'anywhere', ports: [5432],
      usedBy: [], site: 'dc"1<&>', usedOnSites: ['dc"1<&>'], sharedAcrossSites: false,
    },
    {
      name: 'pg#quot; & "friends"', kind: 'postgresql', inClusterName: 'pg.shop.svc', host: 'pg.end.example', reach: 'anywhere', ports: [5432],
      usedBy: [], site: 'end', usedOnSites: ['end'], sharedAcrossSites: false,
      replication: { fromSite: 'dc"1<&>', fromHost: 'pg.dc"1.example', mode: 'asynchronous', maxLagSeconds: 5 },
    },
    {
      name: 'media\\share', kind: 'object storage with a bell\u0007and a\nnewline', inClusterName: 'media.shop.svc', addresses: ['10.0.0.1', '10.0.0.2'],
      reach: 'anywhere', ports: [443], usedBy: [], usedOnSites: ['dc"1<&>', 'end'], sharedAcrossSites: false,
    },
  ],
  traffic: {
    policy: 'failover', host: 'shop"|.example', service: 'x<script>alert(1)</script>', balancer: 'haproxy-http', configFile: 'balancer/haproxy.cfg',
    backends: [
      { cluster: 'a#b;c|d`e', site: 'dc"1<&>', address: '10.1.0.10', port: 80, backup: false },
      { cluster: 'x--> o', site: 'end', address: '10.2.0.10', port: 80, backup: true },
    ],
  },
};

/** A small deterministic pseudo-random generator (Park-Miller), so generated topologies are the same on every run. */
function random(seed: number): () => number {
  let state = ((seed * 7919 + 104729) % 2147483646) + 1;
  const next = () => {
    state = (state * 48271) % 2147483647;
    return (state - 1) / 2147483646;
  };
  // The first draws from a small seed are small too: skip them.
  for (let i = 0; i < 8; i++) next();
  return next;
}

/**
 * A valid summary of a random shape: one to four sites (the first active), one to three
 * clusters each in either mode, one to four services (some in standby on standby sites, some
 * autoscaled), zero to three data components per site with each standby site's database
 * replicating from the first site's, data outside the sites, and failover traffic or none.
 */
export function generatedSummary(seed: number): TopologySummary {
  const rand = random(seed + 1);
  const pick = (n: number) => Math.floor(rand() * n);
  const services = Array.from({ length: 1 + pick(4) }, (_, i) => ({ name: `svc-${i}`, image: `ghcr.io/acme/svc-${i}:1.0.0`, ports: [8080 + i], dependsOn: [] }));
  const sites = Array.from({ length: 1 + pick(4) }, (_, s) => {
    const role = s === 0 ? 'active' as const : 'standby' as const;
    const clusters = Array.from({ length: 1 + pick(3) }, (_unused, c) => {
      const availability = pick(2) === 0 ? 'multi-replica' as const : 'baseline' as const;
      const replicas = Object.fromEntries(services.map((svc) => {
        if (role === 'standby' && pick(3) === 0) return [svc.name, 0];
        if (availability === 'baseline') return [svc.name, 1];
        return [svc.name, pick(2) === 0 ? 2 + pick(4) : { min: 2, max: 3 + pick(10) }];
      }));
      return {
        name: `site-${s}-c${c}`, folder: `site-${s}/site-${s}-c${c}`, availability, zones: [], labels: {}, ingressAddress: `10.${s}.${c}.10`,
        egressCidrs: [], replicas, standby: services.filter((svc) => replicas[svc.name] === 0).map((svc) => svc.name),
      };
    });
    return { name: `site-${s}`, role, clusters };
  });
  const kinds = ['postgresql', 'redis', 'object-storage'];
  const data: TopologySummary['data'][number][] = [];
  const firstSiteData = 1 + pick(3);
  sites.forEach((site, s) => {
    for (let k = 0; k < (s === 0 ? firstSiteData : pick(4)); k++) {
      const replicated = s > 0 && k === 0;
      data.push({
        name: `data-${k}`, kind: kinds[k], inClusterName: `data-${k}.gen.svc`, host: `data-${k}.${site.name}.example`, reach: 'anywhere', ports: [5432 + k],
        usedBy: [], site: site.name, usedOnSites: [site.name], sharedAcrossSites: false,
        replication: replicated ? {
          fromSite: 'site-0', fromHost: 'data-0.site-0.example', mode: pick(2) === 0 ? 'asynchronous' : 'synchronous', maxLagSeconds: pick(2) === 0 ? undefined : 1 + pick(60),
        } : undefined,
      });
    }
  });
  for (let o = 0; o < pick(3); o++) {
    data.push({
      name: `shared-${o}`, kind: 'message-queue', inClusterName: `shared-${o}.gen.svc`, addresses: [`10.50.0.${o + 1}`], reach: 'anywhere', ports: [5672],
      usedBy: [], usedOnSites: sites.map((s) => s.name), sharedAcrossSites: false,
    });
  }
  const traffic = pick(4) === 0 ? undefined : {
    policy: 'failover' as const, host: 'gen.example', service: services[0].name, balancer: 'haproxy-http', configFile: 'balancer/haproxy.cfg',
    backends: sites.flatMap((site) => site.clusters.map((c) => ({ cluster: c.name, site: site.name, address: c.ingressAddress, port: 80, backup: site.role === 'standby' }))),
  };
  return {
    formatVersion: 2, topology: 'gen', mode: 'active-passive-dr', namespace: 'gen', sites, services, data: JSON.parse(JSON.stringify(data)), traffic,
    targets: { rtoSeconds: 600, rpoSeconds: 60 },
  };
}
