import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

/**
 * The one ciphertext format used for fields and wrapped keys (docs/encryption.md):
 *
 *   format (1 byte, 0x01) | key version (uint32 BE) | nonce (12) | ciphertext | tag (16)
 *
 * AES-256-GCM with a random 96-bit nonce per call. The header is also part of
 * the associated data, so a changed key version fails authentication.
 */
export const FORMAT_V1 = 0x01;
const HEADER_LEN = 1 + 4 + 12;
const TAG_LEN = 16;
export const KEY_LEN = 32;

export type DecryptionErrorCode = 'tampered' | 'shredded' | 'unknown_key' | 'bad_format';

/** Never carries key material or plaintext in its message. */
export class DecryptionError extends Error {
  constructor(
    readonly code: DecryptionErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DecryptionError';
  }
}

export function keyVersionOf(ciphertext: Buffer): number {
  if (ciphertext.length < HEADER_LEN + TAG_LEN || ciphertext[0] !== FORMAT_V1) {
    throw new DecryptionError('bad_format', 'not a Confidant ciphertext (format or length)');
  }
  return ciphertext.readUInt32BE(1);
}

/**
 * Encodes the associated data unambiguously: each part length-prefixed, so
 * ("ab","c") and ("a","bc") never collide.
 */
export function encodeAad(parts: ReadonlyArray<string | number>): Buffer {
  const strs = parts.map((p) => (typeof p === 'number' ? `#${p}` : p));
  let total = 0;
  for (const s of strs) total += 4 + Buffer.byteLength(s, 'utf8');
  const out = Buffer.allocUnsafe(total);
  let at = 0;
  for (const s of strs) {
    const len = out.write(s, at + 4, 'utf8');
    out.writeUInt32BE(len, at);
    at += 4 + len;
  }
  return out;
}

/**
 * Nonces are drawn from a pool of CSPRNG bytes refilled 48 KiB at a time:
 * one randomBytes call per nonce cost ≈ 2 µs (most of it the call), which a
 * bulk import pays twice per person. Each nonce is taken once, in order.
 */
const NONCE_LEN = 12;
const NONCE_POOL = NONCE_LEN * 4096;
let noncePool = Buffer.alloc(0);
let nonceAt = NONCE_POOL;

function takeNonce(into: Buffer, offset: number): void {
  if (nonceAt + NONCE_LEN > noncePool.length) {
    noncePool = randomBytes(NONCE_POOL);
    nonceAt = 0;
  }
  noncePool.copy(into, offset, nonceAt, nonceAt + NONCE_LEN);
  nonceAt += NONCE_LEN;
}

export function gcmSeal(key: Buffer, keyVersion: number, aad: Buffer, plaintext: Uint8Array): Buffer {
  const header = Buffer.allocUnsafe(HEADER_LEN);
  header[0] = FORMAT_V1;
  header.writeUInt32BE(keyVersion, 1);
  takeNonce(header, 5);
  const cipher = createCipheriv('aes-256-gcm', key, header.subarray(5), { authTagLength: TAG_LEN });
  cipher.setAAD(header.subarray(0, 5));
  cipher.setAAD(aad);
  const body = cipher.update(plaintext);
  const final = cipher.final();
  return Buffer.concat([header, body, final, cipher.getAuthTag()]);
}

export function gcmOpen(key: Buffer, expectedVersion: number, aad: Buffer, ciphertext: Buffer): Buffer {
  const version = keyVersionOf(ciphertext);
  if (version !== expectedVersion) {
    throw new DecryptionError('tampered', 'ciphertext names another key version');
  }
  const nonce = ciphertext.subarray(5, HEADER_LEN);
  const tag = ciphertext.subarray(ciphertext.length - TAG_LEN);
  // authTagLength pins the tag to 16 bytes: without it Node accepts a 4-byte tag.
  const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_LEN });
  decipher.setAAD(ciphertext.subarray(0, 5));
  decipher.setAAD(aad);
  decipher.setAuthTag(tag);
  const body = decipher.update(ciphertext.subarray(HEADER_LEN, ciphertext.length - TAG_LEN));
  try {
    return Buffer.concat([body, decipher.final()]);
  } catch {
    body.fill(0);
    throw new DecryptionError('tampered', 'authentication failed (altered, moved or wrong key)');
  }
}

/** HKDF-SHA256 with a fixed, labelled info string per purpose. */
export function deriveKey(ikm: Buffer, info: string, length = KEY_LEN): Buffer {
  return Buffer.from(hkdfSync('sha256', ikm, Buffer.alloc(0), `confidant/${info}`, length));
}

export function hmac(key: Buffer, value: string): Buffer {
  return createHmac('sha256', key).update(value, 'utf8').digest();
}

/** Keeps the first `bits` bits; the rest of the last byte is zeroed. */
export function truncateBits(digest: Buffer, bits: number): Buffer {
  if (!Number.isInteger(bits) || bits < 8 || bits > 256) throw new RangeError('bits must be an integer in 8..256');
  const out = Buffer.from(digest.subarray(0, Math.ceil(bits / 8)));
  const spare = out.length * 8 - bits;
  if (spare > 0) out[out.length - 1]! &= (0xff << spare) & 0xff;
  return out;
}
