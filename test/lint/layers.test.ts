/**
 * The layers point one way (lib/core <- lib/k8s <- lib/pulumi): the project's own ESLint
 * configuration refuses an import against them. Each case lints a violating text as if it were
 * an existing file of the layer (type information needs a file of the program).
 */
import * as path from 'path';
import { loadESLint } from 'eslint';

const REPO = path.join(__dirname, '..', '..');
const CORE_FILE = 'lib/core/units.ts';
const K8S_FILE = 'lib/k8s/baseline.ts';

async function violations(code: string, filePath: string): Promise<string[]> {
  const ESLint = await loadESLint({ useFlatConfig: false });
  let [result] = await new ESLint({ cwd: REPO }).lintText(code, { filePath });
  // Once, on a fresh clone, the first text of a file came back without any rule run; a second
  // try tells a passing hiccup of the typed parser from a configuration that lost the rules.
  if (result.messages.length === 0 || result.messages.some((m) => m.ruleId === null)) {
    [result] = await new ESLint({ cwd: REPO }).lintText(code, { filePath });
  }
  // A message without a rule (the file ignored, a parse error) is kept, so a failure says why.
  return result.messages.filter((m) => m.ruleId === null || m.ruleId === 'import/no-restricted-paths' || m.ruleId === 'no-restricted-imports')
    .map((m) => `${m.ruleId}: ${m.ruleId === null ? m.message : m.message.replace(/\. .*$/, '')}`);
}

describe('layer rules', () => {
  jest.setTimeout(120_000);

  it.each([
    ['cdk8s', "import { Chart } from 'cdk8s';\n\nexport const x = Chart;\n"],
    ['cdk8s-plus-27', "import { k8s } from 'cdk8s-plus-27';\n\nexport const x = k8s;\n"],
    ['constructs', "import { Construct } from 'constructs';\n\nexport const x = Construct;\n"],
  ])('refuse %s in lib/core, by package and by resolved path', async (pkg, code) => {
    expect(await violations(code, CORE_FILE)).toEqual([
      `no-restricted-imports: '${pkg}' import is restricted from being used by a pattern`,
      `import/no-restricted-paths: Unexpected path "${pkg}" imported in restricted zone`,
    ]);
  });

  it('refuse a relative import of lib/k8s in lib/core', async () => {
    expect(await violations("import { Baseline } from '../k8s/baseline';\n\nexport const x = Baseline;\n", CORE_FILE)).toEqual([
      'import/no-restricted-paths: Unexpected path "../k8s/baseline" imported in restricted zone',
    ]);
  });

  it('refuse Pulumi in lib/core and lib/k8s, installed or not', async () => {
    const code = "import * as pulumi from '@pulumi/pulumi';\n\nexport const x = pulumi;\n";
    // Once @pulumi/pulumi is installed, import/no-restricted-paths reports it as well.
    const refused = "no-restricted-imports: '@pulumi/pulumi' import is restricted from being used by a pattern";
    expect(await violations(code, CORE_FILE)).toContain(refused);
    expect(await violations(code, K8S_FILE)).toContain(refused);
  });

  it('let lib/k8s use cdk8s and lib/core', async () => {
    expect(await violations("import { Chart } from 'cdk8s';\nimport { HadrError } from '../core/errors';\n\nexport const x = [Chart, HadrError];\n", K8S_FILE)).toEqual([]);
  });
});
