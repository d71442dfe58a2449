import { describe, expect, it } from 'vitest';
import { describeHits, findTokens, UNBROKEN_TOKEN_HINT } from '../../../../policies/helpers/detect/token-formats';
import { pem, samples } from './samples';

/** base64url-looking filler of a given length (no runs: the filler-run rule would skip it). */
const alnumDash = (n: number) => Array.from({ length: n }, (_, i) => 'aB3-dE6_gH9kM2pQ5sT8vW'[i % 22]).join('');

const ids = (text: string) => findTokens(text).map((h) => h.format.id);

describe('findTokens', () => {
  it.each([
    ['github', samples.github],
    ['github', samples.githubFineGrained],
    ['github', 'gho_' + samples.github.slice(4)],
    ['github', 'ghs_' + samples.github.slice(4)],
    ['gitlab', samples.gitlab],
    ['aws-access-key-id', samples.awsKeyId],
    ['aws-access-key-id', 'ASIA' + samples.awsKeyId.slice(4)],
    ['slack-token', samples.slackToken],
    ['slack-token', 'xapp' + '-1-' + 'A05B7C9D1E2-' + '6123456789012-' + 'f3e2d1c0b9a8f7e6d5c4b3a2'],
    ['slack-webhook', samples.slackWebhook],
    ['google-api-key', samples.googleApiKey],
    ['stripe', samples.stripe],
    ['stripe', samples.stripeRestricted],
    ['jwt', samples.jwt],
    ['secretops-access-key', 'sok_' + '0123456789abcdef' + '_' + alnumDash(43)],
    ['private-key', pem('RSA PRIVATE KEY')],
    ['private-key', pem('PRIVATE KEY')],
    ['private-key', pem('OPENSSH PRIVATE KEY')],
    ['private-key', pem('EC PRIVATE KEY')],
    ['private-key-base64', Buffer.from(pem('RSA PRIVATE KEY')).toString('base64')],
    ['private-key-base64', Buffer.from(pem('OPENSSH PRIVATE KEY')).toString('base64').replace(/(.{76})/g, '$1\n    ')],
  ])('finds %s', (id, token) => {
    expect(ids(`prefix ${token} suffix`)).toEqual([id]);
    // The block-YAML fast path skips documents without this hint: every format must hold one,
    // also when YAML folding turns line breaks into spaces.
    expect(UNBROKEN_TOKEN_HINT.test(token)).toBe(true);
    expect(UNBROKEN_TOKEN_HINT.test(token.replace(/\s+/g, ' '))).toBe(true);
  });

  it('gives offsets, never the matched text', () => {
    const text = `a: 1\nb: ${samples.github}\n`;
    const [hit] = findTokens(text);
    expect(hit).toMatchObject({ index: text.indexOf('ghp_'), length: samples.github.length });
    expect(Object.values(hit!).some((v) => typeof v === 'string' && v.includes(samples.github))).toBe(false);
  });

  it.each([
    ['the AWS documentation key id', samples.awsDocsKeyId],
    ['the Slack documentation webhook', samples.slackWebhookDocs],
    ['an unsigned JWT', samples.jwtUnsigned],
    ['a bare prefix', 'tokens start with ghp_ and glpat-'],
    ['a private key header around a placeholder', pem('PRIVATE KEY', '<your-client-private-key>')],
    ['a private key header around a short dummy', '-----BEGIN PRIVATE KEY-----\\nA key\\n-----END PRIVATE KEY-----\\n'],
    ['a certificate', pem('CERTIFICATE')],
    ['a public key', pem('PUBLIC KEY')],
    ['an encoded certificate', Buffer.from(pem('CERTIFICATE')).toString('base64')],
    ['an encoded placeholder key', Buffer.from(pem('PRIVATE KEY', '<your-key-here>')).toString('base64')],
    ['encoded BEGIN prefixes repeated', 'LS0tLS1CRUdJTi'.repeat(1000)],
    ['a run of one character', 'AKIA' + 'X'.repeat(16)],
    ['a word that starts like a key id', 'ASIA' + 'PACIFICREGION123'],
    ['an access key id alone, or a key with a short secret', 'sok_0123456789abcdef and sok_0123456789abcdef_' + alnumDash(42)],
  ])('ignores %s', (_what, text) => {
    expect(findTokens(text)).toEqual([]);
  });

  it('reads private keys written as YAML double-quoted escapes', () => {
    const escaped = `"-----BEGIN PRIVATE KEY-----\\n${samples.privateKeyBody.split('\n')[0]}\\n-----END PRIVATE KEY-----\\n"`;
    expect(ids(escaped)).toEqual(['private-key']);
  });

  it('describes several kinds in one phrase', () => {
    expect(describeHits(findTokens(`${samples.github} ${samples.awsKeyId} ${samples.github}`))).toBe('a GitHub token and an AWS access key id');
  });
});
