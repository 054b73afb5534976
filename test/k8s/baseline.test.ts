import { ApiObject, Chart, Duration, JsonPatch, Testing } from 'cdk8s';
import { findObject, synthValid } from '../support/schema';
import { Baseline, DisruptionBudget, EnvValue, FileSource, HealthCheck, NetworkPeer, PriorityClass, ServiceSpec } from 'hadr-constructs';
import { allowedEvictions } from 'hadr-constructs/core';

const api: ServiceSpec = { name: 'api', image: 'ghcr.io/acme/api:1.4.2', port: 4000, healthPath: '/health' };

function synth(service: ServiceSpec = api, configure?: (b: Baseline, chart: Chart) => void) {
  const chart = Testing.chart();
  const baseline = new Baseline(chart, 'api', { service });
  configure?.(baseline, chart);
  return synthValid(chart);
}

describe('Baseline', () => {
  it('matches the snapshot', () => {
    expect(synth()).toMatchSnapshot();
  });

  describe('GIVEN only a name, image, port and health path', () => {
    const objects = synth();
    const deployment = findObject(objects, 'Deployment');
    const pod = deployment.spec.template.spec;
    const container = pod.containers[0];

    it('runs one replica and starts the new pod before stopping the old one', () => {
      expect(deployment.spec.replicas).toBe(1);
      expect(deployment.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
    });

    it('checks readiness and liveness on the health path, liveness less eagerly', () => {
      expect(container.readinessProbe.httpGet).toEqual({ path: '/health', port: 4000, scheme: 'HTTP' });
      expect(container.livenessProbe.httpGet).toEqual({ path: '/health', port: 4000, scheme: 'HTTP' });
      const readinessWindow = container.readinessProbe.periodSeconds * container.readinessProbe.failureThreshold;
      const livenessWindow = container.livenessProbe.periodSeconds * container.livenessProbe.failureThreshold;
      expect(livenessWindow).toBeGreaterThan(readinessWindow);
      expect(container.startupProbe).toBeUndefined();
    });

    it('keeps serving while endpoints drain, inside the grace period', () => {
      expect(container.lifecycle.preStop).toEqual({ sleep: { seconds: 5 } });
      expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(5);
    });

    it('applies the restricted Pod Security Standard', () => {
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, seccompProfile: { type: 'RuntimeDefault' } });
      expect(container.securityContext).toEqual({
        allowPrivilegeEscalation: false,
        privileged: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        runAsUser: 10001,
        runAsGroup: 10001,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      });
    });

    it('mounts an emptyDir on every writable path of the read-only root filesystem', () => {
      expect(container.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
      expect(pod.volumes).toEqual([{ name: 'tmp', emptyDir: {} }]);
    });

    it('sets requests and limits with memory request equal to limit', () => {
      expect(container.resources).toEqual({ requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '256Mi' } });
    });

    it('creates a ServiceAccount that does not mount its token, and the pod does not either', () => {
      const account = findObject(objects, 'ServiceAccount');
      expect(account.automountServiceAccountToken).toBe(false);
      expect(pod.serviceAccountName).toBe(account.metadata.name);
      expect(pod.automountServiceAccountToken).toBe(false);
    });

    it('publishes the port through a ClusterIP Service that selects the pods', () => {
      const service = findObject(objects, 'Service');
      expect(service.spec.type).toBe('ClusterIP');
      expect(service.spec.ports).toEqual([{ name: 'http', port: 4000, targetPort: 'http', protocol: 'TCP' }]);
      expect(deployment.spec.template.metadata.labels).toMatchObject(service.spec.selector);
    });

    it('labels every object with the recommended labels, instance being its own name', () => {
      for (const object of objects.filter((o) => o.kind !== 'PriorityClass')) {
        expect(object.metadata.labels).toEqual({
          'app.kubernetes.io/name': 'api',
          'app.kubernetes.io/instance': object.metadata.name,
          'app.kubernetes.io/component': 'server',
          'app.kubernetes.io/part-of': 'api',
          'app.kubernetes.io/managed-by': 'hadr-constructs',
          'app.kubernetes.io/version': '1.4.2',
        });
      }
    });

    it('has a PodDisruptionBudget that lets a drain evict the single pod', () => {
      const pdb = findObject(objects, 'PodDisruptionBudget');
      expect(pdb.spec.selector.matchLabels).toEqual(deployment.spec.selector.matchLabels);
      expect(allowedEvictions(DisruptionBudget.maxUnavailable(pdb.spec.maxUnavailable), deployment.spec.replicas)).toBe(1);
      expect(pdb.spec.unhealthyPodEvictionPolicy).toBe('AlwaysAllow');
    });

    it('admits only the declared port from the same namespace and only DNS out', () => {
      const policy = findObject(objects, 'NetworkPolicy');
      expect(policy.spec.policyTypes).toEqual(['Ingress', 'Egress']);
      expect(deployment.spec.template.metadata.labels).toMatchObject(policy.spec.podSelector.matchLabels);
      expect(policy.spec.ingress).toEqual([{ from: [{ podSelector: { matchLabels: {} } }], ports: [{ port: 4000, protocol: 'TCP' }] }]);
      expect(policy.spec.egress).toEqual([{ ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }] }]);
    });

    it('gives the pods the chart PriorityClass, which carries no namespace', () => {
      const priorityClass = findObject(objects, 'PriorityClass');
      expect(pod.priorityClassName).toBe(priorityClass.metadata.name);
      expect(priorityClass.value).toBeGreaterThan(0);
      expect(priorityClass.value).toBeLessThan(1_000_000_000);
      expect(priorityClass.globalDefault).toBe(false);
    });
  });

  it('creates one PriorityClass for any number of services, without the chart namespace', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'shop', { namespace: 'shop' });
    new Baseline(chart, 'a', { service: { ...api, name: 'a' } });
    new Baseline(chart, 'b', { service: { ...api, name: 'b' } });
    const objects = synthValid(chart);
    const classes = objects.filter((o) => o.kind === 'PriorityClass');
    expect(classes).toHaveLength(1);
    expect(classes[0].metadata.namespace).toBeUndefined();
    expect(findObject(objects, 'Deployment', 'a').metadata.namespace).toBe('shop');
  });

  it('uses a given PriorityClass and creates none', () => {
    const chart = Testing.chart();
    new Baseline(chart, 'api', { service: api, priorityClass: PriorityClass.existing('business-critical') });
    const objects = synthValid(chart);
    expect(objects.filter((o) => o.kind === 'PriorityClass')).toHaveLength(0);
    expect(findObject(objects, 'Deployment').spec.template.spec.priorityClassName).toBe('business-critical');
  });

  it('adds a startup probe sized to the startup timeout', () => {
    const container = findObject(synth({ ...api, startupTimeout: Duration.minutes(2) }), 'Deployment').spec.template.spec.containers[0];
    expect(container.startupProbe.periodSeconds * container.startupProbe.failureThreshold).toBe(120);
    expect(container.startupProbe.httpGet.path).toBe('/health');
  });

  it('writes the probe timings it is given', () => {
    const container = findObject(synth({ ...api, probeTimings: { liveness: { period: Duration.seconds(20), failureThreshold: 5 } } }), 'Deployment')
      .spec.template.spec.containers[0];
    expect(container.livenessProbe).toMatchObject({ periodSeconds: 20, failureThreshold: 5, timeoutSeconds: 3 });
    expect(container.readinessProbe).toMatchObject({ periodSeconds: 5, failureThreshold: 2, timeoutSeconds: 2 });
  });

  it('references Secrets and ConfigMaps in the environment, never their values', () => {
    const container = findObject(synth({
      ...api,
      env: { DB_PASSWORD: EnvValue.fromSecret('db', 'password'), MODE: EnvValue.fromConfigMap('settings', 'mode'), POD_IP: EnvValue.fromField('status.podIP') },
    }), 'Deployment').spec.template.spec.containers[0];
    expect(container.env).toEqual([
      { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
      { name: 'MODE', valueFrom: { configMapKeyRef: { name: 'settings', key: 'mode' } } },
      { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
    ]);
  });

  it('mounts ConfigMaps and Secrets read-only, secrets readable by the pod group only', () => {
    const pod = findObject(synth({
      ...api,
      files: [{ path: '/etc/app', from: FileSource.configMap('app-config') }, { path: '/etc/app/tls', from: FileSource.secret('app-tls') }],
    }), 'Deployment').spec.template.spec;
    expect(pod.containers[0].volumeMounts).toEqual([
      { name: 'tmp', mountPath: '/tmp' },
      { name: 'config-app-config', mountPath: '/etc/app', readOnly: true },
      { name: 'secret-app-tls', mountPath: '/etc/app/tls', readOnly: true },
    ]);
    expect(pod.volumes).toEqual([
      { name: 'tmp', emptyDir: {} },
      { name: 'config-app-config', configMap: { name: 'app-config' } },
      { name: 'secret-app-tls', secret: { secretName: 'app-tls', defaultMode: 0o440 } },
    ]);
  });

  it('refuses to mount a directory twice', () => {
    expect(() => synth({ ...api, files: [{ path: '/tmp', from: FileSource.configMap('x') }] })).toThrow(
      'test/api: service.files[0].path is already mounted (got "/tmp"); mount each directory once',
    );
  });

  it('mounts the token only when asked, on both the ServiceAccount and the pod', () => {
    const objects = synth({ ...api, automountServiceAccountToken: true });
    expect(findObject(objects, 'ServiceAccount').automountServiceAccountToken).toBe(true);
    expect(findObject(objects, 'Deployment').spec.template.spec.automountServiceAccountToken).toBe(true);
  });

  it('uses an existing ServiceAccount without creating one', () => {
    const objects = synth({ ...api, serviceAccountName: 'shared-reader' });
    expect(objects.filter((o) => o.kind === 'ServiceAccount')).toHaveLength(0);
    expect(findObject(objects, 'Deployment').spec.template.spec.serviceAccountName).toBe('shared-reader');
  });

  it('admits traffic added by allowFrom and allowTo whatever the order of calls', () => {
    const objects = synth(api, (baseline) => {
      baseline.allowTo(NetworkPeer.cidr('10.0.0.0/16'), [{ port: 5432 }]);
      baseline.allowFrom(NetworkPeer.namespace('ingress-nginx'));
      baseline.allowFrom(NetworkPeer.pods({ role: 'admin' }), [{ port: 4000 }]);
    });
    const policy = findObject(objects, 'NetworkPolicy');
    expect(policy.spec.ingress).toContainEqual({
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }],
      ports: [{ port: 4000, protocol: 'TCP' }],
    });
    expect(policy.spec.ingress).toContainEqual({ from: [{ podSelector: { matchLabels: { role: 'admin' } } }], ports: [{ port: 4000, protocol: 'TCP' }] });
    expect(policy.spec.egress).toContainEqual({ to: [{ ipBlock: { cidr: '10.0.0.0/16' } }], ports: [{ port: 5432, protocol: 'TCP' }] });
  });

  it('writes no Service for a worker without ports and admits no ingress, saying why', () => {
    const objects = synth({ name: 'worker', image: 'ghcr.io/acme/worker:1.0.0', healthCheck: HealthCheck.exec(['/bin/check']) });
    expect(objects.filter((o) => o.kind === 'Service')).toHaveLength(0);
    expect(findObject(objects, 'NetworkPolicy').spec.ingress).toEqual([]);
    const deployment = findObject(objects, 'Deployment');
    expect(deployment.metadata.annotations['hadr-constructs.io/exempt-missingNetworkPolicy']).toMatch(/declares no ports/);
    expect(deployment.spec.template.spec.containers[0].readinessProbe.exec.command).toEqual(['/bin/check']);
  });

  it('exposes the Deployment as its default child for escape-hatch patches, newer fields included', () => {
    const objects = synth(api, (baseline) => {
      expect(ApiObject.of(baseline)).toBe(baseline.deployment);
      ApiObject.of(baseline).addJsonPatch(JsonPatch.add('/spec/template/spec/containers/0/lifecycle/preStop', { sleep: { seconds: 10 } }));
      ApiObject.of(baseline).addJsonPatch(JsonPatch.add('/spec/minReadySeconds', 10));
    });
    const deployment = findObject(objects, 'Deployment');
    expect(deployment.spec.template.spec.containers[0].lifecycle.preStop).toEqual({ sleep: { seconds: 10 } });
    expect(deployment.spec.minReadySeconds).toBe(10);
  });

  it('synthesizes the same output twice', () => {
    const chart = Testing.chart();
    const baseline = new Baseline(chart, 'api', { service: api });
    baseline.allowFrom(NetworkPeer.namespace('ingress-nginx'));
    expect(Testing.synth(chart)).toEqual(Testing.synth(chart));
  });

  it('refuses autoscaling, which needs MultiReplica', () => {
    expect(() => synth({ ...api, autoscale: { min: 2, max: 4 } })).toThrow(
      'test/api: service.autoscale needs at least two replicas, and Baseline runs one (got {"min":2,"max":4}); use MultiReplica, or drop autoscale',
    );
  });

  it('names the construct path in errors from the service spec', () => {
    expect(() => synth({ ...api, image: 'ghcr.io/acme/api' })).toThrow(/^test\/api: service.image has no tag or digest/);
  });
});
