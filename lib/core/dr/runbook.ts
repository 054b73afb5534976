/**
 * The runbook of an active/passive topology as data: failover (the active site is lost),
 * failback (the old site returns as a standby and takes over again with no loss) and the
 * planned switchover a drill runs, each step with its command, how to verify it and how long
 * the budget gives it. The commands come from a {@link RunbookTarget}: `kubectl` ones for the
 * clusters, local ones for the drill that executes the same steps against real servers.
 */
import { formatSeconds, RecoveryBudget } from './budget';
import { RunbookStep } from '../intents';
import { archiveRestoreCommand, WalGArchiveLocation } from '../postgres/patroni-config';
import { seconds } from '../units';

/** What the runbook needs to know of a topology. */
export interface DrRunbookSpec {
  readonly topology: string;
  readonly namespace: string;
  readonly activeSite: string;
  readonly sites: readonly { readonly name: string; readonly clusters: readonly { readonly name: string; readonly folder: string }[] }[];
  readonly postgres?: {
    /** Patroni scope (cluster name). */
    readonly scope: string;
    readonly members: number;
    /** Whether the active site replicates synchronously inside itself. */
    readonly synchronous: boolean;
    /** Per site: the cluster that runs it, the host its primary is exposed on, the slot it uses as a standby. */
    readonly sites: Readonly<Record<string, {
      readonly cluster: string; readonly primaryHost: string; readonly primaryPort: number; readonly slot: string;
      readonly archive?: WalGArchiveLocation;
    }>>;
    /** Whether every site archives WAL and takes base backups. */
    readonly archived: boolean;
  };
  readonly redis?: { readonly name: string; readonly cacheOnly: boolean; readonly sites: Readonly<Record<string, string>> };
  /** Services at 0 replicas on a passive site. */
  readonly stoppedServices: readonly string[];
  readonly services: readonly { readonly name: string; readonly healthPath?: string }[];
  readonly traffic: { readonly kind: string; readonly host: string; readonly service: string; readonly manual?: string };
  readonly gitOps: { readonly tool: 'argo-cd' | 'flux'; readonly repoURL: string; readonly branch: string };
  readonly objectStorage: readonly { readonly name: string; readonly buckets: readonly string[]; readonly replicated: boolean }[];
  /** Secrets that must hold the same values on every site. */
  readonly sharedSecrets: readonly string[];
  /** True when external-secrets keeps them in step. */
  readonly secretsSynced: boolean;
  readonly budget: RecoveryBudget;
  /**
   * The operations sections: what to do when each alert fires, and how to restore the database
   * to a point in time.
   */
  readonly operations?: { readonly alerts: readonly RunbookStep[]; readonly restore: readonly RunbookStep[] };
}

/** How a step is carried out where the topology runs: each returns a shell command. */
export interface RunbookTarget {
  /** patronictl against a running member of the site's database. */
  patronictl(site: string, args: string): string;
  /** SQL on the site's primary (or standby leader), printing the result. */
  sql(site: string, statement: string): string;
  /** Marks the site's database a standby of the `source` site in its own DCS, with no member running. */
  setStandbyInDcs(site: string, source: string): string;
  /** Stops the site's database members and keeps them stopped. */
  stopDatabase(site: string): string;
  /** Starts the site's database members. */
  startDatabase(site: string): string;
  /** Re-clones the site's members that do not stream from their leader. */
  reinitDiverged(site: string): string;
  /** Cuts the site off: no traffic reaches it, and its database takes no writes. */
  fence(site: string): string;
  /** Ends the fence once the site runs as a standby. */
  unfence(site: string): string;
  /** Applies `activeSite` = `active` everywhere through GitOps. */
  activate(active: string): string;
  /** Succeeds once the services stopped while passive run on the site. */
  checkServices(site: string): string;
  /** Succeeds once clients reach the site. */
  checkTraffic(site: string): string;
}

/** The runbook, as data and as Markdown. */
export interface Runbook {
  /** The active site is lost: make the first standby site active. */
  readonly failover: readonly RunbookStep[];
  /** The old active site returns as a standby of the new one, then takes over again with no loss. */
  readonly failback: readonly RunbookStep[];
  /** A planned switch to a standby site with no loss: what a drill (game day) runs. */
  readonly switchover: readonly RunbookStep[];
  readonly markdown: string;
}

/** Behind by less than this, a standby has caught up: the switchover's read-only wait covers the rest. */
export const CAUGHT_UP_BYTES = 16 * 1024 * 1024;

/** Bytes the standby site replaying through `slot` is behind the primary (nothing when it is not connected). */
function replayLagSql(slot: string): string {
  return 'SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), r.replay_lsn) FROM pg_stat_replication r '
    + `JOIN pg_replication_slots s ON s.active_pid = r.pid WHERE s.slot_name = '${slot}'`;
}

/**
 * The runbook of a topology, with the commands of `target`.
 *
 * @param diagram Mermaid text of the topology, placed in the runbook
 */
export function renderRunbook(spec: DrRunbookSpec, target: RunbookTarget, diagram?: string): Runbook {
  const from = spec.activeSite;
  const to = spec.sites.find((s) => s.name !== from)!.name;
  const failover = failoverSteps(spec, target, from, to);
  const failback = failbackSteps(spec, target, from, to);
  const switchover = switchoverSteps(spec, target, from, to);
  return { failover, failback, switchover, markdown: renderMarkdown(spec, { failover, failback, switchover }, from, to, diagram) };
}

/** The active site `from` is lost; `to` becomes active. */
export function failoverSteps(spec: DrRunbookSpec, target: RunbookTarget, from: string, to: string): RunbookStep[] {
  const siteLoss = spec.budget.scenarios.find((s) => s.scenario === 'site loss');
  const budgeted = (prefix: string) => {
    const item = siteLoss?.rto.find((i) => i.step.startsWith(prefix));
    return item?.seconds != null ? seconds(item.seconds) : undefined;
  };
  const pg = spec.postgres;
  const others = spec.sites.map((s) => s.name).filter((s) => s !== from && s !== to);
  const steps: RunbookStep[] = [
    {
      title: `Decide that ${from} is lost`,
      command: `# the site alert fired: ${from} does not answer from ${to} nor from outside; confirm with the people on site`,
      why: 'an unreachable site may still be running: failing over from a site that is alive splits the data',
      verify: `nothing of ${from} answers (its API servers, its load balancers)`,
      expectedDuration: budgeted('Decide'),
    },
    {
      title: `Fence ${from}`,
      command: target.fence(from),
      why: `if ${from} comes back on its own it must take no writes and no traffic: two primaries accepting writes split the data`,
      verify: `no client reaches ${from}, and its database does not run`,
      expectedDuration: budgeted('Fence'),
    },
  ];
  if (pg) {
    steps.push(
      {
        title: `See how far ${to} is behind`,
        command: target.patronictl(to, 'list'),
        why: 'the lag shown is what this failover gives up (the RPO)',
        verify: `${to} has a Standby Leader in state streaming or running`,
      },
      {
        title: `Promote the database on ${to}`,
        command: target.patronictl(to, 'edit-config --force --set standby_cluster=null'),
        why: 'Patroni promotes the standby leader once standby_cluster leaves the dynamic configuration, and the other members follow it',
        verify: target.sql(to, 'SELECT pg_is_in_recovery()'),
        expectedDuration: budgeted(`Promote ${pg.scope}`),
      },
      ...synchronousStep(pg, target, to),
    );
    for (const other of others) {
      steps.push({
        title: `Keep WAL for ${other} on ${to}, and re-point ${other} at ${to}`,
        command: `${target.patronictl(to, `edit-config --force --set slots.${pg.sites[other].slot}.type=physical`)} && `
          + target.patronictl(other, `edit-config --force ${followArgs(pg, to, other)}`),
        why: `${other} replicated from ${from}; it must follow the new primary, which keeps the WAL it needs`,
        verify: target.patronictl(other, 'list'),
      });
    }
  }
  steps.push({
    title: `Make ${to} the active site in the topology`,
    command: target.activate(to),
    why: 'one field flips every role: standby services start, the standby configuration of every site follows the new primary, DNS names the new primary site',
    verify: target.checkServices(to),
    expectedDuration: budgeted('GitOps applies'),
  });
  steps.push({
    title: `Check clients reach ${to}`,
    command: target.checkTraffic(to),
    why: spec.traffic.kind === 'manual' ? `switch ${spec.traffic.manual} to ${to} now` : `${trafficWords(spec.traffic.kind)} moves traffic once ${from} fails its health checks`,
    verify: `${spec.traffic.host} answers from ${to}`,
    expectedDuration: budgeted(spec.traffic.kind === 'manual' ? 'Switch traffic' : 'Traffic moves'),
  });
  if (pg?.archived) {
    steps.push({
      title: `Check ${to} takes base backups`,
      command: target.patronictl(to, 'list'),
      why: `${to} archives to its own location from now on; its backup loop takes a base backup as soon as it is primary`,
      verify: `wal-g backup-list on ${to} shows a backup taken after the promotion`,
    });
  }
  return steps;
}

/** `from` was lost and `to` took over; `from` returns as a standby of `to`, then takes over again with no loss. */
export function failbackSteps(spec: DrRunbookSpec, target: RunbookTarget, from: string, to: string): RunbookStep[] {
  const pg = spec.postgres;
  const steps: RunbookStep[] = [{
    title: `Keep ${from} fenced until it runs the new roles`,
    command: target.fence(from),
    why: `${from} restarts with what it ran before the loss; until GitOps applied the flip there, it would act as the active site`,
    verify: `GitOps reports ${from} synced to the commit that made ${to} active`,
  }];
  if (pg) {
    steps.push(
      {
        title: `Mark ${from}'s database a standby of ${to} before it starts`,
        command: `${target.stopDatabase(from)} && ${target.patronictl(to, `edit-config --force --set slots.${pg.sites[from].slot}.type=physical`)} && `
          + target.setStandbyInDcs(from, to),
        why: `otherwise ${from}'s old leader key survives and it is primary again within seconds, taking writes ${to} never sees, on the same timeline number`,
        verify: `${from}'s DCS holds standby_cluster pointing at ${pg.sites[to].primaryHost}`,
      },
      {
        title: `Start ${from}'s database as a standby of ${to}`,
        command: target.startDatabase(from),
        why: 'Patroni rewinds the old leader with pg_rewind (use_pg_rewind) so it follows the new timeline',
        verify: target.patronictl(from, 'list'),
      },
      {
        title: `Re-clone the members of ${from} that stayed diverged`,
        command: target.reinitDiverged(from),
        why: 'Patroni rewinds the old leader but not its replicas: a replica still on the old timeline is copied again',
        verify: target.patronictl(from, 'list'),
      },
      {
        title: `Wait until ${from} has caught up`,
        command: target.sql(to, replayLagSql(pg.sites[from].slot)),
        why: 'a switch back is only lossless from a standby that is current; the switchover waits for the last bytes itself',
        verify: `${from} is connected through its slot and less than ${CAUGHT_UP_BYTES / 1024 / 1024} MB behind`,
      },
    );
  }
  steps.push({ title: `End the fence of ${from}`, command: target.unfence(from), why: `${from} now runs as a standby and may receive replication and health checks`, verify: target.patronictl(from, 'list') });
  steps.push(...switchoverSteps(spec, target, to, from));
  return steps;
}

/**
 * A planned switch from `from` (active) to `to` with no acknowledged write lost: `from` is made
 * read-only while still primary, `to` replays its last position, and only then are they swapped.
 * Demoting first would strand WAL on `from` that `to` can no longer read.
 */
export function switchoverSteps(spec: DrRunbookSpec, target: RunbookTarget, from: string, to: string): RunbookStep[] {
  const pg = spec.postgres;
  const steps: RunbookStep[] = [];
  if (pg) {
    steps.push(
      {
        title: `Make ${from} read-only`,
        command: target.patronictl(from, 'edit-config --force --set postgresql.parameters.default_transaction_read_only=on'),
        why: 'writes stop on the primary while it still serves replication, so the standby can receive every acknowledged one',
        verify: target.sql(from, 'SHOW default_transaction_read_only'),
      },
      {
        title: `Wait until ${to} has replayed ${from}'s last position`,
        command: `${target.sql(from, 'SELECT pg_current_wal_lsn()')} && ${target.sql(to, 'SELECT pg_last_wal_replay_lsn()')}`,
        why: `${to} must hold every write ${from} acknowledged before it is promoted`,
        verify: 'the two positions are equal',
      },
      {
        title: `Promote ${to}`,
        command: target.patronictl(to, 'edit-config --force --set standby_cluster=null'),
        why: `${to} becomes the writable copy`,
        verify: target.sql(to, 'SELECT pg_is_in_recovery()'),
      },
      ...synchronousStep(pg, target, to),
      {
        title: `Make ${from} a standby of ${to}`,
        command: `${target.patronictl(to, `edit-config --force --set slots.${pg.sites[from].slot}.type=physical`)} && `
          + target.patronictl(from, `edit-config --force ${followArgs(pg, to, from)}`),
        why: `${from} follows ${to} from the position it stopped at: no rewind, no re-clone`,
        verify: target.patronictl(from, 'list'),
      },
      {
        title: `Remove the read-only setting from ${from}`,
        command: target.patronictl(from, 'edit-config --force --set postgresql.parameters.default_transaction_read_only=null'),
        why: 'left behind, it would make the site refuse every write after a later promotion',
        verify: target.sql(from, 'SHOW default_transaction_read_only'),
      },
    );
  }
  steps.push(
    { title: `Make ${to} the active site in the topology`, command: target.activate(to), why: 'the flip applies the roles everywhere', verify: target.checkServices(to) },
    { title: `Check clients reach ${to}`, command: target.checkTraffic(to), why: 'the switch is done when clients are served', verify: `${spec.traffic.host} answers from ${to}` },
  );
  return steps;
}

/**
 * Synchronous replication inside the new active site, once it writes: a separate change, since
 * one made with the promotion delays it by a Patroni loop.
 */
function synchronousStep(pg: NonNullable<DrRunbookSpec['postgres']>, target: RunbookTarget, site: string): RunbookStep[] {
  if (!pg.synchronous) return [];
  return [{
    title: `Replicate synchronously inside ${site} again`,
    command: target.patronictl(site, 'edit-config --force --set synchronous_mode=true'),
    why: 'a standby cluster replicates asynchronously; as the active site it confirms each commit on a second member again',
    verify: target.patronictl(site, 'list'),
  }];
}

/** patronictl arguments that make `follower` a standby of `leader`: its host, the slot kept for it, its archive. */
function followArgs(pg: NonNullable<DrRunbookSpec['postgres']>, leader: string, follower: string): string {
  const archive = pg.sites[leader].archive;
  return [
    // A standby cluster replicates asynchronously from the other site.
    '--set synchronous_mode=false',
    `--set standby_cluster.host=${pg.sites[leader].primaryHost}`,
    `--set standby_cluster.port=${pg.sites[leader].primaryPort}`,
    `--set standby_cluster.primary_slot_name=${pg.sites[follower].slot}`,
    ...(archive && pg.archived ? [`--set 'standby_cluster.restore_command=${archiveRestoreCommand(archive)}'`] : []),
  ].join(' ');
}

function trafficWords(kind: string): string {
  return kind === 'k8gb' ? 'k8gb' : kind === 'route53' ? 'Route 53 failover routing' : 'the balancer (standby clusters are its backup servers)';
}

function renderSteps(steps: readonly RunbookStep[]): string {
  return steps.map((step, i) => [
    `${i + 1}. ${step.anchor ? `<a id="${step.anchor}"></a>` : ''}**${step.title}**${step.expectedDuration ? ` (budget: ${formatSeconds(step.expectedDuration.toMilliseconds() / 1000)})` : ''}`,
    '',
    '   ```sh',
    ...step.command.split('\n').map((line) => `   ${line}`),
    '   ```',
    '',
    `   Why: ${step.why}`,
    '',
    `   Verify: ${step.verify?.includes(' -- ') || step.verify?.startsWith('kubectl') ? `\`${step.verify}\`` : step.verify ?? 'the command succeeds'}`,
  ].join('\n')).join('\n\n');
}

function renderMarkdown(
  spec: DrRunbookSpec, steps: { failover: readonly RunbookStep[]; failback: readonly RunbookStep[]; switchover: readonly RunbookStep[] },
  from: string, to: string, diagram: string | undefined,
): string {
  const site = (name: string) => spec.sites.find((s) => s.name === name)!;
  const lines = [
    `# ${spec.topology}: runbook`,
    '',
    `Generated from the topology code. Active site: **${from}**; standby: ${spec.sites.filter((s) => s.name !== from).map((s) => `**${s.name}**`).join(', ')}.`,
    `Namespace \`${spec.namespace}\` on every cluster; manifests from ${spec.gitOps.repoURL} (branch \`${spec.gitOps.branch}\`, ${spec.gitOps.tool === 'argo-cd' ? 'Argo CD' : 'Flux'}).`,
    '',
    '| site | clusters (folder) | role |',
    '| --- | --- | --- |',
    ...spec.sites.map((s) => `| ${s.name} | ${s.clusters.map((c) => `${c.name} (\`${c.folder}/\`)`).join(', ')} | ${s.name === from ? 'active' : 'standby'} |`),
    '',
    ...(diagram ? ['```mermaid', diagram.trimEnd(), '```', '', `The same diagram, laid out: [${spec.topology}.svg](${spec.topology}.svg).`, ''] : []),
    '## Before an incident',
    '',
    `- Every site holds the same values in these Secrets: ${spec.sharedSecrets.map((n) => `\`${n}\``).join(', ')}.`
      + (spec.secretsSynced ? ' external-secrets keeps them in step (an ExternalSecret per Secret on every cluster).' : ' Nothing syncs them: check them before every drill.'),
    ...(spec.postgres ? [`- Each site's primary is exposed at its own name: ${Object.entries(spec.postgres.sites).map(([s, p]) => `${s} \`${p.primaryHost}\``).join(', ')}; the standby sites replicate from the active one through it, with a permanent slot each.`] : []),
    ...(spec.redis ? [`- Redis \`${spec.redis.name}\` runs once per site and is not replicated: after a failover the new site starts ${spec.redis.cacheOnly ? 'with an empty cache' : 'without the jobs queued on the lost site'}.`] : []),
    ...spec.objectStorage.map((o) => `- Object store \`${o.name}\` (${o.buckets.join(', ')}): ${o.replicated ? 'replicated to the other sites' : 'not replicated: a lost site loses its objects'}.`),
    ...(spec.stoppedServices.length ? [`- On a standby site these run at 0 replicas until it is activated: ${spec.stoppedServices.map((s) => `\`${s}\``).join(', ')}.`] : []),
    '',
    '## Recovery budget',
    '',
    budgetSection(spec.budget),
    `## Failover: ${from} is lost, ${to} takes over`,
    '',
    renderSteps(steps.failover),
    '',
    `## Failback: ${from} returns and takes over again`,
    '',
    `${site(from).name} comes back as a standby of ${to}, catches up, and the roles are switched back with no acknowledged write lost.`,
    '',
    renderSteps(steps.failback),
    '',
    `## Drill: planned switchover from ${from} to ${to}`,
    '',
    'Run it on a schedule: it proves the standby can take over, with no loss, and leaves the topology with the roles swapped (run it again to switch back).',
    '',
    renderSteps(steps.switchover),
    '',
    ...(spec.operations && spec.operations.alerts.length > 0 ? [
      '## Alerts',
      '',
      'Each alert of the PrometheusRule links here (`runbook_url`); its threshold follows from the targets above.',
      '',
      renderSteps(spec.operations.alerts),
      '',
    ] : []),
    ...(spec.operations && spec.operations.restore.length > 0 ? [
      `## Restore and point-in-time recovery on ${from}`,
      '',
      'For data destroyed by a mistake (a dropped table, a bad migration): replication copies the mistake to every site, the archive does not.',
      '',
      renderSteps(spec.operations.restore),
      '',
    ] : []),
  ];
  return lines.join('\n');
}

function budgetSection(budget: RecoveryBudget): string {
  const lines = [
    `Worst case: **RTO ${formatSeconds(budget.worstRtoSeconds)}**, **RPO ${budget.worstRpoSeconds === null ? 'unbounded' : formatSeconds(budget.worstRpoSeconds)}**.`,
    '',
    '| scenario | RTO | RPO | how the RTO adds up |',
    '| --- | --- | --- | --- |',
    ...budget.scenarios.map((s) => `| ${s.scenario} | ${formatSeconds(s.rtoSeconds)} | ${s.rpoSeconds === null ? 'unbounded' : formatSeconds(s.rpoSeconds)} | ${s.rtoRule} |`),
    '',
  ];
  const siteLoss = budget.scenarios.find((s) => s.scenario === 'site loss');
  if (siteLoss) {
    lines.push('Site loss, step by step:', '', '| step | worst case | basis |', '| --- | --- | --- |');
    for (const item of [...siteLoss.rto, ...siteLoss.rpo.map((i) => ({ ...i, step: `data lost: ${i.step}` }))]) {
      lines.push(`| ${item.step} | ${item.seconds === null ? 'unbounded' : formatSeconds(item.seconds)} | ${item.basis.replace(/\|/g, '\\|')} |`);
    }
    lines.push('');
  }
  return lines.join('\n');
}
