import * as aws from '@pulumi/aws';
import { Recorder, one, providerName, valueOf } from './mocks';
import { ServiceLoadBalancer, ServiceLoadBalancerArgs } from 'hadr-constructs/pulumi';

const ireland = new aws.Provider('ireland', { region: 'eu-west-1' });
const args: ServiceLoadBalancerArgs = {
  service: { name: 'api', image: 'ghcr.io/acme/api:1.4.2', port: 4000, healthPath: '/health' },
  vpcId: 'vpc-1', subnetIds: ['subnet-a', 'subnet-b'], securityGroupIds: ['sg-lb'], certificateArn: 'arn:aws:acm:eu-west-1:1:certificate/c', provider: ireland,
};

async function build(name: string, extra: Partial<ServiceLoadBalancerArgs> = {}) {
  const recorder = new Recorder();
  const lb = new ServiceLoadBalancer(name, { ...args, ...extra }, { transformations: [recorder.transformation] });
  return { lb, resources: await recorder.settle() };
}

describe('ServiceLoadBalancer', () => {
  it("health-checks the service's health path on its port, without stickiness unless asked", async () => {
    const { lb, resources } = await build('api');
    const group = one(resources, 'aws:lb/targetGroup:TargetGroup');
    expect(group.inputs).toMatchObject({ port: 4000, protocol: 'HTTP', targetType: 'ip', vpcId: 'vpc-1' });
    expect(group.inputs.healthCheck).toMatchObject({ path: '/health', matcher: '200-399', interval: 10, unhealthyThreshold: 2 });
    expect(group.inputs.stickiness).toMatchObject({ type: 'lb_cookie', enabled: false });
    expect(resources.every((r) => r.parent === lb && providerName(r) === 'ireland')).toBe(true);
  });

  it('keeps clients on one target with the lb_cookie when the topology asks for sticky sessions', async () => {
    const { resources } = await build('sticky', { stickySessions: true });
    expect(one(resources, 'aws:lb/targetGroup:TargetGroup').inputs.stickiness).toEqual({ type: 'lb_cookie', enabled: true, cookieDuration: 3600 });
  });

  it('serves HTTPS with the certificate and TLS 1.2+, and only redirects on 80', async () => {
    const { lb, resources } = await build('tls');
    const https = one(resources, 'aws:lb/listener:Listener', 'tls-https').inputs;
    expect(https).toMatchObject({ port: 443, protocol: 'HTTPS', certificateArn: args.certificateArn, sslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06' });
    expect(https.defaultActions).toEqual([expect.objectContaining({ type: 'forward', targetGroupArn: await valueOf(lb.targetGroup.arn) })]);
    expect(one(resources, 'aws:lb/listener:Listener', 'tls-http').inputs.defaultActions[0]).toMatchObject({ type: 'redirect', redirect: { protocol: 'HTTPS', statusCode: 'HTTP_301' } });
    expect(one(resources, 'aws:lb/loadBalancer:LoadBalancer').inputs).toMatchObject({ enableDeletionProtection: true, dropInvalidHeaderFields: true, internal: false });
  });

  it('refuses a service without an HTTP health check', () => {
    expect(() => new ServiceLoadBalancer('tcp', { ...args, service: { name: 'tcp', image: 'ghcr.io/acme/tcp:1.0.0', port: 9000 } })).toThrow(
      "tcp: healthPath is needed because tcp has no HTTP health check (got nothing); give e.g. healthPath: '/healthz'");
  });
});
