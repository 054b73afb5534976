import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { kubeObject } from './private/kube-object';
import { kubernetesVersionOf } from './private/kubernetes-version';
import { nameObjectsAfter } from './private/name-registry';
import { policyRules } from './private/network-policy';
import { antiAffinityFor, DEPLOYMENT_REVISION_LABEL, topologySpreadFor, withSameRevisionAntiAffinity } from './private/placement';
import { restrictedPodSecurityContext, serviceContainer, serviceVolumes, withPreStopSleep } from './private/pod-template';
import { exemptFromPolarisCheck, exemptPinnedImagePull } from './private/polaris';
import { priorityClassNameFor } from './private/priority-class';
import { takeResolved } from './private/resolved-hand-over';
import { check } from '../core/errors';
import { formatKubernetesVersion, KUBERNETES_FEATURES, kubernetesVersionAtLeast } from '../core/kubernetes-version';
import { renamingErrors } from '../core/private/rename-errors';
import { checkBudgetAllowsDrain, DisruptionBudget } from '../core/service/disruption-budget';
import { LABEL, recommendedLabels, selectorLabels } from '../core/service/labels';
import { EgressRule, IngressRule, NetworkPeer, NetworkPort } from '../core/service/network-peer';
import { Placement } from '../core/service/placement';
import { PriorityClass } from '../core/service/priority-class';
import { checkEgressRule, checkIngressRule, ResolvedAutoscale, ResolvedService, resolveServiceSpec, ServiceSpec } from '../core/service/service-spec';
import { checkObject, checkOptionalBoolean } from '../core/validation/shape';

/**
 * How a mode shapes a workload: replica count, disruption budget, placement and autoscaling.
 * Not exported from the package entries, but kept in the shipped declarations: the protected
 * constructor of every workload construct names it.
 */
export interface WorkloadShape {
  /** Replicas in the Deployment; undefined when an autoscaler owns the count. */
  readonly replicas?: number;
  /** Fewest replicas the workload runs with (the autoscaler's minimum when it has one). */
  readonly minReplicas: number;
  readonly disruptionBudget: DisruptionBudget;
  readonly placement: Placement;
  /** The HorizontalPodAutoscaler's bounds; undefined for none. */
  readonly autoscale?: ResolvedAutoscale;
  /** A polaris exemption reason for the replica count, when the shape needs one. */
  readonly replicasExemption?: string;
}

/** What every workload mode accepts. */
export interface WorkloadProps {
  /** The service to run. */
  readonly service: ServiceSpec;

  /**
   * PriorityClass of the pods: the library's, one of your own (created), one already on the
   * cluster, or none. A class the library creates is written once per cluster (cdk8s App, or
   * cluster folder of a TopologyApp), not once per chart: it is cluster-scoped.
   *
   * @default PriorityClass.highAvailability() - `hadr-high-availability` (1,000,000): a pending HA replica preempts ordinary work
   * @see https://kubernetes.io/docs/concepts/scheduling-eviction/pod-priority-preemption/
   */
  readonly priorityClass?: PriorityClass;

  /**
   * Run in standby: 0 replicas, no PodDisruptionBudget and no autoscaler; every other object
   * (Service, NetworkPolicy, ServiceAccount, the pod template) exactly as when active, so
   * activating the workload changes this one field. For what must not act while its site is
   * passive: controllers, schedulers, queue consumers.
   *
   * @default false
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#scaling-a-deployment
   */
  readonly standby?: boolean;
}

/** The shape of a workload in standby: nothing runs, nothing to budget or autoscale. */
function standbyShape(active: WorkloadShape): WorkloadShape {
  return {
    ...active,
    replicas: 0,
    minReplicas: 0,
    autoscale: undefined,
    replicasExemption: 'standby: scaled to zero until its site is activated (one field: standby)',
  };
}

/**
 * A stateless service's workload in one availability mode: the Deployment (the
 * `defaultChild`, child id `Resource`), its Service, ServiceAccount, NetworkPolicy,
 * PodDisruptionBudget and, when it autoscales, HorizontalPodAutoscaler. `Baseline` and
 * `MultiReplica` are its two shapes; the mode decides only the numbers and the placement.
 */
export abstract class Workload extends Construct {
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
  /** The PodDisruptionBudget; undefined in standby. */
  public readonly podDisruptionBudget?: ApiObject;
  /** The HorizontalPodAutoscaler; undefined unless the service autoscales and is active. */
  public readonly horizontalPodAutoscaler?: ApiObject;
  /** The KEDA ScaledObject; undefined unless the service scales on a queue and is active. */
  public readonly scaledObject?: ApiObject;
  /** Labels that select this service's pods. */
  public readonly selector: Readonly<Record<string, string>>;
  /** Labels on every object and pod: the recommended labels plus `service.labels`. */
  public readonly labels: Readonly<Record<string, string>>;
  /** True when the workload runs in standby (0 replicas). */
  public readonly standby: boolean;

  private readonly ingressRules: IngressRule[];
  private readonly egressRules: EgressRule[];

  /**
   * @param shapeOf the mode's pure shape function, given the construct path and the resolved service
   */
  protected constructor(
    scope: Construct, id: string, props: WorkloadProps, shapeOf: (path: string, service: ResolvedService) => WorkloadShape,
  ) {
    super(scope, id);
    const path = this.node.path;
    checkObject(path, 'props', props, "{ service: { name: 'api', image: 'ghcr.io/acme/api:1.4.2', port: 8080 } }");
    const service = takeResolved(props.service) ?? resolveServiceSpec(path, props.service);
    checkOptionalBoolean(path, 'standby', props.standby);
    const active = shapeOf(path, service);
    if (active.autoscale?.queue) checkScaledObjectAgainstBudget(path, active.autoscale, active.disruptionBudget);
    checkBudgetAllowsDrain(path, active.disruptionBudget, active.minReplicas);
    this.standby = props.standby === true;
    const shape = this.standby ? standbyShape(active) : active;

    this.resolved = service;
    nameObjectsAfter(this, 'service.name', service.name);
    this.selector = selectorLabels(service.labelSubject);
    this.ingressRules = [...service.ingress];
    this.egressRules = [...service.egress];
    const labels = { ...recommendedLabels(service.labelSubject), ...service.labels };
    this.labels = labels;
    const metadata = { name: service.name, labels };
    const priorityClassName = priorityClassNameFor(this, 'priorityClass', props.priorityClass);
    // Fields newer than the declared cluster fall back to what it has (KUBERNETES_FEATURES).
    const version = kubernetesVersionOf(this);
    const kubeletSleep = version === undefined || kubernetesVersionAtLeast(version, KUBERNETES_FEATURES.preStopSleep.since);
    const sameRevisionAntiAffinity = version === undefined || kubernetesVersionAtLeast(version, KUBERNETES_FEATURES.podAffinityMatchLabelKeys.since);

    // Fields newer than the 1.27 typings, written after serialization (user patches come later).
    const withNewerFields = (spec: any) => {
      if (kubeletSleep) withPreStopSleep(spec.template.spec.containers[0], service.drainDelaySeconds);
      if (sameRevisionAntiAffinity) withSameRevisionAntiAffinity(spec.template.spec);
      return spec;
    };
    this.deployment = kubeObject(this, 'Resource', k8s.KubeDeployment.GVK, metadata, {
      spec: () => withNewerFields(k8s.toJson_DeploymentSpec({
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
            securityContext: restrictedPodSecurityContext(service.runAs, service.forceRunAs),
            affinity: antiAffinityFor(this.selector, shape.placement),
            topologySpreadConstraints: topologySpreadFor(this.selector, shape.placement, DEPLOYMENT_REVISION_LABEL),
            containers: [serviceContainer(service, kubeletSleep ? 'kubelet-sleep' : 'exec-sleep')],
            volumes: serviceVolumes(service),
          },
        },
      })),
    });

    if (version !== undefined && (!kubeletSleep || !sameRevisionAntiAffinity)) {
      this.recordFallbacks(formatKubernetesVersion(version), kubeletSleep, sameRevisionAntiAffinity, shape.placement);
    }

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
    exemptPinnedImagePull(this.deployment, [service.imagePullPolicy]);
    if (service.ports.length === 0) {
      exemptFromPolarisCheck(this.deployment, 'missingNetworkPolicy',
        'the service declares no ports, so its NetworkPolicy admits no ingress at all');
    }
    if (shape.replicasExemption !== undefined) exemptFromPolarisCheck(this.deployment, 'deploymentMissingReplicas', shape.replicasExemption);

    if (!this.standby) {
      this.podDisruptionBudget = kubeObject(this, 'DisruptionBudget', k8s.KubePodDisruptionBudget.GVK, metadata, {
        spec: () => k8s.toJson_PodDisruptionBudgetSpec({
          selector: { matchLabels: { ...this.selector } },
          [shape.disruptionBudget.field]: intOrString(shape.disruptionBudget.value),
          // A crash-looping pod must not hold a drain hostage.
          unhealthyPodEvictionPolicy: 'AlwaysAllow',
        }),
      });
    }

    const autoscale = shape.autoscale;
    // Scale up at once on a lost zone's traffic; scale down slowly so a blip does not drop capacity.
    const behavior = {
      scaleUp: { stabilizationWindowSeconds: 0, policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] },
      scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: 'Percent', value: 10, periodSeconds: 60 }] },
    };
    if (autoscale?.queue) {
      const queue = autoscale.queue;
      this.scaledObject = new ApiObject(this, 'ScaledObject', {
        apiVersion: 'keda.sh/v1alpha1',
        kind: 'ScaledObject',
        metadata,
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: this.deployment.name },
          minReplicaCount: autoscale.min,
          maxReplicaCount: autoscale.max,
          pollingInterval: 15,
          cooldownPeriod: 300,
          advanced: { horizontalPodAutoscalerConfig: { behavior } },
          triggers: [
            { type: 'cpu', metricType: 'Utilization', metadata: { value: String(autoscale.cpuUtilization) } },
            { type: queue.type, metadata: { ...queue.metadata } },
          ],
        },
      });
    } else if (autoscale) {
      this.horizontalPodAutoscaler = kubeObject(this, 'Autoscaler', k8s.KubeHorizontalPodAutoscalerV2.GVK, metadata, {
        spec: () => k8s.toJson_HorizontalPodAutoscalerSpecV2({
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: this.deployment.name },
          minReplicas: autoscale.min,
          maxReplicas: autoscale.max,
          metrics: [{
            type: 'Resource',
            resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: autoscale.cpuUtilization } },
          }],
          behavior,
        }),
      });
    }
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

  /** Says on the Deployment which newer fields the declared Kubernetes version made it leave out, and what that costs. */
  private recordFallbacks(version: string, kubeletSleep: boolean, sameRevisionAntiAffinity: boolean, placement: Placement): void {
    const notes = [
      ...(kubeletSleep ? [] : [`preStop runs sleep in the container, so the image needs a sleep binary (the kubelet sleeps from ${KUBERNETES_FEATURES.preStopSleep.since})`]),
      ...(sameRevisionAntiAffinity || placement.nodeAntiAffinity !== 'required' ? [] : [
        `anti-affinity counts pods of every revision, so a surge rollout needs one node more than replicas (${KUBERNETES_FEATURES.podAffinityMatchLabelKeys.since} counts the new revision only)`,
      ]),
    ];
    if (notes.length > 0) this.deployment.metadata.addAnnotation(KUBERNETES_FALLBACK_ANNOTATION, `Kubernetes ${version}: ${notes.join('; ')}`);
  }

  private renderPolicy() {
    const declared = this.resolved.ports.map((p) => ({ port: p.port, protocol: p.protocol }));
    return policyRules(this.ingressRules, this.egressRules, declared);
  }
}

/** Annotation naming the fallbacks a declared older Kubernetes version caused. */
const KUBERNETES_FALLBACK_ANNOTATION = 'hadr-constructs.io/kubernetes-version-fallbacks';

function intOrString(value: number | string): k8s.IntOrString {
  return typeof value === 'number' ? k8s.IntOrString.fromNumber(value) : k8s.IntOrString.fromString(value);
}

/**
 * KEDA's bounds against the PodDisruptionBudget: with `minAvailable` N, fewer than N + 1
 * replicas at the maximum leave no pod evictable, and a drain blocks at full scale.
 */
function checkScaledObjectAgainstBudget(path: string, autoscale: ResolvedAutoscale, budget: DisruptionBudget): void {
  if (budget.field !== 'minAvailable' || typeof budget.value !== 'number') return;
  check(autoscale.max >= budget.value + 1, {
    path, field: 'service.autoscale.max', value: autoscale.max,
    problem: `must be at least the PodDisruptionBudget's minAvailable + 1 (${budget.value + 1}): at ${autoscale.max} replicas no pod could be evicted and a drain blocks`,
    fix: `use max: ${budget.value + 1} or more, or a smaller minAvailable`,
  });
}
