import { DependencyType, javascript, typescript } from 'projen';

const project = new typescript.TypeScriptProject({
  name: 'hadr-constructs',
  description:
    'Typed constructs that turn high-availability and disaster-recovery topologies into Kubernetes manifests, config files and cloud resources.',
  license: 'Apache-2.0',
  copyrightOwner: 'hadr-constructs authors',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  github: false,
  release: false,
  sampleCode: false,
  docgen: false,

  // The build goes to build/, so lib/ holds only sources.
  srcdir: 'lib',
  libdir: 'build',
  testdir: 'test',
  artifactsDirectory: 'package',
  entrypoint: 'build/index.js',
  entrypointTypes: 'build/index.d.ts',
  minNodeVersion: '20.0.0',
  typescriptVersion: '~5.9.3',

  // dagre lays out the topology diagram's SVG; synchronous, so it runs inside a cdk8s synth.
  deps: ['yaml@^2.8.0', '@dagrejs/dagre@^3.1.3'],
  peerDeps: ['cdk8s@^2.70.0', 'cdk8s-plus-27@^2.9.5', 'constructs@^10.4.2'],
  peerDependencyOptions: { pinnedDevDependency: false },
  devDeps: [
    'cdk8s@^2.70.106',
    'cdk8s-plus-27@^2.9.5',
    'constructs@^10.8.1',
    '@types/node@^20',
    'tsx@^4.20',
    'cdk8s-cli@^2.207',
    'typedoc@~0.28.14',
    'typedoc-plugin-markdown@^4.9',
    'kubernetes-models@^4.5.1',
    '@kubernetes-models/validate@^4',
    '@kubernetes-models/argo-cd@^2.7.2',
    '@kubernetes-models/flux-cd@^2.3.4',
    '@kubernetes-models/prometheus-operator@^4.4.4',
    '@kubernetes-models/keda@^0.4.2',
    // Validates the topology summary against the JSON Schema the package ships.
    'ajv@^8.17',
    // Clients for the drills' writers.
    'pg@^8.16',
    '@types/pg@^8.15',
    'ioredis@^5.8',
    // The diagram tests: the real Mermaid parser and Chromium (Debian's) to open the SVG; mermaid 12 needs Node 22.
    'mermaid@^11.17.2',
    'playwright-core@^1.65.1',
    '@xmldom/xmldom@^0.9.12',
    // hadr-constructs/pulumi, built and tested with mocks; optional peers for users (below).
    // @pulumi/pulumi 3.249 and later need Node 22; aws 7.48 and kubernetes 4.34 accept ^3.142.
    '@pulumi/pulumi@>=3.142.0 <3.249.0',
    '@pulumi/aws@^7.48.0',
    '@pulumi/kubernetes@^4.34.2',
  ],

  tsconfig: {
    compilerOptions: {
      lib: ['es2022'],
      target: 'ES2022',
      types: ['node'],
      // The package ships JavaScript and declarations, not its sources inlined in source maps.
      inlineSourceMap: false,
      inlineSources: false,
    },
  },
  tsconfigDevFile: 'tsconfig.dev.json',
  tsconfigDev: {
    compilerOptions: {
      lib: ['es2022'],
      target: 'ES2022',
      types: ['jest', 'node'],
      // ts-jest then transpiles file by file; `tsc --noEmit` does the type-check once.
      isolatedModules: true,
      // Examples and tests import the package by its name, as users do.
      paths: { 'hadr-constructs': ['./lib/index.ts'], 'hadr-constructs/core': ['./lib/core/index.ts'], 'hadr-constructs/pulumi': ['./lib/pulumi/index.ts'] },
    },
    include: ['lib/**/*.ts', 'test/**/*.ts', 'examples/**/*.ts', 'scripts/**/*.ts', 'bench/**/*.ts', '.projenrc.ts'],
    exclude: ['node_modules', 'build', 'package', 'dist'],
  },

  jest: true,
  jestOptions: {
    // A snapshot that silently rewrites itself proves nothing: update on purpose with `npm run test:update`.
    // jest 30 resolves modules with platform binaries the npm registry mirror lacks, which
    // leaves package-lock.json unusable by `npm ci`; jest 29 resolves in JavaScript.
    jestVersion: '^29',
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    junitReporting: false,
    coverageText: false,
    passWithNoTests: false,
    jestConfig: {
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      testTimeout: 30_000,
      collectCoverage: false,
      moduleNameMapper: { '^hadr-constructs$': '<rootDir>/lib/index.ts', '^hadr-constructs/core$': '<rootDir>/lib/core/index.ts', '^hadr-constructs/pulumi$': '<rootDir>/lib/pulumi/index.ts' },
    },
  },
  eslintOptions: {
    tsconfigPath: './tsconfig.dev.json',
    projectService: false,
    dirs: ['lib'],
    devdirs: ['test', 'examples', 'scripts', 'bench'],
  },
  gitignore: ['/dist/', '/dist.staging/', '/bench/out/', '/.scratch/', '/.readme-snippets-*/', '/package/'],
});

// 3.6 resolves with enhanced-resolve; later versions pull platform binaries the npm registry
// mirror lacks, which leaves package-lock.json unusable by `npm ci`.
project.deps.removeDependency('eslint-import-resolver-typescript');
project.addDevDeps('eslint-import-resolver-typescript@~3.6.3');

// The Pulumi peers are optional: a cdk8s-only user never installs them, and the root entry
// never imports them (test/package/consumer.pack.ts proves both).
const PULUMI_PEERS: Record<string, string> = {
  '@pulumi/pulumi': '>=3.142.0 <3.249.0',
  '@pulumi/aws': '^7.0.0',
  '@pulumi/kubernetes': '^4.18.0',
};
for (const [name, range] of Object.entries(PULUMI_PEERS)) project.deps.addDependency(`${name}@${range}`, DependencyType.PEER);
project.package.addField('peerDependenciesMeta', Object.fromEntries(Object.keys(PULUMI_PEERS).map(n => [n, { optional: true }])));

// Keep short related properties on one line ({ path, field, value } in errors).
project.eslint?.addRules({ '@stylistic/object-property-newline': 'off' });

// Layers point one way: lib/core is framework-free, lib/k8s does without Pulumi. By resolved
// path (relative imports too) and by package name (packages that are not installed).
const CORE_IS_FRAMEWORK_FREE = 'lib/core is framework-free: no cdk8s, cdk8s-plus, constructs or Pulumi; put this in lib/k8s or lib/pulumi';
const K8S_HAS_NO_PULUMI = 'lib/k8s must not need Pulumi: cdk8s users do not install it; put this in lib/pulumi';
project.eslint?.addRules({
  'import/no-restricted-paths': ['error', {
    zones: [
      { target: './lib/core', from: ['./lib/k8s', './lib/pulumi', './lib/cli'], message: CORE_IS_FRAMEWORK_FREE },
      {
        target: './lib/core',
        from: ['./node_modules/cdk8s', './node_modules/cdk8s-plus-27', './node_modules/constructs', './node_modules/@pulumi'],
        message: CORE_IS_FRAMEWORK_FREE,
      },
      { target: './lib/k8s', from: ['./lib/pulumi', './node_modules/@pulumi'], message: K8S_HAS_NO_PULUMI },
    ],
  }],
});
project.eslint?.addOverride({
  files: ['lib/core/**/*.ts'],
  rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['cdk8s', 'cdk8s/*', 'cdk8s-plus-*', 'constructs', '@pulumi/*'], message: CORE_IS_FRAMEWORK_FREE }] }] },
});
project.eslint?.addOverride({
  files: ['lib/k8s/**/*.ts'],
  rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['@pulumi/*'], message: K8S_HAS_NO_PULUMI }] }] },
});

// The README's promise: one command synthesizes every example into dist/.
project.addTask('synth', {
  description: 'Synthesize every example into dist/',
  env: { CDK8S_CHECK_UPGRADE: 'false' },
  exec: 'tsx --tsconfig tsconfig.dev.json examples/main.ts',
});

const typecheck = project.addTask('typecheck', {
  description: 'Type-check sources, tests and examples once',
  exec: 'tsc --noEmit -p tsconfig.dev.json',
});

project.addTask('docs', {
  description: 'Generate API.md from the TSDoc of the public API',
  exec: 'bash scripts/api-docs.sh',
});
const docsCheck = project.addTask('docs:check', {
  description: 'Fail when API.md does not match the TSDoc of the public API, or a README snippet does not compile',
  exec: 'bash scripts/api-docs.sh --check',
});
docsCheck.exec('tsx scripts/check-readme-snippets.ts');

const servers = project.addTask('servers', {
  description: 'Install the Debian servers the drills need, when they are missing',
  exec: 'bash scripts/ensure-servers.sh',
});

project.addTask('bench', {
  description: 'Synthesis benchmark against the same objects written with the k8s classes; writes bench/results.json and docs/benchmark.md',
  env: { CDK8S_CHECK_UPGRADE: 'false' },
  exec: 'tsx --tsconfig tsconfig.dev.json bench/synth-bench.ts',
  receiveArgs: true,
});

project.addTask('drill', {
  description: 'Run the drills with real servers, write bench/drills.json and the drill tables of the docs',
  exec: 'tsx bench/drill.ts',
});
project.addTask('drills:doc', {
  description: 'Regenerate docs/drills.md and the drill tables of the construct pages from bench/drills.json',
  exec: 'tsx scripts/drills-doc.ts',
});

// `npm test`: type-check, docs freshness, servers for the drills, jest (drills included), lint.
const test = project.testTask;
test.reset();
test.spawn(typecheck);
test.spawn(docsCheck);
test.spawn(servers);
// Unit and construct tests in parallel; then the drills one at a time, so one drill's load
// never provokes another's failover.
test.exec('jest --ci --testPathIgnorePatterns /test/e2e/');
// The package as users get it: npm pack, installed into a fresh cdk8s app and from a git URL,
// synthesized with cdk8s synth (test/package/*.pack.ts, outside the unit tests' pattern).
const packageTest = project.addTask('test:package', {
  description: 'Install the packed library into a fresh cdk8s app (and from a git URL) and synthesize it',
  exec: "jest --ci --runInBand --testMatch '<rootDir>/test/package/*.pack.ts'",
});
test.spawn(packageTest);
test.exec('jest --ci --runInBand test/e2e');
// Lint without --fix: the check must fail rather than rewrite files.
test.exec('eslint --ext .ts --no-error-on-unmatched-pattern lib test examples scripts bench .projenrc.ts', {
  env: { ESLINT_USE_FLAT_CONFIG: 'false', NODE_NO_WARNINGS: '1' },
});

// The topology summary's JSON Schema ships beside the compiled code that imports it.
project.addPackageIgnore('!/build/**/*.json');
for (const p of ['/examples/', '/scripts/', '/bench/', '/dist/', '/.ci/', 'cdk8s.yaml']) project.addPackageIgnore(p);

// Entry points: the constructs, the framework-free core, and the Pulumi components.
// typesVersions lets TypeScript's older "node" module resolution find the core's types too.
project.package.addField('exports', {
  '.': { types: './build/index.d.ts', default: './build/index.js' },
  './core': { types: './build/core/index.d.ts', default: './build/core/index.js' },
  './pulumi': { types: './build/pulumi/index.d.ts', default: './build/pulumi/index.js' },
  './package.json': './package.json',
});
project.package.addField('typesVersions', { '*': { core: ['build/core/index.d.ts'], pulumi: ['build/pulumi/index.d.ts'] } });
// What the tarball holds, as an allow-list: the compiled code, its declarations and the API
// reference (npm adds package.json, README.md and LICENSE); no sources, tests or config files.
project.package.addField('files', ['build/**/*.js', 'build/**/*.d.ts', 'build/**/*.json', 'API.md']);

// `npm run build` compiles and packages; it runs neither the tests nor the drills (those are
// `npm test`), so a consumer or release build needs no database servers. projen locks its own
// build task with the test task inside, so the npm script names the steps itself.
project.package.setScript('build', 'projen pre-compile && projen compile && projen post-compile && projen package');

// Installing from a git URL (npm install git+https://...#<ref>) compiles the package: npm runs
// `prepare` after installing the clone's dependencies; it also runs before `npm pack`.
project.package.setScript('prepare', 'tsc --build');

project.synth();
