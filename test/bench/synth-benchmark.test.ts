import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BENCHMARK_DOC, BenchmarkResults, expectedObjects, renderBenchmarkDoc, RESULTS_FILE } from '../../bench/benchmark-doc';
import { checkSameObjects } from '../../bench/compare';
import { synthHadr, synthPlain } from '../../bench/synth-workload';

const results: BenchmarkResults = JSON.parse(fs.readFileSync(RESULTS_FILE, 'utf8'));

describe('synthesis benchmark', () => {
  it.each([1, 3])('compares like with like: the k8s-class variant writes the same objects as hadr-constructs on %i cluster(s)', (clusters) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hadr-bench-'));
    try {
      synthHadr(3, clusters, path.join(dir, 'hadr'));
      synthPlain(3, clusters, path.join(dir, 'plain'));
      expect(checkSameObjects(path.join(dir, 'hadr'), path.join(dir, 'plain'), 3, clusters)).toBe(expectedObjects(3, clusters));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('docs/benchmark.md is the table generated from bench/results.json', () => {
    expect(fs.readFileSync(BENCHMARK_DOC, 'utf8')).toBe(renderBenchmarkDoc(results));
  });

  it('bench/results.json has every row, consistent with itself', () => {
    expect(results.synth.map((r) => `${r.services}x${r.clusters}`)).toEqual(['10x1', '10x3', '100x1', '100x3', '1000x1', '1000x3']);
    for (const row of results.synth) {
      expect(row.objects).toBe(expectedObjects(row.services, row.clusters));
      // Ratios come from the unrounded seconds: within 2% of the rounded ones.
      expect(Math.abs(row.ratio / (row.hadrSeconds / row.plainSeconds) - 1)).toBeLessThan(0.02);
      expect(Math.abs(row.wallRatio / (row.hadrWallSeconds / row.plainWallSeconds) - 1)).toBeLessThan(0.02);
      for (const figure of [row.hadrSeconds, row.plainSeconds, row.hadrPeakRssMb, row.plainPeakRssMb]) expect(figure).toBeGreaterThan(0);
      // The fastest run is no slower than the median one.
      expect(row.hadrSeconds).toBeLessThanOrEqual(row.hadrMedianSeconds);
      expect(row.plainSeconds).toBeLessThanOrEqual(row.plainMedianSeconds);
    }
  });

  it('meets the goal recorded in the committed run: hadr-constructs within 10% of the k8s classes from 100 services on', () => {
    expect(results.synth.filter((r) => r.services >= 100 && r.ratio > 1.10).map((r) => `${r.services}x${r.clusters}: ${r.ratio}`)).toEqual([]);
  });

  it('costs a small topology at most 50 ms of CPU more than the k8s classes (a fixed cost: resolving the topology, the summary)', () => {
    const over = results.synth.filter((r) => r.services < 100 && r.hadrSeconds - r.plainSeconds > 0.05);
    expect(over.map((r) => `${r.services}x${r.clusters}: ${r.hadrSeconds} s against ${r.plainSeconds} s`)).toEqual([]);
  });

  it('grows linearly: a service on a cluster costs no more at 1000 services than at 100', () => {
    const perUnit = (services: number, clusters: number) => {
      const row = results.synth.find((r) => r.services === services && r.clusters === clusters)!;
      return row.hadrSeconds / (services * clusters);
    };
    for (const clusters of [1, 3]) expect(perUnit(1000, clusters)).toBeLessThanOrEqual(perUnit(100, clusters) * 1.1);
  });
});
