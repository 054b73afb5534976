/**
 * The one schema gate every test goes through: each synthesized object must validate against
 * the Kubernetes schema or the CRD schema of its kind (kubernetes-models 4.x). An object of a
 * kind with no schema here fails too, so nothing slips through unchecked.
 */
import * as argoCd from '@kubernetes-models/argo-cd';
import * as fluxCd from '@kubernetes-models/flux-cd';
import * as keda from '@kubernetes-models/keda';
import * as prometheusOperator from '@kubernetes-models/prometheus-operator';
import { Chart, Testing } from 'cdk8s';
import * as kubernetes from 'kubernetes-models';

interface ModelClass {
  readonly apiVersion: string;
  readonly kind: string;
  new (data: unknown): { validate(): void };
}

/**
 * A folder's kustomization.yaml (written beside the manifests of each cluster folder): a build
 * file rather than an API object, with no kubernetes-models schema. Checked for the fields it
 * may hold here, so a stray field or a non-list of files still fails.
 *
 * @see https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/
 */
class KustomizeConfig {
  public static readonly apiVersion = 'kustomize.config.k8s.io/v1beta1';
  public static readonly kind = 'Kustomization';
  constructor(private readonly data: unknown) {}
  public validate(): void {
    const data = this.data as Record<string, unknown>;
    const unknown = Object.keys(data).filter((k) => !['apiVersion', 'kind', 'resources'].includes(k));
    const resources = data.resources;
    if (unknown.length > 0) throw new Error(`unexpected fields ${unknown.join(', ')}`);
    if (!Array.isArray(resources) || !resources.every((r) => typeof r === 'string' && r.length > 0)) {
      throw new Error('resources must be a list of file paths');
    }
  }
}

/** Every exported model class, by `apiVersion/kind`. */
const REGISTRY: ReadonlyMap<string, ModelClass> = (() => {
  const registry = new Map<string, ModelClass>();
  const visit = (module: unknown, depth: number): void => {
    for (const value of Object.values(module as Record<string, unknown>)) {
      const model = value as { apiVersion?: unknown; kind?: unknown };
      if (typeof value === 'function' && typeof model.apiVersion === 'string' && typeof model.kind === 'string') {
        registry.set(`${model.apiVersion}/${model.kind}`, value as unknown as ModelClass);
      } else if (value && typeof value === 'object' && depth < 4) {
        visit(value, depth + 1);
      }
    }
  };
  for (const module of [kubernetes, argoCd, fluxCd, keda, prometheusOperator]) visit(module, 0);
  registry.set(`${KustomizeConfig.apiVersion}/${KustomizeConfig.kind}`, KustomizeConfig);
  return registry;
})();

/** Throws one error listing every object that fails its schema. */
export function validateManifests(objects: readonly unknown[]): void {
  const failures: string[] = [];
  for (const object of objects) {
    const { apiVersion, kind, metadata } = object as { apiVersion?: string; kind?: string; metadata?: { name?: string } };
    const key = `${apiVersion}/${kind}`;
    const model = REGISTRY.get(key);
    if (!model) {
      failures.push(`${key} ${metadata?.name}: no schema for this kind`);
      continue;
    }
    try {
      new model(object).validate();
    } catch (err) {
      failures.push(`${key} ${metadata?.name}: ${(err as Error).message}`);
    }
  }
  if (failures.length > 0) throw new Error(`schema validation failed:\n  ${failures.join('\n  ')}`);
}

/** Synthesizes a chart and validates every object; what every construct test uses. */
export function synthValid(chart: Chart): any[] {
  const objects = Testing.synth(chart);
  validateManifests(objects);
  return objects;
}

/** The one object of `kind` (and `name`, when several), or a failed expectation. */
export function findObject(objects: readonly any[], kind: string, name?: string): any {
  const matches = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata?.name === name));
  if (matches.length !== 1) {
    throw new Error(`expected one ${kind}${name ? ` named ${name}` : ''}, found ${matches.length}`);
  }
  return matches[0];
}
