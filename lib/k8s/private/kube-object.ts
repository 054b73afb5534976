import { ApiObject, ApiObjectMetadata, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { claimObjectName } from './name-registry';

/**
 * A Kubernetes object from typed cdk8s-plus-27 props, serialized once and patched last.
 *
 * The generated `Kube*` classes re-filter their JSON after applying JSON patches, which drops
 * every field newer than the 1.27 typings (pod affinity `matchLabelKeys`, the preStop `sleep`
 * action...), ours and those a user adds through `ApiObject.of(x).addJsonPatch()`. Here each
 * top-level field is produced lazily (mutators may run in any order) by a `toJson_*` mapper,
 * and patches apply to the result untouched.
 *
 * The object's name is claimed in its namespace first (see `claimObjectName`), so two objects
 * of one kind and name are refused when the second is built.
 */
export function kubeObject(
  scope: Construct,
  id: string,
  type: { readonly apiVersion: string; readonly kind: string },
  metadata: ApiObjectMetadata,
  fields: Readonly<Record<string, () => unknown>>,
): ApiObject {
  if (metadata.name !== undefined) claimObjectName(scope, type.kind, metadata.name);
  const body: Record<string, unknown> = {};
  for (const [key, produce] of Object.entries(fields)) body[key] = Lazy.any({ produce });
  return new ApiObject(scope, id, { apiVersion: type.apiVersion, kind: type.kind, metadata, ...body });
}
