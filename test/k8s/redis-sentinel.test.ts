import { Chart, Duration, Size, Testing } from 'cdk8s';
import { findObject, synthValid } from '../support/schema';
import { DisruptionBudget, MultiReplica, NetworkPeer, redisPrimaryProxyConfig, Durability, SentinelTiming, renderHaproxyConfig, RedisSentinel, RedisSentinelProps } from 'hadr-constructs';
import { allowedEvictions } from 'hadr-constructs/core';

function synth(props: Partial<RedisSentinelProps> = {}, configure?: (cache: RedisSentinel, chart: Chart) => void) {
  const app = Testing.app();
  const chart = new Chart(app, 'shop', { namespace: 'shop' });
  const cache = new RedisSentinel(chart, 'cache', { storage: Size.gibibytes(10), ...props });
  configure?.(cache, chart);
  return { cache, objects: synthValid(chart) };
}

/** Directive lines of a rendered redis.conf or sentinel.conf. */
const directives = (conf: string) => conf.split('\n').filter((l) => l && !l.startsWith('#'));
const podSpec = (sts: any) => sts.spec.template.spec;
const container = (sts: any) => podSpec(sts).containers[0];
const fqdn = (pod: string, service: string) => `${pod}.${service}.shop.svc.cluster.local`;

describe('RedisSentinel', () => {
  it('matches the snapshot', () => {
    expect(synth().objects).toMatchSnapshot();
  });

  describe('GIVEN only a storage size', () => {
    const { cache, objects } = synth();
    const redis = findObject(objects, 'StatefulSet', 'cache');
    const sentinels = findObject(objects, 'StatefulSet', 'cache-sentinel');
    const redisFiles = findObject(objects, 'ConfigMap', 'cache-redis').data;
    const sentinelFiles = findObject(objects, 'ConfigMap', 'cache-sentinel').data;
    const proxy = findObject(objects, 'Deployment', 'cache-primary');

    it('runs a primary and two replicas, each with its own data volume of the asked size', () => {
      expect(redis.spec.replicas).toBe(3);
      expect(redis.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('10Gi');
      expect(container(redis).volumeMounts).toContainEqual({ name: redis.spec.volumeClaimTemplates[0].metadata.name, mountPath: '/data' });
      for (const pod of ['cache-0', 'cache-1', 'cache-2']) expect(directives(redisFiles[`${pod}.conf`])).toEqual(expect.arrayContaining(['dir /data', 'appendonly yes']));
    });

    it('runs three Sentinels in their own StatefulSet, so draining or rolling a Redis pod takes no voter with it', () => {
      expect(sentinels.spec.replicas).toBe(3);
      expect(podSpec(redis).containers.map((c: any) => c.name)).toEqual(['redis', 'fence']);
      expect(podSpec(sentinels).containers.map((c: any) => c.name)).toEqual(['sentinel']);
      expect(sentinels.spec.selector.matchLabels).not.toEqual(redis.spec.selector.matchLabels);
      expect(findObject(objects, 'PodDisruptionBudget', 'cache-sentinel').spec.selector.matchLabels).toEqual(sentinels.spec.selector.matchLabels);
    });

    it('renders one redis.conf per pod: pod 0 the initial primary, the others its replicas, each announcing its stable DNS name', () => {
      expect(Object.keys(redisFiles).filter((k) => k.endsWith('.conf')).sort()).toEqual(['cache-0.conf', 'cache-1.conf', 'cache-2.conf']);
      expect(redisFiles['cache-1.conf']).toBe(cache.redisConfigs['cache-1']);
      expect(directives(redisFiles['cache-0.conf']).join('\n')).not.toContain('replicaof');
      for (const pod of ['cache-1', 'cache-2']) {
        expect(directives(redisFiles[`${pod}.conf`])).toEqual(expect.arrayContaining([
          `replicaof ${fqdn('cache-0', redis.spec.serviceName)} 6379`,
          `replica-announce-ip ${fqdn(pod, redis.spec.serviceName)}`,
        ]));
      }
    });

    it('gives pods the DNS names they announce through headless Services that publish them before they are ready', () => {
      for (const [sts, port] of [[redis, 6379], [sentinels, 26379]] as const) {
        const governing = findObject(objects, 'Service', sts.spec.serviceName);
        expect(governing.spec).toMatchObject({ clusterIP: 'None', publishNotReadyAddresses: true, selector: sts.spec.selector.matchLabels });
        expect(governing.spec.ports.map((p: any) => p.port)).toEqual([port]);
      }
    });

    it('monitors the initial primary with a quorum of 2 and the default timing, each Sentinel under its own stable id', () => {
      const confs = ['cache-sentinel-0', 'cache-sentinel-1', 'cache-sentinel-2'].map((pod) => directives(sentinelFiles[`${pod}.conf`]));
      for (const [i, conf] of confs.entries()) {
        expect(conf[0]).toBe(`sentinel monitor cache ${fqdn('cache-0', redis.spec.serviceName)} 6379 2`);
        expect(conf).toEqual(expect.arrayContaining([
          'sentinel down-after-milliseconds cache 5000',
          'sentinel failover-timeout cache 60000',
          'sentinel resolve-hostnames yes',
          'sentinel announce-hostnames yes',
          `sentinel announce-ip ${fqdn(`cache-sentinel-${i}`, sentinels.spec.serviceName)}`,
        ]));
      }
      const ids = confs.map((conf) => conf.find((l) => l.startsWith('sentinel myid '))!.split(' ')[2]);
      expect(new Set(ids).size).toBe(3);
      for (const id of ids) expect(id).toMatch(/^[0-9a-f]{40}$/);
      expect(cache).toMatchObject({ sentinels: 3, quorum: 2, masterName: 'cache', timing: SentinelTiming.default() });
    });

    it('refuses writes unless a replica acknowledged within 2 s by default, once the fence agent lets the server take writes', () => {
      expect(cache.durability).toEqual(Durability.minReplicas(1, Duration.seconds(2)));
      // Every server starts fenced: one more than its two replicas, until a Sentinel majority vouches for it.
      expect(directives(redisFiles['cache-0.conf'])).toEqual(expect.arrayContaining(['min-replicas-to-write 3', 'min-replicas-max-lag 2']));
      expect(redisFiles['fence.sh']).toContain('\nserving_value=1\nfenced_value=3\n');
    });

    it('runs a fence agent beside each Redis server: the same image and user, asking every Sentinel by its stable name', () => {
      const [server, fence] = podSpec(redis).containers;
      expect(fence).toMatchObject({
        name: 'fence', image: server.image, imagePullPolicy: server.imagePullPolicy, command: ['bash', '/etc/redis/config/fence.sh'],
        env: server.env, securityContext: server.securityContext,
      });
      expect(fence.volumeMounts.map((m: any) => [m.name, m.mountPath, m.readOnly ?? false])).toEqual([
        ['config', '/etc/redis/config', true], ['secret', '/etc/redis/secret', true], ['tmp', '/tmp', false],
      ]);
      expect(fence.livenessProbe.exec.command).toEqual(['sh', '/etc/redis/config/fence-liveness.sh']);
      expect(fence.resources.limits).toEqual({ cpu: '200m', memory: '32Mi' });
      const sentinelHosts = [0, 1, 2].map((i) => `'${fqdn(`cache-sentinel-${i}`, sentinels.spec.serviceName)} 26379'`);
      expect(redisFiles['fence.sh']).toContain(`sentinels=(${sentinelHosts.join(' ')})`);
      expect(redisFiles['fence.sh']).toContain('\nlease_ms=500\n');
      expect(cache.timing.fenceBoundSeconds).toBe(0.7);
      // The proxy admits only a server the agent lets take writes.
      expect(cache.haproxyConfig).toContain('tcp-check expect rstring "min-replicas-to-write\\r\\n\\\\\\$1\\r\\n1\\r\\n"');
    });

    it('caps memory below the container limit, so a full Redis refuses writes instead of being OOM-killed', () => {
      expect(container(redis).resources.limits.memory).toBe('1Gi');
      expect(directives(redisFiles['cache-0.conf'])).toContain(`maxmemory ${Math.floor(1024 * 1024 * 1024 * 0.7)}`);
    });

    it('takes the password from the Secret reference and writes it nowhere', () => {
      for (const sts of [redis, sentinels]) {
        expect(podSpec(sts).volumes).toContainEqual({ name: 'secret', secret: { secretName: 'cache-auth', defaultMode: 0o440, items: [{ key: 'password', path: 'password' }] } });
      }
      expect(container(proxy).env).toContainEqual({ name: 'REDIS_PASSWORD', valueFrom: { secretKeyRef: { name: 'cache-auth', key: 'password' } } });
      for (const conf of [...Object.values(cache.redisConfigs), ...Object.values(cache.sentinelConfigs)]) {
        expect(directives(conf).filter((l) => /^(requirepass|masterauth|sentinel (auth-pass|sentinel-pass))/.test(l))).toEqual([]);
      }
      expect(cache.haproxyConfig).toContain('"AUTH ${REDIS_PASSWORD}\\r\\n"');
      for (const c of objects.flatMap((o) => o.spec?.template?.spec?.containers ?? [])) {
        for (const env of c.env ?? []) if (/password|secret|token/i.test(env.name)) expect(env.value).toBeUndefined();
      }
    });

    it('starts every server and Sentinel through its rendered start script, which finds the current primary', () => {
      for (const [sts, files] of [[redis, redisFiles], [sentinels, sentinelFiles]]) {
        expect(container(sts).command).toEqual(['sh', '/etc/redis/config/start.sh']);
        expect(container(sts).env).toEqual([{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }]);
        for (const i of [0, 1, 2]) expect(files['start.sh']).toContain(`${fqdn(`cache-sentinel-${i}`, sentinels.spec.serviceName)} 26379`);
      }
      expect(redisFiles['start.sh']).toContain("exec 'redis-server' '/run/redis/redis.conf'");
      expect(sentinelFiles['start.sh']).toContain("exec 'redis-sentinel' '/run/sentinel/sentinel.conf'");
    });

    it('runs the servers from a writable copy on a pod-private in-memory volume, under a read-only root filesystem', () => {
      for (const [sts, runtime] of [[redis, '/run/redis'], [sentinels, '/run/sentinel']] as const) {
        expect(podSpec(sts).volumes).toContainEqual({ name: 'run', emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } });
        expect(container(sts).volumeMounts).toContainEqual({ name: 'run', mountPath: runtime });
        expect(container(sts).volumeMounts).toContainEqual({ name: 'config', mountPath: '/etc/redis/config', readOnly: true });
        expect(container(sts).securityContext).toMatchObject({ readOnlyRootFilesystem: true });
      }
      expect(directives(cache.redisConfigs['cache-0']).pop()).toBe('include /run/redis/auth.conf');
      expect(directives(cache.sentinelConfigs['cache-sentinel-0']).pop()).toBe('include /run/sentinel/auth.conf');
    });

    it('declares its ports, holds a rollout until a restarted replica is in sync, and does not kill a slow one', () => {
      expect(container(redis).ports).toEqual([{ name: 'redis', containerPort: 6379, protocol: 'TCP' }]);
      expect(container(sentinels).ports).toEqual([{ name: 'sentinel', containerPort: 26379, protocol: 'TCP' }]);
      expect(container(redis).readinessProbe.exec.command).toEqual(['sh', '/etc/redis/config/readiness.sh']);
      expect(redisFiles['readiness.sh']).toContain("grep -qx 'master_link_status:up'");
      expect(redis.spec.updateStrategy).toEqual({ type: 'RollingUpdate' });
      const { livenessProbe, startupProbe } = container(redis);
      expect(livenessProbe.periodSeconds * livenessProbe.failureThreshold).toBeGreaterThanOrEqual(60);
      // Asking every Sentinel and server once at start fits in the startup budget many times over.
      expect(startupProbe.periodSeconds * startupProbe.failureThreshold).toBeGreaterThan((3 + 3) * 2 * 5);
    });

    it('routes clients without Sentinel support to the primary through two HAProxy replicas checking each server', () => {
      expect(proxy.spec.replicas).toBe(2);
      const members = ['cache-0', 'cache-1', 'cache-2'].map((name) => ({ name, host: fqdn(name, redis.spec.serviceName), port: 6379 }));
      const expected = renderHaproxyConfig(redisPrimaryProxyConfig({ path: 'shop/cache/primaryProxy', members, durability: cache.durability }));
      expect(findObject(objects, 'ConfigMap', 'cache-primary').data['haproxy.cfg']).toBe(expected);
      expect(container(proxy).command).toEqual(['haproxy', '-db', '-f', '/usr/local/etc/haproxy/haproxy.cfg']);
      expect(findObject(objects, 'Service', 'cache-primary').spec.ports).toEqual([{ name: 'redis', port: 6379, targetPort: 'redis', protocol: 'TCP' }]);
      const pdb = findObject(objects, 'PodDisruptionBudget', 'cache-primary');
      expect(allowedEvictions(DisruptionBudget.maxUnavailable(pdb.spec.maxUnavailable), proxy.spec.replicas)).toBe(1);
      expect(cache.primaryHost).toBe('cache-primary.shop.svc');
    });

    it('offers Sentinel-aware clients a Service on 26379 selecting the Sentinels', () => {
      const service = findObject(objects, 'Service', 'cache-sentinel');
      expect(service.spec).toMatchObject({ type: 'ClusterIP', selector: sentinels.spec.selector.matchLabels });
      expect(service.spec.ports).toEqual([{ name: 'sentinel', port: 26379, targetPort: 26379, protocol: 'TCP' }]);
      expect(cache.sentinelHost).toBe('cache-sentinel.shop.svc');
    });

    it('keeps one pod of each StatefulSet evictable so a drain never blocks, and only one', () => {
      for (const [sts, name] of [[redis, 'cache'], [sentinels, 'cache-sentinel']]) {
        const pdb = findObject(objects, 'PodDisruptionBudget', name);
        expect(pdb.spec.selector.matchLabels).toEqual(sts.spec.selector.matchLabels);
        expect(pdb.spec.unhealthyPodEvictionPolicy).toBe('AlwaysAllow');
        expect(allowedEvictions(DisruptionBudget.maxUnavailable(pdb.spec.maxUnavailable), sts.spec.replicas)).toBe(1);
      }
    });

    it('requires Redis servers, and Sentinels, on different nodes and spreads each over zones, selecting their own labels', () => {
      for (const sts of [redis, sentinels]) {
        const term = podSpec(sts).affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0];
        expect(term.topologyKey).toBe('kubernetes.io/hostname');
        expect(term.labelSelector.matchLabels).toEqual(sts.spec.selector.matchLabels);
        expect(podSpec(sts).topologySpreadConstraints[0]).toMatchObject({
          topologyKey: 'topology.kubernetes.io/zone', maxSkew: 1, whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: sts.spec.selector.matchLabels },
        });
      }
    });

    it('runs every pod restricted, as the redis user, without a service-account token, at the chart priority', () => {
      for (const sts of [redis, sentinels]) {
        expect(podSpec(sts)).toMatchObject({
          automountServiceAccountToken: false, priorityClassName: 'hadr-high-availability',
          securityContext: { runAsNonRoot: true, runAsUser: 999, runAsGroup: 999, fsGroup: 999, seccompProfile: { type: 'RuntimeDefault' } },
        });
        expect(container(sts).securityContext).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true });
      }
      expect(podSpec(proxy).priorityClassName).toBe('hadr-high-availability');
      expect(container(proxy).securityContext).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    });

    it('admits clients on 6379 and 26379 and the topology\'s pods to each other, and nothing else', () => {
      const redisPods = { podSelector: { matchLabels: redis.spec.selector.matchLabels } };
      const sentinelPods = { podSelector: { matchLabels: sentinels.spec.selector.matchLabels } };
      const proxyPods = { podSelector: { matchLabels: proxy.spec.selector.matchLabels } };
      const sameNamespace = { podSelector: { matchLabels: {} } };
      const redisPolicy = findObject(objects, 'NetworkPolicy', 'cache');
      expect(redisPolicy.spec.podSelector.matchLabels).toEqual({ 'app.kubernetes.io/instance': 'cache' });
      expect(redisPolicy.spec.ingress).toEqual([
        { from: [redisPods, sentinelPods, proxyPods], ports: [{ protocol: 'TCP', port: 6379 }] },
        { from: [sameNamespace], ports: [{ protocol: 'TCP', port: 6379 }] },
      ]);
      const sentinelPolicy = findObject(objects, 'NetworkPolicy', 'cache-sentinel');
      expect(sentinelPolicy.spec.ingress[1]).toEqual({ from: [sameNamespace], ports: [{ protocol: 'TCP', port: 26379 }] });
      for (const policy of [redisPolicy, sentinelPolicy]) {
        expect(policy.spec.egress.slice(1)).toEqual([
          { to: [redisPods], ports: [{ protocol: 'TCP', port: 6379 }] },
          { to: [sentinelPods], ports: [{ protocol: 'TCP', port: 26379 }] },
        ]);
      }
      const proxyPolicy = findObject(objects, 'NetworkPolicy', 'cache-primary');
      expect(proxyPolicy.spec.egress).toContainEqual({ to: [redisPods], ports: [{ protocol: 'TCP', port: 6379 }] });
    });
  });

  it('rolls the pods when their config changes', () => {
    const annotation = (props: Partial<RedisSentinelProps>) =>
      findObject(synth(props).objects, 'StatefulSet', 'cache-sentinel').spec.template.metadata.annotations['hadr-constructs.io/sentinel-config-sha'];
    expect(annotation({ timing: SentinelTiming.fast() })).not.toBe(annotation({}));
    expect(annotation({})).toBe(annotation({}));
  });

  it('renders the fast timing and WAIT durability: asynchronous on the server, the proxy waiting for an attached replica', () => {
    const { cache } = synth({ timing: SentinelTiming.fast(), durability: Durability.waitForReplicas(1) });
    expect(directives(cache.sentinelConfigs['cache-sentinel-0'])).toContain('sentinel down-after-milliseconds cache 1000');
    expect(directives(cache.redisConfigs['cache-0'])).toContain('min-replicas-to-write 3');
    expect(cache.redisConfigs['fence.sh']).toBeUndefined();
    expect(findObject(synth({ durability: Durability.waitForReplicas(1) }).objects, 'ConfigMap', 'cache-redis').data['fence.sh']).toContain('\nserving_value=0\n');
    expect(cache.haproxyConfig).toContain('tcp-check expect rstring "role:master\\r\\nconnected_slaves:([1-9]|[1-9][0-9]+)\\r\\n"');
  });

  it('leaves the fence out when asked: no sidecar, the durability value from the start', () => {
    const { cache, objects } = synth({ fencing: false });
    expect(cache.fencing).toBe(false);
    expect(podSpec(findObject(objects, 'StatefulSet', 'cache')).containers.map((c: any) => c.name)).toEqual(['redis']);
    expect(directives(cache.redisConfigs['cache-0'])).toEqual(expect.arrayContaining(['min-replicas-to-write 1', 'min-replicas-max-lag 2']));
    expect(Object.keys(findObject(objects, 'ConfigMap', 'cache-redis').data)).not.toContain('fence.sh');
  });

  it('writes further directives after the rendered ones, a maxmemory of its own replacing the default', () => {
    const { cache } = synth({ redisDirectives: [['maxmemory', '512mb'], ['maxmemory-policy', 'allkeys-lru']], sentinelDirectives: [['sentinel', 'parallel-syncs', 'cache', 2]] });
    const conf = directives(cache.redisConfigs['cache-0']);
    expect(conf.filter((l) => l.startsWith('maxmemory'))).toEqual(['maxmemory 512mb', 'maxmemory-policy allkeys-lru']);
    expect(conf.slice(-3, -1)).toEqual(['maxmemory 512mb', 'maxmemory-policy allkeys-lru']);
    expect(directives(cache.sentinelConfigs['cache-sentinel-0'])).toContain('sentinel parallel-syncs cache 2');
  });

  it('takes its password from the Secret and key it is given', () => {
    const { objects } = synth({ passwordSecret: { name: 'queue-credentials', key: 'redis' } });
    const volume = podSpec(findObject(objects, 'StatefulSet', 'cache')).volumes.find((v: any) => v.name === 'secret');
    expect(volume.secret).toMatchObject({ secretName: 'queue-credentials', items: [{ key: 'redis', path: 'password' }] });
  });

  it('can run without the primary proxy, and then cannot be shared with other clusters', () => {
    const { cache, objects } = synth({ primaryProxy: false });
    expect(objects.filter((o) => o.kind === 'Deployment')).toEqual([]);
    expect(cache.primaryHost).toBeUndefined();
    expect(() => cache.sharedEndpoint()).toThrow(
      'shop/cache: primaryProxy is turned off, so clients in other clusters have no address to reach: Sentinel hands out pod names that resolve only in this cluster (got false); '
      + 'keep the primary proxy (the default) to share this RedisSentinel');
  });

  it('lets a granted service reach the proxy, the Sentinels and the servers, and admits it there', () => {
    const { objects } = synth({ clients: [] }, (cache, chart) => {
      const api = new MultiReplica(chart, 'api', { service: { name: 'api', image: 'ghcr.io/acme/api:1.0.0', port: 8080 } });
      cache.grantConnect(api);
    });
    const api = { podSelector: { matchLabels: findObject(objects, 'Deployment', 'api').spec.selector.matchLabels } };
    expect(findObject(objects, 'NetworkPolicy', 'cache').spec.ingress[1]).toEqual({ from: [api], ports: [{ protocol: 'TCP', port: 6379 }] });
    expect(findObject(objects, 'NetworkPolicy', 'cache-sentinel').spec.ingress[1]).toEqual({ from: [api], ports: [{ protocol: 'TCP', port: 26379 }] });
    expect(findObject(objects, 'NetworkPolicy', 'cache-primary').spec.ingress).toEqual([{ from: [api], ports: [{ protocol: 'TCP', port: 6379 }] }]);
    const egress = findObject(objects, 'NetworkPolicy', 'api').spec.egress.map((r: any) => [r.to?.[0].podSelector.matchLabels['app.kubernetes.io/instance'], r.ports[0].port]);
    expect(egress).toEqual(expect.arrayContaining([['cache-primary', 6379], ['cache-sentinel', 26379], ['cache', 6379]]));
  });

  it('admits only the given clients, and more with allowFrom', () => {
    const { objects } = synth({ clients: [NetworkPeer.namespace('workers')] }, (cache) => cache.allowFrom(NetworkPeer.namespace('jobs')));
    expect(findObject(objects, 'NetworkPolicy', 'cache').spec.ingress[1].from).toEqual([
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'workers' } } },
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'jobs' } } },
    ]);
  });

  it('synthesizes the same output twice', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'shop');
    new RedisSentinel(chart, 'cache', { storage: Size.gibibytes(10) });
    expect(Testing.synth(chart)).toEqual(Testing.synth(chart));
  });

  it('announces names relative to the namespace when the chart has none', () => {
    const app = Testing.app();
    const cache = new RedisSentinel(new Chart(app, 'shop'), 'cache', { storage: Size.gibibytes(10) });
    expect(directives(cache.redisConfigs['cache-1'])).toContain('replica-announce-ip cache-1.cache-members');
    expect(cache.primaryHost).toBe('cache-primary');
  });

  describe('rejects bad input with the path, the field, the value and the fix', () => {
    it.each<[string, Partial<RedisSentinelProps>, string]>([
      ['an even number of Sentinels', { sentinels: 4 },
        'shop/cache: sentinels must be odd to keep a quorum (got 4); use 3 or 5'],
      ['two Sentinels', { sentinels: 2 },
        'shop/cache: sentinels must be odd to keep a quorum (got 2); use 3'],
      ['a single Sentinel without a reason', { sentinels: 1 },
        "shop/cache: sentinels is below 3: losing that Sentinel, its node or its zone leaves nobody to fail over (got 1); use 3, or accept it with fewerThanThreeSentinelsReason: '<why>'"],
      ['a quorum larger than the majority of the Sentinels', { quorum: 3 },
        'shop/cache: quorum must be between 1 and the majority of 3 sentinels (got 3); use 2'],
      ['a quorum below 1', { sentinels: 5, quorum: 0 },
        'shop/cache: quorum must be between 1 and the majority of 5 sentinels (got 0); use 3'],
      ['no replica', { replicas: 0 },
        'shop/cache: replicas must be at least 1 so Sentinel has a replica to promote (got 0); use 2, so a failover still leaves the new primary a replica'],
      ['a down-after longer than the failover timeout', { timing: { ...SentinelTiming.default(), name: 'hand-made', downAfterMs: 30_000, failoverTimeoutMs: 10_000, parallelSyncs: 1 } },
        'shop/cache: timing.downAfter must not be longer than timing.failoverTimeout (got 30 seconds); use a downAfter of at most 10 seconds or a failoverTimeout of at least 30 seconds'],
      ['a durability that needs more replicas than there are', { replicas: 1, durability: Durability.minReplicas(2, Duration.seconds(2)) },
        'shop/cache: durability must not need more replicas than the 1 in the topology, or every write would fail (got "min-replicas with 2 replicas"); use at most 1 or add replicas'],
      ['a literal password', { password: 'hunter2' } as never,
        "shop/cache: password must not be a literal password: it would be written into the manifests (got \"<redacted>\"); create a Secret (kubectl create secret generic <name> --from-literal=password=...) and set passwordSecret: { name: '<name>' }"],
      ['a password where the Secret reference goes', { passwordSecret: 'hunter2' as never },
        "shop/cache: passwordSecret must be a Secret reference { name, key }, not a literal password (got \"<redacted>\"); set passwordSecret: { name: '<secret name>', key: 'password' }"],
      ['a missing storage size', { storage: undefined as never },
        'shop/cache: storage must be a positive Size (got nothing); use e.g. Size.gibibytes(10)'],
      ['a storage size that is not a Size', { storage: '10Gi' as never },
        'shop/cache: storage must be a positive Size (got "10Gi"); use e.g. Size.gibibytes(10)'],
      ['a maxmemory at the memory limit', { maxMemory: Size.gibibytes(1) },
        'shop/cache: maxMemory must be a Size below the memory limit (1Gi) (got 1Gi); use at most 70% of the limit, leaving room for the fork that rewrites the append-only file'],
      ['a password smuggled in through redis directives', { redisDirectives: [['masterauth', 'hunter2']] },
        'shop/cache: redisDirectives[0] must not carry a password (got "masterauth <redacted>"); mount the password from a Kubernetes Secret and set auth.passwordFile; the start script writes it'],
      ['a password smuggled in through sentinel directives', { sentinelDirectives: [['sentinel', 'auth-pass', 'cache', 'hunter2']] },
        'shop/cache: sentinelDirectives[0] must not carry a password (got "sentinel <redacted>"); mount the password from a Kubernetes Secret and set auth.passwordFile; the start script writes it'],
      ['a name too long for the Sentinel StatefulSet', { name: 'a'.repeat(44) },
        `shop/cache: name must be at most 43 characters: the Sentinel StatefulSet "<name>-sentinel" must stay within 52 (got "${'a'.repeat(44)}"); use a shorter name, e.g. "${'a'.repeat(43)}"`],
    ])('%s', (_what, props, message) => {
      expect(() => synth(props)).toThrow(message);
    });

    it('never echoes a literal password', () => {
      expect(() => synth({ passwordSecret: 'hunter2' as never })).not.toThrow(/hunter2/);
      expect(() => synth({ password: 'hunter2' } as never)).not.toThrow(/hunter2/);
    });

    it('accepts a single Sentinel when a reason is given', () => {
      const { cache, objects } = synth({ sentinels: 1, fewerThanThreeSentinelsReason: 'preview environment' });
      expect(cache.quorum).toBe(1);
      expect(findObject(objects, 'StatefulSet', 'cache-sentinel').spec.replicas).toBe(1);
    });
  });
});

describe('RedisSentinel in a MultiCluster topology', () => {
  const fs = jest.requireActual<typeof import('fs')>('fs');
  const os = jest.requireActual<typeof import('os')>('os');
  const path = jest.requireActual<typeof import('path')>('path');
  const { MultiCluster, TopologyApp } = jest.requireActual<typeof import('../../lib')>('../../lib');
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'hadr-redis-'));
  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));
  const props = (sharedEndpoints: any[]) => ({
    services: [{ name: 'api', image: 'ghcr.io/acme/api:1.0.0', port: 8080 }],
    clusters: [{ name: 'dc1-a' }, { name: 'dc1-b' }],
    sharedEndpoints,
  });

  it('is refused from a separate data chart while it has only its cluster-local names', () => {
    const app = new TopologyApp({ outdir: path.join(outdir, 'shared') });
    const cache = new RedisSentinel(new Chart(app, 'data', { namespace: 'data' }), 'sessions', { storage: Size.gibibytes(10) });
    expect(() => new MultiCluster(app, 'shop', props([cache]))).toThrow(
      'shop: sharedEndpoints[0] resolves only inside the cluster of chart "data", and dc1-a is another cluster: it would not connect at runtime '
      + '(got "sessions-primary.data.svc"); expose it, e.g. expose: { primary: Exposure.loadBalancer({ host: \'<name>.<zone you manage>\' }) }, '
      + 'or give the address other clusters reach it on');
  });

  it('is refused inside an active cluster, where each cluster would hold its own data', () => {
    const app = new TopologyApp({ outdir: path.join(outdir, 'inside') });
    const topology = new MultiCluster(app, 'shop', props([]));
    new RedisSentinel(topology.cluster('dc1-a').chart, 'sessions', { storage: Size.gibibytes(10) });
    expect(() => app.synth()).toThrow(/shop\/sessions: scope is an active cluster of a MultiCluster, so each cluster would keep its own redis data \(got "dc1-a"\)/);
  });
});
