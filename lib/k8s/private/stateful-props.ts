import { check, HadrError } from '../../core/errors';
import { NetworkPeer } from '../../core/service/network-peer';
import { checkName, checkPeer } from '../../core/service/service-spec';
import { checkGeneratedNameLength, checkLabelValue, checkStorageClassName, MAX_STATEFUL_SET_NAME } from '../../core/validation/kubernetes';
import { isHostName, parseIp } from '../../core/validation/network';
import { findCredential } from '../../core/validation/secrets';
import { checkArray, checkOneOf, checkOptionalArray, checkString } from '../../core/validation/shape';
import { checkTextTree } from '../../core/validation/text';

/** What the stateful constructs (PatroniCluster, RedisSentinel) share in their props. */
export interface StatefulCommonProps {
  readonly name?: string;
  readonly partOf?: string;
  readonly storageClassName?: string;
  readonly clients?: readonly NetworkPeer[];
  readonly nodeAntiAffinity?: string;
  readonly zoneSpread?: string;
}

/**
 * The checks every stateful construct makes of its common props: every string survives YAML and
 * GitOps, the name fits every object named after it, and the label, class and peer values are
 * what the API server accepts.
 *
 * @param suffixes the generated names and their limits, e.g. `-sentinel` for a StatefulSet
 */
export function checkStatefulProps(
  path: string, name: string, props: StatefulCommonProps,
  suffixes: readonly { readonly suffix: string; readonly limit: number; readonly what: string }[],
): void {
  checkTextTree(path, props, '');
  // Without a name prop the construct id names every object: report it as what the user wrote.
  const nameField = props.name === undefined ? 'id' : 'name';
  checkName(path, nameField, name);
  checkGeneratedNameLength(path, nameField, name, [{ suffix: '', limit: MAX_STATEFUL_SET_NAME, what: 'the StatefulSet' }, ...suffixes]);
  if (props.partOf !== undefined) checkLabelValue(path, 'partOf', props.partOf);
  if (props.storageClassName !== undefined) checkStorageClassName(path, 'storageClassName', props.storageClassName);
  checkOptionalArray(path, 'clients', props.clients, "[NetworkPeer.namespace('shop')]");
  (props.clients ?? []).forEach((peer, i) => checkPeer(path, `clients[${i}]`, peer));
  for (const field of ['nodeAntiAffinity', 'zoneSpread'] as const) {
    if (props[field] !== undefined) checkOneOf(path, field, props[field], ['required', 'preferred', 'none']);
  }
}

/** The bucket and folder of an S3 archive: `s3://bucket/folder`, no credentials, no query. */
const S3_PREFIX = /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/[A-Za-z0-9!_.*'()/-]*)?$/;

/**
 * Throws unless `prefix` is an `s3://bucket/folder` location: it is written into the pods'
 * environment in clear, so a key or a presigned query in it would leak.
 */
export function checkS3Prefix(path: string, field: string, prefix: unknown): void {
  const credential = typeof prefix === 'string' ? findCredential(prefix) : undefined;
  if (credential || (typeof prefix === 'string' && prefix.includes('@'))) {
    throw new HadrError({
      path, field, value: credential?.redacted ?? String(prefix).replace(/\/\/[^/]*@/, '//<redacted>@'),
      problem: 'holds a credential that would be written into the pods\' environment in clear',
      fix: "keep the keys in the Secret named by backup.credentialsSecret (access-key-id, secret-access-key), e.g. 's3://acme-db-backups/firebackup'",
    });
  }
  check(typeof prefix === 'string' && S3_PREFIX.test(prefix) && !prefix.includes('..'), {
    path, field, value: prefix, problem: 'must be s3://<bucket>/<folder>, the bucket a lowercase DNS-style name', fix: "use e.g. 's3://acme-db-backups/firebackup'",
  });
}

/**
 * Throws unless `endpoint` is an http(s) URL of a host, with no user info, query or fragment:
 * credentials belong in the Secret, never in the URL written into the pods' environment.
 */
export function checkEndpointUrl(path: string, field: string, endpoint: unknown): void {
  const credential = typeof endpoint === 'string' ? findCredential(endpoint) : undefined;
  if (credential) {
    throw new HadrError({
      path, field, value: credential.redacted, problem: `holds a credential (${credential.what}) that would be written into the pods' environment in clear`,
      fix: "keep the keys in the Secret named by backup.credentialsSecret, and give the bare URL, e.g. 'https://minio.storage.svc:9000'",
    });
  }
  let url: URL | undefined;
  try {
    url = typeof endpoint === 'string' ? new URL(endpoint) : undefined;
  } catch {
    url = undefined;
  }
  const host = url?.hostname.replace(/^\[|\]$/g, '');
  check(url !== undefined && (url.protocol === 'https:' || url.protocol === 'http:') && url.username === '' && url.password === ''
    && url.search === '' && url.hash === '' && host !== undefined && (isHostName(host) || parseIp(host) !== undefined)
    && !/[\s@]/.test(String(endpoint)), {
    path, field, value: endpoint, problem: 'must be an http or https URL of the storage endpoint, without user info, query or fragment',
    fix: "use e.g. 'https://minio.storage.svc:9000'",
  });
}

/** Throws unless `hosts` is a non-empty list. */
export function checkHostList(path: string, field: string, hosts: unknown): void {
  checkArray(path, field, hosts, "['etcd-0.etcd:2379', 'etcd-1.etcd:2379', 'etcd-2.etcd:2379']");
  check(hosts.length > 0, {
    path, field, value: hosts, problem: 'must list at least one member', fix: 'give every member as host:port',
  });
  hosts.forEach((host, i) => checkString(path, `${field}[${i}]`, host, "'etcd-0.etcd:2379'"));
}
