/**
 * The library as a user gets it: `npm pack`, the tarball installed into a fresh cdk8s app in a
 * temp folder, a small program type-checked against the shipped declarations and synthesized
 * with `cdk8s synth`, every object schema-valid. And installed from a git URL, which builds
 * itself. Offline: npm is told to prefer its cache (the registry mirror answers the rest).
 */
import { execFile, execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';
import * as YAML from 'yaml';
import { validateManifests } from '../support/schema';

const run = promisify(execFile);
const REPO = path.join(__dirname, '..', '..');
const BIN = path.join(REPO, 'node_modules', '.bin');
const NPM_INSTALL = ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel', 'error'];
const ENV = { ...process.env, CDK8S_CHECK_UPGRADE: 'false', npm_config_update_notifier: 'false' };

/** The versions this repository resolved, so the consumer installs exactly what was tested (and hits the cache). */
function versionOf(pkg: string): string {
  return JSON.parse(fs.readFileSync(path.join(REPO, 'node_modules', pkg, 'package.json'), 'utf8')).version;
}

/** The optional Pulumi peers, at the versions this repository resolved. */
const PULUMI_PEERS = ['@pulumi/pulumi', '@pulumi/aws', '@pulumi/kubernetes'];

/** A fresh cdk8s app depending on hadr-constructs from `source` (and on `extra` packages). */
function consumerApp(dir: string, source: string, extra: readonly string[] = []): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({
    name: 'consumer', version: '1.0.0', private: true,
    dependencies: {
      'cdk8s': versionOf('cdk8s'), 'cdk8s-plus-27': versionOf('cdk8s-plus-27'), 'constructs': versionOf('constructs'), 'hadr-constructs': source,
      ...Object.fromEntries(extra.map((pkg) => [pkg, versionOf(pkg)])),
    },
  }, null, 2));
}

const PULUMI_PROGRAM = `import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { DnsFailover, ElastiCacheRedis } from 'hadr-constructs/pulumi';

const provider = new aws.Provider('ireland', { region: 'eu-west-1' });
new DnsFailover('api', { zoneId: 'Z1', host: 'api.acme.example', primary: { address: 'a.example' }, secondary: { address: 'b.example' }, provider });
new ElastiCacheRedis('cache', { subnetGroupName: 'cache', securityGroupIds: [], authToken: pulumi.secret('token'), provider });
`;

const PROGRAM = `import { App, Chart, Size } from 'cdk8s';
import { KUBERNETES_VERSION_CONTEXT, MultiReplica, PatroniCluster, RedisSentinel } from 'hadr-constructs';
import { allowedEvictions, DisruptionBudget } from 'hadr-constructs/core';

const app = new App();
const chart = new Chart(app, 'shop', { namespace: 'shop' });
chart.node.setContext(KUBERNETES_VERSION_CONTEXT, '1.31');
const db = new PatroniCluster(chart, 'db', { storage: Size.gibibytes(20) });
const cache = new RedisSentinel(chart, 'cache', { storage: Size.gibibytes(2) });
const api = new MultiReplica(chart, 'api', {
  service: { name: 'api', image: 'ghcr.io/acme/api:1.4.2', port: 4000, healthPath: '/health', env: { DATABASE_HOST: db.poolerHost! } },
});
cache.grantConnect(api);
if (allowedEvictions(DisruptionBudget.maxUnavailable(1), 3) !== 1) throw new Error('hadr-constructs/core gave a wrong answer');
app.synth();
`;

/** Compiler options of a plain cdk8s TypeScript app, and of one on Node's own module resolution (the exports map). */
const TSCONFIGS: Record<string, object> = {
  'tsconfig.json': { compilerOptions: { target: 'ES2022', module: 'commonjs', strict: true, esModuleInterop: true, skipLibCheck: false, types: [] }, files: ['main.ts'] },
  'tsconfig.node16.json': {
    compilerOptions: { target: 'ES2022', module: 'node16', moduleResolution: 'node16', strict: true, skipLibCheck: false, noEmit: true, types: [] },
    files: ['main.ts'],
  },
};

describe('hadr-constructs as a dependency', () => {
  // The git install compiles the clone with every devDependency (Pulumi's too): minutes on a loaded machine.
  jest.setTimeout(600_000);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'hadr-consumer-'));
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  let tarball: string;
  let tarballFiles: string[];
  const fromTarball = path.join(work, 'from-tarball');
  const fromGit = path.join(work, 'from-git');
  const withPulumi = path.join(work, 'with-pulumi');
  let installs: Promise<unknown>;

  beforeAll(async () => {
    // `npm pack` runs `prepare` (the compile) first, as it does for a release.
    const packed = execFileSync('npm', ['pack', '--pack-destination', work, '--json', '--loglevel', 'error'], { cwd: REPO, env: ENV, encoding: 'utf8' });
    const [info] = JSON.parse(packed.slice(packed.indexOf('[')));
    tarball = path.join(work, info.filename);
    tarballFiles = info.files.map((f: { path: string }) => f.path).sort();

    consumerApp(fromTarball, `file:${tarball}`);
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: REPO, encoding: 'utf8' }).trim();
    consumerApp(fromGit, `git+file://${REPO}#${commit}`);
    consumerApp(withPulumi, `file:${tarball}`, PULUMI_PEERS);
    // All at once: the git install also installs the clone's devDependencies to compile it.
    // No install scripts for the Pulumi app: @pulumi/kubernetes's fetches a plugin over the network.
    installs = Promise.all([
      ...[fromTarball, fromGit].map((cwd) => run('npm', NPM_INSTALL, { cwd, env: ENV, maxBuffer: 64 * 1024 * 1024 })),
      run('npm', [...NPM_INSTALL, '--ignore-scripts'], { cwd: withPulumi, env: ENV, maxBuffer: 64 * 1024 * 1024 }),
    ]);
    await installs;
  });

  it('packs only the compiled code, its declarations and the docs: no sources, source maps or config files', () => {
    const unexpected = tarballFiles.filter((f) => !/^build\/.+\.(js|d\.ts|json)$/.test(f) && !['API.md', 'LICENSE', 'README.md', 'package.json'].includes(f));
    expect(unexpected).toEqual([]);
    expect(tarballFiles).toEqual(expect.arrayContaining([
      'build/index.js', 'build/index.d.ts', 'build/core/index.js', 'build/core/index.d.ts', 'build/pulumi/index.js', 'build/pulumi/index.d.ts',
    ]));
    const inlineMaps = tarballFiles.filter((f) => f.endsWith('.js'))
      .filter((f) => fs.readFileSync(path.join(fromTarball, 'node_modules', 'hadr-constructs', f), 'utf8').includes('sourceMappingURL'));
    expect(inlineMaps).toEqual([]);
  });

  it('type-checks a program against the shipped declarations, with the classic and the node16 module resolution', () => {
    fs.writeFileSync(path.join(fromTarball, 'main.ts'), PROGRAM);
    for (const [file, config] of Object.entries(TSCONFIGS)) fs.writeFileSync(path.join(fromTarball, file), JSON.stringify(config));
    for (const file of Object.keys(TSCONFIGS)) {
      const tsc = spawnSync(path.join(BIN, 'tsc'), ['-p', file], { cwd: fromTarball, encoding: 'utf8' });
      expect(`${tsc.stdout}${tsc.stderr}`).toBe('');
      expect(tsc.status).toBe(0);
    }
  });

  it('synthesizes with cdk8s synth into schema-valid objects', () => {
    fs.writeFileSync(path.join(fromTarball, 'cdk8s.yaml'), 'language: typescript\napp: node main.js\n');
    execFileSync(path.join(BIN, 'cdk8s'), ['synth'], { cwd: fromTarball, env: ENV, encoding: 'utf8' });
    const objects = YAML.parseAllDocuments(fs.readFileSync(path.join(fromTarball, 'dist', 'shop.k8s.yaml'), 'utf8')).map((d) => d.toJSON());
    expect(() => validateManifests(objects)).not.toThrow();
    const kinds = new Set(objects.map((o) => o.kind));
    for (const kind of ['Deployment', 'StatefulSet', 'Service', 'PodDisruptionBudget', 'NetworkPolicy', 'ConfigMap', 'PriorityClass']) expect(kinds).toContain(kind);
    expect(objects.filter((o) => o.kind === 'PriorityClass')).toHaveLength(1);
  });

  it('loads hadr-constructs/core without cdk8s or constructs, and hides the internal files', () => {
    const script = "require('hadr-constructs/core'); const loaded = Object.keys(require.cache).filter((p) => /node_modules[\\\\/](cdk8s|cdk8s-plus-27|constructs)[\\\\/]/.test(p));"
      + " let internal; try { require('hadr-constructs/build/k8s/baseline'); } catch (e) { internal = e.code; }"
      + ' process.stdout.write(JSON.stringify({ loaded, internal }));';
    expect(JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: fromTarball, encoding: 'utf8' }))).toEqual({ loaded: [], internal: 'ERR_PACKAGE_PATH_NOT_EXPORTED' });
  });

  it('installs and synthesizes for a cdk8s-only app with no Pulumi package, whose root entry never asks for one', () => {
    expect(fs.existsSync(path.join(fromTarball, 'node_modules', '@pulumi'))).toBe(false);
    const script = "const { MultiReplica } = require('hadr-constructs'); require('hadr-constructs/core');"
      + ' const pulumi = Object.keys(require.cache).filter((p) => /[\\\\/]pulumi[\\\\/]/.test(p));'
      + " let missing; try { require('hadr-constructs/pulumi'); } catch (e) { missing = e.code + ' ' + /@pulumi\\/\\w+/.exec(e.message)[0]; }"
      + ' process.stdout.write(JSON.stringify({ root: typeof MultiReplica, pulumi, missing }));';
    expect(JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: fromTarball, encoding: 'utf8' }))).toEqual({
      root: 'function', pulumi: [], missing: expect.stringMatching(/^MODULE_NOT_FOUND @pulumi\/(pulumi|aws|kubernetes)$/),
    });
  });

  it('gives an app that installs the Pulumi peers hadr-constructs/pulumi, typed', () => {
    fs.writeFileSync(path.join(withPulumi, 'main.ts'), PULUMI_PROGRAM);
    fs.writeFileSync(path.join(withPulumi, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'node16', moduleResolution: 'node16', strict: true, skipLibCheck: true, noEmit: true, types: [] }, files: ['main.ts'],
    }));
    expect(() => execFileSync(path.join(BIN, 'tsc'), ['-p', 'tsconfig.json'], { cwd: withPulumi, encoding: 'utf8' })).not.toThrow();
    const script = "const p = require('hadr-constructs/pulumi'); process.stdout.write(Object.keys(p).sort().join(' '));";
    expect(execFileSync(process.execPath, ['-e', script], { cwd: withPulumi, encoding: 'utf8' }))
      .toBe('AwsActivePassive ChartDeployment DnsFailover ElastiCacheRedis RdsPostgres ReplicatedBuckets ServiceLoadBalancer');
  });

  it('installs from a git URL, compiling itself on the way', () => {
    const installed = path.join(fromGit, 'node_modules', 'hadr-constructs');
    expect(fs.existsSync(path.join(installed, 'build', 'index.js'))).toBe(true);
    expect(fs.existsSync(path.join(installed, 'build', 'core', 'index.d.ts'))).toBe(true);
    const script = "const { MultiReplica, TopologyApp } = require('hadr-constructs'); process.stdout.write(typeof MultiReplica + ' ' + typeof TopologyApp);";
    expect(execFileSync(process.execPath, ['-e', script], { cwd: fromGit, encoding: 'utf8' })).toBe('function function');
  });
});
