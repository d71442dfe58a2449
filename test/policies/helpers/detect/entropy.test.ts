import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { normalizeKeyName } from '../../../../lib/credential-like';
import { classifyValue } from '../../../../policies/helpers/detect/classify-value';
import { entropyRatio, generatedValueKind, isIdentifierName, isRandomBytes, randomTokenKind, wordFraction } from '../../../../policies/helpers/detect/entropy';
import { parseFile, readFileAs } from '../../../../lib/scan/parse';

/** Deterministic bytes (SHA-256 in counter mode): the measurement is the same on every run. */
function bytesFrom(seed: string): (n: number) => Buffer {
  let counter = 0;
  return (n) => {
    const chunks: Buffer[] = [];
    for (let got = 0; got < n; got += 32) chunks.push(createHash('sha256').update(`${seed}:${counter++}`).digest());
    return Buffer.concat(chunks).subarray(0, n);
  };
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const pick = (alphabet: string, bytes: Buffer) => [...bytes].map((b) => alphabet[b % alphabet.length]).join('');

/** What generators of secrets print, and the share of their output the check must find. */
const GENERATORS: [string, (rand: (n: number) => Buffer) => string, number][] = [
  ['openssl rand -base64 32', (r) => r(32).toString('base64'), 0.96],
  ['openssl rand -base64 15 (20 characters)', (r) => r(15).toString('base64'), 0.88],
  ['openssl rand -hex 16', (r) => r(16).toString('hex'), 0.99],
  ['openssl rand -hex 32', (r) => r(32).toString('hex'), 0.99],
  ['pwgen -s 20 (letters and digits)', (r) => pick(ALNUM, r(20)), 0.88],
  ['pwgen -s 32', (r) => pick(ALNUM, r(32)), 0.96],
  ['24 printable characters', (r) => [...r(24)].map((b) => String.fromCharCode(33 + (b % 94))).join(''), 0.88],
  ['base64url of 32 bytes (access-key style)', (r) => r(32).toString('base64url'), 0.98],
];

describe('randomTokenKind', () => {
  it.each(GENERATORS)('finds what %s prints (10,000 samples)', (name, gen, recall) => {
    const rand = bytesFrom(name);
    let found = 0;
    for (let i = 0; i < 10_000; i++) if (randomTokenKind(gen(rand))) found++;
    expect(found / 10_000).toBeGreaterThanOrEqual(recall);
  });

  it.each([
    ['a UUID', '0b3c7f0e-9a51-4d2e-8f7a-2c6b1d9e4f30'],
    ['a digest with its algorithm', 'sha256:9a760dfce5c17d3b0f698d6de938b6374f1a5b1051b469108d1bdf0ebec6c814'],
    ['an image reference', 'ghcr.io/example/app@sha256:9a760dfce5c17d3b0f698d6de938b6374f1a5b1051b469108d1bdf0ebec6c814'],
    ['a URL', 'https://vault.example.internal:8200/v1/secret/data/app'],
    ['a path', '/var/run/secrets/kubernetes.io/serviceaccount/token'],
    ['an identifier', 'ProvisioningStateSucceeded'],
    ['an identifier with a digit', 'NoUTF8EscapingWithSuffixes'],
    ['a kebab-case name', 'my-service-principal-client-id'],
    ['a sentence', 'rotate this every ninety days'],
    ['a regular expression', '(^0|([0-9]*[.])?[0-9]+(KiB|MiB|GiB|TiB|PiB|EiB|B))$'],
    ['one-line JSON', '{"logLevel":"info","replicas":3,"flags":["a1","b2"]}'],
    ['a dotted host', 'prometheus-k8s.monitoring.svc.cluster.local'],
    ['a short password', 'Xk9#mQ2!vL'],
    ['hex without digits', 'deadbeefcafebabefacefeeddeadbeef'],
  ])('ignores %s', (_what, value) => {
    expect(randomTokenKind(value)).toBeUndefined();
  });

  it('measures entropy relative to what the length and alphabet allow', () => {
    expect(entropyRatio('abababababababababab', 64)).toBeLessThan(0.3);
    expect(entropyRatio(ALNUM.slice(0, 40), 64)).toBeCloseTo(1, 5);
    expect(wordFraction('OPTIONALxFIELDxxxBase64xCertxString==')).toBeGreaterThan(0.6);
  });

  it('takes short runs of random bytes for raw keys, not files', () => {
    const rand = bytesFrom('bytes');
    expect(isRandomBytes(rand(32))).toBe(true);
    expect(isRandomBytes(rand(12))).toBe(false);
    expect(isRandomBytes(rand(4096))).toBe(false);
    expect(isRandomBytes(Buffer.alloc(32, 7))).toBe(false);
  });

  it('knows names that say a value is an identifier or a digest', () => {
    for (const n of ['checksum', 'checksum/config', 'config-hash', 'image_digest', 'tenant-id', 'trash_ids', 'uid']) expect(isIdentifierName(normalizeKeyName(n)), n).toBe(true);
    for (const n of ['k', 'config', 'value', 'android', 'paid']) expect(isIdentifierName(normalizeKeyName(n)), n).toBe(false);
  });
});

/**
 * Every string of the real-world corpus (values and keys), judged as if it sat under a neutral key
 * in a Secret. What the check flags is exactly this reviewed list: the Secret values are true
 * credentials (the reviewed findings of test/scan/false-positives.test.ts); the rest sit outside
 * Secrets, where the check never runs, and show its limits: a random record id and a hex cluster
 * id look like keys, a cipher spec like a token.
 */
const CORPUS_FLAGGED = [
  // In Secret data: true findings.
  'kubernetes__examples/_archived/persistent-volume-provisioning/rbd/ceph-secret-admin.yaml#/data/key',
  'kubernetes__examples/_archived/persistent-volume-provisioning/rbd/ceph-secret-user.yaml#/data/key',
  'kubernetes__examples/_archived/volumes/azure_file/secret/azure-secret.yaml#/data/azurestorageaccountkey',
  'kubernetes__examples/_archived/volumes/cephfs/secret/ceph-secret.yaml#/stringData/key',
  'kubernetes__examples/_archived/volumes/rbd/secret/ceph-secret.yaml#/data/key',
  // Outside Secrets.
  'external-secrets__external-secrets/docs/snippets/keepersecurity-external-secret.yaml#/spec/data/0/remoteRef/key',
  'external-secrets__external-secrets/docs/snippets/keepersecurity-external-secret.yaml#/spec/data/1/remoteRef/key',
  'external-secrets__external-secrets/docs/snippets/keepersecurity-external-secret.yaml#/spec/dataFrom/0/extract/key',
  'kubernetes__examples/_archived/persistent-volume-provisioning/glusterfs/glusterfs-storageclass.yaml#/parameters/clusterid',
  'kubernetes__examples/databases/cassandra/image/files/cassandra.yaml#/transparent_data_encryption_options/cipher',
];

describe('randomTokenKind on the real-world corpus', () => {
  it('flags exactly the reviewed strings among every string of the corpus', () => {
    const corpus = join(__dirname, '..', '..', '..', 'corpora', 'realworld');
    const flagged = new Set<string>();
    let strings = 0;
    const files = (readdirSync(corpus, { recursive: true }) as string[]).filter((f) => /\.(ya?ml|json)$/.test(f)).map((f) => f.replace(/\\/g, '/'));
    for (const path of files) {
      const text = readFileSync(join(corpus, path), 'utf8');
      if (text.length > 1_048_576) continue; // as the scanner: over maxFileSize
      const read = readFileAs(path, text);
      if (!read || read.kind === 'helm-template') continue;
      for (const doc of parseFile({ path, kind: read.kind, text: read.text }).docs) {
        const stack: [unknown, string, string][] = [[doc.value, '', '']];
        while (stack.length > 0) {
          const [v, pointer, name] = stack.pop()!;
          if (typeof v === 'string') {
            strings++;
            if (isIdentifierName(normalizeKeyName(name)) || classifyValue(v).kind !== 'literal') continue;
            if (generatedValueKind(v)) flagged.add(`${path}#${pointer}`);
          } else if (Array.isArray(v)) v.forEach((x, i) => stack.push([x, `${pointer}/${i}`, name]));
          else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) stack.push([x, `${pointer}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`, k], [k, pointer, '']);
        }
      }
    }
    expect(strings).toBeGreaterThan(100_000);
    expect([...flagged].sort()).toEqual([...CORPUS_FLAGGED].sort());
  });
});
