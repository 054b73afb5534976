/**
 * Every drill `npm run drill` runs, in the order bench/drills.json and docs/drills.md list them.
 * A new scenario is a new module exporting a `Drill`, added here (and nowhere else).
 */
import { patroniFailoverDrill } from './patroni-drill';
import { patroniPartitionDrill } from './patroni-partition-drill';
import { pitrRestoreDrill } from './pitr-restore-drill';
import { redisFailoverDrill } from './redis-drill';
import { redisPartitionDrill } from './redis-partition-drill';
import { redisPlannedDrill } from './redis-planned-drill';
import { siteLossDrill } from './site-loss-drill';
import { Drill } from './support/drill-results';

export const DRILLS: readonly Drill[] = [
  patroniFailoverDrill,
  patroniPartitionDrill,
  redisFailoverDrill,
  redisPartitionDrill,
  redisPlannedDrill,
  siteLossDrill,
  pitrRestoreDrill,
];
