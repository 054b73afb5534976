import * as path from 'path';
import * as ts from 'typescript';

/** Every name an entry point exports, types included, as the compiler sees it. */
function exportsOf(program: ts.Program, entry: string): string[] {
  const checker = program.getTypeChecker();
  const module = checker.getSymbolAtLocation(program.getSourceFile(entry)!)!;
  return checker.getExportsOfModule(module).map((symbol) => symbol.getName()).sort();
}

const root = path.join(__dirname, '..', 'lib', 'index.ts');
const core = path.join(__dirname, '..', 'lib', 'core', 'index.ts');
const pulumi = path.join(__dirname, '..', 'lib', 'pulumi', 'index.ts');
const program = ts.createProgram([root, core, pulumi], {
  strict: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, noEmit: true,
});
const rootExports = exportsOf(program, root);
const coreExports = exportsOf(program, core);
const pulumiExports = exportsOf(program, pulumi);

/** Names that belong to the implementation: resolvers and their results, checks, defaults tables, scripts. */
const INTERNAL = /^(resolve|Resolved|check|validate)|_DEFAULTS$|_PLACEMENT$|Script$|^(LABEL|MANAGED_BY|SECRET_LOOKING_NAME|WorkloadShape)$/;

describe('public API', () => {
  it('exports no internal from the root entry or the core', () => {
    expect(rootExports.filter((name) => INTERNAL.test(name))).toEqual([]);
    expect(coreExports.filter((name) => INTERNAL.test(name))).toEqual([]);
    expect(pulumiExports.filter((name) => INTERNAL.test(name) || /^dnsFigures$|^(refuse|ensure|secretInput)$/.test(name))).toEqual([]);
  });

  it('exports the Pulumi components from their own entry only, so the root never needs Pulumi', () => {
    expect(pulumiExports.filter((name) => !/Args$/.test(name) && /^[A-Z]/.test(name) && !/^(TopologyFolders|RdsNetwork|RdsRegion|BucketRegion|ReplicatedBucket|FailoverEndpoint|AwsSite|AwsFailoverOptions)$/.test(name))).toEqual([
      'AwsActivePassive', 'ChartDeployment', 'DnsFailover', 'ElastiCacheRedis', 'RdsPostgres', 'ReplicatedBuckets', 'ServiceLoadBalancer',
    ]);
    expect(pulumiExports.filter((name) => rootExports.includes(name) || coreExports.includes(name))).toEqual([]);
  });

  it('exports from the root entry everything the core exports', () => {
    expect(coreExports.filter((name) => !rootExports.includes(name))).toEqual([]);
  });

  it('keeps the constructs out of the core', () => {
    for (const construct of ['Baseline', 'MultiReplica', 'MultiCluster', 'TopologyApp', 'PatroniCluster', 'RedisSentinel']) {
      expect(rootExports).toContain(construct);
      expect(coreExports).not.toContain(construct);
    }
  });
});
