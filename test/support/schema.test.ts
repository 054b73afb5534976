import { validateManifests } from './schema';

describe('validateManifests', () => {
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'api' },
    spec: { selector: { matchLabels: { app: 'api' } }, template: { spec: { containers: [{ name: 'api', image: 'a:1' }] } } },
  };

  it('accepts a valid object', () => {
    expect(() => validateManifests([deployment])).not.toThrow();
  });

  it('rejects a field of the wrong type', () => {
    const bad = { ...deployment, spec: { ...deployment.spec, replicas: 'three' } };
    expect(() => validateManifests([bad])).toThrow(/apps\/v1\/Deployment api: .*replicas must be integer/);
  });

  it('rejects a missing required field', () => {
    const bad = { ...deployment, spec: { template: deployment.spec.template } };
    expect(() => validateManifests([bad])).toThrow(/data\/spec must have required property selector/);
  });

  it('rejects a kind it has no schema for instead of letting it through', () => {
    expect(() => validateManifests([{ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }])).toThrow(
      'example.com/v1/Widget w: no schema for this kind',
    );
  });

  it('knows the CRDs the library writes', () => {
    expect(() => validateManifests([
      { apiVersion: 'argoproj.io/v1alpha1', kind: 'ApplicationSet', metadata: { name: 'x' }, spec: { generators: [], template: { metadata: {}, spec: { project: 'default', source: { repoURL: 'https://git.example.com/r.git' }, destination: {} } } } },
      { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name: 'x' }, spec: { interval: '5m', prune: true, sourceRef: { kind: 'GitRepository', name: 'r' } } },
    ])).not.toThrow();
  });
});

describe('validateManifests with the committed CRDs', () => {
  const gslb = {
    apiVersion: 'k8gb.io/v1beta1', kind: 'Gslb', metadata: { name: 'web' },
    spec: { resourceRef: { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', matchLabels: { app: 'web' } }, strategy: { type: 'failover', primaryGeoTag: 'dc1', dnsTtlSeconds: 30 } },
  };
  const endpoint = {
    apiVersion: 'externaldns.k8s.io/v1alpha1', kind: 'DNSEndpoint', metadata: { name: 'web' },
    spec: { endpoints: [{ dnsName: 'web.example.com', recordType: 'CNAME', targets: ['ingress.dc1.example.com'], setIdentifier: 'dc1', providerSpecific: [{ name: 'aws/failover', value: 'PRIMARY' }] }] },
  };

  it('accepts objects the CRDs describe', () => {
    expect(() => validateManifests([gslb, endpoint])).not.toThrow();
  });

  it('rejects a missing required field, a wrong type and a field the CRD does not declare', () => {
    expect(() => validateManifests([{ ...gslb, spec: { resourceRef: gslb.spec.resourceRef } }])).toThrow(/k8gb.io\/v1beta1\/Gslb web: .*must have required property 'strategy'/);
    expect(() => validateManifests([{ ...gslb, spec: { ...gslb.spec, strategy: { type: 'failover', dnsTtlSeconds: '30' } } }])).toThrow(/dnsTtlSeconds must be integer/);
    expect(() => validateManifests([{ ...endpoint, spec: { endpoints: [{ ...endpoint.spec.endpoints[0], ttl: 30, failover: 'PRIMARY' }] } }]))
      .toThrow(/must NOT have additional properties/);
  });
});
