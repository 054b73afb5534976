/**
 * The metrics exporters beside the data servers, and what they read: postgres_exporter with one
 * query of this library's own (when the last base backup finished), and redis_exporter for Redis
 * and Sentinel. The images are pinned; the alert rules (alert-rules.ts) name their metrics.
 */
import * as YAML from 'yaml';
import { deepFreeze } from '../private/deep-freeze';

/** Exporter images, ports and the setting the backup loop records its last success in. */
export const EXPORTER_DEFAULTS = deepFreeze({
  postgresImage: 'quay.io/prometheuscommunity/postgres-exporter:v0.17.1',
  postgresPort: 9187,
  redisImage: 'oliver006/redis_exporter:v1.67.0',
  redisPort: 9121,
  /** Small: each answers one scrape at a time. */
  cpuRequest: '20m',
  cpuLimit: '200m',
  memoryMebibytes: 64,
  /** Where Prometheus runs: the namespace admitted on the metrics ports. */
  monitoringNamespace: 'monitoring',
} as const);

/**
 * A database-level setting of the `postgres` database that the backup loop sets to the epoch
 * second of each successful base backup: replicated with the data, restored with it, readable by
 * the exporter, and no table in the user's schemas.
 */
export const LAST_BASE_BACKUP_SETTING = 'hadr.last_base_backup';

/** SQL that records a successful base backup now (run by the backup loop on the primary). */
export function recordBaseBackupSql(): string {
  return `ALTER DATABASE postgres SET ${LAST_BASE_BACKUP_SETTING} = '$(date +%s)'`;
}

/** SQL that reads the epoch second of the last base backup, 0 when none was recorded. */
export function lastBaseBackupSql(): string {
  return 'SELECT coalesce(max(split_part(c, \'=\', 2)::float8), 0) AS last_success_timestamp_seconds '
    + 'FROM pg_db_role_setting s CROSS JOIN LATERAL unnest(s.setconfig) AS c '
    + `WHERE c LIKE '${LAST_BASE_BACKUP_SETTING}=%'`;
}

/**
 * postgres_exporter's extra queries file: `hadr_base_backup_last_success_timestamp_seconds`.
 *
 * @see https://github.com/prometheus-community/postgres_exporter#adding-new-metrics-via-a-config-file-deprecated
 */
export function renderPostgresExporterQueries(): string {
  return YAML.stringify({
    hadr_base_backup: {
      query: lastBaseBackupSql(),
      master: true,
      metrics: [{ last_success_timestamp_seconds: { usage: 'GAUGE', description: 'Epoch second the last base backup finished (0: none)' } }],
    },
  }, { lineWidth: 0 });
}
