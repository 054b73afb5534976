import { isIP } from 'net';
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { LABEL } from '../../core/service/labels';

/**
 * A k8gb `Gslb` with the failover strategy: k8gb answers the Ingress's hosts with the primary
 * geo tag's clusters while they are healthy, and with the others when they are not.
 *
 * @see https://www.k8gb.io/docs/strategy.html
 */
export function k8gbGslb(scope: Construct, options: {
  readonly name: string; readonly labels: Record<string, string>; readonly ingressInstance: string;
  readonly primaryGeoTag: string; readonly ttlSeconds: number;
}): ApiObject {
  return new ApiObject(scope, 'Gslb', {
    apiVersion: 'k8gb.io/v1beta1',
    kind: 'Gslb',
    metadata: { name: options.name, labels: options.labels },
    spec: {
      resourceRef: { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', matchLabels: { [LABEL.instance]: options.ingressInstance } },
      strategy: { type: 'failover', primaryGeoTag: options.primaryGeoTag, dnsTtlSeconds: options.ttlSeconds },
    },
  });
}

/**
 * An external-dns `DNSEndpoint` with Route 53 failover routing: the public host at this site's
 * address, PRIMARY on the active site and SECONDARY on the standby, each with its site's health
 * check. The set identifier names the role, so the site that becomes active takes the PRIMARY
 * record over (external-dns on every site shares one TXT owner and runs with upsert-only).
 *
 * @see https://github.com/kubernetes-sigs/external-dns/blob/master/docs/tutorials/aws.md
 */
export function route53FailoverEndpoint(scope: Construct, options: {
  readonly name: string; readonly labels: Record<string, string>; readonly host: string; readonly address: string;
  readonly role: 'PRIMARY' | 'SECONDARY'; readonly healthCheckId: string; readonly ttlSeconds: number; readonly topology: string;
}): ApiObject {
  const family = isIP(options.address);
  return new ApiObject(scope, 'DNSEndpoint', {
    apiVersion: 'externaldns.k8s.io/v1alpha1',
    kind: 'DNSEndpoint',
    metadata: { name: options.name, labels: options.labels },
    spec: {
      endpoints: [{
        dnsName: options.host,
        recordType: family === 4 ? 'A' : family === 6 ? 'AAAA' : 'CNAME',
        recordTTL: options.ttlSeconds,
        targets: [options.address],
        setIdentifier: `${options.topology}-${options.role.toLowerCase()}`,
        providerSpecific: [
          { name: 'aws/failover', value: options.role },
          { name: 'aws/health-check-id', value: options.healthCheckId },
        ],
      }],
    },
  });
}

/**
 * An external-secrets `ExternalSecret` that keeps a Secret identical on every site, from one
 * store: a site that takes over has the same replication password, signing keys and TLS.
 *
 * @see https://external-secrets.io/latest/api/externalsecret/
 */
export function externalSecret(scope: Construct, options: {
  readonly name: string; readonly labels: Record<string, string>; readonly store: string; readonly storeKind: 'ClusterSecretStore' | 'SecretStore';
  readonly remoteKey: string; readonly refreshInterval: string;
}): ApiObject {
  return new ApiObject(scope, `ExternalSecret-${options.name}`, {
    apiVersion: 'external-secrets.io/v1',
    kind: 'ExternalSecret',
    metadata: { name: options.name, labels: options.labels },
    spec: {
      refreshInterval: options.refreshInterval,
      secretStoreRef: { name: options.store, kind: options.storeKind },
      // The Secret is owned by the ExternalSecret; deleting the sync never strands a half-written one.
      target: { name: options.name, creationPolicy: 'Owner', deletionPolicy: 'Retain' },
      dataFrom: [{ extract: { key: options.remoteKey } }],
    },
  });
}
