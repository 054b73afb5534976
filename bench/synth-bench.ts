/**
 * `npm run bench`: synthesis with hadr-constructs against the same objects written directly
 * with the cdk8s-plus-27 `k8s` classes, for 10, 100 and 1000 services on 1 and 3 clusters. Each
 * variant runs in a process of its own (bench/synth-workload.ts), paired in one run and in
 * alternating order; each figure is the fastest of `--runs` runs (a shared CPU only ever adds
 * time), the median is kept beside it. Checks that both write the same
 * objects, then writes bench/results.json and docs/benchmark.md.
 *
 *   npm run bench -- [--services 10,100,1000] [--clusters 1,3] [--runs 5]
 *
 * Rows of 100 services or fewer run three times as often: they are short, and a shared CPU
 * disturbs a short run more.
 *
 * The library runs as users get it: compiled to build/ (compiled first), reached by its package name.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BENCHMARK_DOC, BenchmarkResults, renderBenchmarkDoc, RESULTS_FILE, SynthRow } from './benchmark-doc';
import { checkSameObjects } from './compare';

const REPO = path.join(__dirname, '..');

interface Sample {
  readonly wallSeconds: number;
  readonly cpuSeconds: number;
  readonly peakRssMb: number;
}

function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : fallback;
}

function numbers(name: string, fallback: string): number[] {
  const values = option(name, fallback).split(',').map(Number);
  if (values.some((v) => !Number.isInteger(v) || v < 1)) throw new Error(`--${name} must list whole numbers, e.g. ${fallback}`);
  return values;
}

/**
 * The environment of a workload process: without the tsconfig this script runs with (tsx hands
 * its `--tsconfig` down as TSX_TSCONFIG_PATH), so 'hadr-constructs' resolves to the compiled
 * package (build/), not to the sources.
 */
const WORKLOAD_ENV = Object.fromEntries(Object.entries({ ...process.env, CDK8S_CHECK_UPGRADE: 'false' }).filter(([key]) => !key.startsWith('TSX_')));

/** One synthesis in a fresh process, through the compiled package. */
function runWorkload(variant: 'hadr' | 'plain', services: number, clusters: number, outdir: string): Sample {
  // tsx's CommonJS hook compiles the workload in this thread, at load, before the clock starts.
  const output = execFileSync(process.execPath, ['--require', 'tsx/cjs', path.join('bench', 'synth-workload.ts'), variant, String(services), String(clusters), outdir], {
    cwd: REPO, encoding: 'utf8', env: WORKLOAD_ENV, maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(output.trim().split('\n').pop()!);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const round = (value: number, digits: number) => Number(value.toFixed(digits));

function measureRow(services: number, clusters: number, runs: number, log: (line: string) => void): SynthRow {
  const samples: Record<'hadr' | 'plain', Sample[]> = { hadr: [], plain: [] };
  let objects = 0;
  for (let run = 0; run < runs; run++) {
    const order = run % 2 === 0 ? (['hadr', 'plain'] as const) : (['plain', 'hadr'] as const);
    const dirs: Record<string, string> = {};
    for (const variant of order) {
      dirs[variant] = fs.mkdtempSync(path.join(os.tmpdir(), `hadr-bench-${variant}-`));
      samples[variant].push(runWorkload(variant, services, clusters, path.join(dirs[variant], 'dist')));
    }
    if (run === 0) objects = checkSameObjects(path.join(dirs.hadr, 'dist'), path.join(dirs.plain, 'dist'), services, clusters);
    for (const dir of Object.values(dirs)) fs.rmSync(dir, { recursive: true, force: true });
    log(`  run ${run + 1}: hadr ${samples.hadr[run].cpuSeconds.toFixed(2)} s CPU, plain ${samples.plain[run].cpuSeconds.toFixed(2)} s CPU`);
  }
  const cpu = (variant: 'hadr' | 'plain') => Math.min(...samples[variant].map((s) => s.cpuSeconds));
  const medianCpu = (variant: 'hadr' | 'plain') => median(samples[variant].map((s) => s.cpuSeconds));
  const wall = (variant: 'hadr' | 'plain') => Math.min(...samples[variant].map((s) => s.wallSeconds));
  const rss = (variant: 'hadr' | 'plain') => median(samples[variant].map((s) => s.peakRssMb));
  return {
    services,
    clusters,
    objects,
    hadrSeconds: round(cpu('hadr'), 4),
    plainSeconds: round(cpu('plain'), 4),
    ratio: round(cpu('hadr') / cpu('plain'), 3),
    hadrMedianSeconds: round(medianCpu('hadr'), 4),
    plainMedianSeconds: round(medianCpu('plain'), 4),
    hadrPeakRssMb: round(rss('hadr'), 1),
    plainPeakRssMb: round(rss('plain'), 1),
    hadrWallSeconds: round(wall('hadr'), 4),
    plainWallSeconds: round(wall('plain'), 4),
    wallRatio: round(wall('hadr') / wall('plain'), 3),
  };
}

function versionOf(pkg: string): string {
  return JSON.parse(fs.readFileSync(path.join(REPO, 'node_modules', pkg, 'package.json'), 'utf8')).version;
}

function main(): void {
  const serviceCounts = numbers('services', '10,100,1000');
  const clusterCounts = numbers('clusters', '1,3');
  const runs = numbers('runs', '5')[0];
  const log = (line: string) => console.log(line);

  execFileSync(path.join(REPO, 'node_modules', '.bin', 'tsc'), ['--build'], { cwd: REPO, stdio: 'inherit' });
  const loadBefore = os.loadavg()[0];
  const measured: SynthRow[] = [];
  for (const services of serviceCounts) {
    for (const clusters of clusterCounts) {
      log(`${services} services on ${clusters} cluster(s):`);
      const row = measureRow(services, clusters, services <= 100 ? runs * 3 : runs, log);
      measured.push(row);
      log(`  ${row.objects} objects, ratio ${row.ratio} (fastest CPU), ${round(row.hadrMedianSeconds / row.plainMedianSeconds, 3)} (median CPU), `
        + `${row.wallRatio} (wall), peak RSS ${row.hadrPeakRssMb} / ${row.plainPeakRssMb} MB`);
    }
  }
  const loadAfter = os.loadavg()[0];

  // A subset run replaces its own rows and keeps the others.
  const previous: SynthRow[] = fs.existsSync(RESULTS_FILE) ? JSON.parse(fs.readFileSync(RESULTS_FILE, 'utf8')).synth : [];
  const sameRow = (a: SynthRow, b: SynthRow) => a.services === b.services && a.clusters === b.clusters;
  const synth = [...previous.filter((p) => !measured.some((m) => sameRow(m, p))), ...measured]
    .sort((a, b) => a.services - b.services || a.clusters - b.clusters);
  const cpus = os.cpus();
  const results: BenchmarkResults = {
    synth,
    measuredOn: `${cpus.length} vCPU (${cpus[0]?.model.trim()}), Node ${process.version}, cdk8s ${versionOf('cdk8s')}, `
      + `cdk8s-plus-27 ${versionOf('cdk8s-plus-27')}; ${runs * 3} runs per variant for 100 services or fewer, `
      + `${runs} for more, ${new Date().toISOString().slice(0, 10)}`,
    note: `the CPU was shared with other work during the run (1-minute load average ${loadBefore.toFixed(1)} at the start, `
      + `${loadAfter.toFixed(1)} at the end, on ${cpus.length} vCPUs), so wall seconds are noisy; CPU seconds measure the work each `
      + 'variant did and are what the ratio compares. Peak RSS is the median over the runs.',
  };
  fs.writeFileSync(RESULTS_FILE, `${JSON.stringify(results, null, 2)}\n`);
  fs.mkdirSync(path.dirname(BENCHMARK_DOC), { recursive: true });
  fs.writeFileSync(BENCHMARK_DOC, renderBenchmarkDoc(results));
  log(`\nwritten to ${path.relative(REPO, RESULTS_FILE)} and ${path.relative(REPO, BENCHMARK_DOC)}`);
}

main();
