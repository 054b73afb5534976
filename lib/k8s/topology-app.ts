import * as fs from 'fs';
import * as path from 'path';
import { App, AppProps, Chart, ChartProps } from 'cdk8s';
import { IConstruct } from 'constructs';
import { check, describeValue } from '../core/errors';
import { renderKustomization } from '../core/gitops/kustomization';

/** A folder of the output: its own cdk8s App (same output options) and who writes it. */
interface OutputFolder {
  readonly app: App;
  readonly owner: string;
}

/** A file written beside the manifests, produced at synth. */
interface OutputFile {
  readonly produce: () => string;
  readonly owner: string;
}

/** Folder and file names: plain path segments, nothing that leaves the output folder. */
const RELATIVE_PATH = /^[A-Za-z0-9]([-A-Za-z0-9._]*[A-Za-z0-9])?(\/[A-Za-z0-9]([-A-Za-z0-9._]*[A-Za-z0-9])?)*$/;

/** The TopologyApp each folder's App belongs to, so `TopologyApp.of` works from inside a cluster chart. */
const PARENT = new WeakMap<App, TopologyApp>();

/**
 * A cdk8s App for topologies that span several clusters: each cluster's chart is written into
 * its own folder (`<outdir>/<cluster>/`) with a `kustomization.yaml` listing its files, so
 * Argo CD, Flux and `kubectl kustomize` all render exactly that cluster; topologies add files
 * beside the manifests (the topology summary, the balancer's haproxy.cfg).
 *
 * Each folder is synthesized by a cdk8s App of its own with this app's `yamlOutputType`,
 * `outputFileExtension` and `resolvers`, so every output option behaves as cdk8s documents it,
 * inside the folder. `synth()` validates and renders everything before it writes anything,
 * and empties each folder it owns first: a file of a removed object never lingers where the
 * kustomization would deploy it.
 *
 * @example
 * const app = new TopologyApp({ outdir: 'dist' });
 * new MultiCluster(app, 'chat-suite', { ... });
 * app.synth(); // dist/dc1-a/, dist/dc1-b/, dist/gitops/, dist/chat-suite.topology.json
 *
 * @see https://cdk8s.io/docs/latest/reference/cdk8s/typescript/#app
 */
export class TopologyApp extends App {
  /**
   * The TopologyApp `scope` belongs to, also from inside a folder's chart. Throws when the
   * construct tree is rooted in a plain App, which cannot write per-cluster folders.
   */
  public static of(scope: IConstruct): TopologyApp {
    const root = scope.node.root;
    const app = root instanceof TopologyApp ? root : PARENT.get(root as App);
    check(app !== undefined, {
      path: scope.node.path, field: 'scope',
      value: root.constructor?.name ?? root,
      problem: 'must be inside a TopologyApp, which writes each cluster into its own folder',
      fix: 'create the app with new TopologyApp({ outdir }) instead of new App()',
    });
    return app;
  }

  private readonly props: AppProps;
  private readonly folders = new Map<string, OutputFolder>();
  private readonly files = new Map<string, OutputFile>();

  constructor(props: AppProps = {}) {
    super(props);
    this.props = props;
  }

  /**
   * A chart written into `<outdir>/<folder>/`, with a `kustomization.yaml` listing its files.
   * One chart per folder; the folder belongs to the topology that claims it.
   *
   * @param folder path relative to the output folder, e.g. `dc1-a` or `gitops/dc1-a`
   * @param id the chart's construct id (names its file with `FILE_PER_CHART`)
   * @param owner the construct that claims the folder, named in errors
   */
  public addFolderChart(folder: string, id: string, props: ChartProps, owner: IConstruct): Chart {
    this.checkPath(owner, folder);
    const app = new App({
      ...this.props,
      outdir: path.join(this.outdir, folder),
      yamlOutputType: this.yamlOutputType,
      outputFileExtension: this.outputFileExtension,
    });
    PARENT.set(app, this);
    this.folders.set(folder, { app, owner: owner.node.path });
    return new Chart(app, id, props);
  }

  /**
   * A file written to `<outdir>/<file>` at synth, its content produced after every chart
   * validated.
   *
   * @param file path relative to the output folder, e.g. `balancer/haproxy.cfg`
   * @param owner the construct that writes it, named in errors
   */
  public addFile(file: string, produce: () => string, owner: IConstruct): void {
    this.checkPath(owner, file);
    this.files.set(file, { produce, owner: owner.node.path });
  }

  /** Folders charts are written to, relative to the output folder. */
  public get folderNames(): string[] {
    return [...this.folders.keys()];
  }

  /** The charts of a folder. */
  public chartsIn(folder: string): Chart[] {
    return this.folders.get(folder)?.app.charts ?? [];
  }

  /**
   * Writes every chart of this app (as `App.synth()` does), every folder with its
   * `kustomization.yaml`, and every added file. Nothing is written when any chart fails
   * validation or any file fails to render.
   */
  public synth(): void {
    this.synthYaml();
    for (const folder of this.folders.values()) folder.app.synthYaml();
    const contents = [...this.files].map(([file, { produce }]) => [file, produce()] as const);

    super.synth();
    for (const [folder, { app }] of this.folders) {
      const dir = path.join(this.outdir, folder);
      fs.rmSync(dir, { recursive: true, force: true });
      app.synth();
      const manifests = listFiles(dir).filter((f) => f.endsWith(this.outputFileExtension) && f !== 'kustomization.yaml');
      fs.writeFileSync(path.join(dir, 'kustomization.yaml'), renderKustomization(manifests));
    }
    for (const [file, content] of contents) {
      fs.mkdirSync(path.dirname(path.join(this.outdir, file)), { recursive: true });
      fs.writeFileSync(path.join(this.outdir, file), content);
    }
  }

  /** Throws unless `target` is a free relative path, neither inside nor around a claimed folder. */
  private checkPath(owner: IConstruct, target: string): void {
    check(typeof target === 'string' && RELATIVE_PATH.test(target) && target !== 'kustomization.yaml', {
      path: owner.node.path, field: 'output path', value: target,
      problem: 'must be a relative path of plain segments (letters, digits, -, _ and .)', fix: "use e.g. 'dc1-a' or 'balancer/haproxy.cfg'",
    });
    const claims = [...this.folders].map(([p, f]) => [p, f.owner] as const).concat([...this.files].map(([p, f]) => [p, f.owner] as const));
    const clash = claims.find(([p]) => p === target || target.startsWith(`${p}/`) || p.startsWith(`${target}/`));
    check(clash === undefined, {
      path: owner.node.path, field: 'output path', value: target,
      problem: `overlaps ${describeValue(clash?.[0])}, written by ${clash?.[1]}`,
      fix: 'give every cluster a name unique in the app (cluster names are folder names; gitops and balancer are taken), or use a TopologyApp per topology',
    });
  }
}

/** Files under `dir`, relative to it, with forward slashes. */
function listFiles(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'));
}
