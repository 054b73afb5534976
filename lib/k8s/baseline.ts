import { Construct } from 'constructs';
import { Workload, WorkloadProps, WorkloadShape } from './workload';
import { check } from '../core/errors';
import { DisruptionBudget } from '../core/service/disruption-budget';
import { BASELINE_PLACEMENT } from '../core/service/placement';
import { ResolvedService } from '../core/service/service-spec';

/** Props of {@link Baseline}. */
export interface BaselineProps extends WorkloadProps {}

/**
 * A stateless service in Baseline mode: one replica that Kubernetes restarts and reschedules,
 * updated by a rolling update that starts the new pod before it stops the old one.
 *
 * Writes a Deployment (its `defaultChild`, reachable with `ApiObject.of(baseline)`), a
 * ClusterIP Service (when the service has ports), a ServiceAccount without a mounted token, a
 * NetworkPolicy admitting only the declared traffic, a PodDisruptionBudget that never blocks a
 * drain, and the chart's PriorityClass. Pods run under the restricted Pod Security Standard.
 *
 * @example
 * new Baseline(chart, 'api', {
 *   service: { name: 'api', image: 'ghcr.io/acme/api:1.4.2', port: 4000, healthPath: '/health' },
 * });
 */
export class Baseline extends Workload {
  constructor(scope: Construct, id: string, props: BaselineProps) {
    super(scope, id, props, (path, service) => baselineShape(path, props, service));
  }
}

/** One replica; a budget of one, so a drain moves it; the zone rule only steers the surge pod. */
function baselineShape(path: string, props: BaselineProps, service: ResolvedService): WorkloadShape {
  check(service.autoscale === undefined, {
    path, field: 'service.autoscale', value: props.service.autoscale,
    problem: 'needs at least two replicas, and Baseline runs one', fix: 'use MultiReplica, or drop autoscale',
  });
  return {
    replicas: 1,
    minReplicas: 1,
    disruptionBudget: DisruptionBudget.maxUnavailable(1),
    placement: BASELINE_PLACEMENT,
    replicasExemption: 'Baseline mode runs one replica by design; use MultiReplica for pod-level failover',
  };
}
