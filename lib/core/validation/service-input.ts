/**
 * The first checks of a {@link ServiceSpec}, before any default is applied: every prop has the
 * type it is documented with (for plain JavaScript callers), every string survives YAML and
 * GitOps, and no credential sits in a value that is written in clear.
 */
import { checkArgsHoldNoCredential, checkNoCredential } from './secrets';
import {
  checkArray, checkInstance, checkObject, checkOneOf, checkOptionalArray, checkOptionalBoolean, checkOptionalObject,
  checkOptionalString, checkString,
} from './shape';
import { checkTextTree } from './text';
import { EnvValue } from '../service/env-value';
import { FileSource } from '../service/file-source';
import { HealthCheck } from '../service/health-check';
import { NetworkPeer } from '../service/network-peer';
import type { ServiceSpec } from '../service/service-spec';

/** What to do with a credential found in a service's values. */
export const SECRET_FIX = "keep it in a Secret and reference it: EnvValue.fromSecret('<secret-name>', '<key>'), then $(VAR) in args";

/** Fields whose text may span lines: scripts, environment values, annotation values. */
function multilineField(field: string): boolean {
  return /^service\.(command|args)\[\d+\]$/.test(field) || field.startsWith('service.env.') || field.startsWith('service.annotations.')
    || /^service\.(healthCheck|livenessCheck)\.command\[\d+\]$/.test(field);
}

/**
 * Throws a HadrError naming `service.<field>` for a missing or mistyped prop, a string that would
 * not survive YAML and GitOps tools, or a credential in clear in an environment value, an
 * argument or an annotation.
 */
export function checkServiceInput(path: string, spec: ServiceSpec): void {
  const given: unknown = spec;
  checkObject(path, 'service', given, "{ name: 'api', image: 'ghcr.io/acme/api:1.4.2', port: 8080 }");
  const s = given as Record<string, unknown>;
  checkString(path, 'service.name', s.name, "'api'");
  checkString(path, 'service.image', s.image, "'ghcr.io/acme/api:1.4.2'");
  checkOptionalArray(path, 'service.ports', s.ports, '[{ port: 8080 }]');
  (s.ports as unknown[] | undefined)?.forEach((port, i) => {
    checkObject(path, `service.ports[${i}]`, port, '{ port: 8080 }');
    if (port.protocol !== undefined) checkOneOf(path, `service.ports[${i}].protocol`, port.protocol, ['TCP', 'UDP']);
  });
  checkOptionalString(path, 'service.healthPath', s.healthPath, "'/healthz'");
  for (const field of ['healthCheck', 'livenessCheck'] as const) {
    if (s[field] !== undefined) checkInstance(path, `service.${field}`, s[field], HealthCheck, "HealthCheck.http('/healthz')");
  }
  checkOptionalObject(path, 'service.probeTimings', s.probeTimings, '{ readiness: { period: Duration.seconds(5) } }');
  for (const probe of ['readiness', 'liveness'] as const) {
    checkOptionalObject(path, `service.probeTimings.${probe}`, (s.probeTimings as Record<string, unknown> | undefined)?.[probe], '{ period: Duration.seconds(5) }');
  }
  checkOptionalObject(path, 'service.resources', s.resources, "{ cpu: { request: '250m' } }");
  const resources = s.resources as Record<string, unknown> | undefined;
  checkOptionalObject(path, 'service.resources.cpu', resources?.cpu, "{ request: '250m', limit: '1' }");
  checkOptionalObject(path, 'service.resources.memory', resources?.memory, '{ request: Size.mebibytes(512) }');
  for (const field of ['request', 'limit'] as const) {
    const cpu = (resources?.cpu as Record<string, unknown> | undefined)?.[field];
    checkOptionalString(path, `service.resources.cpu.${field}`, cpu, "'250m'");
  }
  checkOptionalObject(path, 'service.env', s.env, "{ LOG_LEVEL: 'info' }");
  for (const [name, value] of Object.entries((s.env as Record<string, unknown> | undefined) ?? {})) {
    if (typeof value !== 'string') checkInstance(path, `service.env.${name}`, value, EnvValue, "EnvValue.fromSecret('name', 'key') or a string");
  }
  for (const field of ['command', 'args', 'writablePaths'] as const) {
    checkOptionalArray(path, `service.${field}`, s[field], field === 'writablePaths' ? "['/tmp']" : "['/bin/app']");
    (s[field] as unknown[] | undefined)?.forEach((item, i) => checkString(path, `service.${field}[${i}]`, item, field === 'writablePaths' ? "'/tmp'" : "'--port=8080'"));
  }
  checkOptionalArray(path, 'service.files', s.files, "[{ path: '/etc/app', from: FileSource.configMap('app-config') }]");
  (s.files as unknown[] | undefined)?.forEach((file, i) => {
    checkObject(path, `service.files[${i}]`, file, "{ path: '/etc/app', from: FileSource.configMap('app-config') }");
    checkInstance(path, `service.files[${i}].from`, file.from, FileSource, "FileSource.configMap('app-config') or FileSource.secret('app-credentials')");
    checkString(path, `service.files[${i}].path`, file.path, "'/etc/app'");
  });
  checkOptionalString(path, 'service.serviceAccountName', s.serviceAccountName, "'api'");
  checkOptionalBoolean(path, 'service.automountServiceAccountToken', s.automountServiceAccountToken);
  for (const field of ['labels', 'annotations'] as const) {
    checkOptionalObject(path, `service.${field}`, s[field], field === 'labels' ? "{ tier: 'web' }" : "{ 'prometheus.io/scrape': 'true' }");
    for (const [key, value] of Object.entries((s[field] as Record<string, unknown> | undefined) ?? {})) {
      if (typeof value !== 'string') checkString(path, `service.${field}.${key}`, value, "'web'");
    }
  }
  checkOptionalString(path, 'service.partOf', s.partOf, "'firebackup'");
  checkOptionalString(path, 'service.component', s.component, "'server'");
  checkOptionalObject(path, 'service.runAs', s.runAs, '{ user: 10001, group: 10001 }');
  checkOptionalObject(path, 'service.shutdown', s.shutdown, '{ drainDelay: Duration.seconds(5) }');
  checkOptionalArray(path, 'service.ingress', s.ingress, "[{ from: NetworkPeer.namespace('ingress-nginx') }]");
  (s.ingress as unknown[] | undefined)?.forEach((rule, i) => {
    checkObject(path, `service.ingress[${i}]`, rule, "{ from: NetworkPeer.namespace('ingress-nginx') }");
    checkInstance(path, `service.ingress[${i}].from`, rule.from, NetworkPeer, "NetworkPeer.namespace('ingress-nginx')");
    checkOptionalArray(path, `service.ingress[${i}].ports`, rule.ports, '[{ port: 8080 }]');
  });
  checkOptionalArray(path, 'service.egress', s.egress, "[{ to: NetworkPeer.cidr('10.0.0.0/16'), ports: [{ port: 5432 }] }]");
  (s.egress as unknown[] | undefined)?.forEach((rule, i) => {
    checkObject(path, `service.egress[${i}]`, rule, "{ to: NetworkPeer.cidr('10.0.0.0/16'), ports: [{ port: 5432 }] }");
    checkInstance(path, `service.egress[${i}].to`, rule.to, NetworkPeer, "NetworkPeer.cidr('10.0.0.0/16')");
    checkArray(path, `service.egress[${i}].ports`, rule.ports, '[{ port: 5432 }]');
  });
  checkOptionalObject(path, 'service.autoscale', s.autoscale, '{ min: 2, max: 10 }');

  checkTextTree(path, spec, 'service', multilineField);
  for (const [name, value] of Object.entries(spec.env ?? {})) {
    const literal = typeof value === 'string' ? value : value.source === 'value' ? value.value : undefined;
    if (literal !== undefined) checkNoCredential(path, `service.env.${name}`, literal, SECRET_FIX);
  }
  checkArgsHoldNoCredential(path, 'service.command', spec.command ?? [], SECRET_FIX);
  checkArgsHoldNoCredential(path, 'service.args', spec.args ?? [], SECRET_FIX);
  for (const field of ['healthCheck', 'livenessCheck'] as const) {
    const check = spec[field];
    if (check?.command) checkArgsHoldNoCredential(path, `service.${field}.command`, check.command, SECRET_FIX);
    if (typeof check?.path === 'string') checkNoCredential(path, `service.${field}.path`, check.path, SECRET_FIX);
  }
  if (typeof spec.healthPath === 'string') checkNoCredential(path, 'service.healthPath', spec.healthPath, SECRET_FIX);
  for (const [key, value] of Object.entries(spec.annotations ?? {})) checkNoCredential(path, `service.annotations.${key}`, value, SECRET_FIX);
}
