/**
 * The recovery budget: the worst-case RTO and RPO of a design, computed from its real knobs
 * (Patroni ttl and loop_wait, Sentinel down-after, probe periods, DNS health-check interval and
 * TTL, GitOps sync, the decision time a team declares), scenario by scenario, and checked
 * against the targets. Plain data in, plain data out: the Kubernetes constructs and the cloud
 * side build the same {@link RecoveryBudgetSpec} from their own knobs.
 */
import { HadrError } from '../errors';

/** One line of a budget: what takes time (or loses data), how much at worst, and why. */
export interface BudgetItem {
  /** What happens, e.g. `Patroni promotes the standby leader`. */
  readonly step: string;
  /** Worst-case seconds; `null` when nothing bounds it. */
  readonly seconds: number | null;
  /** Where the number comes from: the knobs and the arithmetic, or the measurement. */
  readonly basis: string;
}

/** How clients are moved to the standby site. */
export interface TrafficSwitch {
  /** What switches traffic, e.g. `Route 53 failover records`. */
  readonly what: string;
  /**
   * True when it moves traffic by itself on a failed health check (DNS failover, k8gb, a
   * balancer's backup servers), in parallel with the promotion; false when a person switches it
   * after the standby site is active.
   */
  readonly automatic: boolean;
  /** Seconds from the failure until the switch happens (automatic), or the switch takes (manual). */
  readonly switchSeconds: number;
  /** Seconds clients keep the old answer after the switch (DNS TTL); 0 for a balancer. */
  readonly cacheSeconds: number;
  /** The arithmetic behind `switchSeconds` and `cacheSeconds`. */
  readonly basis: string;
}

/** How a site loss is recovered. */
export interface SiteLossPlan {
  /**
   * Seconds from the failure to the decision to fail over: the alert, paging, and a person
   * confirming the site is lost. A site failover is never automatic here: an unreachable site
   * may still be running.
   */
  readonly decisionSeconds: number;
  /** Promotion of each standby database, in order; they run one after another in the runbook. */
  readonly promotions: readonly BudgetItem[];
  /** Activating the standby site: GitOps applying the flipped roles, services starting. */
  readonly activation: readonly BudgetItem[];
  readonly traffic: TrafficSwitch;
}

/** What losing one copy of a data component costs. */
export interface DataLossSpec {
  /** Component name, e.g. `postgres`. */
  readonly name: string;
  /** `synchronous`: nothing acknowledged is lost; `asynchronous`: up to the lag; `none`: all of it. */
  readonly replication: 'synchronous' | 'asynchronous' | 'none';
  /** Longest lag behind the writable copy, for asynchronous replication; undefined when unbounded. */
  readonly maxLagSeconds?: number;
  /** Where the lag bound comes from. */
  readonly basis: string;
  /**
   * Why losing it is acceptable (a cache that is rebuilt): then it does not count in the RPO.
   * @default - it counts
   */
  readonly lossAccepted?: string;
}

/** A failure inside one site that a component fails over from by itself. */
export interface InSiteFailover {
  /** The scenario, e.g. `database primary lost`. */
  readonly scenario: string;
  /** Worst-case outage items, in order. */
  readonly rto: readonly BudgetItem[];
  /** What an acknowledged write loses, at worst. */
  readonly rpo: readonly BudgetItem[];
}

/** Everything the budget reads. */
export interface RecoveryBudgetSpec {
  /** The targets, in seconds; absent ones are not checked. */
  readonly targets: { readonly rtoSeconds?: number; readonly rpoSeconds?: number };
  /** Failures inside a site (a database primary, a Redis primary, a pod). */
  readonly inSite: readonly InSiteFailover[];
  /** Site loss; absent for a design of one site. */
  readonly siteLoss?: SiteLossPlan;
  /** What a site loss costs each data component. */
  readonly siteLossData?: readonly DataLossSpec[];
}

/** One scenario's worst case. */
export interface ScenarioBudget {
  readonly scenario: string;
  /** Worst-case outage in seconds. */
  readonly rtoSeconds: number;
  /** Worst-case loss of acknowledged data, as seconds of writes; `null` when unbounded. */
  readonly rpoSeconds: number | null;
  readonly rto: readonly BudgetItem[];
  readonly rpo: readonly BudgetItem[];
  /** How the RTO items combine, in words. */
  readonly rtoRule: string;
}

/** The budget of a design. */
export interface RecoveryBudget {
  readonly scenarios: readonly ScenarioBudget[];
  /** The largest outage over all scenarios. */
  readonly worstRtoSeconds: number;
  /** The largest loss over all scenarios; `null` when one is unbounded. */
  readonly worstRpoSeconds: number | null;
  readonly targets: RecoveryBudgetSpec['targets'];
  /** One sentence per target the design cannot meet; empty when it meets them all. */
  readonly shortfalls: readonly string[];
}

/** Seconds a human takes to decide a site is lost, when the team does not say. */
export const DEFAULT_DECISION_SECONDS = 300;

/**
 * Worst case of a design, scenario by scenario.
 *
 * A site loss costs the longer of two paths that run at once: the traffic switch (for an
 * automatic one: detection plus the clients' cache), and the decision, the promotions and the
 * activation, one after the other. A switch made by hand comes after the activation instead.
 *
 * @example
 * // decision 300 s; Patroni promotion loop_wait 10 + 2 s; GitOps sync 60 s + startup 30 s;
 * // Route 53: 3 checks x 10 s + TTL 60 s = 90 s (automatic, in parallel)
 * // site loss RTO = max(90, 300 + 12 + 60 + 30) = 402 s
 * computeBudget(spec).scenarios.find((s) => s.scenario === 'site loss')!.rtoSeconds; // 402
 */
export function computeBudget(spec: RecoveryBudgetSpec): RecoveryBudget {
  const scenarios: ScenarioBudget[] = spec.inSite.map((failover) => ({
    scenario: failover.scenario,
    rto: failover.rto,
    rpo: failover.rpo,
    rtoSeconds: sum(failover.rto),
    rpoSeconds: rpoOf(failover.rpo),
    rtoRule: 'one after another',
  }));
  if (spec.siteLoss) scenarios.push(siteLossScenario(spec.siteLoss, spec.siteLossData ?? []));
  const worstRtoSeconds = Math.max(0, ...scenarios.map((s) => s.rtoSeconds));
  const rpos = scenarios.map((s) => s.rpoSeconds);
  const worstRpoSeconds = rpos.includes(null) ? null : Math.max(0, ...(rpos as number[]));
  return { scenarios, worstRtoSeconds, worstRpoSeconds, targets: spec.targets, shortfalls: shortfalls(spec, scenarios) };
}

/**
 * Throws a HadrError naming `path`, the target and the breakdown when the design cannot meet
 * its targets.
 */
export function checkBudget(path: string, budget: RecoveryBudget): void {
  if (budget.shortfalls.length === 0) return;
  throw new HadrError({
    path,
    field: 'targets',
    value: { rtoSeconds: budget.targets.rtoSeconds, rpoSeconds: budget.targets.rpoSeconds },
    problem: `cannot be met by this design: ${budget.shortfalls.join('; ')}.\n${renderBudgetText(budget)}\n`,
    fix: 'shorten the steps that dominate (decision time, DNS TTL and health checks, timing profiles), change the replication, or relax the target',
  });
}

/** The budget as a Markdown section: one table per scenario, the worst case and the targets. */
export function renderBudgetMarkdown(budget: RecoveryBudget): string {
  const lines = [
    `Worst case over every scenario: **RTO ${formatSeconds(budget.worstRtoSeconds)}**, **RPO ${formatRpo(budget.worstRpoSeconds)}**`
      + ` (targets: RTO ${budget.targets.rtoSeconds === undefined ? 'none' : formatSeconds(budget.targets.rtoSeconds)},`
      + ` RPO ${budget.targets.rpoSeconds === undefined ? 'none' : formatSeconds(budget.targets.rpoSeconds)}).`,
    '',
  ];
  for (const scenario of budget.scenarios) {
    lines.push(`#### ${capitalize(scenario.scenario)}: RTO ${formatSeconds(scenario.rtoSeconds)}, RPO ${formatRpo(scenario.rpoSeconds)}`, '');
    lines.push(`RTO items (${scenario.rtoRule}):`, '', '| step | worst case | basis |', '| --- | --- | --- |');
    for (const item of scenario.rto) lines.push(`| ${cell(item.step)} | ${formatRpo(item.seconds)} | ${cell(item.basis)} |`);
    lines.push('', 'RPO items (the largest counts):', '', '| data | worst loss | basis |', '| --- | --- | --- |');
    for (const item of scenario.rpo) lines.push(`| ${cell(item.step)} | ${formatRpo(item.seconds)} | ${cell(item.basis)} |`);
    lines.push('');
  }
  return lines.join('\n');
}

/** The budget as plain text, for error messages. */
export function renderBudgetText(budget: RecoveryBudget): string {
  return budget.scenarios.map((s) => [
    `  ${s.scenario}: RTO ${formatSeconds(s.rtoSeconds)} (${s.rtoRule}), RPO ${formatRpo(s.rpoSeconds)}`,
    ...s.rto.map((i) => `    rto  ${formatRpo(i.seconds).padStart(8)}  ${i.step} (${i.basis})`),
    ...s.rpo.map((i) => `    rpo  ${formatRpo(i.seconds).padStart(8)}  ${i.step} (${i.basis})`),
  ].join('\n')).join('\n');
}

/** `402 s (6 min 42 s)`, or `12 s`. */
export function formatSeconds(seconds: number): string {
  const rounded = Math.round(seconds * 10) / 10;
  if (rounded < 60) return `${rounded} s`;
  const minutes = Math.floor(rounded / 60);
  const rest = Math.round((rounded - minutes * 60) * 10) / 10;
  return `${rounded} s (${minutes} min${rest ? ` ${rest} s` : ''})`;
}

function formatRpo(seconds: number | null): string {
  return seconds === null ? 'unbounded' : formatSeconds(seconds);
}

function siteLossScenario(plan: SiteLossPlan, data: readonly DataLossSpec[]): ScenarioBudget {
  const decision: BudgetItem = {
    step: 'Decide the site is lost', seconds: plan.decisionSeconds,
    basis: plan.decisionSeconds === DEFAULT_DECISION_SECONDS ? 'the default allowance for the alert, paging and a person confirming' : 'declared decision time',
  };
  const chain = [decision, ...plan.promotions, ...plan.activation];
  const traffic = plan.traffic;
  const trafficItem: BudgetItem = {
    step: `${traffic.automatic ? 'Traffic moves by itself' : 'Switch traffic'}: ${traffic.what}`,
    seconds: traffic.switchSeconds + traffic.cacheSeconds,
    basis: traffic.basis,
  };
  const chainSeconds = sum(chain);
  const rtoSeconds = traffic.automatic ? Math.max(chainSeconds, trafficItem.seconds!) : chainSeconds + trafficItem.seconds!;
  const rpo: BudgetItem[] = data.map((d) => ({
    step: d.name,
    seconds: d.lossAccepted !== undefined ? 0 : d.replication === 'synchronous' ? 0 : d.replication === 'asynchronous' ? d.maxLagSeconds ?? null : null,
    basis: d.lossAccepted !== undefined ? `not counted: ${d.lossAccepted}` : d.basis,
  }));
  return {
    scenario: 'site loss',
    rto: [...chain, trafficItem],
    rpo,
    rtoSeconds,
    rpoSeconds: rpoOf(rpo),
    rtoRule: traffic.automatic
      ? `the longer of the traffic switch (${formatSeconds(trafficItem.seconds!)}) and the other steps one after another (${formatSeconds(chainSeconds)})`
      : 'one after another, the traffic switch last',
  };
}

function shortfalls(spec: RecoveryBudgetSpec, scenarios: readonly ScenarioBudget[]): string[] {
  const found: string[] = [];
  const { rtoSeconds, rpoSeconds } = spec.targets;
  for (const s of scenarios) {
    if (rtoSeconds !== undefined && s.rtoSeconds > rtoSeconds) {
      const traffic = s.rto.find((i) => i.step.startsWith('Traffic moves by itself') || i.step.startsWith('Switch traffic'));
      const floor = traffic && traffic.seconds! > rtoSeconds
        ? ` (the traffic switch alone takes ${formatSeconds(traffic.seconds!)}: ${traffic.basis})` : '';
      found.push(`the ${s.scenario} takes up to ${formatSeconds(s.rtoSeconds)}, over the RTO of ${formatSeconds(rtoSeconds)}${floor}`);
    }
    if (rpoSeconds !== undefined) {
      for (const item of s.rpo) {
        if (item.seconds === null) {
          found.push(`the ${s.scenario} can lose all of ${item.step} that was not yet copied (${item.basis}), and the RPO is ${formatSeconds(rpoSeconds)}`);
        } else if (item.seconds > rpoSeconds) {
          found.push(`the ${s.scenario} can lose ${formatSeconds(item.seconds)} of ${item.step} (${item.basis}), over the RPO of ${formatSeconds(rpoSeconds)}`);
        }
      }
    }
  }
  return found;
}

function sum(items: readonly BudgetItem[]): number {
  return Math.round(items.reduce((total, item) => total + (item.seconds ?? 0), 0) * 1000) / 1000;
}

function rpoOf(items: readonly BudgetItem[]): number | null {
  return items.some((i) => i.seconds === null) ? null : Math.max(0, ...items.map((i) => i.seconds as number));
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
