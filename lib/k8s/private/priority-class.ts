import { Chart, JsonPatch } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { IConstruct } from 'constructs';
import { kubeObject } from './kube-object';
import { SERVICE_DEFAULTS } from '../../core/defaults';
import { check, describeValue } from '../../core/errors';
import { PriorityClass } from '../../core/service/priority-class';
import { checkPriorityClassName } from '../../core/validation/kubernetes';

/** The classes created so far in each cluster (construct tree root), with who created them. */
const CREATED = new WeakMap<IConstruct, Map<string, { readonly value: number; readonly owner: string }>>();

/** User classes stay at or below this; higher values are reserved for the system classes. */
const HIGHEST_USER_VALUE = 1_000_000_000;

/**
 * The `priorityClassName` for a workload's pods, creating the class on first use in this
 * cluster: once per construct tree root (a cdk8s App, or a cluster folder's App), in the chart of
 * the first workload that asks, whatever the number of charts and workloads. Cluster-scoped, so
 * the object carries no namespace.
 *
 * @param field the prop that chose the class, named in errors
 * @returns the class name, or undefined for {@link PriorityClass.none}
 */
export function priorityClassNameFor(scope: IConstruct, field: string, choice: PriorityClass | undefined): string | undefined {
  // The default class, once created in this cluster, needs no further checks.
  if (choice === undefined && CREATED.get(scope.node.root)?.get(SERVICE_DEFAULTS.priorityClassName)?.value === SERVICE_DEFAULTS.priorityClassValue) {
    return SERVICE_DEFAULTS.priorityClassName;
  }
  const path = scope.node.path;
  const chosen = choice ?? PriorityClass.highAvailability();
  check(chosen instanceof PriorityClass, {
    path, field, value: chosen, problem: 'must be a PriorityClass',
    fix: "use PriorityClass.highAvailability(), PriorityClass.create('name', value), PriorityClass.existing('name') or PriorityClass.none()",
  });
  const name = chosen.name;
  if (name === undefined) return undefined;
  checkPriorityClassName(path, field, name);
  const created = chosen.created;
  if (created === undefined) return name;

  check(!name.startsWith('system-'), {
    path, field, value: name, problem: 'starts with system-, a prefix Kubernetes keeps for its own classes',
    fix: `reference it with PriorityClass.existing(${JSON.stringify(name)}), or create a class of another name`,
  });
  check(Number.isInteger(created.value) && created.value >= -2_147_483_648 && created.value <= HIGHEST_USER_VALUE, {
    path, field: `${field}.value`, value: created.value,
    problem: 'must be a whole number up to 1,000,000,000 (higher values are for system classes)',
    fix: 'use e.g. 1000000, above ordinary workloads (0)',
  });
  const root = scope.node.root;
  const classes = CREATED.get(root) ?? new Map();
  CREATED.set(root, classes);
  const earlier = classes.get(name);
  if (earlier !== undefined) {
    check(earlier.value === created.value, {
      path, field: `${field}.value`, value: created.value,
      problem: `differs from the value ${describeValue(earlier.value)} ${earlier.owner} gave the PriorityClass ${JSON.stringify(name)} in this cluster`,
      fix: 'give one class one value, or another name',
    });
    return name;
  }
  classes.set(name, { value: created.value, owner: path });
  const chart = Chart.of(scope);
  const object = kubeObject(chart, `PriorityClass-${name}`, k8s.KubePriorityClass.GVK, { name }, {
    value: () => created.value,
    globalDefault: () => false,
    preemptionPolicy: () => 'PreemptLowerPriority',
    description: () => created.description,
  });
  if (chart.namespace) object.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
  return name;
}
