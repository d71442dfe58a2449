/** Run-scoped access keys: the public library surface. */
export { AccessKeys } from './access-keys';
export type { AccessKeysOptions, AuthorizeDecision, DenyReason, IssuedAccessKey } from './access-keys';
export { ACCESS_KEY_PATTERN, ACCESS_KEY_PREFIX, accessKeyId, generateAccessKey } from './key-format';
export type { AccessKeyScope, ScopeField } from './scope';
export { SCOPE_FIELDS, checkScope } from './scope';
export type { AccessKeyInfo, AccessKeyRecord, AccessKeyStatus } from './record';
export type { AccessKeyStore, VersionedRecord } from './store';
export { FileAccessKeyStore } from './file-store';
export { KubernetesAccessKeyStore, accessKeySecretName, AccessKeyLabels } from './kubernetes-store';
export { accessKeyMiddleware, bypassRequestScope, readAccessKey, RUN_KEY_HEADER, withAccessKey } from './middleware';
export type { AccessKeyGrant, AccessKeyGuardOptions, Authorizer, RequestWithGrant } from './middleware';
export { RUN_ACCESS_KEY_ENV, runAccessKeyEnv, runKeySecretName, writeRunKeySecret } from './run-key-secret';
export { bypassAllowed } from '../catalog/bypass-allowed';
export { DEFAULT_MAX_TTL, DEFAULT_TTL, ttlPolicy } from '../catalog/access-key-ttl';
