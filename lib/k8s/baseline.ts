import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { check } from '../core/errors';
import { kubeObject } from './private/kube-object';
import { nameObjectsAfter } from './private/name-registry';
import { policyRules } from './private/network-policy';
import { addSameRevisionAntiAffinity, antiAffinityFor, DEPLOYMENT_REVISION_LABEL, topologySpreadFor } from './private/placement';
import { restrictedPodSecurityContext, serviceContainer, serviceVolumes } from './private/pod-template';
import { exemptFromPolarisCheck } from './private/polaris';
import { defaultPriorityClass } from './private/priority-class';
import { renamingErrors } from '../core/private/rename-errors';
import { DisruptionBudget, checkBudgetAllowsDrain } from '../core/service/disruption-budget';
import { LABEL, recommendedLabels, selectorLabels } from '../core/service/labels';
import { EgressRule, IngressRule, NetworkPeer, NetworkPort } from '../core/service/network-peer';
import { BASELINE_PLACEMENT, Placement } from '../core/service/placement';
import { checkEgressRule, checkIngressRule, ResolvedService, ServiceSpec, resolveServiceSpec } from '../core/service/service-spec';
import { checkPriorityClassName } from '../core/validation/kubernetes';
import { checkObject } from '../core/validation/shape';

/** Props of {@link Baseline}. */
export interface BaselineProps {
  /** The service to run. */
  readonly service: ServiceSpec;

  /**
   * PriorityClass of the pods.
   *
   * @default - `hadr-high-availability` (value 1,000,000), created once per chart
   * @see https://kubernetes.io/docs/concepts/scheduling-eviction/pod-priority-preemption/
   */
  readonly priorityClassName?: string;
}

/**
 * How a mode shapes the workload: replica count, disruption budget and placement.
 *
 * @internal
 */
export interface WorkloadShape {
  /** Replicas in the Deployment; undefined when an autoscaler owns the count. */
  readonly replicas?: number;
  /** Fewest replicas the workload runs with (the autoscaler's minimum when it has one). */
  readonly minReplicas: number;
  readonly disruptionBudget: DisruptionBudget;
  readonly placement: Placement;
}

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
export class Baseline extends Construct {
  /** The service as resolved, every default applied. */
  public readonly resolved: ResolvedService;
  /** The Deployment (child id `Resource`, the `defaultChild`). */
  public readonly deployment: ApiObject;
  /** The ClusterIP Service; undefined when the service declares no ports. */
  public readonly service?: ApiObject;
  /** The ServiceAccount; undefined when `service.serviceAccountName` names an existing one. */
  public readonly serviceAccount?: ApiObject;
  /** The NetworkPolicy admitting only the declared ingress and egress. */
  public readonly networkPolicy: ApiObject;
  /** The PodDisruptionBudget. */
  public readonly podDisruptionBudget: ApiObject;
  /** Labels that select this service's pods. */
  public readonly selector: Readonly<Record<string, string>>;
  /** Labels on every object and pod: the recommended labels plus `service.labels`. */
  public readonly labels: Readonly<Record<string, string>>;

  private readonly ingressRules: IngressRule[];
  private readonly egressRules: EgressRule[];

  constructor(scope: Construct, id: string, props: BaselineProps) {
    super(scope, id);
    checkObject(this.node.path, 'props', props, "{ service: { name: 'api', image: 'ghcr.io/acme/api:1.4.2', port: 8080 } }");
    const service = resolveServiceSpec(this.node.path, props.service);
    if (props.priorityClassName !== undefined) checkPriorityClassName(this.node.path, 'priorityClassName', props.priorityClassName);
    const shape = this._shape(props, service);
    checkBudgetAllowsDrain(this.node.path, shape.disruptionBudget, shape.minReplicas);

    this.resolved = service;
    nameObjectsAfter(this, 'service.name', service.name);
    this.selector = selectorLabels(service.labelSubject);
    this.ingressRules = [...service.ingress];
    this.egressRules = [...service.egress];
    const labels = { ...recommendedLabels(service.labelSubject), ...service.labels };
    this.labels = labels;
    const metadata = { name: service.name, labels };
    const priorityClassName = props.priorityClassName ?? defaultPriorityClass(this);

    this.deployment = kubeObject(this, 'Resource', k8s.KubeDeployment.GVK, metadata, {
      spec: () => k8s.toJson_DeploymentSpec({
        replicas: shape.replicas,
        selector: { matchLabels: { ...this.selector } },
        strategy: {
          type: 'RollingUpdate',
          // Start the new pod before stopping the old: capacity never drops during a rollout.
          rollingUpdate: { maxSurge: k8s.IntOrString.fromNumber(1), maxUnavailable: k8s.IntOrString.fromNumber(0) },
        },
        template: {
          metadata: { labels, annotations: Object.keys(service.annotations).length ? { ...service.annotations } : undefined },
          spec: {
            serviceAccountName: service.serviceAccountName ?? service.name,
            automountServiceAccountToken: service.automountServiceAccountToken,
            enableServiceLinks: false,
            priorityClassName,
            terminationGracePeriodSeconds: service.gracePeriodSeconds,
            securityContext: restrictedPodSecurityContext(service.runAs),
            affinity: antiAffinityFor(this.selector, shape.placement),
            topologySpreadConstraints: topologySpreadFor(this.selector, shape.placement, DEPLOYMENT_REVISION_LABEL),
            containers: [serviceContainer(service)],
            volumes: serviceVolumes(service),
          },
        },
      }),
    });

    addSameRevisionAntiAffinity(this.deployment, '/spec/template/spec', shape.placement);

    if (service.ports.length > 0) {
      this.service = kubeObject(this, 'Service', k8s.KubeService.GVK, metadata, {
        spec: () => k8s.toJson_ServiceSpec({
          type: 'ClusterIP',
          selector: { ...this.selector },
          ports: service.ports.map((p) => ({
            name: p.name,
            port: p.servicePort,
            targetPort: k8s.IntOrString.fromString(p.name),
            protocol: p.protocol,
          })),
        }),
      });
    }

    if (service.serviceAccountName === undefined) {
      this.serviceAccount = kubeObject(this, 'ServiceAccount', k8s.KubeServiceAccount.GVK, metadata, {
        automountServiceAccountToken: () => service.automountServiceAccountToken,
      });
    }

    this.networkPolicy = kubeObject(this, 'NetworkPolicy', k8s.KubeNetworkPolicy.GVK, metadata, {
      spec: () => k8s.toJson_NetworkPolicySpec({
        // One label: the pod's instance, unique in the namespace.
        podSelector: { matchLabels: { [LABEL.instance]: service.labelSubject.instance } },
        policyTypes: ['Ingress', 'Egress'],
        ...this.renderPolicy(),
      }),
    });
    if (service.ports.length === 0) {
      exemptFromPolarisCheck(this.deployment, 'missingNetworkPolicy',
        'the service declares no ports, so its NetworkPolicy admits no ingress at all');
    }
    if (shape.replicas === undefined) {
      exemptFromPolarisCheck(this.deployment, 'deploymentMissingReplicas',
        `the HorizontalPodAutoscaler owns the replica count (at least ${shape.minReplicas}); a count in the manifest would fight it on every sync`);
    } else if (shape.replicas === 1) {
      exemptFromPolarisCheck(this.deployment, 'deploymentMissingReplicas',
        'Baseline mode runs one replica by design; use MultiReplica for pod-level failover');
    }

    this.podDisruptionBudget = kubeObject(this, 'DisruptionBudget', k8s.KubePodDisruptionBudget.GVK, metadata, {
      spec: () => k8s.toJson_PodDisruptionBudgetSpec({
        selector: { matchLabels: { ...this.selector } },
        [shape.disruptionBudget.field]: intOrString(shape.disruptionBudget.value),
        // A crash-looping pod must not hold a drain hostage.
        unhealthyPodEvictionPolicy: 'AlwaysAllow',
      }),
    });
  }

  /**
   * Admits traffic from `peer` on `ports` (default: every declared port).
   *
   * @returns the rule added
   */
  public allowFrom(peer: NetworkPeer, ports?: readonly NetworkPort[]): IngressRule {
    const rule: IngressRule = { from: peer, ports };
    renamingErrors(this.node.path, [['allowFrom.from', 'allowFrom.peer']],
      () => checkIngressRule(this.node.path, 'allowFrom', rule, this.resolved.ports));
    this.ingressRules.push(rule);
    return rule;
  }

  /**
   * Allows connections to `peer` on `ports`.
   *
   * @returns the rule added
   */
  public allowTo(peer: NetworkPeer, ports: readonly NetworkPort[]): EgressRule {
    const rule: EgressRule = { to: peer, ports };
    renamingErrors(this.node.path, [['allowTo.to', 'allowTo.peer']], () => checkEgressRule(this.node.path, 'allowTo', rule));
    this.egressRules.push(rule);
    return rule;
  }

  /** A peer selecting this service's pods, for another service's `allowTo` or `allowFrom`. */
  public asPeer(): NetworkPeer {
    return NetworkPeer.pods(this.selector);
  }

  /**
   * The mode's replica count, budget and placement.
   *
   * @internal
   */
  protected _shape(props: BaselineProps, service: ResolvedService): WorkloadShape {
    check(service.autoscale === undefined, {
      path: this.node.path, field: 'service.autoscale', value: props.service.autoscale,
      problem: 'needs at least two replicas, and Baseline runs one', fix: 'use MultiReplica, or drop autoscale',
    });
    return {
      replicas: 1,
      minReplicas: 1,
      disruptionBudget: DisruptionBudget.maxUnavailable(1),
      placement: BASELINE_PLACEMENT,
    };
  }

  private renderPolicy() {
    const declared = this.resolved.ports.map((p) => ({ port: p.port, protocol: p.protocol }));
    return policyRules(this.ingressRules, this.egressRules, declared);
  }
}

function intOrString(value: number | string): k8s.IntOrString {
  return typeof value === 'number' ? k8s.IntOrString.fromNumber(value) : k8s.IntOrString.fromString(value);
}
