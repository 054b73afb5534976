import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { ensure } from './private/refuse';
import { ROUTE53_DEFAULTS } from '../core/defaults';
import { TrafficSwitch } from '../core/dr/budget';
import { dnsHealthCheckSwitch } from '../core/dr/budget-items';
import { DurationLike, isDurationLike } from '../core/units';

/** One side of a {@link DnsFailover}. */
export interface FailoverEndpoint {
  /** DNS name clients are sent to on this side, e.g. the region's load balancer. */
  readonly address: pulumi.Input<string>;
}

/** Arguments of {@link DnsFailover}. */
export interface DnsFailoverArgs {
  /** Hosted zone that holds `host`. */
  readonly zoneId: pulumi.Input<string>;
  /** Public name clients use, e.g. `api.acme.example` (not the zone apex: the records are CNAMEs). */
  readonly host: string;
  /** Where clients go while the primary's health check passes. */
  readonly primary: FailoverEndpoint;
  /** Where clients go once it fails. */
  readonly secondary: FailoverEndpoint;
  /**
   * Path the health check requests over HTTPS on the primary.
   *
   * @default '/healthz'
   */
  readonly healthPath?: string;
  /**
   * TTL of the records: clients hold the old answer this long after a switch.
   *
   * @default Duration.seconds(60)
   * @see https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-configuring.html
   */
  readonly ttl?: DurationLike;
  /**
   * Interval of the health check: 10 or 30 seconds, the two Route 53 offers.
   *
   * @default Duration.seconds(30)
   * @see https://docs.aws.amazon.com/Route53/latest/APIReference/API_HealthCheckConfig.html
   */
  readonly healthCheckInterval?: DurationLike;
  /**
   * Consecutive failed checks before the primary is unhealthy, 1 to 10.
   *
   * @default 3
   * @see https://docs.aws.amazon.com/Route53/latest/APIReference/API_HealthCheckConfig.html
   */
  readonly failureThreshold?: number;
  /**
   * Provider for the Route 53 resources (global).
   *
   * @default - the provider the component inherits
   */
  readonly provider?: aws.Provider;
}

/**
 * DNS failover with Route 53: a health check on the primary endpoint, and PRIMARY / SECONDARY
 * failover records for `host`. Its figures (interval x threshold, then the TTL) are the
 * traffic switch of the budget: `trafficSwitch`.
 */
export class DnsFailover extends pulumi.ComponentResource {
  /** The health check on the primary. */
  public readonly healthCheck: aws.route53.HealthCheck;
  /** The PRIMARY record. */
  public readonly primaryRecord: aws.route53.Record;
  /** The SECONDARY record. */
  public readonly secondaryRecord: aws.route53.Record;
  /** Budget: how long until clients reach the secondary. */
  public readonly trafficSwitch: TrafficSwitch;

  constructor(name: string, args: DnsFailoverArgs, opts?: pulumi.ComponentResourceOptions) {
    super('hadr:aws:DnsFailover', name, {}, opts);
    ensure(typeof args?.host === 'string' && /^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(args.host), this, {
      path: name, field: 'host', value: args?.host, problem: 'must be a DNS name', fix: "use e.g. 'api.acme.example'",
    });
    const healthPath = args.healthPath ?? '/healthz';
    ensure(typeof healthPath === 'string' && /^\/[\x21-\x7e]*$/.test(healthPath), this, {
      path: name, field: 'healthPath', value: healthPath, problem: 'must be a path starting with /', fix: "use e.g. '/healthz'",
    });
    const { interval, threshold, ttl } = dnsFigures(this, name, args, '');
    const options = { parent: this, ...(args.provider ? { provider: args.provider } : {}) };

    this.healthCheck = new aws.route53.HealthCheck(`${name}-primary`, {
      type: 'HTTPS',
      fqdn: args.primary.address,
      port: 443,
      resourcePath: healthPath,
      requestInterval: interval,
      failureThreshold: threshold,
      enableSni: true,
      tags: { Name: `${args.host} primary` },
    }, options);
    const record = (role: 'PRIMARY' | 'SECONDARY', endpoint: FailoverEndpoint, healthCheckId?: pulumi.Input<string>) =>
      new aws.route53.Record(`${name}-${role.toLowerCase()}`, {
        zoneId: args.zoneId,
        name: args.host,
        type: 'CNAME',
        ttl,
        records: [endpoint.address],
        setIdentifier: `${args.host}-${role.toLowerCase()}`,
        failoverRoutingPolicies: [{ type: role }],
        healthCheckId,
      }, options);
    this.primaryRecord = record('PRIMARY', args.primary, this.healthCheck.id);
    // No check on the secondary: Route 53 then always counts it healthy, the last resort.
    this.secondaryRecord = record('SECONDARY', args.secondary);
    this.trafficSwitch = dnsHealthCheckSwitch('Route 53 failover records', { intervalSeconds: interval, failureThreshold: threshold, ttlSeconds: ttl });

    this.registerOutputs({ healthCheckId: this.healthCheck.id, primaryRecord: this.primaryRecord.fqdn, secondaryRecord: this.secondaryRecord.fqdn });
  }
}

/** The checked figures of a DNS failover, in seconds; `prefix` names the fields as the caller's user wrote them. */
export function dnsFigures(
  component: pulumi.Resource, name: string, args: Pick<DnsFailoverArgs, 'ttl' | 'healthCheckInterval' | 'failureThreshold'>, prefix: string,
): { interval: number; threshold: number; ttl: number } {
  const interval = wholeSeconds(component, name, `${prefix}healthCheckInterval`, args.healthCheckInterval, ROUTE53_DEFAULTS.healthCheckIntervalSeconds);
  ensure(ROUTE53_DEFAULTS.allowedIntervalsSeconds.includes(interval), component, {
    path: name, field: `${prefix}healthCheckInterval`, value: args.healthCheckInterval,
    problem: 'must be 10 or 30 seconds, the intervals Route 53 offers', fix: 'use Duration.seconds(10) or Duration.seconds(30)',
  });
  const threshold = args.failureThreshold ?? ROUTE53_DEFAULTS.failureThreshold;
  const range = ROUTE53_DEFAULTS.failureThresholdRange;
  ensure(Number.isInteger(threshold) && threshold >= range.min && threshold <= range.max, component, {
    path: name, field: `${prefix}failureThreshold`, value: threshold,
    problem: `must be a whole number from ${range.min} to ${range.max}, what Route 53 accepts`, fix: `use ${ROUTE53_DEFAULTS.failureThreshold}`,
  });
  return { interval, threshold, ttl: wholeSeconds(component, name, `${prefix}ttl`, args.ttl, ROUTE53_DEFAULTS.ttlSeconds) };
}

function wholeSeconds(component: pulumi.Resource, name: string, field: string, value: DurationLike | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  ensure(isDurationLike(value) && value.toMilliseconds() % 1000 === 0 && value.toMilliseconds() >= 0, component, {
    path: name, field, value, problem: 'must be a whole number of seconds', fix: 'use e.g. Duration.seconds(30)',
  });
  return value.toMilliseconds() / 1000;
}
