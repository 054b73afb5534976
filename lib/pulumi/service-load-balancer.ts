import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { asResourceError, ensure } from './private/refuse';
import { AWS_DEFAULTS } from '../core/defaults';
import { ServiceSpec, resolveServiceSpec } from '../core/service/service-spec';

/** Arguments of {@link ServiceLoadBalancer}. */
export interface ServiceLoadBalancerArgs {
  /** The service behind it, as the topology declares it: its port and HTTP health path are used. */
  readonly service: ServiceSpec;
  /** VPC of the targets. */
  readonly vpcId: pulumi.Input<string>;
  /** Public subnets in at least two Availability Zones. */
  readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** Security groups of the load balancer (443 and 80 in, the targets' port out). */
  readonly securityGroupIds: pulumi.Input<pulumi.Input<string>[]>;
  /** ACM certificate of the HTTPS listener. */
  readonly certificateArn: pulumi.Input<string>;
  /**
   * Pin each client to one target with the load balancer's cookie (`lb_cookie`), as the
   * topology's `stickySessions` asks.
   *
   * @default false
   * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/sticky-sessions.html
   */
  readonly stickySessions?: boolean;
  /**
   * Path the target group checks.
   *
   * @default - the service's HTTP readiness path
   */
  readonly healthPath?: string;
  /**
   * Refuse deletion of the load balancer until this is turned off.
   *
   * @default true
   */
  readonly deletionProtection?: boolean;
  /**
   * Provider of the region.
   *
   * @default - the provider the component inherits
   */
  readonly provider?: aws.Provider;
}

/**
 * An Application Load Balancer in front of one service: a target group (IP targets, so pods
 * or tasks register directly) that health-checks the service's health path and, when asked,
 * keeps clients on one target with a cookie; an HTTPS listener with TLS 1.2+ and a listener on
 * 80 that only redirects to HTTPS.
 */
export class ServiceLoadBalancer extends pulumi.ComponentResource {
  public readonly loadBalancer: aws.lb.LoadBalancer;
  public readonly targetGroup: aws.lb.TargetGroup;
  public readonly httpsListener: aws.lb.Listener;
  /** DNS name of the load balancer: what DNS failover points at. */
  public readonly dnsName: pulumi.Output<string>;
  /** Hosted zone of the load balancer's DNS name (for alias records). */
  public readonly zoneId: pulumi.Output<string>;

  constructor(name: string, args: ServiceLoadBalancerArgs, opts?: pulumi.ComponentResourceOptions) {
    super('hadr:aws:ServiceLoadBalancer', name, {}, opts);
    const d = AWS_DEFAULTS.alb;
    const service = asResourceError(this, () => resolveServiceSpec(name, args?.service));
    const healthPath = args.healthPath ?? (service.readiness?.kind === 'http' ? service.readiness.path : undefined);
    ensure(typeof healthPath === 'string' && /^\/[\x21-\x7e]*$/.test(healthPath), this, {
      path: name, field: 'healthPath', value: healthPath,
      problem: args.healthPath === undefined ? `is needed because ${service.name} has no HTTP health check` : 'must be a path starting with /',
      fix: "give e.g. healthPath: '/healthz'",
    });
    ensure(args.certificateArn !== undefined, this, {
      path: name, field: 'certificateArn', value: undefined, problem: 'is required for the HTTPS listener', fix: 'pass the ARN of an ACM certificate for the public host',
    });
    const port = service.ports[0].port;
    const options = { parent: this, ...(args.provider ? { provider: args.provider } : {}) };

    this.loadBalancer = new aws.lb.LoadBalancer(name, {
      loadBalancerType: 'application',
      internal: false,
      subnets: args.subnetIds,
      securityGroups: args.securityGroupIds,
      enableDeletionProtection: args.deletionProtection ?? true,
      dropInvalidHeaderFields: true,
    }, options);
    const check = d.healthCheck;
    this.targetGroup = new aws.lb.TargetGroup(name, {
      port,
      protocol: 'HTTP',
      targetType: 'ip',
      vpcId: args.vpcId,
      deregistrationDelay: d.deregistrationDelaySeconds,
      healthCheck: {
        enabled: true,
        path: healthPath,
        port: 'traffic-port',
        protocol: 'HTTP',
        matcher: check.matcher,
        interval: check.intervalSeconds,
        timeout: check.timeoutSeconds,
        healthyThreshold: check.healthyThreshold,
        unhealthyThreshold: check.unhealthyThreshold,
      },
      stickiness: { type: 'lb_cookie', enabled: args.stickySessions ?? false, cookieDuration: d.stickinessSeconds },
    }, options);
    this.httpsListener = new aws.lb.Listener(`${name}-https`, {
      loadBalancerArn: this.loadBalancer.arn,
      port: 443,
      protocol: 'HTTPS',
      sslPolicy: d.sslPolicy,
      certificateArn: args.certificateArn,
      defaultActions: [{ type: 'forward', targetGroupArn: this.targetGroup.arn }],
    }, options);
    new aws.lb.Listener(`${name}-http`, {
      loadBalancerArn: this.loadBalancer.arn,
      port: 80,
      protocol: 'HTTP',
      defaultActions: [{ type: 'redirect', redirect: { protocol: 'HTTPS', port: '443', statusCode: 'HTTP_301' } }],
    }, options);

    this.dnsName = this.loadBalancer.dnsName;
    this.zoneId = this.loadBalancer.zoneId;
    this.registerOutputs({ dnsName: this.dnsName, zoneId: this.zoneId, targetGroupArn: this.targetGroup.arn });
  }
}
