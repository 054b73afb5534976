/**
 * Type-checks every ```ts snippet of README.md and docs/*.md as a user would write it (importing
 * 'hadr-constructs'), so the docs never show code that does not compile.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const root = path.join(__dirname, '..');
const docs = ['README.md', ...fs.readdirSync(path.join(root, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)];
const snippets = docs.flatMap((doc) => [...fs.readFileSync(path.join(root, doc), 'utf8').matchAll(/```ts\n([\s\S]*?)```/g)]
  .map((m, i) => ({ doc, name: `${doc.replace(/[^a-z0-9]+/gi, '-')}-${i + 1}`, code: m[1] })));
// Inside the repository, so the snippets resolve cdk8s and friends from its node_modules.
const dir = fs.mkdtempSync(path.join(root, '.readme-snippets-'));
try {
  snippets.forEach(({ name, code }) => fs.writeFileSync(path.join(dir, `${name}.ts`), `export {};\n${code}`));
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({
    extends: '../tsconfig.dev.json',
    compilerOptions: {
      rootDir: '..', noEmit: true, noUnusedLocals: false,
      paths: { 'hadr-constructs': ['../lib/index.ts'], 'hadr-constructs/core': ['../lib/core/index.ts'], 'hadr-constructs/pulumi': ['../lib/pulumi/index.ts'] },
    },
    include: ['*.ts'],
  }));
  const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', dir], { encoding: 'utf8' });
  process.stdout.write(tsc.stdout);
  if (tsc.status !== 0) {
    console.error('a snippet does not compile (files are named <document>-<n>, numbered from the top of the document)');
    process.exitCode = 1;
  } else {
    console.log(`${snippets.length} snippets compile (${docs.map((doc) => `${doc}: ${snippets.filter((s) => s.doc === doc).length}`).join(', ')})`);
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
