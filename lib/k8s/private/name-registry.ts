import { Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { HadrError } from '../../core/errors';
import { isDnsLabel } from '../../core/validation/kubernetes';

/** The prop an object's name comes from, as the user wrote it. */
interface NameSource {
  readonly field: string;
  readonly value: string;
}

/** One object name taken in a namespace. */
interface Claim {
  readonly owner: IConstruct;
  readonly kind: string;
}

const SOURCES = new WeakMap<IConstruct, NameSource>();
/** Names taken per chart, by `<kind group>:<name>`. */
const CLAIMS = new WeakMap<IConstruct, Map<string, Claim>>();

/** Kinds whose objects have no namespace: one object per cluster, shared by design. */
const CLUSTER_SCOPED = new Set(['Namespace', 'PriorityClass', 'ClusterRole', 'ClusterRoleBinding', 'StorageClass']);
/** A Service's Endpoints carry its name: a Service and Endpoints of the same name are one pair. */
const KIND_GROUP: Readonly<Record<string, string>> = { Endpoints: 'Service' };

/**
 * Declares that the objects `construct` writes are named after its prop `field` (value
 * `value`): a name collision is then reported against that prop. For constructs built inside
 * another library construct (the pooler of a PatroniCluster), the outermost one's prop is
 * reported, since that is what the user wrote.
 */
export function nameObjectsAfter(construct: IConstruct, field: string, value: string): void {
  SOURCES.set(construct, { field, value });
}

/**
 * Takes `name` for an object of `kind` in the namespace of `scope`'s chart, or throws a
 * HadrError naming the prop the name came from and the construct that already writes an object
 * of that kind and name there. Names are tracked per chart: charts of one app often stand for
 * different clusters or sites (a primary and its DR standby) with the same namespace. Objects
 * outside a construct that declared its naming prop ({@link nameObjectsAfter}) are not tracked.
 */
export function claimObjectName(scope: IConstruct, kind: string, name: string): void {
  if (CLUSTER_SCOPED.has(kind)) return;
  const owner = outermostNamedConstruct(scope);
  if (!owner) return;
  const source = SOURCES.get(owner)!;
  const chart = Chart.of(scope);
  if (chart.namespace !== undefined && !isDnsLabel(chart.namespace)) {
    throw new HadrError({
      path: owner.node.path, field: 'scope', value: chart.namespace,
      problem: `is in chart ${chart.node.path}, whose namespace is not a DNS-1123 label, so no object of it could be created`,
      fix: "give the chart a namespace of lowercase letters, digits and '-', e.g. new Chart(app, 'shop', { namespace: 'shop' })",
    });
  }
  const names = CLAIMS.get(chart) ?? new Map<string, Claim>();
  CLAIMS.set(chart, names);
  const key = `${KIND_GROUP[kind] ?? kind}:${name}`;
  const taken = names.get(key);
  if (taken && taken.owner !== owner) {
    const where = chart.namespace !== undefined ? `namespace "${chart.namespace}"` : `the namespace of chart ${chart.node.path || '(the app)'}`;
    throw new HadrError({
      path: owner.node.path, field: source.field, value: source.value,
      problem: `would name the ${kind} "${name}", but ${taken.owner.node.path} already writes the ${taken.kind} "${name}" in ${where}: one would overwrite the other`,
      fix: `give ${source.field} another value, so every ${KIND_GROUP[kind] ?? kind} in the namespace has its own name`,
    });
  }
  if (!taken) names.set(key, { owner, kind });
}

/** The outermost ancestor (or `scope` itself) that declared where its object names come from. */
function outermostNamedConstruct(scope: IConstruct): IConstruct | undefined {
  let found: IConstruct | undefined;
  for (const ancestor of scope.node.scopes) {
    if (SOURCES.has(ancestor)) {
      found = ancestor;
      break;
    }
  }
  return found;
}
