import { createHash } from 'crypto';
import { k8s } from 'cdk8s-plus-27';
import { SizeLike } from '../../core/units';

/** A StatefulSet's per-member data volume: ReadWriteOnce, labelled like the members. */
export function dataVolumeClaim(
  name: string, labels: Readonly<Record<string, string>>, storage: SizeLike, storageClassName?: string,
): k8s.KubePersistentVolumeClaimProps {
  return {
    metadata: { name, labels: { ...labels } },
    spec: {
      accessModes: ['ReadWriteOnce'],
      storageClassName,
      resources: { requests: { storage: k8s.Quantity.fromString(storage.asString()) } },
    },
  };
}

/** A short digest of rendered config files, put on the pod template so a change rolls the pods. */
export function configChecksum(files: Readonly<Record<string, string>>): string {
  const hash = createHash('sha256');
  for (const key of Object.keys(files).sort()) hash.update(`${key}\0${files[key]}\0`);
  return hash.digest('hex').slice(0, 16);
}
