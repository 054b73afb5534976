/**
 * What a queue-driven service scales on: a Redis list or a RabbitMQ queue, as a KEDA trigger,
 * and the backlog metric the queue alert reads. KEDA scales on the backlog beside CPU, so a
 * worker fleet grows with the work waiting, not only with the work in hand.
 *
 * @see https://keda.sh/docs/latest/scalers/redis-lists/
 * @see https://keda.sh/docs/latest/scalers/rabbitmq-queue/
 */
import { check } from '../errors';

/** An environment variable name as the container sees it. */
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A Redis list as a queue (Bull, Sidekiq, RQ keep their waiting jobs in one). */
export interface RedisListQueueOptions {
  /** `host:port` of the Redis primary, as the pods reach it (the primary proxy, a shared endpoint). */
  readonly address: string;
  /** The list's key, e.g. `bull:backups:waiting`. */
  readonly list: string;
  /** Items one replica is meant to hold: KEDA runs `ceil(length / perReplica)` replicas. */
  readonly perReplica: number;
  /**
   * Environment variable of the service's container that holds the Redis password.
   *
   * @default - no password
   */
  readonly passwordFromEnv?: string;
}

/** A RabbitMQ queue. */
export interface RabbitmqQueueOptions {
  /** The queue's name. */
  readonly queue: string;
  /** Environment variable of the service's container holding the AMQP URL (with its credentials). */
  readonly hostFromEnv: string;
  /** Messages one replica is meant to hold. */
  readonly perReplica: number;
}

/** A queue a service works off, for KEDA and the backlog alert. */
export class QueueTrigger {
  /** Scale on the length of a Redis list. */
  public static redisList(options: RedisListQueueOptions): QueueTrigger {
    const path = 'QueueTrigger.redisList';
    check(typeof options?.address === 'string' && /^[a-z0-9.-]+:\d{1,5}$/.test(options.address), {
      path, field: 'address', value: options?.address, problem: 'must be host:port of the Redis primary', fix: "use e.g. 'redis-primary:6379'",
    });
    check(typeof options.list === 'string' && options.list.length > 0 && !/\s/.test(options.list), {
      path, field: 'list', value: options.list, problem: 'must be a key without spaces', fix: "use e.g. 'bull:backups:waiting'",
    });
    checkPerReplica(path, options.perReplica);
    check(options.passwordFromEnv === undefined || (typeof options.passwordFromEnv === 'string' && ENV_NAME.test(options.passwordFromEnv)), {
      path, field: 'passwordFromEnv', value: options.passwordFromEnv, problem: 'must be an environment variable name', fix: "use e.g. 'REDIS_PASSWORD'",
    });
    return new QueueTrigger('redis', {
      address: options.address, listName: options.list, listLength: String(options.perReplica),
      ...(options.passwordFromEnv ? { passwordFromEnv: options.passwordFromEnv } : {}),
    }, options.perReplica, `redis_key_size{key="${options.list}"}`, options.list);
  }

  /** Scale on the messages ready in a RabbitMQ queue. */
  public static rabbitmq(options: RabbitmqQueueOptions): QueueTrigger {
    const path = 'QueueTrigger.rabbitmq';
    check(typeof options?.queue === 'string' && options.queue.length > 0 && !/[\s"]/.test(options.queue), {
      path, field: 'queue', value: options?.queue, problem: 'must be a queue name without spaces or quotes', fix: "use e.g. 'backups'",
    });
    check(typeof options.hostFromEnv === 'string' && ENV_NAME.test(options.hostFromEnv), {
      path, field: 'hostFromEnv', value: options.hostFromEnv, problem: 'must be an environment variable name', fix: "use e.g. 'AMQP_URL'",
    });
    checkPerReplica(path, options.perReplica);
    return new QueueTrigger('rabbitmq', {
      queueName: options.queue, mode: 'QueueLength', value: String(options.perReplica), hostFromEnv: options.hostFromEnv,
    }, options.perReplica, `rabbitmq_detailed_queue_messages_ready{queue="${options.queue}"}`);
  }

  private constructor(
    /** KEDA trigger type. */
    public readonly type: 'redis' | 'rabbitmq',
    /** KEDA trigger metadata. */
    public readonly metadata: Readonly<Record<string, string>>,
    /** Items one replica is meant to hold. */
    public readonly perReplica: number,
    /** PromQL selecting the backlog, for the queue alert. */
    public readonly backlogMetric: string,
    /** The Redis list's key, for the exporter to watch. */
    public readonly redisKey?: string,
  ) {}
}

function checkPerReplica(path: string, value: unknown): void {
  check(typeof value === 'number' && Number.isInteger(value) && value >= 1, {
    path, field: 'perReplica', value, problem: 'must be a whole number of at least 1', fix: 'use e.g. 5',
  });
}
