import { Duration, Size } from 'cdk8s';
import { resolveServiceSpec } from '../../../lib/core/service/service-spec';
import { EnvValue, HealthCheck, NetworkPeer, ServiceSpec } from 'hadr-constructs';

const PATH = 'shop/api';
const valid: ServiceSpec = { name: 'api', image: 'ghcr.io/acme/api:1.4.2', port: 4000, healthPath: '/health' };
const resolve = (overrides: Partial<ServiceSpec>) => resolveServiceSpec(PATH, { ...valid, ...overrides } as ServiceSpec);

describe('resolveServiceSpec', () => {
  describe('GIVEN only a name, image, port and health path', () => {
    const service = resolveServiceSpec(PATH, valid);

    it('names the single port http and checks readiness and liveness over HTTP on it', () => {
      expect(service.ports).toEqual([{ port: 4000, name: 'http', protocol: 'TCP', servicePort: 4000 }]);
      expect(service.readiness).toEqual({ kind: 'http', path: '/health', port: 4000, scheme: 'HTTP' });
      expect(service.liveness).toEqual(service.readiness);
      expect(service.startupFailureThreshold).toBeUndefined();
    });

    it('keeps memory request equal to limit and runs as a numeric non-root user', () => {
      expect(service.memory).toEqual({ request: '256Mi', limit: '256Mi' });
      expect(service.cpu).toEqual({ request: '100m', limit: '1' });
      expect(service.runAs).toEqual({ user: 10001, group: 10001 });
    });

    it('drains for 5 s inside a 30 s grace period and mounts /tmp writable', () => {
      expect(service.drainDelaySeconds).toBe(5);
      expect(service.gracePeriodSeconds).toBe(30);
      expect(service.writablePaths).toEqual(['/tmp']);
    });

    it('admits the same namespace only and does not mount the API token', () => {
      expect(service.ingress).toEqual([{ from: NetworkPeer.sameNamespace() }]);
      expect(service.egress).toEqual([]);
      expect(service.automountServiceAccountToken).toBe(false);
    });

    it('labels with the image tag as version', () => {
      expect(service.labelSubject).toEqual({ name: 'api', instance: 'api', component: 'server', partOf: 'api', version: '1.4.2' });
    });
  });

  it('falls back to a TCP check on the first port when no health check is given', () => {
    expect(resolve({ healthPath: undefined }).readiness).toEqual({ kind: 'tcp', port: 4000, path: undefined, scheme: undefined });
  });

  it('takes probe timings from the spec, keeping the default timeout within a shorter period', () => {
    const service = resolve({ probeTimings: { readiness: { period: Duration.seconds(1) }, liveness: { failureThreshold: 6 } } });
    expect(service.readinessTiming).toEqual({ periodSeconds: 1, timeoutSeconds: 1, failureThreshold: 2, successThreshold: 1 });
    expect(service.livenessTiming).toEqual({ periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 6, successThreshold: 1 });
  });

  it('sizes the startup probe from the startup timeout, rounding up', () => {
    expect(resolve({ startupTimeout: Duration.seconds(61) }).startupFailureThreshold).toBe(13);
  });

  it('raises the memory limit with a larger request so request and limit stay equal', () => {
    expect(resolve({ resources: { memory: { request: Size.gibibytes(1) } } }).memory).toEqual({ request: '1Gi', limit: '1024Mi' });
  });

  it('accepts a digest-only image and does not label a version', () => {
    const digest = `ghcr.io/acme/api@sha256:${'a'.repeat(64)}`;
    expect(resolve({ image: digest }).labelSubject.version).toBeUndefined();
  });

  it('accepts a registry with a port and a tag', () => {
    expect(resolve({ image: 'registry.local:5000/acme/api:2.0.0' }).imageTag).toBe('2.0.0');
  });

  it('references secrets and config maps rather than copying them', () => {
    const env = resolve({
      env: { DB_PASSWORD: EnvValue.fromSecret('db', 'password'), MODE: EnvValue.fromConfigMap('settings', 'mode'), LEVEL: 'info' },
    }).env;
    expect(env.map((e) => [e.name, e.value.source])).toEqual([['DB_PASSWORD', 'secret'], ['MODE', 'configMap'], ['LEVEL', 'value']]);
  });

  describe('rejects bad input with the path, the field, the value and the fix', () => {
    const cases: Array<[string, Partial<ServiceSpec>, string]> = [
      ['a name that is not a DNS-1123 label', { name: 'Api_1' },
        'shop/api: service.name must be a DNS-1123 label starting with a letter (lowercase letters, digits and \'-\', at most 63 characters) (got "Api_1"); use e.g. "api-1"'],
      ['an image tagged latest', { image: 'ghcr.io/acme/api:latest' },
        'shop/api: service.image must not use the \'latest\' tag: each cluster would run whatever was pushed last (got "ghcr.io/acme/api:latest"); pin a version, e.g. \'ghcr.io/acme/api:1.0.0\', or a digest'],
      ['an image without a tag', { image: 'ghcr.io/acme/api' },
        'shop/api: service.image has no tag or digest, so it means latest (got "ghcr.io/acme/api"); pin a version, e.g. \'ghcr.io/acme/api:1.0.0\', or a digest \'ghcr.io/acme/api@sha256:...\''],
      ['a registry port mistaken for a tag', { image: 'registry.local:5000/acme/api' },
        'shop/api: service.image has no tag or digest, so it means latest (got "registry.local:5000/acme/api"); pin a version, e.g. \'registry.local:5000/acme/api:1.0.0\', or a digest \'registry.local:5000/acme/api@sha256:...\''],
      ['a port out of range', { port: 70000 },
        'shop/api: service.port must be a port number from 1 to 65535 (got 70000); use e.g. 8080'],
      ['port zero', { port: 0 },
        'shop/api: service.port must be a port number from 1 to 65535 (got 0); use e.g. 8080'],
      ['a duplicated port', { port: undefined, ports: [{ port: 8080, name: 'http' }, { port: 8080, name: 'admin' }] },
        'shop/api: service.ports[1].port is declared twice for TCP (got 8080); declare each port once'],
      ['a duplicated port name', { port: undefined, ports: [{ port: 8080, name: 'http' }, { port: 9090, name: 'http' }] },
        'shop/api: service.ports[1].name is used by another port (got "http"); give each port its own name'],
      ['both port and ports', { ports: [{ port: 8080 }] },
        'shop/api: service.port cannot be given together with service.ports (got 4000); list every port in service.ports'],
      ['a probe path without a leading slash', { healthPath: 'health' },
        'shop/api: service.healthPath must start with a slash (got "health"); use "/health"'],
      ['an HTTP check path without a leading slash', { healthPath: undefined, healthCheck: HealthCheck.http('ready') },
        'shop/api: service.healthCheck.path must start with a slash (got "ready"); use "/ready"'],
      ['a zero startup timeout', { startupTimeout: Duration.seconds(0) },
        'shop/api: service.startupTimeout must be longer than zero (got 0 seconds); use e.g. Duration.seconds(30)'],
      ['a zero drain delay', { shutdown: { drainDelay: Duration.seconds(0) } },
        'shop/api: service.shutdown.drainDelay must be longer than zero (got 0 seconds); use e.g. Duration.seconds(30)'],
      ['a negative grace period from JavaScript', { shutdown: { gracePeriod: { toMilliseconds: () => -5000, toHumanString: () => '-5 seconds' } } },
        'shop/api: service.shutdown.gracePeriod must be longer than zero (got -5 seconds); use e.g. Duration.seconds(30)'],
      ['a number where a Duration belongs', { startupTimeout: 30 as never },
        'shop/api: service.startupTimeout must be a Duration (got 30); use e.g. Duration.seconds(30)'],
      ['a grace period shorter than the drain delay', { shutdown: { drainDelay: Duration.seconds(20), gracePeriod: Duration.seconds(10) } },
        'shop/api: service.shutdown.gracePeriod must be longer than the drain delay (20 seconds), or the process is killed before it finishes in-flight work (got 10 seconds); use at least 30 seconds'],
      ['a probe timeout longer than its period', { probeTimings: { liveness: { period: Duration.seconds(5), timeout: Duration.seconds(10) } } },
        'shop/api: service.probeTimings.liveness.timeout must not exceed the period (5 seconds), or probes overlap (got 10 seconds); use at most 5 seconds'],
      ['a probe failure threshold of zero', { probeTimings: { readiness: { failureThreshold: 0 } } },
        'shop/api: service.probeTimings.readiness.failureThreshold must be a whole number from 1 to 2147483647 (got 0); use e.g. 3'],
      ['a CPU request above the limit', { resources: { cpu: { request: '2', limit: '500m' } } },
        'shop/api: service.resources.cpu.request is above the limit (500m) (got "2"); lower the request or raise the limit to at least 2'],
      ['a memory request above the limit', { resources: { memory: { request: Size.gibibytes(2), limit: Size.gibibytes(1) } } },
        'shop/api: service.resources.memory.request is above the limit (1Gi) (got 2Gi); lower the request or raise the limit to at least the request'],
      ['a CPU quantity that is not one', { resources: { cpu: { request: 'lots' } } },
        'shop/api: service.resources.cpu.request must be a positive CPU quantity (got "lots"); use e.g. \'250m\' or \'1\''],
      ['a literal password in the environment', { env: { DB_PASSWORD: 'hunter2' } },
        'shop/api: service.env.DB_PASSWORD looks like a secret and would be written into the manifest in clear (got "<redacted>"); reference it instead: EnvValue.fromSecret(\'<secret-name>\', \'db_password\')'],
      ['a worker without ports or health check', { port: undefined, healthPath: undefined },
        "shop/api: service.healthCheck is required for a service without TCP ports: Kubernetes could not tell a hung pod from a healthy one (got nothing); give e.g. HealthCheck.exec(['/bin/worker', 'healthcheck']), or declare a port"],
      ['autoscaling from one replica', { autoscale: { min: 1, max: 5 } },
        'shop/api: service.autoscale.min must be at least 2, or a single pod failure or eviction leaves no replica serving (got 1); use min: 2 or more'],
      ['an autoscale minimum above the maximum', { autoscale: { min: 5, max: 3 } },
        'shop/api: service.autoscale.max must be greater than min (5) (got 3); use max: 10 or more, or drop autoscale and set replicas'],
      ['a relative writable path', { writablePaths: ['tmp'] },
        'shop/api: service.writablePaths[0] must be an absolute path below / (got "tmp"); use e.g. \'/tmp\' or \'/var/cache/app\''],
      ['two writable paths that would share a volume', { writablePaths: ['/var/cache', '/var-cache'] },
        'shop/api: service.writablePaths[1] is listed twice or shares its volume name (var-cache) with another path (got "/var-cache"); list each path once'],
      ['an egress rule without ports', { egress: [{ to: NetworkPeer.anywhere(), ports: [] }] },
        'shop/api: service.egress[0].ports must name at least one port: an empty list in a NetworkPolicy opens every port (got []); give the ports, e.g. [{ port: 5432 }]'],
    ];
    it.each(cases)('%s', (_what, overrides, message) => {
      expect(() => resolve(overrides)).toThrow(message);
    });

    it('never echoes the secret value it refuses', () => {
      expect(() => resolve({ env: { API_TOKEN: 's3cr3t-value' } })).not.toThrow(/s3cr3t-value/);
      expect(() => resolve({ env: { API_TOKEN: 's3cr3t-value' } })).toThrow(/API_TOKEN looks like a secret/);
    });
  });
});
