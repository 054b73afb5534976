import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { kubeObject } from './kube-object';
import { MANAGED_BY } from '../../core/service/labels';
import { ResolvedSharedEndpoint } from '../../core/topology/shared-endpoint';

/** The Kubernetes objects that give a shared endpoint its in-cluster name. */
export interface SharedEndpointObjects {
  /** The Service clients connect to, named after the endpoint. */
  readonly service: ApiObject;
  /** The EndpointSlice listing the addresses; undefined for a DNS name (ExternalName). */
  readonly endpointSlice?: ApiObject;
}

/**
 * The same in-cluster name on every cluster for a component outside them: an ExternalName
 * Service (a CNAME to the DNS name), or a Service without selector and an EndpointSlice
 * listing the IP addresses, so `<name>.<namespace>.svc` resolves to the shared component.
 *
 * @see https://kubernetes.io/docs/concepts/services-networking/service/#services-without-selectors
 */
export function sharedEndpointObjects(scope: Construct, endpoint: ResolvedSharedEndpoint, labels: Record<string, string>): SharedEndpointObjects {
  const metadata = { name: endpoint.name, labels };
  const ports = endpoint.ports.map((p) => ({ name: p.name, port: p.port, protocol: 'TCP' }));
  const target = endpoint.target;

  if (target.type === 'dns') {
    const service = kubeObject(scope, 'Service', k8s.KubeService.GVK, metadata, {
      spec: () => k8s.toJson_ServiceSpec({ type: 'ExternalName', externalName: target.host, ports }),
    });
    return { service };
  }

  const service = kubeObject(scope, 'Service', k8s.KubeService.GVK, metadata, {
    // No selector: the EndpointSlice below, not the endpoints controller, names the backends.
    spec: () => k8s.toJson_ServiceSpec({
      type: 'ClusterIP',
      ports: ports.map((p) => ({ ...p, targetPort: k8s.IntOrString.fromNumber(p.port) })),
    }),
  });
  const endpointSlice = kubeObject(scope, 'EndpointSlice', k8s.KubeEndpointSlice.GVK, {
    name: endpoint.name,
    labels: {
      ...labels,
      // Ties the slice to its Service; a managed-by of our own keeps the endpoint controllers off it.
      'kubernetes.io/service-name': endpoint.name,
      'endpointslice.kubernetes.io/managed-by': `${MANAGED_BY}.io`,
    },
  }, {
    addressType: () => target.family,
    endpoints: () => target.addresses.map((address) => k8s.toJson_Endpoint({ addresses: [address], conditions: { ready: true } })),
    ports: () => ports.map((p) => k8s.toJson_EndpointPort(p)),
  });
  return { service, endpointSlice };
}
