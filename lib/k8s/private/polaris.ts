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
