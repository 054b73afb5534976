/**
 * The one schema gate every test goes through: each synthesized object must validate against
 * the Kubernetes schema or the CRD schema of its kind (kubernetes-models 4.x). An object of a
 * kind with no schema here fails too, so nothing slips through unchecked.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as argoCd from '@kubernetes-models/argo-cd';
import * as fluxCd from '@kubernetes-models/flux-cd';
import * as keda from '@kubernetes-models/keda';
import * as prometheusOperator from '@kubernetes-models/prometheus-operator';
import Ajv from 'ajv';
import { Chart, Testing } from 'cdk8s';
import * as kubernetes from 'kubernetes-models';
import * as YAML from 'yaml';

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

/**
 * Kinds no `@kubernetes-models/*` package covers (k8gb Gslb, external-dns DNSEndpoint,
 * external-secrets ExternalSecret): validated against the OpenAPI schema of the project's own
 * CRD, committed under test/support/crds/ with the commit it came from. Stricter than the API
 * server's pruning: a field the schema does not declare is an error, so a typo cannot vanish.
 */
function crdModels(): ModelClass[] {
  const dir = path.join(__dirname, 'crds');
  const ajv = new Ajv({ strict: false, allErrors: true });
  const closed = (schema: any): any => {
    if (!schema || typeof schema !== 'object') return schema;
    const copy: any = Array.isArray(schema) ? schema.map(closed) : Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, closed(v)]));
    if (copy.properties && copy.additionalProperties === undefined && !copy['x-kubernetes-preserve-unknown-fields']) copy.additionalProperties = false;
    return copy;
  };
  return fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).flatMap((file) => {
    const crd = YAML.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
    return crd.spec.versions.map((version: any) => {
      const schema = closed(version.schema.openAPIV3Schema);
      // The API server fills these; objects written to a repository carry none.
      delete schema.properties.status;
      schema.properties.metadata = { type: 'object' };
      const validate = ajv.compile(schema);
      return class {
        public static readonly apiVersion = `${crd.spec.group}/${version.name}`;
        public static readonly kind = crd.spec.names.kind;
        constructor(private readonly data: unknown) {}
        public validate(): void {
          if (!validate(this.data)) throw new Error(ajv.errorsText(validate.errors));
        }
      };
    });
  });
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
  for (const model of crdModels()) registry.set(`${model.apiVersion}/${model.kind}`, model);
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
