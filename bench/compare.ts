/**
 * The check that makes the benchmark fair: both variants wrote the same objects, apart from the
 * fields the cdk8s-plus-27 `k8s` classes cannot hold.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { expectedObjects } from './benchmark-doc';
import { comparable } from './synth-workload';

/** Every object written under `dir`, in a stable order. */
function readObjects(dir: string): any[] {
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.k8s.yaml'))
    .sort()
    .flatMap((f) => YAML.parseAllDocuments(fs.readFileSync(path.join(dir, f), 'utf8')).map((d) => ({ folder: path.dirname(f), object: d.toJSON() })))
    .map(({ folder, object }) => ({ key: `${folder}/${object.kind}/${object.metadata?.name}`, object: sortKeys(comparable(object)) }))
    .sort((a, b) => a.key.localeCompare(b.key));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]));
  }
  return value;
}

/** Throws unless both variants wrote the same objects (apart from the fields the `k8s` classes cannot hold). */
export function checkSameObjects(hadrDir: string, plainDir: string, services: number, clusters: number): number {
  const hadr = readObjects(hadrDir);
  const plain = readObjects(plainDir);
  const expected = expectedObjects(services, clusters);
  if (hadr.length !== plain.length || hadr.length !== expected) {
    throw new Error(`object counts differ: hadr-constructs ${hadr.length}, k8s classes ${plain.length}, expected ${expected}`);
  }
  hadr.forEach((h, i) => {
    if (h.key !== plain[i].key || JSON.stringify(h.object) !== JSON.stringify(plain[i].object)) {
      throw new Error(`objects differ at ${h.key} / ${plain[i].key}:\n${YAML.stringify(h.object)}\n---\n${YAML.stringify(plain[i].object)}`);
    }
  });
  return hadr.length;
}

