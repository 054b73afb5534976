/**
 * The types of a multi-cluster topology's props, checked before anything is resolved, for
 * callers the compiler does not watch: a missing cluster or a list given as a string is a
 * HadrError naming the prop, never a TypeError.
 */
import { checkArray, checkObject, checkOptionalArray, checkOptionalObject, checkString } from './shape';

/** What {@link checkTopologyInput} reads of the props. */
interface TopologyInput {
  readonly services?: unknown;
  readonly clusters?: unknown;
  readonly sharedEndpoints?: unknown;
  readonly loadBalancing?: unknown;
}

/** Throws a HadrError naming the first prop of a topology whose type is not the documented one. */
export function checkTopologyInput(path: string, props: TopologyInput): void {
  checkArray(path, 'services', props.services, "[{ name: 'web', image: 'ghcr.io/acme/web:1.0.0', port: 8080 }]");
  checkArray(path, 'clusters', props.clusters, "[{ name: 'dc1-a' }, { name: 'dc1-b' }]");
  props.clusters.forEach((cluster, i) => {
    const field = `clusters[${i}]`;
    checkObject(path, field, cluster, "{ name: 'dc1-a' }");
    checkString(path, `${field}.name`, cluster.name, "'dc1-a'");
    checkOptionalArray(path, `${field}.zones`, cluster.zones, "['eu-west-1a', 'eu-west-1b']");
    checkOptionalObject(path, `${field}.labels`, cluster.labels, "{ site: 'dc1' }");
    checkOptionalObject(path, `${field}.ingress`, cluster.ingress, "{ address: 'ingress.dc1-a.example.com' }");
    checkOptionalObject(path, `${field}.services`, cluster.services, '{ web: { replicas: 4 } }');
    for (const [name, override] of Object.entries((cluster.services as Record<string, unknown> | undefined) ?? {})) {
      checkObject(path, `${field}.services.${name}`, override, '{ replicas: 4 }');
      checkOptionalObject(path, `${field}.services.${name}.env`, override.env, "{ SITE: 'dc1-a' }");
    }
  });
  checkOptionalArray(path, 'sharedEndpoints', props.sharedEndpoints, "[{ name: 'postgres', kind: StatefulKind.POSTGRESQL, host: 'pg.example.com' }]");
  ((props.sharedEndpoints as unknown[] | undefined) ?? []).forEach((endpoint, i) => {
    const field = `sharedEndpoints[${i}]`;
    checkObject(path, field, endpoint, "{ name: 'postgres', kind: StatefulKind.POSTGRESQL, host: 'pg.example.com' }");
    checkOptionalArray(path, `${field}.addresses`, endpoint.addresses, "['10.30.0.21']");
    checkOptionalArray(path, `${field}.ports`, endpoint.ports, '[{ port: 5432 }]');
    ((endpoint.ports as unknown[] | undefined) ?? []).forEach((port, j) => checkObject(path, `${field}.ports[${j}]`, port, '{ port: 5432 }'));
    checkOptionalArray(path, `${field}.usedBy`, endpoint.usedBy, "['web']");
  });
  checkOptionalObject(path, 'loadBalancing', props.loadBalancing, "{ service: 'web', host: 'chat.example.com' }");
  checkOptionalObject(path, 'loadBalancing.stickySessions', (props.loadBalancing as Record<string, unknown> | undefined)?.stickySessions,
    "{ cookieName: 'HADR_SITE' }");
}

/** What {@link checkSitesInput} reads of a multi-site topology's props. */
interface SitesInput {
  readonly services?: unknown;
  readonly sites?: unknown;
  readonly postgres?: unknown;
  readonly redis?: unknown;
  readonly objectStorage?: unknown;
}

/**
 * Throws a HadrError naming the first prop of a multi-site topology (ActivePassiveDr) whose type
 * is not the documented one: the sites and their clusters, and the per-site data.
 */
export function checkSitesInput(path: string, props: SitesInput): void {
  checkArray(path, 'services', props.services, "[{ name: 'api', image: 'ghcr.io/acme/api:1.0.0', port: 8080 }]");
  checkArray(path, 'sites', props.sites, "[{ name: 'dc1', clusters: [{ name: 'dc1-a' }] }, { name: 'dc2', clusters: [{ name: 'dc2' }] }]");
  props.sites.forEach((site, i) => {
    const field = `sites[${i}]`;
    checkObject(path, field, site, "{ name: 'dc1', clusters: [{ name: 'dc1-a' }] }");
    checkString(path, `${field}.name`, site.name, "'dc1'");
    checkArray(path, `${field}.clusters`, site.clusters, "[{ name: 'dc1-a' }]");
    (site.clusters as unknown[]).forEach((cluster, j) => {
      checkObject(path, `${field}.clusters[${j}]`, cluster, "{ name: 'dc1-a' }");
      checkString(path, `${field}.clusters[${j}].name`, cluster.name, "'dc1-a'");
      checkOptionalArray(path, `${field}.clusters[${j}].egressCidrs`, cluster.egressCidrs, "['10.1.0.0/16']");
    });
    checkOptionalArray(path, `${field}.sharedEndpoints`, site.sharedEndpoints, "[{ name: 'postgres', kind: StatefulKind.POSTGRESQL, host: 'pg.example.com' }]");
  });
  for (const data of ['postgres', 'redis'] as const) {
    checkOptionalObject(path, data, props[data], '{ storage: Size.gibibytes(10), sites: { ... } }');
    const sites = (props[data] as Record<string, unknown> | undefined)?.sites;
    checkOptionalObject(path, `${data}.sites`, sites, '{ dc1: { ... }, dc2: { ... } }');
    for (const [name, site] of Object.entries((sites as Record<string, unknown> | undefined) ?? {})) {
      checkObject(path, `${data}.sites.${name}`, site, '{ }');
    }
  }
  checkOptionalArray(path, 'objectStorage', props.objectStorage, "[{ name: 'objects', sites: { ... } }]");
}
