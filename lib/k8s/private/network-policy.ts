import { k8s } from 'cdk8s-plus-27';
import { EgressRule, IngressRule, NetworkPeer, NetworkPort } from '../../core/service/network-peer';

/** NetworkPolicy ports for TCP port numbers. */
export function tcpPorts(...ports: number[]): k8s.NetworkPolicyPort[] {
  return ports.map((port) => ({ protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) }));
}

/** Egress to DNS on any address: node-local caches and kube-dns alike. */
export const DNS_EGRESS: k8s.NetworkPolicyEgressRule = {
  ports: [{ protocol: 'UDP', port: k8s.IntOrString.fromNumber(53) }, ...tcpPorts(53)],
};

/** A NetworkPolicy peer from a {@link NetworkPeer}. */
export function policyPeer(peer: NetworkPeer): k8s.NetworkPolicyPeer {
  if (peer.cidr !== undefined) return { ipBlock: { cidr: peer.cidr, except: peer.except?.length ? [...peer.except] : undefined } };
  return {
    podSelector: peer.podLabels !== undefined ? { matchLabels: { ...peer.podLabels } } : undefined,
    namespaceSelector: peer.namespace !== undefined ? { matchLabels: { 'kubernetes.io/metadata.name': peer.namespace } } : undefined,
  };
}

function policyPorts(ports: readonly NetworkPort[]): k8s.NetworkPolicyPort[] {
  return ports.map((p) => ({ protocol: p.protocol ?? 'TCP', port: k8s.IntOrString.fromNumber(p.port) }));
}

/**
 * Ingress and egress sections admitting only the declared traffic. Ingress rules without
 * ports get every declared port of the service; egress always keeps DNS.
 */
export function policyRules(
  ingress: readonly IngressRule[],
  egress: readonly EgressRule[],
  declaredPorts: readonly NetworkPort[],
): Pick<k8s.NetworkPolicySpec, 'ingress' | 'egress'> {
  return {
    ingress: ingress.map((rule) => ({
      from: [policyPeer(rule.from)],
      ports: policyPorts(rule.ports ?? declaredPorts),
    })),
    egress: [DNS_EGRESS, ...egress.map((rule) => ({ to: [policyPeer(rule.to)], ports: policyPorts(rule.ports) }))],
  };
}
