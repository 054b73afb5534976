import { Testing } from 'cdk8s';
import { DisruptionBudget, MultiReplica, QueueTrigger } from '../../lib';
import { findObject, synthValid } from '../support/schema';

const worker = (queue: QueueTrigger, autoscale: { min: number; max: number } = { min: 2, max: 20 }) => ({
  name: 'worker', image: 'ghcr.io/acme/worker:1.4.2', ports: [{ name: 'metrics', port: 9100 }], healthPath: '/ready',
  autoscale: { ...autoscale, queue },
});
const backups = QueueTrigger.redisList({ address: 'redis-primary:6379', list: 'bull:backups:waiting', perReplica: 5 });

describe('MultiReplica scaling on a queue', () => {
  it('writes a schema-valid KEDA ScaledObject on the Redis list beside CPU, in place of the HPA', () => {
    const chart = Testing.chart();
    const workload = new MultiReplica(chart, 'worker', { service: { ...worker(backups) } });
    const objects = synthValid(chart);
    const scaled = findObject(objects, 'ScaledObject', 'worker');
    expect(objects.some((o) => o.kind === 'HorizontalPodAutoscaler')).toBe(false);
    expect(workload.scaledObject).toBeDefined();
    expect(scaled.spec).toMatchObject({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'worker' },
      minReplicaCount: 2,
      maxReplicaCount: 20,
      triggers: [
        { type: 'cpu', metricType: 'Utilization', metadata: { value: '70' } },
        { type: 'redis', metadata: { address: 'redis-primary:6379', listName: 'bull:backups:waiting', listLength: '5' } },
      ],
    });
  });

  it('scales up at once and down slowly, as the HPA does', () => {
    const chart = Testing.chart();
    new MultiReplica(chart, 'worker', { service: { ...worker(backups) } });
    const behavior = findObject(synthValid(chart), 'ScaledObject', 'worker').spec.advanced.horizontalPodAutoscalerConfig.behavior;
    expect(behavior.scaleUp).toEqual({ stabilizationWindowSeconds: 0, policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] });
    expect(behavior.scaleDown).toEqual({ stabilizationWindowSeconds: 300, policies: [{ type: 'Percent', value: 10, periodSeconds: 60 }] });
  });

  it('scales on a RabbitMQ queue with the connection from the container\'s environment', () => {
    const chart = Testing.chart();
    const queue = QueueTrigger.rabbitmq({ queue: 'outbound-calls', hostFromEnv: 'AMQP_URL', perReplica: 20 });
    new MultiReplica(chart, 'worker', { service: { ...worker(queue) } });
    expect(findObject(synthValid(chart), 'ScaledObject', 'worker').spec.triggers[1]).toEqual({
      type: 'rabbitmq', metadata: { queueName: 'outbound-calls', mode: 'QueueLength', value: '20', hostFromEnv: 'AMQP_URL' },
    });
  });

  it('refuses a maximum below the PodDisruptionBudget\'s minAvailable + 1: a drain would block at full scale', () => {
    const chart = Testing.chart();
    expect(() => new MultiReplica(chart, 'worker', {
      service: { ...worker(backups, { min: 2, max: 4 }) }, disruptionBudget: DisruptionBudget.minAvailable(4),
    })).toThrow(
      "worker: service.autoscale.max must be at least the PodDisruptionBudget's minAvailable + 1 (5): at 4 replicas no pod could be evicted and a drain blocks (got 4); use max: 5 or more, or a smaller minAvailable",
    );
  });

  it('refuses a queue that is not a QueueTrigger, and a trigger with a bad setting', () => {
    const chart = Testing.chart();
    expect(() => new MultiReplica(chart, 'worker', { service: { ...worker({ type: 'redis' } as any) } })).toThrow(
      'worker: service.autoscale.queue must be a QueueTrigger (got {"type":"redis"}); use QueueTrigger.redisList({...}) or QueueTrigger.rabbitmq({...})',
    );
    expect(() => QueueTrigger.redisList({ address: 'redis-primary', list: 'jobs', perReplica: 5 })).toThrow(
      'QueueTrigger.redisList: address must be host:port of the Redis primary (got "redis-primary"); use e.g. \'redis-primary:6379\'',
    );
    expect(() => QueueTrigger.rabbitmq({ queue: 'jobs', hostFromEnv: 'AMQP_URL', perReplica: 0 })).toThrow(
      'QueueTrigger.rabbitmq: perReplica must be a whole number of at least 1 (got 0); use e.g. 5',
    );
  });
});
