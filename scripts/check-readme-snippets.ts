/**
 * Type-checks every ```ts snippet of README.md as a user would write it (importing
 * 'hadr-constructs'), so the README never shows code that does not compile.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const root = path.join(__dirname, '..');
const snippets = [...fs.readFileSync(path.join(root, 'README.md'), 'utf8').matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
// Inside the repository, so the snippets resolve cdk8s and friends from its node_modules.
const dir = fs.mkdtempSync(path.join(root, '.readme-snippets-'));
try {
  snippets.forEach((code, i) => fs.writeFileSync(path.join(dir, `snippet-${i + 1}.ts`), `export {};\n${code}`));
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({
    extends: '../tsconfig.dev.json',
    compilerOptions: { rootDir: '..', noEmit: true, noUnusedLocals: false, paths: { 'hadr-constructs': ['../lib/index.ts'] } },
    include: ['*.ts'],
  }));
  const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', dir], { encoding: 'utf8' });
  process.stdout.write(tsc.stdout);
  if (tsc.status !== 0) {
    console.error('README.md: a snippet does not compile (snippets are numbered from the top of README.md)');
    process.exitCode = 1;
  } else {
    console.log(`README.md: ${snippets.length} snippets compile`);
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
