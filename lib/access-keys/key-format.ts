import { randomBytes } from 'node:crypto';

import { ACCESS_KEY_ID_BYTES as ID_BYTES, ACCESS_KEY_ID_LENGTH, ACCESS_KEY_PREFIX, ACCESS_KEY_SECRET_BYTES as SECRET_BYTES, ACCESS_KEY_SECRET_LENGTH as SECRET_LENGTH } from '../detect/access-key-shape';

/** The access-key format `sok_<id>_<secret>` (lib/detect/access-key-shape.ts says why each part is so). */
export { ACCESS_KEY_ID_LENGTH, ACCESS_KEY_LENGTH, ACCESS_KEY_PATTERN, ACCESS_KEY_PREFIX } from '../detect/access-key-shape';

const EXACT = new RegExp(`^${ACCESS_KEY_PREFIX}([0-9a-f]{${ACCESS_KEY_ID_LENGTH}})_[A-Za-z0-9_-]{${SECRET_LENGTH}}$`);
const ID = new RegExp(`^[0-9a-f]{${ACCESS_KEY_ID_LENGTH}}$`);

export interface NewAccessKey {
  readonly id: string;
  /** The plaintext key: hand it out once, then forget it. */
  readonly plaintext: string;
}

export function generateAccessKey(): NewAccessKey {
  const id = randomBytes(ID_BYTES).toString('hex');
  const secret = randomBytes(SECRET_BYTES).toString('base64url');
  return { id, plaintext: `${ACCESS_KEY_PREFIX}${id}_${secret}` };
}

/** The id of a well-formed key, or undefined. Only the shape is checked, never the secret part. */
export function accessKeyId(plaintext: string): string | undefined {
  return EXACT.exec(plaintext)?.[1];
}

export function isAccessKeyId(text: string): boolean {
  return ID.test(text);
}
