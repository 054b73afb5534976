import { existsSync, readFileSync } from 'fs';
import { join } from 'path';
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import type { Chart } from 'cdk8s';
import * as YAML from 'yaml';
import { asResourceError, ensure, refuse } from './private/refuse';
import { describeValue } from '../core/errors';
import { resolveTopology, TopologySpec } from '../core/topology/topology-spec';

/** The clusters of a resolved topology and their folders (what `ActivePassiveDr.topology` holds). */
export interface TopologyFolders {
  readonly clusters: readonly { readonly name: string; readonly folder: string }[];
}

/** Arguments of {@link ChartDeployment}: charts, or a synthesized topology's folders. */
export interface ChartDeploymentArgs {
  /**
   * cdk8s charts to apply, by the cluster each goes to, e.g. `{ 'dc1-a': chart }`.
   *
   * @default - none
   */
  readonly charts?: Readonly<Record<string, Chart>>;
  /**
   * A topology whose clusters were synthesized into `outdir` (a TopologyApp's output): each
   * cluster's folder (`<outdir>/<site>/<cluster>/`) is applied as its kustomization.yaml lists it.
   * A TopologySpec, or a construct's resolved topology (`dr.topology`).
   *
   * @default - none
   */
  readonly topology?: TopologySpec | TopologyFolders;
  /**
   * Output folder of the TopologyApp, with `topology`.
   *
   * @default 'dist'
   */
  readonly outdir?: string;
  /** One Kubernetes provider per cluster, by cluster name: every cluster needs one. */
  readonly providers: Readonly<Record<string, k8s.Provider>>;
}

/** A Kubernetes object as synthesized. */
type KubeObject = { apiVersion: string; kind: string; metadata?: { name?: string; namespace?: string }; [key: string]: unknown };

/**
 * Applies cdk8s output with Pulumi: each object of each cluster is registered on that
 * cluster's provider, Namespaces and CustomResourceDefinitions first and every other object
 * after them (dependsOn), so a namespaced object or a custom resource never races its
 * namespace or its definition. Each object is registered itself (no plugin-side YAML
 * component), so a preview shows every object.
 */
export class ChartDeployment extends pulumi.ComponentResource {
  /** The registered objects of each cluster, by cluster name. */
  public readonly objects: Readonly<Record<string, readonly pulumi.CustomResource[]>>;

  constructor(name: string, args: ChartDeploymentArgs, opts?: pulumi.ComponentResourceOptions) {
    super('hadr:kubernetes:ChartDeployment', name, {}, opts);
    const providers = args?.providers ?? {};
    ensure(typeof providers === 'object' && providers !== null, this, {
      path: name, field: 'providers', value: providers, problem: 'must map each cluster name to its k8s.Provider', fix: "give e.g. { 'dc1-a': new k8s.Provider('dc1-a', { context: 'dc1-a' }) }",
    });
    const clusters = this.clustersOf(name, args);
    ensure(clusters.length > 0, this, {
      path: name, field: 'charts', value: undefined, problem: 'or topology is required', fix: "give charts: { 'dc1-a': chart }, or topology and outdir",
    });
    const names = clusters.map((c) => c.cluster);
    for (const cluster of names) {
      ensure(providers[cluster] instanceof pulumi.ProviderResource, this, {
        path: name, field: `providers.${cluster}`, value: providers[cluster],
        problem: 'is missing: every cluster is applied through its own provider', fix: `add '${cluster}': new k8s.Provider('${cluster}', { kubeconfig })`,
      });
    }
    for (const extra of Object.keys(providers).filter((c) => !names.includes(c))) {
      refuse(this, {
        path: name, field: `providers.${extra}`, value: extra,
        problem: 'names no cluster of the charts or the topology', fix: `use one of ${names.map((n) => describeValue(n)).join(', ')}`,
      });
    }

    const objects: Record<string, pulumi.CustomResource[]> = {};
    for (const { cluster, manifests } of clusters) {
      const options = { parent: this, provider: providers[cluster] };
      const id = (o: KubeObject) => [name, cluster, o.kind, o.metadata?.namespace, o.metadata?.name].filter(Boolean).join('-').toLowerCase();
      const first = manifests.filter((o) => isNamespace(o) || isCrd(o));
      const registered: pulumi.CustomResource[] = first.map((o) => isNamespace(o)
        ? new k8s.core.v1.Namespace(id(o), o as k8s.core.v1.NamespaceArgs, options)
        : new k8s.apiextensions.v1.CustomResourceDefinition(id(o), o as unknown as k8s.apiextensions.v1.CustomResourceDefinitionArgs, options));
      const dependsOn = [...registered];
      for (const o of manifests.filter((m) => !first.includes(m))) {
        registered.push(new k8s.apiextensions.CustomResource(id(o), o as k8s.apiextensions.CustomResourceArgs, { ...options, dependsOn }));
      }
      objects[cluster] = registered;
    }
    this.objects = objects;
    this.registerOutputs({ objectCounts: Object.fromEntries(Object.entries(objects).map(([c, list]) => [c, list.length])) });
  }

  private clustersOf(name: string, args: ChartDeploymentArgs): { cluster: string; manifests: KubeObject[] }[] {
    const fromCharts = Object.entries(args.charts ?? {}).map(([cluster, chart]) => {
      ensure(typeof chart?.toJson === 'function', this, {
        path: name, field: `charts.${cluster}`, value: typeof chart, problem: 'must be a cdk8s Chart', fix: 'pass the Chart itself',
      });
      return { cluster, manifests: chart.toJson() as KubeObject[] };
    });
    if (args.topology === undefined) return fromCharts;
    const topology = args.topology;
    const folders = isTopologyFolders(topology) ? topology.clusters : asResourceError(this, () => resolveTopology(name, topology)).clusters;
    const outdir = args.outdir ?? 'dist';
    const fromTopology = folders.map(({ name: cluster, folder }) => {
      const dir = join(outdir, folder);
      const kustomization = join(dir, 'kustomization.yaml');
      ensure(existsSync(kustomization), this, {
        path: name, field: 'outdir', value: outdir,
        problem: `has no ${folder}/kustomization.yaml: the topology was not synthesized there`, fix: 'synthesize the TopologyApp first (app.synth()), or give its outdir',
      });
      const files = (YAML.parse(readFileSync(kustomization, 'utf8'))?.resources ?? []) as string[];
      const manifests = files.flatMap((file) => YAML.parseAllDocuments(readFileSync(join(dir, file), 'utf8'))
        .map((doc) => doc.toJSON() as KubeObject | null)
        .filter((o): o is KubeObject => o !== null && typeof o === 'object'));
      return { cluster, manifests };
    });
    for (const { cluster } of fromTopology) {
      ensure(!fromCharts.some((c) => c.cluster === cluster), this, {
        path: name, field: `charts.${cluster}`, value: cluster, problem: 'is also a cluster of the topology', fix: 'deploy each cluster once',
      });
    }
    return [...fromCharts, ...fromTopology];
  }
}

function isNamespace(o: KubeObject): boolean {
  return o.apiVersion === 'v1' && o.kind === 'Namespace';
}

function isCrd(o: KubeObject): boolean {
  return o.apiVersion === 'apiextensions.k8s.io/v1' && o.kind === 'CustomResourceDefinition';
}

function isTopologyFolders(value: TopologySpec | TopologyFolders): value is TopologyFolders {
  const clusters = (value as Partial<TopologyFolders>).clusters;
  return Array.isArray(clusters) && clusters.every((c) => typeof c?.folder === 'string');
}
