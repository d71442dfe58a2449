import { describe, expect, it } from 'vitest';
import { credentialKeyMatcher, isCredentialLikeKey } from '../../lib/credential-like';

describe('isCredentialLikeKey (defaults)', () => {
  it.each([
    'password', 'DB_PASSWORD', 'clientSecret', 'client-secret', 'api_key', 'apiKey', 'STRIPE_API_KEY', 'token', 'GITHUB_TOKEN',
    'BASIC_AUTH', 'auth', 'Authorization', 'SESSION_SECRET', 'session_key', 'jwt', 'DATABASE_URL', 'tls.key', 'ssh-privatekey',
    '.dockerconfigjson', 'webhook_url', 'PGPASSWORD', 'rootpasswd', 'MINIO_SECRET_KEY', 'SECRET_KEY_BASE', 'REDISCLI_AUTH', 'RABBITMQ_DEFAULT_PASS', 'discovery.sendtargets.auth.password', 'node.session.auth.password_in', 'full_secret',
  ])('%s is credential-like', (name) => {
    expect(isCredentialLikeKey(name)).toBe(true);
  });

  it.each([
    'username', 'token_ttl', 'passwordPolicy', 'password-min-length', 'secretName', 'existingSecret', 'githubConfigSecret',
    'tlsSecret', 'AUTH_METHOD', 'PROWLARR__AUTH__METHOD', 'PLEX_NO_AUTH_NETWORKS', 'QUI__AUTH_DISABLED_ALLOWED_CIDRS',
    'node.session.auth.username_in', 'discovery.sendtargets.auth.username', 'auth_url', 'client_id', 'public_key', 'LOG_LEVEL', 'adminPasswordKey', 'userPasswordKey', 'certificatesSecret',
    'POSTGRES_PASSWORD_FILE', 'VAULT_TOKEN_PATH', 'JWT_ISSUER', 'AUTH0_DOMAIN', 'OAUTH_CLIENT_ID', 'sessionAffinity', 'usePasswordFiles',
  ])('%s is not', (name) => {
    expect(isCredentialLikeKey(name)).toBe(false);
  });

  it('is configurable', () => {
    const m = credentialKeyMatcher({ include: ['(^|_)pin$'], exclude: ['^sim_pin$'] });
    expect(m('CARD_PIN')).toBe(true);
    expect(m('SIM_PIN')).toBe(false);
    expect(m('password')).toBe(false);
  });
});
