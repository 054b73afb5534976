/**
 * Synthesizes every example into dist/<example>/ (or $CDK8S_OUTDIR). Every example is
 * constructed before any is written, and output goes to a staging folder that replaces
 * dist/ only when all succeeded: a failed validation leaves dist/ as it was.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import { chatSuiteBaseline } from './chat-suite-baseline';
import { chatSuiteMultiCluster } from './chat-suite-multi-cluster';
import { chatSuiteThreeDc } from './chat-suite-three-dc';
import { contactCentreHaDr } from './contact-centre-ha-dr';
import { firebackupCache } from './firebackup-cache';
import { firebackupDatabase } from './firebackup-database';
import { firebackupMultiReplica } from './firebackup-multi-replica';

/** Each example builds its own App into the folder it is given. */
export const EXAMPLES: Readonly<Record<string, (outdir: string) => App>> = {
  'chat-suite-baseline': chatSuiteBaseline,
  'chat-suite-multi-cluster': chatSuiteMultiCluster,
  'chat-suite-three-dc': chatSuiteThreeDc,
  'contact-centre-ha-dr': contactCentreHaDr,
  'firebackup-cache': firebackupCache,
  'firebackup-database': firebackupDatabase,
  'firebackup-multi-replica': firebackupMultiReplica,
};

/** Synthesizes every example under `outdir`, all or nothing. */
export function synthExamples(outdir: string, examples = EXAMPLES): string[] {
  const staging = `${outdir}.staging`;
  fs.rmSync(staging, { recursive: true, force: true });
  try {
    const apps = Object.entries(examples).map(([name, build]) => build(path.join(staging, name)));
    for (const app of apps) app.synth();
    fs.rmSync(outdir, { recursive: true, force: true });
    fs.renameSync(staging, outdir);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
  return Object.keys(examples);
}

if (require.main === module) {
  const outdir = process.env.CDK8S_OUTDIR ?? 'dist';
  const names = synthExamples(outdir);
  // eslint-disable-next-line no-console
  console.log(`synthesized ${names.length} examples into ${outdir}/: ${names.join(', ')}`);
}
