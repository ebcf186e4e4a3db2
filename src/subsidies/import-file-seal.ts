import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

/**
 * An uploaded register holds plain ID numbers and bank accounts, which the hub otherwise never
 * stores. It must wait in the database for its job (any worker process may run it, and a crashed
 * run is resumed from it), so it waits sealed: AES-256-GCM under a key derived from the hub secret,
 * bound to its import id (a sealed file cannot be passed off as another import's). It is deleted
 * once the import has finished.
 */

const IV = 12;
const TAG = 16;

function sealKey(secret: string): Buffer {
  return createHmac('sha256', secret).update('import-file-seal').digest();
}

/** `iv ‖ tag ‖ ciphertext`. */
export function sealFile(secret: string, importId: string, bytes: Uint8Array): Buffer {
  const iv = randomBytes(IV);
  const cipher = createCipheriv('aes-256-gcm', sealKey(secret), iv);
  cipher.setAAD(Buffer.from(importId));
  const sealed = Buffer.concat([cipher.update(bytes), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), sealed]);
}

/** The file's bytes; undefined when the seal does not open (another secret, another import, tampered). */
export function unsealFile(secret: string, importId: string, sealed: Buffer): Buffer | undefined {
  if (sealed.length < IV + TAG) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', sealKey(secret), sealed.subarray(0, IV));
    decipher.setAAD(Buffer.from(importId));
    decipher.setAuthTag(sealed.subarray(IV, IV + TAG));
    return Buffer.concat([decipher.update(sealed.subarray(IV + TAG)), decipher.final()]);
  } catch {
    return undefined;
  }
}
