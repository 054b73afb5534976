import * as YAML from 'yaml';
import { check } from '../errors';

/**
 * kustomization.yaml listing a folder's manifest files, so `kubectl kustomize <folder>`, Argo
 * CD and Flux all render exactly those files. Listing them (rather than letting a tool pick up
 * every file) makes a missing file a build error instead of a silent deletion.
 *
 * @param resources paths relative to the folder, e.g. `chat-suite.k8s.yaml`
 * @see https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/resource/
 */
export function renderKustomization(resources: readonly string[]): string {
  return YAML.stringify(kustomizationOf(resources));
}

/** A kustomization listing `resources`, as data (what {@link renderKustomization} writes). */
export interface Kustomization {
  readonly apiVersion: 'kustomize.config.k8s.io/v1beta1';
  readonly kind: 'Kustomization';
  readonly resources: readonly string[];
}

/**
 * The kustomization of {@link renderKustomization} as data, checked: for writers that serialize
 * it with the YAML library they already use for the manifests beside it (cdk8s's).
 */
export function kustomizationOf(resources: readonly string[]): Kustomization {
  resources.forEach((file, i) => check(
    typeof file === 'string' && file.length > 0 && !file.startsWith('/') && !file.split('/').includes('..') && resources.indexOf(file) === i, {
      path: 'kustomization.yaml', field: `resources[${i}]`, value: file,
      problem: 'must be a file inside the folder, listed once', fix: 'list paths relative to the folder',
    }));
  return {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: [...resources].sort(),
  };
}
