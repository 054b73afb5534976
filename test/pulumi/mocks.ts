/**
 * Pulumi without an engine: every resource registration is recorded with its inputs and its
 * provider, and a transformation on the component under test records each child's parent.
 * Imported by every test file: the mocks are in place before any test body creates a resource
 * (nothing registers at module load; a program such as the example is required inside a test).
 */
import * as pulumi from '@pulumi/pulumi';

interface MockRecord { readonly type: string; readonly name: string; readonly inputs: Record<string, any>; readonly provider?: string }
const registered = new Map<string, MockRecord>();

/** Fields the cloud fills in, so outputs the components read resolve. */
function serverFields(type: string, name: string, inputs: Record<string, any>): Record<string, unknown> {
  const arn = `arn:aws:mock:::${type}/${name}`;
  if (type === 'aws:rds/instance:Instance') {
    return { arn, endpoint: `${inputs.identifier}.rds.example:5432`, masterUserSecrets: [{ secretArn: `${arn}/secret` }] };
  }
  if (type === 'aws:lb/loadBalancer:LoadBalancer') return { arn, dnsName: `${name}.elb.example`, zoneId: 'ZELB' };
  if (type === 'aws:elasticache/replicationGroup:ReplicationGroup') {
    return { arn, primaryEndpointAddress: `master.${inputs.replicationGroupId}.cache.example`, readerEndpointAddress: `replica.${inputs.replicationGroupId}.cache.example` };
  }
  if (type === 'aws:route53/record:Record') return { fqdn: inputs.name };
  if (type.startsWith('kubernetes:')) return { metadata: { ...inputs.metadata, name: inputs.metadata?.name ?? name } };
  return { arn };
}

void pulumi.runtime.setMocks({
  newResource(args: pulumi.runtime.MockResourceArgs) {
    registered.set(`${args.type}::${args.name}`, { type: args.type, name: args.name, inputs: args.inputs, provider: args.provider });
    return { id: `${args.name}-id`, state: { ...args.inputs, ...serverFields(args.type, args.name, args.inputs) } };
  },
  call(args: pulumi.runtime.MockCallArgs) {
    throw new Error(`Mock not implemented: ${args.token}`);
  },
}, 'hadr', 'test', false);

/** A child as registered: its type, name, inputs, provider (`urn::id`) and parent. */
export interface Registered extends MockRecord {
  readonly resource: pulumi.Resource;
  readonly parent?: pulumi.Resource;
  readonly dependsOn: readonly pulumi.Resource[];
}

/** The value of an output. */
export function valueOf<T>(output: pulumi.Output<T> | pulumi.Input<T>): Promise<T> {
  return new Promise((resolve) => pulumi.output(output).apply((v) => resolve(v as T)));
}

/** Records the children of the components it is given to (`opts.transformations` inherit). */
export class Recorder {
  private readonly seen: pulumi.ResourceTransformationArgs[] = [];

  /** Pass to the component under test: `{ transformations: [recorder.transformation] }`. */
  public readonly transformation = (args: pulumi.ResourceTransformationArgs): undefined => {
    this.seen.push(args);
    return undefined;
  };

  /**
   * Waits until every recorded child is registered (children may register children), then lists
   * the children; with `withRoots`, a program's top-level resources too.
   */
  public async settle(options: { withRoots?: boolean } = {}): Promise<Registered[]> {
    let count = -1;
    while (count !== this.seen.length) {
      count = this.seen.length;
      await Promise.all(this.seen.map((s) => valueOf(s.resource.urn)));
    }
    // The component under test has no parent; everything below it does.
    return this.seen.filter((s) => options.withRoots || s.opts.parent !== undefined).map((s) => {
      const mock = registered.get(`${s.type}::${s.name}`);
      const dependsOn = s.opts.dependsOn;
      return {
        type: s.type, name: s.name, inputs: mock?.inputs ?? {}, provider: mock?.provider,
        resource: s.resource, parent: s.opts.parent,
        dependsOn: Array.isArray(dependsOn) ? dependsOn as pulumi.Resource[] : dependsOn ? [dependsOn as pulumi.Resource] : [],
      };
    });
  }
}

/** The one registered resource of `type` (and name, when several). */
export function one(resources: readonly Registered[], type: string, name?: string): Registered {
  const found = resources.filter((r) => r.type === type && (name === undefined || r.name === name));
  if (found.length !== 1) throw new Error(`expected one ${type}${name ? ` ${name}` : ''}, found ${found.map((r) => r.name).join(', ') || 'none'}`);
  return found[0];
}

/** Name of the provider a registered resource went through (`urn:...::<name>::<id>`). */
export function providerName(r: Registered): string | undefined {
  return r.provider?.split('::')[3];
}

/** Every `registerOutputs` call, by component, to assert what a component reports. */
export function recordOutputs(): Map<pulumi.Resource, Record<string, unknown>> {
  const calls = new Map<pulumi.Resource, Record<string, unknown>>();
  const prototype = pulumi.ComponentResource.prototype as unknown as { registerOutputs(outputs: unknown): void };
  const original = prototype.registerOutputs;
  jest.spyOn(prototype, 'registerOutputs').mockImplementation(function (this: pulumi.Resource, outputs: unknown) {
    if (outputs && typeof outputs === 'object') calls.set(this, outputs as Record<string, unknown>);
    return original.call(this, outputs);
  });
  return calls;
}
