import { describe, expect, it } from 'vitest';
import { classifyValue } from '../../../../policies/helpers/detect/classify-value';
import { decodeBase64Data } from '../../../../policies/helpers/detect/base64';
import { pem, samples } from './samples';

const kind = (v: unknown, opts = {}) => classifyValue(v, opts).kind;
const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('classifyValue', () => {
  it.each([
    ['empty', ''],
    ['empty', '   '],
    ['empty', null],
    ['not-text', 42],
    ['not-text', true],
    ['templated', '{{ .Values.password }}'],
    ['templated', '${DB_PASSWORD}'],
    ['templated', '${CONTROLLER:=Deployment}'],
    ['templated', '$DB_PASSWORD'],
    ['templated', '$dbPassword'],
    ['templated', 'postgres://app:$DB_PASS@db/app'],
    ['templated', 'postgres://app:$(DB_PASSWORD)@db/app'],
    ['reference', 'op://vault/item/field'],
    ['reference', '<path:secret/data/app#password>'],
    ['reference', 'vault:secret/data/app#password'],
    ['reference', 'ref+vault://secret/app#/password'],
    ['reference', 'ENC[AES256_GCM,data:abc=,iv:x=,tag:y=,type:str]'],
    ['reference', 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:db'],
    ['placeholder', 'changeme'],
    ['placeholder', 'change-me-placeholder'],
    ['placeholder', '<your-token>'],
    ['placeholder', 'REPLACE_ME'],
    ['placeholder', 'INSERT_ETCD_DISCOVERY_TOKEN'],
    ['placeholder', 'xxx'],
    ['placeholder', 'TODO'],
    ['placeholder', 'example'],
    ['placeholder', '**access token goes here**'],
    ['placeholder', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'],
    ['placeholder', 'my-token'],
    ['placeholder', 'fake_password'],
    ['placeholder', 'yourpassword'],
    ['placeholder', '....'],
    ['placeholder', 'p-XXXX'],
    ['placeholder', pem('PRIVATE KEY', '<your-client-private-key>')],
    ['placeholder', b64('changeme-in-production')],
    ['public-material', pem('CERTIFICATE')],
    ['public-material', pem('PUBLIC KEY')],
    ['public-material', 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGt0cDqJk3o6Zp9gm2Lc7n5b8hY2Vw1m0a4o5vVqZ0bB ci'],
    ['unsigned-jwt', samples.jwtUnsigned],
    ['locator', 'postgres://db:5432/app'],
    ['locator', 'https://login.corp.internal/authorize'],
    ['locator', '/var/run/secrets/token'],
  ])('%s: %j', (expected, value) => {
    expect(kind(value)).toBe(expected);
  });

  it.each([
    ['a password', 'S3cr3tP@ss', 'a literal credential'],
    ['a toy password', 'demo', 'a literal credential'],
    ['a password that starts like a fill-in', 'INSERT_into-Pa55!', 'a literal credential'],
    ['a password with a dollar sign', 'Pa!$word9-x', 'a literal credential'],
    ['a private key', pem('RSA PRIVATE KEY'), 'a private key'],
    ['a token among text', `token = "${samples.github}"`, 'a GitHub token'],
    ['a token next to a template', `{{ default "${samples.github}" .Values.token }}`, 'a GitHub token'],
    ['a URL with a password', 'postgres://app:hunter2hunter2@db:5432/app', 'a connection string with an embedded password'],
    ['a URL with a token query', 'https://api.corp.internal/hook?token=abcdef123456', 'a URL with a credential in its query'],
  ])('literal: %s', (_what, value, material) => {
    expect(classifyValue(value)).toEqual({ kind: 'literal', material });
  });

  it('treats a URL as the secret when the name says so', () => {
    expect(kind('https://chat.internal/hooks/abc123def456')).toBe('locator');
    expect(classifyValue('https://chat.internal/hooks/abc123def456', { urlIsSecret: true })).toEqual({ kind: 'literal', material: 'a secret URL' });
  });
});

describe('decodeBase64Data', () => {
  it('decodes text and says when bytes are binary', () => {
    expect(decodeBase64Data(b64('hello'))).toEqual({ kind: 'text', text: 'hello' });
    expect(decodeBase64Data(Buffer.from([0xff, 0xfe, 0x00, 0x81]).toString('base64'))).toEqual({ kind: 'binary', bytes: 4 });
    expect(decodeBase64Data(`${b64('line one ')}\n`)).toEqual({ kind: 'text', text: 'line one ' });
  });

  it('refuses what is not base64', () => {
    for (const v of ['<BASE64_ENCODED_KEY>', 'abc', 'supersecretpassword', '...', '']) expect(decodeBase64Data(v)).toBeUndefined();
  });
});
