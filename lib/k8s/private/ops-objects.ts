import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { AlertRuleGroup } from '../../core/ops/alert-rules';

type Labels = Readonly<Record<string, string>>;

/**
 * A Prometheus Operator `ServiceMonitor`: the Service's `port` scraped every `intervalSeconds`.
 *
 * @see https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.ServiceMonitor
 */
export function serviceMonitor(scope: Construct, id: string, options: {
  readonly name: string; readonly labels: Labels; readonly selector: Labels; readonly port: string; readonly intervalSeconds: number;
}): ApiObject {
  return new ApiObject(scope, id, {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'ServiceMonitor',
    metadata: { name: options.name, labels: { ...options.labels } },
    spec: {
      selector: { matchLabels: { ...options.selector } },
      endpoints: [{ port: options.port, path: '/metrics', interval: `${options.intervalSeconds}s` }],
    },
  });
}

/**
 * A Prometheus Operator `PodMonitor`: each named pod port scraped at its path.
 *
 * @see https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.PodMonitor
 */
export function podMonitor(scope: Construct, id: string, options: {
  readonly name: string; readonly labels: Labels; readonly selector: Labels;
  readonly endpoints: readonly { readonly port: string; readonly path: string }[]; readonly intervalSeconds: number;
}): ApiObject {
  return new ApiObject(scope, id, {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PodMonitor',
    metadata: { name: options.name, labels: { ...options.labels } },
    spec: {
      selector: { matchLabels: { ...options.selector } },
      podMetricsEndpoints: options.endpoints.map((e) => ({ port: e.port, path: e.path, interval: `${options.intervalSeconds}s` })),
    },
  });
}

/**
 * A Prometheus Operator `PrometheusRule` holding the alert groups.
 *
 * @see https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.PrometheusRule
 */
export function prometheusRule(scope: Construct, id: string, options: {
  readonly name: string; readonly labels: Labels; readonly groups: readonly AlertRuleGroup[];
}): ApiObject {
  return new ApiObject(scope, id, {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: { name: options.name, labels: { ...options.labels } },
    spec: {
      groups: options.groups.map((g) => ({
        name: g.name, rules: g.rules.map((r) => ({ ...r, labels: { ...r.labels }, annotations: { ...r.annotations } })),
      })),
    },
  });
}

/**
 * A Prometheus Operator `Probe`: the blackbox exporter at `prober` checks `url` (the health check
 * DNS failover follows), as clients outside see it.
 *
 * @see https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.Probe
 */
export function healthProbe(scope: Construct, id: string, options: {
  readonly name: string; readonly labels: Labels; readonly prober: string; readonly url: string; readonly intervalSeconds: number;
}): ApiObject {
  return new ApiObject(scope, id, {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'Probe',
    metadata: { name: options.name, labels: { ...options.labels } },
    spec: {
      prober: { url: options.prober },
      module: 'http_2xx',
      interval: `${options.intervalSeconds}s`,
      targets: { staticConfig: { static: [options.url] } },
    },
  });
}

/**
 * A Velero `Schedule` backing up the namespace's objects; volumes are left to the data's own
 * backups (WAL-G archives the database consistently, a volume snapshot of a running member does not).
 *
 * @see https://velero.io/docs/main/api-types/schedule/
 */
export function veleroSchedule(scope: Construct, id: string, options: {
  readonly name: string; readonly veleroNamespace: string; readonly labels: Labels; readonly schedule: string; readonly ttl: string;
  readonly includedNamespaces: readonly string[]; readonly storageLocation?: string; readonly snapshotVolumes: boolean;
}): ApiObject {
  return new ApiObject(scope, id, {
    apiVersion: 'velero.io/v1',
    kind: 'Schedule',
    metadata: { name: options.name, namespace: options.veleroNamespace, labels: { ...options.labels } },
    spec: {
      schedule: options.schedule,
      useOwnerReferencesInBackup: false,
      template: {
        includedNamespaces: [...options.includedNamespaces],
        ttl: options.ttl,
        snapshotVolumes: options.snapshotVolumes,
        ...(options.storageLocation ? { storageLocation: options.storageLocation } : {}),
      },
    },
  });
}
