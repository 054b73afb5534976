/**
 * Kubernetes recommended labels. Selectors use only the two that never change over an
 * object's life (name and instance): a Deployment's selector is immutable.
 *
 * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/common-labels/
 */
import { deepFreeze } from '../private/deep-freeze';

/** Value of `app.kubernetes.io/managed-by` on everything this library writes. */
export const MANAGED_BY = 'hadr-constructs';

/** Label keys. */
export const LABEL = deepFreeze({
  name: 'app.kubernetes.io/name',
  instance: 'app.kubernetes.io/instance',
  component: 'app.kubernetes.io/component',
  partOf: 'app.kubernetes.io/part-of',
  managedBy: 'app.kubernetes.io/managed-by',
  version: 'app.kubernetes.io/version',
} as const);

/** What the recommended labels describe. */
export interface LabelSubject {
  /** The application's name, e.g. `api`. */
  readonly name: string;
  /** The object's own name (Polaris and Argo CD expect instance = metadata.name). */
  readonly instance: string;
  /** Role in the architecture, e.g. `server`, `database`, `pooler`. */
  readonly component: string;
  /** The product this belongs to, e.g. `firebackup`. */
  readonly partOf: string;
  /** Version, usually the image tag. */
  readonly version?: string;
}

/** The full set of recommended labels for an object. */
export function recommendedLabels(subject: LabelSubject): Record<string, string> {
  const labels: Record<string, string> = {
    [LABEL.name]: subject.name,
    [LABEL.instance]: subject.instance,
    [LABEL.component]: subject.component,
    [LABEL.partOf]: subject.partOf,
    [LABEL.managedBy]: MANAGED_BY,
  };
  if (subject.version) labels[LABEL.version] = subject.version;
  return labels;
}

/** The immutable subset used in selectors. */
export function selectorLabels(subject: Pick<LabelSubject, 'name' | 'instance'>): Record<string, string> {
  return { [LABEL.name]: subject.name, [LABEL.instance]: subject.instance };
}

/** A label value Kubernetes accepts: at most 63 characters, alphanumeric at both ends. */
export function isLabelValue(value: string): boolean {
  return value.length <= 63 && /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/.test(value);
}
