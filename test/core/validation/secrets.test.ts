import { checkArgsHoldNoCredential, findCredential, isSecretName } from '../../../lib/core/validation/secrets';
import { hadrErrorMessage } from '../../support/errors';

describe('finding credentials', () => {
  it.each([
    ['postgres://app:pw@db/x', 'a password in a URL', 'postgres://app:<redacted>@db/x'],
    ['redis://:pw@cache:6379', 'a password in a URL', 'redis://:<redacted>@cache:6379'],
    ['HTTPS://token@git.example.com/a.git', 'user info in an https URL, where a token is sent as the user', 'HTTPS://<redacted>@git.example.com/a.git'],
    ['git+https://x-token@h/a.git', 'user info in an git+https URL, where a token is sent as the user', 'git+https://<redacted>@h/a.git'],
    ['https://h/x?access_token=abc', "a secret in a URL's query (access_token)", 'https://h/x?access_token=<redacted>'],
    ['s3://b/p?X-Amz-Signature=abc', "a secret in a URL's query (X-Amz-Signature)", 's3://b/p?X-Amz-Signature=<redacted>'],
    ['host=db PASSWORD = pw', 'a PASSWORD= setting', 'host=db PASSWORD=<redacted>'],
    ["host=db password='p w'", 'a password= setting', 'host=db password=<redacted>'],
    ['Authorization: Bearer abcdefghijklmnop', 'an Authorization header value (Bearer)', 'Authorization: Bearer <redacted>'],
    ['key AKIAIOSFODNN7EXAMPLE', 'an AWS access key id', 'key <redacted>'],
    ['-----BEGIN RSA PRIVATE KEY-----\nabc\n-----END RSA PRIVATE KEY-----', 'a private key', '<redacted>'],
  ])('finds the credential in %j', (value, what, redacted) => {
    expect(findCredential(value)).toEqual({ what, redacted });
  });

  it.each([
    'postgres://app@db', 'postgres://app:$(DB_PASSWORD)@db', 'ssh://git@git.example.com/a.git', 'git@github.com:a/b.git',
    'host=db password=$(PGPASSWORD)', 'https://h/x?token=${TOKEN}', 'https://git.example.com/a.git', 'passive', 'password-file=/run/x',
  ])('finds none in %j', (value) => {
    expect(findCredential(value)).toBeUndefined();
  });

  it('tells a name that holds a credential from one that points at it', () => {
    for (const name of ['password', 'DB_PASSWORD', 'PGPASSWORD', 'REDIS_PASS', 'auth-pass', 'AUTH-PASS', 'tls-key-file-pass', 'masterauth', 'requirepass', 'apiKey', 'client_secret', '--token']) {
      expect([name, isSecretName(name)]).toEqual([name, true]);
    }
    for (const name of ['--password-file', 'PASSWORD_FILE', 'PGPASSFILE', 'tls-key-file', 'tls-auth-clients', 'masteruser', 'bypass', 'passive', '--token-ttl', 'secretName']) {
      expect([name, isSecretName(name)]).toEqual([name, false]);
    }
  });

  it('refuses a credential passed as an argument, inline, as the next argument or inside a script', () => {
    const message = (args: string[]) => hadrErrorMessage(() => checkArgsHoldNoCredential('shop/api', 'service.args', args, 'use a Secret'));
    expect(message(['--password=hunter2'])).toBe(
      'shop/api: service.args[0] passes a credential to --password in clear: it would be written into the manifest and shown by ps (got "--password=<redacted>"); use a Secret');
    expect(message(['-pass', 'pass:hunter2'])).toBe(
      'shop/api: service.args[1] passes a credential to -pass in clear: it would be written into the manifest and shown by ps (got "<redacted>"); use a Secret');
    expect(message(['sh', '-c', 'exec app --api-key abc'])).toBe(
      'shop/api: service.args[2] passes a credential to --api-key in clear: it would be written into the manifest and shown by ps (got "<redacted>"); use a Secret');
    for (const args of [['--password=$(DB_PASSWORD)'], ['--password', '$(DB_PASSWORD)'], ['-pass', 'env:PASS'], ['--password-file=/run/secrets/pw'], ['sh', '-c', 'app --pass "$PASS"']]) {
      expect(() => checkArgsHoldNoCredential('shop/api', 'service.args', args, 'fix')).not.toThrow();
    }
  });
});
