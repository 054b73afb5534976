import { ApiObject, Chart } from 'cdk8s';
import { Workload } from './workload';

/** One cluster of a topology: its chart and what the topology put in it. */
export interface TopologyClusterChart {
  /** Cluster name. */
  readonly name: string;
  /** Site the cluster belongs to. */
  readonly site: string;
  /** Output folder: `<cluster>`, or `<site>/<cluster>` with several sites. */
  readonly folder: string;
  /** The cluster's chart; add cluster-specific objects here. */
  readonly chart: Chart;
  /** The topology's Namespace object on this cluster. */
  readonly namespace: ApiObject;
  /** Each service's workload construct (Baseline or MultiReplica), by service name. */
  readonly workloads: Readonly<Record<string, Workload>>;
  /** The Service of each shared endpoint, by endpoint name. */
  readonly sharedEndpoints: Readonly<Record<string, ApiObject>>;
  /** The Ingress of the balanced service; undefined when traffic does not reach this cluster. */
  readonly ingress?: ApiObject;
}
