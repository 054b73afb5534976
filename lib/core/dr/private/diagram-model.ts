/**
 * The graph both diagram renderers draw, built once from a topology summary: groups (sites,
 * their clusters, and the data outside every site), nodes (the client entry, cluster ingresses,
 * services with their replicas, data components) and edges (traffic, backup traffic,
 * replication). Ids are positional (`s1`, `s1c2`, `d3`), so no name can collide with another or
 * with a keyword of the output format.
 */
import { DataSummary, TopologySummary } from '../../topology/topology-summary';

/** A box that holds nodes and other groups. */
export interface DiagramGroup {
  readonly id: string;
  readonly kind: 'site' | 'cluster' | 'outside';
  /** Its title, e.g. `site dc1 · active`. */
  readonly label: string;
  /** The enclosing group, for a cluster. */
  readonly parent?: string;
  /** True for a standby site and the clusters in it. */
  readonly standby: boolean;
  /** Name of the site or cluster, for readers that look it up. */
  readonly name?: string;
}

/** A box with a title line and detail lines. */
export interface DiagramNode {
  readonly id: string;
  readonly kind: 'client' | 'ingress' | 'service' | 'data';
  readonly title: string;
  readonly details: readonly string[];
  readonly parent?: string;
  /** A service with 0 replicas on its cluster. */
  readonly standby: boolean;
}

/** An arrow between two nodes. */
export interface DiagramEdge {
  readonly from: string;
  readonly to: string;
  /** `traffic` (serving path), `backup` (serves only when every other backend is down) or `replication`. */
  readonly kind: 'traffic' | 'backup' | 'replication';
  readonly label?: string;
}

/**
 * A pair of nodes to draw one above the other, without an arrow: the nodes of a cluster in one
 * column (`column`), and data under the clusters that use it (`below`).
 */
export interface DiagramStacking {
  readonly above: string;
  readonly below: string;
  readonly kind: 'column' | 'below';
}

/** The whole graph, in a stable order: groups outer first, nodes and edges in summary order. */
export interface DiagramModel {
  /** One line naming the topology, its mode and its targets. */
  readonly title: string;
  readonly groups: readonly DiagramGroup[];
  readonly nodes: readonly DiagramNode[];
  readonly edges: readonly DiagramEdge[];
  readonly stacking: readonly DiagramStacking[];
}

/** Replicas as a reader wants them: `3 replicas`, `2–12 replicas · autoscaled`, `0 replicas · standby`. */
export function replicasText(replicas: number | { readonly min: number; readonly max: number } | undefined): string {
  if (replicas === undefined) return 'not deployed';
  if (typeof replicas !== 'number') return `${replicas.min}–${replicas.max} replicas · autoscaled`;
  if (replicas === 0) return '0 replicas · standby';
  return replicas === 1 ? '1 replica' : `${replicas} replicas`;
}

/** Label of a replication arrow: its mode and the longest lag the design accepts. */
export function replicationText(replication: NonNullable<DataSummary['replication']>): string {
  const lag = replication.maxLagSeconds === undefined ? 'lag unbounded' : `max lag ${replication.maxLagSeconds} s`;
  return `${replication.mode} · ${lag}`;
}

/** The graph of a topology summary. */
export function diagramModel(summary: TopologySummary): DiagramModel {
  const groups: DiagramGroup[] = [];
  const nodes: DiagramNode[] = [];
  const edges: DiagramEdge[] = [];
  const siteIds = new Map<string, string>();
  const clusterIds = new Map<string, { id: string }>();
  let outside: string | undefined;
  const outsideGroup = (): string => {
    if (outside === undefined) {
      outside = 'g_outside';
      groups.push({ id: outside, kind: 'outside', label: 'outside the sites', standby: false });
    }
    return outside;
  };

  summary.sites.forEach((site, s) => {
    const siteId = `s${s + 1}`;
    const standby = site.role === 'standby';
    siteIds.set(site.name, siteId);
    groups.push({ id: siteId, kind: 'site', label: `site ${site.name} · ${site.role}`, standby, name: site.name });
    site.clusters.forEach((cluster, c) => {
      const clusterId = `${siteId}c${c + 1}`;
      clusterIds.set(cluster.name, { id: clusterId });
      groups.push({
        id: clusterId, kind: 'cluster', label: `cluster ${cluster.name} · ${cluster.availability}`, parent: siteId, standby, name: cluster.name,
      });
    });
  });

  // Ingresses first inside each cluster, so the traffic path reads from the top.
  const traffic = summary.traffic;
  // A balancer lists its backends; DNS failover and a switch by hand reach every cluster's
  // ingress, the standby sites' as the fallback.
  const backends = traffic?.backends ?? summary.sites.flatMap((site) => site.clusters.map((cluster) => ({
    cluster: cluster.name, site: site.name, address: traffic?.dns?.siteAddresses?.[site.name] ?? cluster.ingressAddress ?? traffic?.host ?? '', port: 443,
    backup: site.role === 'standby',
  })));
  const ingressOf = new Map<string, string>();
  if (traffic) {
    const by = traffic.balancer ?? (traffic.dns ? `${traffic.dns.provider} DNS, TTL ${traffic.dns.ttlSeconds} s` : `hand: ${traffic.manualSwitch}`);
    nodes.push({
      id: 'client', kind: 'client', title: traffic.host,
      details: [`${traffic.policy} by ${by}`, ...(traffic.stickyCookie ? [`sticky cookie ${traffic.stickyCookie}`] : [])],
      standby: false,
    });
    backends.forEach((backend, b) => {
      const cluster = clusterIds.get(backend.cluster);
      const id = cluster ? `${cluster.id}i${b + 1}` : `i${b + 1}`;
      nodes.push({
        id, kind: 'ingress', title: cluster ? 'ingress' : `ingress of ${backend.cluster}`, details: [`${backend.address}:${backend.port}`],
        parent: cluster?.id ?? outsideGroup(), standby: false,
      });
      edges.push({ from: 'client', to: id, kind: backend.backup ? 'backup' : 'traffic', label: backend.backup ? 'backup' : undefined });
      if (!ingressOf.has(backend.cluster)) ingressOf.set(backend.cluster, id);
    });
  }

  for (const site of summary.sites) {
    for (const cluster of site.clusters) {
      const clusterId = clusterIds.get(cluster.name)!.id;
      summary.services.forEach((service, v) => {
        const replicas = cluster.replicas[service.name];
        const id = `${clusterId}v${v + 1}`;
        nodes.push({ id, kind: 'service', title: service.name, details: [replicasText(replicas)], parent: clusterId, standby: replicas === 0 });
        if (traffic && service.name === traffic.service) {
          backends.forEach((backend, b) => {
            if (backend.cluster !== cluster.name) return;
            const from = `${clusterId}i${b + 1}`;
            edges.push({ from, to: id, kind: backend.backup ? 'backup' : 'traffic' });
          });
        }
      });
    }
  }

  const dataIds: string[] = [];
  summary.data.forEach((data, d) => {
    const id = `d${d + 1}`;
    dataIds.push(id);
    const address = data.host ?? (data.addresses ?? []).join(', ');
    const reach = data.reach === 'cluster' ? [`reached only in ${data.reachCluster ?? 'its cluster'}`] : [];
    const parent = data.site !== undefined && siteIds.has(data.site) ? siteIds.get(data.site)! : outsideGroup();
    nodes.push({ id, kind: 'data', title: data.name, details: [data.kind, address, ...reach], parent, standby: false });
  });

  // Each standby copy gets one arrow from the copy it follows: on the named site, at the named
  // address; failing that, the same component on that site; failing that, the address itself.
  let externals = 0;
  summary.data.forEach((data, d) => {
    const replication = data.replication;
    if (!replication) return;
    const onSource = summary.data.map((other, i) => ({ other, i })).filter(({ other, i }) => i !== d && other.site === replication.fromSite);
    const source = onSource.find(({ other }) => other.host === replication.fromHost || (other.addresses ?? []).includes(replication.fromHost))
      ?? onSource.find(({ other }) => other.name === data.name);
    let from: string;
    if (source) {
      from = dataIds[source.i];
    } else {
      from = `e${++externals}`;
      nodes.push({
        id: from, kind: 'data', title: replication.fromHost, details: [`source of ${data.name}`],
        parent: siteIds.get(replication.fromSite) ?? outsideGroup(), standby: false,
      });
    }
    edges.push({ from, to: dataIds[d], kind: 'replication', label: replicationText(replication) });
  });

  const stacking = stackingOf(groups, nodes, edges);
  const targets = summary.targets;
  const targetText = [
    ...(targets?.rtoSeconds !== undefined ? [`RTO ${targets.rtoSeconds} s`] : []),
    ...(targets?.rpoSeconds !== undefined ? [`RPO ${targets.rpoSeconds} s`] : []),
  ];
  return {
    title: [`${summary.topology} · ${summary.mode}`, ...targetText].join(' · '),
    // Outer groups before inner ones, and the outside group last.
    groups: [...groups.filter((g) => g.kind !== 'outside'), ...groups.filter((g) => g.kind === 'outside')],
    nodes,
    edges,
    stacking,
  };
}

/**
 * Each cluster as one column: its ingresses, then the service traffic enters, then the other
 * services in declaration order; a site's data under the last service of each of its clusters,
 * and data outside every site under the last service of every cluster.
 */
function stackingOf(groups: readonly DiagramGroup[], nodes: readonly DiagramNode[], edges: readonly DiagramEdge[]): DiagramStacking[] {
  const stacking: DiagramStacking[] = [];
  const lastServices: DiagramNode[] = [];
  for (const cluster of groups.filter((c) => c.kind === 'cluster')) {
    const inside = nodes.filter((n) => n.parent === cluster.id);
    const ingresses = inside.filter((n) => n.kind === 'ingress');
    const services = inside.filter((n) => n.kind === 'service');
    const entered = new Set(edges.filter((e) => ingresses.some((i) => i.id === e.from)).map((e) => e.to));
    const column = [...services.filter((s) => entered.has(s.id)), ...services.filter((s) => !entered.has(s.id))];
    if (column.length === 0) continue;
    if (!entered.has(column[0].id)) for (const ingress of ingresses) stacking.push({ above: ingress.id, below: column[0].id, kind: 'column' });
    column.forEach((service, i) => { if (i > 0) stacking.push({ above: column[i - 1].id, below: service.id, kind: 'column' }); });
    lastServices.push(column[column.length - 1]);
  }
  for (const data of nodes.filter((n) => n.kind === 'data')) {
    const group = groups.find((g) => g.id === data.parent);
    const clusters = new Set(groups.filter((c) => c.kind === 'cluster' && (group?.kind !== 'site' || c.parent === group.id)).map((c) => c.id));
    for (const s of lastServices.filter((l) => clusters.has(l.parent!))) stacking.push({ above: s.id, below: data.id, kind: 'below' });
  }
  return stacking;
}
