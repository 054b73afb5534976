/**
 * Who may talk to a service, or whom a service may talk to, as NetworkPolicy peers.
 *
 * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/
 */
export class NetworkPeer {
  /** Pods with these labels, in the same namespace unless `namespace` is given. */
  public static pods(labels: Readonly<Record<string, string>>, namespace?: string): NetworkPeer {
    return new NetworkPeer({ podLabels: { ...labels }, namespace });
  }

  /** Every pod of the same namespace. */
  public static sameNamespace(): NetworkPeer {
    return new NetworkPeer({ podLabels: {} });
  }

  /** Every pod of the named namespace (matched on `kubernetes.io/metadata.name`). */
  public static namespace(name: string): NetworkPeer {
    return new NetworkPeer({ namespace: name });
  }

  /** An IP range, e.g. a database outside the cluster. */
  public static cidr(cidr: string, except: readonly string[] = []): NetworkPeer {
    return new NetworkPeer({ cidr, except: [...except] });
  }

  /** Any address. */
  public static anywhere(): NetworkPeer {
    return new NetworkPeer({ cidr: '0.0.0.0/0' });
  }

  /** Labels of the selected pods (undefined: not a pod selector). */
  public readonly podLabels?: Readonly<Record<string, string>>;
  /** Namespace of the selected pods (undefined: the policy's own namespace). */
  public readonly namespace?: string;
  /** IP range (undefined: not an IP block). */
  public readonly cidr?: string;
  /** Ranges excluded from `cidr`. */
  public readonly except?: readonly string[];

  private constructor(fields: Partial<NetworkPeer>) {
    this.podLabels = fields.podLabels;
    this.namespace = fields.namespace;
    this.cidr = fields.cidr;
    this.except = fields.except;
  }
}

/** A port of a network rule. */
export interface NetworkPort {
  /** Port number. */
  readonly port: number;
  /**
   * Transport protocol.
   *
   * @default 'TCP'
   */
  readonly protocol?: 'TCP' | 'UDP';
}

/** Traffic a service may send: to whom, on which ports. */
export interface EgressRule {
  /** Destination. */
  readonly to: NetworkPeer;
  /** Destination ports; at least one, so no rule opens every port by accident. */
  readonly ports: readonly NetworkPort[];
}

/** Traffic a service admits: from whom, on which of its ports. */
export interface IngressRule {
  /** Source. */
  readonly from: NetworkPeer;
  /**
   * Ports of the service the source may reach.
   *
   * @default - every port the service declares
   */
  readonly ports?: readonly NetworkPort[];
}
