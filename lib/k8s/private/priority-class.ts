import { Chart, JsonPatch } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { IConstruct } from 'constructs';
import { kubeObject } from './kube-object';
import { SERVICE_DEFAULTS } from '../../core/defaults';

const ID = 'HadrPriorityClass';

/**
 * The chart's PriorityClass for HA pods, created on first use: one per chart, whatever the
 * number of services in it. Cluster-scoped, so it carries no namespace.
 *
 * @returns the class name to put in `priorityClassName`
 */
export function defaultPriorityClass(scope: IConstruct): string {
  const chart = Chart.of(scope);
  if (!chart.node.tryFindChild(ID)) {
    const priorityClass = kubeObject(chart, ID, k8s.KubePriorityClass.GVK, { name: SERVICE_DEFAULTS.priorityClassName }, {
      value: () => SERVICE_DEFAULTS.priorityClassValue,
      globalDefault: () => false,
      preemptionPolicy: () => 'PreemptLowerPriority',
      description: () => 'Replicas of highly available services: preempt ordinary workloads rather than stay pending.',
    });
    if (chart.namespace) priorityClass.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
  }
  return SERVICE_DEFAULTS.priorityClassName;
}
