import * as aws from '@pulumi/aws';
import { Duration } from 'cdk8s';
import { Recorder, one, providerName, recordOutputs } from './mocks';
import { DnsFailover, DnsFailoverArgs } from 'hadr-constructs/pulumi';

const global = new aws.Provider('global', { region: 'us-east-1' });
const args: DnsFailoverArgs = {
  zoneId: 'Z123', host: 'api.acme.example', healthPath: '/health',
  primary: { address: 'api-dc1.elb.example' }, secondary: { address: 'api-dc2.elb.example' }, provider: global,
};

describe('DnsFailover', () => {
  const outputs = recordOutputs();
  const recorder = new Recorder();
  const dns = new DnsFailover('api', { ...args, healthCheckInterval: Duration.seconds(10) }, { transformations: [recorder.transformation] });
  let resources: Awaited<ReturnType<Recorder['settle']>>;
  beforeAll(async () => { resources = await recorder.settle(); });

  it('health-checks the primary endpoint over HTTPS on the health path', () => {
    expect(one(resources, 'aws:route53/healthCheck:HealthCheck').inputs).toMatchObject({
      type: 'HTTPS', fqdn: 'api-dc1.elb.example', port: 443, resourcePath: '/health', requestInterval: 10, failureThreshold: 3,
    });
  });

  it('publishes PRIMARY with the health check and SECONDARY without, with the TTL', () => {
    const primary = one(resources, 'aws:route53/record:Record', 'api-primary').inputs;
    const secondary = one(resources, 'aws:route53/record:Record', 'api-secondary').inputs;
    expect(primary).toMatchObject({ name: 'api.acme.example', type: 'CNAME', ttl: 60, records: ['api-dc1.elb.example'], failoverRoutingPolicies: [{ type: 'PRIMARY' }], healthCheckId: 'api-primary-id' });
    expect(secondary).toMatchObject({ records: ['api-dc2.elb.example'], failoverRoutingPolicies: [{ type: 'SECONDARY' }] });
    expect(secondary.healthCheckId).toBeUndefined();
    expect(primary.setIdentifier).not.toBe(secondary.setIdentifier);
  });

  it('puts every child under the component on the given provider, and registers its outputs', () => {
    expect(resources.map((r) => [r.parent === dns, providerName(r)])).toEqual([[true, 'global'], [true, 'global'], [true, 'global']]);
    expect(Object.keys(outputs.get(dns)!).sort()).toEqual(['healthCheckId', 'primaryRecord', 'secondaryRecord']);
  });

  it('feeds the budget its switch: 10 s x 3 checks, then the 60 s TTL', () => {
    expect(dns.trafficSwitch).toMatchObject({ automatic: true, switchSeconds: 30, cacheSeconds: 60 });
  });
});

describe('DnsFailover refuses', () => {
  it('an interval Route 53 does not offer', () => {
    expect(() => new DnsFailover('i', { ...args, healthCheckInterval: Duration.seconds(15) })).toThrow(
      'i: healthCheckInterval must be 10 or 30 seconds, the intervals Route 53 offers (got 15 seconds); use Duration.seconds(10) or Duration.seconds(30)');
  });

  it.each([0, 11, 2.5])('a failure threshold of %p', (failureThreshold) => {
    expect(() => new DnsFailover('t', { ...args, failureThreshold })).toThrow(
      `t: failureThreshold must be a whole number from 1 to 10, what Route 53 accepts (got ${failureThreshold}); use 3`);
  });
});
