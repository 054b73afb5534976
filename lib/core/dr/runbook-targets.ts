import { DrRunbookSpec, RunbookTarget } from './runbook';

/** Where the members mount patroni.yml (PatroniCluster). */
const PATRONI_CONFIG = '/etc/patroni/patroni.yml';
const SOCKET = '/var/run/postgresql';

/** What the Kubernetes commands need beyond the runbook spec. */
export interface KubernetesRunbookOptions {
  /**
   * Per site, per source site: the JSON of the site's dynamic Patroni configuration as a standby
   * of that source, written into its DCS before its members start.
   */
  readonly standbyDcsConfig: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

/**
 * Runbook commands for clusters: `kubectl --context <cluster>` (a context per cluster, named
 * after it), `patronictl` in the members, the Kubernetes DCS (Patroni's `<scope>-config`
 * Endpoints), and the GitOps tool's CLI.
 */
export function kubernetesRunbookTarget(spec: DrRunbookSpec, options: KubernetesRunbookOptions): RunbookTarget {
  const ns = spec.namespace;
  const pg = spec.postgres;
  const kubectl = (cluster: string) => `kubectl --context ${cluster} -n ${ns}`;
  const dbCluster = (site: string) => pg?.sites[site]?.cluster ?? clustersOf(spec, site)[0];
  const scope = pg?.scope ?? 'postgres';
  const leaderPod = (site: string) => `$(${kubectl(dbCluster(site))} get pod -l app.kubernetes.io/instance=${scope},role=primary -o name)`;
  const gitOpsApp = (cluster: string) => `${spec.topology}-${cluster}`;
  const suspend = (cluster: string) => (spec.gitOps.tool === 'argo-cd'
    ? `argocd app set ${gitOpsApp(cluster)} --sync-policy none`
    : `flux suspend kustomization ${spec.topology} --context ${cluster}`);
  const resume = (cluster: string) => (spec.gitOps.tool === 'argo-cd'
    ? `argocd app set ${gitOpsApp(cluster)} --sync-policy automated --self-heal --auto-prune`
    : `flux resume kustomization ${spec.topology} --context ${cluster}`);
  const sync = (cluster: string) => (spec.gitOps.tool === 'argo-cd'
    ? `argocd app sync ${gitOpsApp(cluster)}`
    : `flux reconcile kustomization ${spec.topology} --with-source --context ${cluster}`);
  const health = spec.services.find((s) => s.name === spec.traffic.service)?.healthPath ?? '/';
  return {
    patronictl: (site, args) => `${kubectl(dbCluster(site))} exec statefulset/${scope} -c patroni -- patronictl -c ${PATRONI_CONFIG} ${args}`,
    sql: (site, statement) => `${kubectl(dbCluster(site))} exec ${leaderPod(site)} -c patroni -- psql -h ${SOCKET} -U postgres -Atc "${statement}"`,
    setStandbyInDcs: (site, source) => {
      const config = options.standbyDcsConfig[site]?.[source] ?? '{}';
      return `${kubectl(dbCluster(site))} annotate endpoints ${scope}-config --overwrite config='${config.replace(/'/g, "'\\''")}'`;
    },
    stopDatabase: (site) => `${kubectl(dbCluster(site))} scale statefulset/${scope} --replicas=0 && `
      + `${kubectl(dbCluster(site))} wait --for=delete pod -l app.kubernetes.io/instance=${scope} --timeout=5m`,
    startDatabase: (site) => `${kubectl(dbCluster(site))} scale statefulset/${scope} --replicas=${pg?.members ?? 3}`,
    reinitDiverged: (site) => `${kubectl(dbCluster(site))} exec statefulset/${scope} -c patroni -- sh -c `
      + `"patronictl -c ${PATRONI_CONFIG} list -f json | python3 -c 'import json,sys; `
      + '[print(m[\\"Member\\"]) for m in json.load(sys.stdin) if m[\\"Role\\"] != \\"Standby Leader\\" and m[\\"State\\"] != \\"streaming\\"]\' '
      + `| xargs -r -n1 patronictl -c ${PATRONI_CONFIG} reinit --force ${scope}"`,
    fence: (site) => [
      `# cut ${site} off at its network edge (firewall, load balancer pool) if you can; if its API servers answer:`,
      ...clustersOf(spec, site).flatMap((cluster) => [
        suspend(cluster),
        `${kubectl(cluster)} scale deployment --all --replicas=0`,
        ...(pg && dbCluster(site) === cluster ? [`${kubectl(cluster)} scale statefulset/${scope} --replicas=0`] : []),
      ]),
    ].join('\n'),
    unfence: (site) => clustersOf(spec, site).map(resume).join('\n'),
    activate: (active) => [
      `# in the topology code: activeSite: '${active}'`,
      `npm run synth && git commit -am "Make ${active} the active site" && git push`,
      ...spec.sites.flatMap((s) => s.clusters.map((c) => sync(c.name))),
    ].join('\n'),
    checkServices: (site) => {
      const checks = clustersOf(spec, site).flatMap((cluster) => spec.stoppedServices.map((svc) => `${kubectl(cluster)} rollout status deployment/${svc} --timeout=5m`));
      return checks.length > 0 ? checks.join(' && ') : `${kubectl(clustersOf(spec, site)[0])} get deployments`;
    },
    checkTraffic: () => `curl -fsS https://${spec.traffic.host}${health}`,
  };
}

function clustersOf(spec: DrRunbookSpec, site: string): string[] {
  return spec.sites.find((s) => s.name === site)?.clusters.map((c) => c.name) ?? [];
}
