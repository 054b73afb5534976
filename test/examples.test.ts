import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Ajv2020 from 'ajv/dist/2020';
import { App, Chart } from 'cdk8s';
import * as YAML from 'yaml';
import { EXAMPLES, synthExamples } from '../examples/main';
import { MultiReplica, TOPOLOGY_SUMMARY_SCHEMA } from '../lib';
import { validateManifests } from './support/schema';
import { SECRET_LOOKING_NAME } from '../lib/core/service/env-value';

/** Polaris checks, run offline when the audit tool sits beside the repository. */
const AUDIT = path.join(__dirname, '..', '..', 'shared', 'audit', 'audit.js');

function readManifests(dir: string): any[] {
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((f) => YAML.parseAllDocuments(fs.readFileSync(path.join(dir, f), 'utf8')).map((d) => d.toJSON()))
    .filter((o) => o);
}

/**
 * The objects applied to one cluster together: a folder with a kustomization.yaml (a topology's
 * cluster), or a single file (a chart of a plain App).
 */
function clusterUnits(dir: string): any[][] {
  const files = fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.k8s.yaml'));
  const units = new Map<string, string[]>();
  for (const file of files) {
    const folder = path.dirname(path.join(dir, file));
    const key = fs.existsSync(path.join(folder, 'kustomization.yaml')) ? folder : path.join(dir, file);
    units.set(key, [...(units.get(key) ?? []), path.join(dir, file)]);
  }
  return [...units.values()].map((unit) => unit.flatMap((f) => YAML.parseAllDocuments(fs.readFileSync(f, 'utf8')).map((d) => d.toJSON())).filter((o) => o));
}

describe('examples', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'hadr-examples-'));
  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));
  const dist = path.join(outdir, 'dist');
  const names = synthExamples(dist);
  const manifests = readManifests(dist);

  it('synthesizes every example into its own folder', () => {
    expect(names).toEqual(Object.keys(EXAMPLES));
    expect(fs.readdirSync(dist).sort()).toEqual([...names].sort());
    expect(manifests.length).toBeGreaterThan(10);
  });

  it('writes only schema-valid objects', () => {
    expect(() => validateManifests(manifests)).not.toThrow();
  });

  it('writes topology summaries that the shipped JSON Schema accepts', () => {
    const validate = new Ajv2020({ strict: true, strictRequired: false }).compile(TOPOLOGY_SUMMARY_SCHEMA);
    const summaries = fs.readdirSync(dist, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.topology.json'));
    expect(summaries.length).toBeGreaterThan(0);
    for (const file of summaries) {
      expect([file, validate(JSON.parse(fs.readFileSync(path.join(dist, file), 'utf8'))), validate.errors]).toEqual([file, true, null]);
    }
  });

  it('points no ExternalName at a name that only one cluster resolves', () => {
    const externalNames = manifests.filter((m) => m.kind === 'Service' && m.spec.type === 'ExternalName').map((m) => m.spec.externalName);
    expect(externalNames.length).toBeGreaterThan(0);
    expect(externalNames.filter((name: string) => /\.svc(\.cluster\.local)?\.?$/.test(name))).toEqual([]);
  });

  it('uses no cluster-local Service name that its own cluster does not have', () => {
    const unresolved = clusterUnits(dist).flatMap((objects) => {
      const services = new Set(objects.filter((o) => o.kind === 'Service').map((o) => `${o.metadata.name}.${o.metadata.namespace}`));
      return [...JSON.stringify(objects).matchAll(/\b([a-z0-9-]+)\.([a-z0-9-]+)\.svc\b/g)]
        .map((m) => `${m[1]}.${m[2]}`)
        .filter((name) => !services.has(name));
    });
    expect([...new Set(unresolved)]).toEqual([]);
  });

  it('writes no literal value under a secret-looking variable name', () => {
    const literals = manifests
      .flatMap((m) => m.spec?.template?.spec?.containers ?? [])
      .flatMap((c: any) => c.env ?? [])
      .filter((e: any) => e.value !== undefined && SECRET_LOOKING_NAME.test(e.name));
    expect(literals).toEqual([]);
  });

  (fs.existsSync(AUDIT) && fs.existsSync(path.join(path.dirname(AUDIT), 'node_modules')) ? it : it.skip)(
    'passes the Polaris checks with no failure', () => {
      const result = spawnSync(process.execPath, [AUDIT, dist], { encoding: 'utf8' });
      expect(result.stdout.trim().split('\n').pop()).toMatch(/^\d+ passed, 0 failed$/);
      expect(result.status).toBe(0);
    });

  it('leaves dist/ untouched when any example fails validation', () => {
    const target = path.join(outdir, 'untouched');
    fs.mkdirSync(target);
    fs.writeFileSync(path.join(target, 'previous.k8s.yaml'), 'kind: Previous\n');
    const good = (dir: string) => {
      const app = new App({ outdir: dir });
      new MultiReplica(new Chart(app, 'good'), 'api', { service: { name: 'api', image: 'ghcr.io/acme/api:1.0.0', port: 8080 } });
      return app;
    };
    const failsAtSynth = (dir: string) => {
      const app = new App({ outdir: dir });
      new Chart(app, 'bad').node.addValidation({ validate: () => ['late validation failed'] });
      return app;
    };
    expect(() => synthExamples(target, { good, bad: failsAtSynth })).toThrow(/late validation failed/);
    expect(fs.readdirSync(target)).toEqual(['previous.k8s.yaml']);
    expect(fs.existsSync(`${target}.staging`)).toBe(false);
  });
});
