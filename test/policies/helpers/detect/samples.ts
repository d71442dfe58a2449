/**
 * Token-shaped samples for tests, assembled at run time so that the repository never holds a
 * string that a secret scanner (ours or a hosting provider's) would take for a real credential.
 */
const alnum = (seed: string, n: number) => seed.repeat(Math.ceil(n / seed.length)).slice(0, n);

export const samples = {
  github: 'ghp' + '_' + alnum('a1B2c3D4e5', 36),
  githubFineGrained: 'github' + '_pat_' + alnum('11ABCDEFG0', 22) + '_' + alnum('q9W8e7R6t5', 59),
  gitlab: 'glpat' + '-' + alnum('Zx9-Yw8_Vu', 20),
  awsKeyId: 'AKIA' + alnum('Q7R2T5W6Z3', 16),
  awsDocsKeyId: 'AKIA' + 'IOSFODNN7EXAMPLE',
  slackToken: 'xoxb' + '-' + '2401597812-' + '5520188133-' + alnum('pQ7rS2tU9v', 24),
  slackWebhook: 'https://hooks.slack' + '.com/services/' + 'T02AB3CD4/B05EF6GH7/' + alnum('mN3oP4qR5s', 24),
  slackWebhookDocs: 'https://hooks.slack' + '.com/services/' + 'T00000000/B00000000/' + 'X'.repeat(24),
  googleApiKey: 'AIza' + 'Sy' + alnum('Dk3-Lm4_Np', 33),
  stripe: 'sk' + '_live_' + alnum('4eC39HqLyj', 24),
  stripeRestricted: 'rk' + '_live_' + alnum('9Yt2Ux5Wv8', 24),
  jwt: 'eyJhbGciOiJIUzI1NiJ9' + '.' + 'eyJzdWIiOiJzdmMtZGVwbG95In0' + '.' + alnum('k2L9m4N7p1Q', 43),
  jwtUnsigned: 'eyJhbGciOiJub25lIn0' + '.' + 'eyJzdWIiOiJkZW1vIn0' + '.',
  privateKeyBody: Array.from({ length: 4 }, (_, i) => alnum(`Mi${i}Bo+/Kq7Zr`, 64)).join('\n'),
};

export function pem(label: string, body = samples.privateKeyBody): string {
  return `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
}
