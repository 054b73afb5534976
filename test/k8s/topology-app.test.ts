import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, Chart, Lazy, YamlOutputType } from 'cdk8s';
import { Construct } from 'constructs';
import * as YAML from 'yaml';
import { renderKustomization } from '../../lib/core/gitops/kustomization';
import { hadrErrorMessage } from '../support/errors';
import { TopologyApp } from 'hadr-constructs';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hadr-topology-app-'));
  dirs.push(dir);
  return dir;
}

function newApp(props: ConstructorParameters<typeof TopologyApp>[0] = {}): TopologyApp {
  return new TopologyApp({ outdir: tempDir(), ...props });
}

/** Every file under `dir` with its content, relative paths as keys. */
function snapshotFiles(dir: string): Record<string, string> {
  return Object.fromEntries(fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort()
    .filter((f) => fs.statSync(path.join(dir, f)).isFile())
    .map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]));
}

/** Staging folders left beside `dir`. */
function leftovers(dir: string): string[] {
  return fs.readdirSync(path.dirname(dir)).filter((f) => f.startsWith(`.${path.basename(dir)}.`));
}

function configMap(scope: Construct, name: string): ApiObject {
  return new ApiObject(scope, name, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { a: 'b' } });
}

describe('TopologyApp', () => {
  it('writes ordinary charts as App does, folder charts into their folder with a kustomization.yaml, and added files', () => {
    const app = newApp();
    const owner = new Construct(app, 'topology');
    configMap(new Chart(app, 'shared'), 'shared');
    configMap(app.addFolderChart('dc1-a', 'topology', {}, owner), 'local');
    app.addFile('topology.json', () => '{}\n', owner);
    app.synth();

    expect(fs.readdirSync(app.outdir).sort()).toEqual(['.hadr-constructs-output.json', 'dc1-a', 'shared.k8s.yaml', 'topology.json']);
    expect(fs.readdirSync(path.join(app.outdir, 'dc1-a')).sort()).toEqual(['kustomization.yaml', 'topology.k8s.yaml']);
    expect(YAML.parse(fs.readFileSync(path.join(app.outdir, 'dc1-a', 'kustomization.yaml'), 'utf8')).resources).toEqual(['topology.k8s.yaml']);
    expect(fs.readFileSync(path.join(app.outdir, 'topology.json'), 'utf8')).toBe('{}\n');
  });

  it('is found from inside a folder chart, whose own root is a separate App', () => {
    const app = newApp();
    const chart = app.addFolderChart('dc1-a', 'topology', {}, new Construct(app, 'topology'));
    expect(chart.node.root).not.toBe(app);
    expect(TopologyApp.of(new Construct(chart, 'deep'))).toBe(app);
  });

  it('writes nothing when a folder chart fails validation', () => {
    const app = newApp();
    const owner = new Construct(app, 'topology');
    app.addFolderChart('dc1-a', 'topology', {}, owner).node.addValidation({ validate: () => ['late validation failed'] });
    app.addFile('topology.json', () => '{}\n', owner);
    expect(() => app.synth()).toThrow(/late validation failed/);
    expect(fs.readdirSync(app.outdir)).toEqual([]);
  });

  it.each([
    ['a folder inside another', 'dc1-a/nested', 'topology: output path overlaps "dc1-a", written by topology (got "dc1-a/nested")'],
    ['a path leaving the output folder', '../dc1-a', 'topology: output path must be a relative path of plain segments (letters, digits, -, _ and .) (got "../dc1-a"); use e.g. \'dc1-a\' or \'balancer/haproxy.cfg\''],
  ])('refuses %s', (_what, folder, message) => {
    const app = newApp();
    const owner = new Construct(app, 'topology');
    app.addFolderChart('dc1-a', 'topology', {}, owner);
    expect(() => app.addFolderChart(folder, 'topology', {}, owner)).toThrow(message);
  });
});

describe('TopologyApp output folder', () => {
  it('never deletes what it did not write: a cluster folder named src under the project folder is refused, src/main.ts stays', () => {
    const project = tempDir();
    fs.mkdirSync(path.join(project, 'src'));
    fs.writeFileSync(path.join(project, 'src', 'main.ts'), 'app.synth();\n');
    fs.writeFileSync(path.join(project, 'package.json'), '{}\n');
    const app = new TopologyApp({ outdir: project });
    configMap(app.addFolderChart('src', 'topology', {}, new Construct(app, 'topology')), 'local');

    expect(hadrErrorMessage(() => app.synth())).toBe(
      `TopologyApp: outdir holds files this app did not write (package.json, src/main.ts), which replacing the folder would delete (got ${JSON.stringify(project)}); `
      + 'choose an empty or new output folder, or move those files out of it');
    expect(snapshotFiles(project)).toEqual({ 'package.json': '{}\n', 'src/main.ts': 'app.synth();\n' });
    expect(leftovers(project)).toEqual([]);
  });

  it('replaces its own previous output, dropping files of removed objects, and lists what it wrote', () => {
    const outdir = tempDir();
    const first = new TopologyApp({ outdir, yamlOutputType: YamlOutputType.FILE_PER_RESOURCE });
    const chart = first.addFolderChart('dc1-a', 'topology', {}, new Construct(first, 'topology'));
    configMap(chart, 'kept');
    configMap(chart, 'removed');
    first.synth();
    expect(fs.readdirSync(path.join(outdir, 'dc1-a')).sort()).toEqual(['ConfigMap.kept.k8s.yaml', 'ConfigMap.removed.k8s.yaml', 'kustomization.yaml']);

    const second = new TopologyApp({ outdir, yamlOutputType: YamlOutputType.FILE_PER_RESOURCE });
    configMap(second.addFolderChart('dc1-a', 'topology', {}, new Construct(second, 'topology')), 'kept');
    second.synth();
    expect(Object.keys(snapshotFiles(outdir))).toEqual(['.hadr-constructs-output.json', 'dc1-a/ConfigMap.kept.k8s.yaml', 'dc1-a/kustomization.yaml']);
    expect(JSON.parse(fs.readFileSync(path.join(outdir, '.hadr-constructs-output.json'), 'utf8'))).toEqual({
      generator: 'hadr-constructs', files: ['dc1-a/ConfigMap.kept.k8s.yaml', 'dc1-a/kustomization.yaml'],
    });
    expect(leftovers(outdir)).toEqual([]);
    expect(fs.readFileSync(path.join(outdir, 'dc1-a', 'kustomization.yaml'), 'utf8')).toBe(renderKustomization(['ConfigMap.kept.k8s.yaml']));
  });

  it('leaves the previous output byte for byte when a later synth fails validation', () => {
    const outdir = tempDir();
    const first = new TopologyApp({ outdir });
    configMap(first.addFolderChart('dc1-a', 'topology', {}, new Construct(first, 'topology')), 'local');
    first.synth();
    const before = snapshotFiles(outdir);

    const second = new TopologyApp({ outdir });
    const chart = second.addFolderChart('dc1-a', 'topology', {}, new Construct(second, 'topology'));
    configMap(chart, 'other');
    chart.node.addValidation({ validate: () => ['late validation failed'] });
    expect(() => second.synth()).toThrow(/late validation failed/);
    expect(snapshotFiles(outdir)).toEqual(before);
    expect(leftovers(outdir)).toEqual([]);
  });

  it('serializes every chart once', () => {
    const app = newApp();
    const produced: Record<string, number> = { folder: 0, direct: 0 };
    const counted = (scope: Construct, key: string) => new ApiObject(scope, key, {
      apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: key },
      data: Lazy.any({ produce: () => ({ calls: String(++produced[key]) }) }),
    });
    counted(app.addFolderChart('dc1-a', 'topology', {}, new Construct(app, 'topology')), 'folder');
    counted(new Chart(app, 'shared'), 'direct');
    app.synth();
    expect(produced).toEqual({ folder: 1, direct: 1 });
  });

  it('refuses a chart id whose file would be the folder\'s kustomization.yaml', () => {
    const app = newApp({ outputFileExtension: '.yaml' });
    expect(hadrErrorMessage(() => app.addFolderChart('dc1-a', 'kustomization', {}, new Construct(app, 'topology')))).toBe(
      'topology: id would name the chart\'s file kustomization.yaml, which the folder\'s kustomization takes (got "kustomization"); give the construct another id');
  });

  it('refuses, at synth and writing nothing, a chart of its own whose output takes a cluster folder or an added file', () => {
    const folderClash = newApp({ yamlOutputType: YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE });
    configMap(new Chart(folderClash, 'dc1-a'), 'direct');
    configMap(folderClash.addFolderChart('dc1-a', 'topology', {}, new Construct(folderClash, 'topology')), 'local');
    expect(hadrErrorMessage(() => folderClash.synth())).toBe(
      'topology: output path is also written by a chart added to the app directly (got "dc1-a"); give the chart, cluster or file another name');
    expect(fs.readdirSync(folderClash.outdir)).toEqual([]);

    const fileClash = newApp({ outputFileExtension: '.json' });
    configMap(new Chart(fileClash, 'summary'), 'direct');
    fileClash.addFile('summary.json', () => '{}\n', new Construct(fileClash, 'topology'));
    expect(hadrErrorMessage(() => fileClash.synth())).toBe(
      'topology: output path is also written by a chart (got "summary.json"); give the chart, cluster or file another name');
    expect(fs.readdirSync(fileClash.outdir)).toEqual([]);
  });

  it('writes into a folder that does not exist yet, creating its parents', () => {
    const outdir = path.join(tempDir(), 'deploy', 'dist');
    const app = new TopologyApp({ outdir });
    configMap(app.addFolderChart('dc1-a', 'topology', {}, new Construct(app, 'topology')), 'local');
    app.synth();
    expect(Object.keys(snapshotFiles(outdir))).toEqual(['.hadr-constructs-output.json', 'dc1-a/kustomization.yaml', 'dc1-a/topology.k8s.yaml']);
  });
});
