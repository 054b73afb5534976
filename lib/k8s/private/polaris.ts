import { ApiObject } from 'cdk8s';

/**
 * Exempts an object from one Polaris check, only where the check cannot apply, with the
 * reason written beside it so an auditor reads why.
 *
 * @see https://polaris.docs.fairwinds.com/customization/exemptions/
 */
export function exemptFromPolarisCheck(object: ApiObject, checkId: string, reason: string): void {
  object.metadata.addAnnotation(`polaris.fairwinds.com/${checkId}-exempt`, 'true');
  object.metadata.addAnnotation(`hadr-constructs.io/exempt-${checkId}`, reason);
}

/**
 * Why a workload pulls `IfNotPresent` rather than `Always`, against Polaris' pullPolicyNotAlways:
 * the image is pinned, and `Always` would make every restart depend on the registry.
 */
export const PULL_IF_NOT_PRESENT_REASON = 'the image is pinned to a tag or digest: IfNotPresent lets pods restart and reschedule onto nodes '
  + "that have it while the registry is down (imagePullPolicy: 'Always' re-checks a tag that may be pushed again)";

/** Exempts a workload from pullPolicyNotAlways when one of its images is pulled `IfNotPresent`. */
export function exemptPinnedImagePull(object: ApiObject, policies: readonly string[]): void {
  if (policies.includes('IfNotPresent')) exemptFromPolarisCheck(object, 'pullPolicyNotAlways', PULL_IF_NOT_PRESENT_REASON);
}
