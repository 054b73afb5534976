import {
  checkDataKey, checkEnvFieldPath, checkGeneratedNameLength, checkInt32, isDnsSubdomain, qualifiedNameProblem,
} from '../../../lib/core/validation/kubernetes';
import { hadrErrorMessage } from '../../support/errors';

describe('Kubernetes syntax', () => {
  it('accepts the keys the API server accepts, and only those', () => {
    for (const key of ['tier', 'example.com/team', 'a.b-c_d', `${'a'.repeat(253)}/x`.replace(/^a{253}/, `${'a'.repeat(63)}.${'b'.repeat(63)}`)]) {
      expect([key, qualifiedNameProblem(key)]).toEqual([key, undefined]);
    }
    for (const key of ['', '/x', 'Example.com/x', 'a/b/c', '-a', 'a-', `${'a'.repeat(64)}`, 'a b', 'x/']) expect(qualifiedNameProblem(key)).toBeDefined();
  });

  it('reads Secret names as DNS subdomains and keys as keys', () => {
    expect(isDnsSubdomain('app.credentials-1')).toBe(true);
    for (const name of ['App', 'a_b', 'a..b', '.a', `${'a'.repeat(254)}`]) expect(isDnsSubdomain(name)).toBe(false);
    for (const key of ['password', '.env', 'tls.crt', 'a_b-c']) expect(() => checkDataKey('p', 'k', key)).not.toThrow();
    for (const key of ['.', '..', '..x', 'a/b', 'a b', '']) expect(() => checkDataKey('p', 'k', key)).toThrow();
  });

  it('takes only the fieldRef paths the downward API gives an environment variable', () => {
    for (const path of ['metadata.name', 'status.podIP', 'status.podIPs', "metadata.labels['app.kubernetes.io/name']", "metadata.annotations['x']"]) {
      expect(() => checkEnvFieldPath('p', 'f', path)).not.toThrow();
    }
    for (const path of ['metadata.labels', 'status.podIp', 'spec.containers[0].image', "metadata.labels['a b']", 'metadata.name ']) {
      expect(() => checkEnvFieldPath('p', 'f', path)).toThrow();
    }
  });

  it('keeps numbers in the int32 range the fields have', () => {
    expect(hadrErrorMessage(() => checkInt32('p', 'replicas', 2 ** 31, 1, 'use 3'))).toBe(
      'p: replicas must be a whole number from 1 to 2147483647 (a Kubernetes int32) (got 2147483648); use 3');
    expect(() => checkInt32('p', 'replicas', 2 ** 31 - 1, 1, 'use 3')).not.toThrow();
  });

  it('measures a name with every suffix the construct adds', () => {
    expect(hadrErrorMessage(() => checkGeneratedNameLength('p', 'name', 'a'.repeat(55), [{ suffix: '-failover', limit: 63, what: "Patroni's Endpoints" }]))).toBe(
      `p: name must be at most 54 characters: Patroni's Endpoints "<name>-failover" must stay within 63 (got "${'a'.repeat(55)}"); use a shorter name, e.g. "${'a'.repeat(54)}"`);
  });
});
