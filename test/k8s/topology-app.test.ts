import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import * as YAML from 'yaml';
import { TopologyApp } from '../../lib/k8s/topology-app';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function newApp(): TopologyApp {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hadr-topology-app-'));
  dirs.push(dir);
  return new TopologyApp({ outdir: dir });
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

    expect(fs.readdirSync(app.outdir).sort()).toEqual(['dc1-a', 'shared.k8s.yaml', 'topology.json']);
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
