import * as fs from 'fs';
import * as path from 'path';
import { App, AppProps, Chart, ChartProps, Yaml, YamlOutputType } from 'cdk8s';
import { IConstruct } from 'constructs';
import { check, describeValue, HadrError } from '../core/errors';
import { kustomizationOf } from '../core/gitops/kustomization';

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

/** Written into every cluster folder beside the manifests. */
const KUSTOMIZATION = 'kustomization.yaml';

/**
 * Lists every file the last synth wrote, so the next one knows the output folder holds nothing
 * else before it replaces it. A dot file: no user path (lowercase segments) can take its name.
 */
const OUTPUT_MANIFEST = '.hadr-constructs-output.json';

/** The TopologyApp each folder's App belongs to, so `TopologyApp.of` works from inside a cluster chart. */
const PARENT = new WeakMap<IConstruct, TopologyApp>();

/**
 * A cdk8s App for topologies that span several clusters: each cluster's chart is written into
 * its own folder (`<outdir>/<cluster>/`) with a `kustomization.yaml` listing its files, so
 * Argo CD, Flux and `kubectl kustomize` all render exactly that cluster; topologies add files
 * beside the manifests (the topology summary, the balancer's haproxy.cfg).
 *
 * Each folder is synthesized by a cdk8s App of its own with this app's `yamlOutputType`,
 * `outputFileExtension` and `resolvers`, so every output option behaves as cdk8s documents it,
 * inside the folder. Each folder's App is one cluster: objects created once per cluster (the
 * PriorityClass) are created once per folder.
 *
 * `synth()` serializes every chart once, into a staging folder beside `outdir`, and replaces
 * `outdir` with it only when everything validated and rendered: a failure leaves `outdir` as
 * it was, and a file of a removed object never lingers where a kustomization would deploy it.
 * It never deletes what it did not write: `outdir` must be missing, empty, or hold only the
 * files the previous synth listed in `.hadr-constructs-output.json`; anything else is refused.
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
    const app = TopologyApp.tryOf(scope);
    const root = scope.node.root;
    check(app !== undefined, {
      path: scope.node.path, field: 'scope',
      value: root.constructor?.name ?? root,
      problem: 'must be inside a TopologyApp, which writes each cluster into its own folder',
      fix: 'create the app with new TopologyApp({ outdir }) instead of new App()',
    });
    return app;
  }

  /** The TopologyApp `scope` belongs to, also from inside a folder's chart; undefined under a plain App. */
  public static tryOf(scope: IConstruct): TopologyApp | undefined {
    const root = scope.node.root;
    return root instanceof TopologyApp ? root : PARENT.get(root);
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
    check(!(this.yamlOutputType === YamlOutputType.FILE_PER_CHART && `${id}${this.outputFileExtension}` === KUSTOMIZATION), {
      path: owner.node.path, field: 'id', value: id,
      problem: `would name the chart's file ${KUSTOMIZATION}, which the folder's kustomization takes`, fix: 'give the construct another id',
    });
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
   * `kustomization.yaml`, and every added file, then replaces `outdir` with the result. Nothing
   * changes in `outdir` when any chart fails validation, any file fails to render, or `outdir`
   * holds files this app did not write.
   */
  public synth(): void {
    const outdir = path.resolve(this.outdir);
    this.checkOutdirHoldsOnlyOurs(outdir);
    fs.mkdirSync(path.dirname(outdir), { recursive: true });
    const staging = fs.mkdtempSync(path.join(path.dirname(outdir), `.${path.basename(outdir)}.staging-`));
    try {
      this.renderInto(staging);
      replaceFolder(outdir, staging);
    } finally {
      fs.rmSync(staging, { recursive: true, force: true });
    }
  }

  /** Synthesizes every app once into `staging`, refusing any file written twice. */
  private renderInto(staging: string): void {
    synthInto(this, staging, () => super.synth());
    for (const [folder, { app, owner }] of this.folders) {
      const dir = path.join(staging, folder);
      refuseTaken(staging, folder, owner, 'a chart added to the app directly');
      synthInto(app, dir, () => app.synth());
      const manifests = listFiles(dir);
      refuseTaken(dir, KUSTOMIZATION, owner, 'one of its charts', folder);
      // cdk8s's YAML writer, already warm from the manifests; the same text as renderKustomization.
      fs.writeFileSync(path.join(dir, KUSTOMIZATION), Yaml.stringify(kustomizationOf(manifests.filter((f) => f.endsWith(this.outputFileExtension)))));
    }
    for (const [file, { produce, owner }] of this.files) {
      const content = produce();
      refuseTaken(staging, file, owner, 'a chart');
      fs.mkdirSync(path.dirname(path.join(staging, file)), { recursive: true });
      fs.writeFileSync(path.join(staging, file), content);
    }
    const written = listFiles(staging);
    fs.writeFileSync(path.join(staging, OUTPUT_MANIFEST), `${JSON.stringify({ generator: 'hadr-constructs', files: written }, null, 2)}\n`);
  }

  /** Throws unless `outdir` is missing, empty, or holds only what the previous synth listed. */
  private checkOutdirHoldsOnlyOurs(outdir: string): void {
    if (!fs.existsSync(outdir)) return;
    check(fs.statSync(outdir).isDirectory(), {
      path: 'TopologyApp', field: 'outdir', value: this.outdir, problem: 'is a file, not a folder', fix: 'choose a folder for the output',
    });
    const ours = new Set(readOutputManifest(outdir));
    const foreign = listFiles(outdir).filter((f) => f !== OUTPUT_MANIFEST && !ours.has(f));
    check(foreign.length === 0, {
      path: 'TopologyApp', field: 'outdir', value: this.outdir,
      problem: `holds files this app did not write (${foreign.slice(0, 5).join(', ')}${foreign.length > 5 ? `, and ${foreign.length - 5} more` : ''}), `
        + 'which replacing the folder would delete',
      fix: 'choose an empty or new output folder, or move those files out of it',
    });
  }

  /** Throws unless `target` is a free relative path, neither inside nor around a claimed folder. */
  private checkPath(owner: IConstruct, target: string): void {
    check(typeof target === 'string' && RELATIVE_PATH.test(target) && target !== KUSTOMIZATION, {
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

/** Runs an App's own synth with its output redirected to `dir` (each chart serialized once). */
function synthInto(app: App, dir: string, synth: () => void): void {
  const writable = app as { outdir: string };
  const outdir = writable.outdir;
  writable.outdir = dir;
  try {
    synth();
  } finally {
    writable.outdir = outdir;
  }
}

/** Throws when `relative` under `dir` was already written by someone else. */
function refuseTaken(dir: string, relative: string, owner: string, writer: string, folder?: string): void {
  if (!fs.existsSync(path.join(dir, relative))) return;
  const shown = folder === undefined ? relative : `${folder}/${relative}`;
  throw new HadrError({
    path: owner, field: 'output path', value: shown,
    problem: `is also written by ${writer}`, fix: 'give the chart, cluster or file another name',
  });
}

/** Replaces `outdir` with `staging` by renames (atomic where both are on one filesystem). */
function replaceFolder(outdir: string, staging: string): void {
  if (!fs.existsSync(outdir)) {
    fs.renameSync(staging, outdir);
    return;
  }
  const previous = `${staging}.previous`;
  try {
    fs.renameSync(outdir, previous);
  } catch {
    // A mount point or the working directory cannot be moved: replace its content instead
    // (every file in it was checked to be ours).
    for (const entry of fs.readdirSync(outdir)) fs.rmSync(path.join(outdir, entry), { recursive: true, force: true });
    fs.cpSync(staging, outdir, { recursive: true });
    return;
  }
  try {
    fs.renameSync(staging, outdir);
  } catch (err) {
    fs.renameSync(previous, outdir);
    throw err;
  }
  fs.rmSync(previous, { recursive: true, force: true });
}

/** The files the previous synth listed, relative to `outdir`; empty without a readable list. */
function readOutputManifest(outdir: string): string[] {
  try {
    const manifest = JSON.parse(fs.readFileSync(path.join(outdir, OUTPUT_MANIFEST), 'utf8'));
    return Array.isArray(manifest?.files) ? manifest.files.filter((f: unknown) => typeof f === 'string') : [];
  } catch {
    return [];
  }
}

/** Files under `dir`, relative to it, with forward slashes, sorted. */
function listFiles(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => !entry.isDirectory())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .sort();
}
