/**
 * User-based Security Model cryptography: key localisation (RFC 3414 A.2, RFC 7860 for SHA-2),
 * HMAC-MD5-96 / HMAC-SHA-96 (RFC 3414) and HMAC-SHA-2 (RFC 7860) authentication, AES-128-CFB
 * (RFC 3826) and DES-CBC (RFC 3414 section 8) privacy. Pure functions over buffers.
 */
import * as crypto from 'node:crypto';

export type AuthProtocol = 'none' | 'md5' | 'sha' | 'sha224' | 'sha256' | 'sha384' | 'sha512';
export type PrivProtocol = 'none' | 'aes' | 'des';

const AUTH: Readonly<Record<Exclude<AuthProtocol, 'none'>, { hash: string; macLength: number }>> = {
  md5: { hash: 'md5', macLength: 12 },
  sha: { hash: 'sha1', macLength: 12 },
  sha224: { hash: 'sha224', macLength: 16 },
  sha256: { hash: 'sha256', macLength: 24 },
  sha384: { hash: 'sha384', macLength: 32 },
  sha512: { hash: 'sha512', macLength: 48 },
};

export function isAuthProtocol(s: unknown): s is AuthProtocol {
  return s === 'none' || (typeof s === 'string' && Object.prototype.hasOwnProperty.call(AUTH, s));
}

/** Length of msgAuthenticationParameters for the protocol (0 for none). */
export function macLength(p: AuthProtocol): number { return p === 'none' ? 0 : AUTH[p].macLength; }

/** RFC 3414 A.2.1/A.2.2: the user's key from a pass phrase: hash of 1 MiB of the repeated pass phrase. */
export function passwordToKey(p: Exclude<AuthProtocol, 'none'>, password: string | Buffer): Buffer {
  const pw = typeof password === 'string' ? Buffer.from(password, 'utf8') : password;
  if (pw.length === 0) throw new Error('empty pass phrase');
  const total = 1048576;
  const block = Buffer.allocUnsafe(total);
  for (let i = 0; i < total; i += pw.length) pw.copy(block, i, 0, Math.min(pw.length, total - i));
  return crypto.createHash(AUTH[p].hash).update(block).digest();
}

/** Kul = H(Ku || engineID || Ku). */
export function localizeKey(p: Exclude<AuthProtocol, 'none'>, ku: Buffer, engineId: Buffer): Buffer {
  return crypto.createHash(AUTH[p].hash).update(ku).update(engineId).update(ku).digest();
}

const keyCache = new Map<string, Buffer>();

/** Localised key of a pass phrase for an engine (cached: deriving costs a 1 MiB hash). */
export function localizedKey(p: Exclude<AuthProtocol, 'none'>, password: string, engineId: Buffer): Buffer {
  const id = `${p}\u0000${engineId.toString('hex')}\u0000${password}`;
  let k = keyCache.get(id);
  if (!k) {
    if (keyCache.size > 256) keyCache.clear();
    k = localizeKey(p, passwordToKey(p, password), engineId);
    keyCache.set(id, k);
  }
  return k;
}

/** The truncated HMAC of a whole message whose authentication parameters are zero. */
export function digest(p: Exclude<AuthProtocol, 'none'>, key: Buffer, msg: Buffer): Buffer {
  return crypto.createHmac(AUTH[p].hash, key).update(msg).digest().subarray(0, AUTH[p].macLength);
}

/** Writes the digest into the message at authOffset (where macLength zero octets are). */
export function sign(p: Exclude<AuthProtocol, 'none'>, key: Buffer, msg: Buffer, authOffset: number): void {
  digest(p, key, msg).copy(msg, authOffset);
}

/** Checks a received message's digest (RFC 3414 section 6.3.2 / RFC 7860 section 4.2.2). */
export function verify(p: Exclude<AuthProtocol, 'none'>, key: Buffer, msg: Buffer, authOffset: number, received: Buffer): boolean {
  const n = AUTH[p].macLength;
  if (received.length !== n) return false;
  const copy = Buffer.from(msg);
  copy.fill(0, authOffset, authOffset + n);
  return crypto.timingSafeEqual(digest(p, key, copy), received);
}

// ---- privacy ---------------------------------------------------------------------------------------

function be32(n: number): Buffer {
  const b = Buffer.allocUnsafe(4);
  b.writeUInt32BE(n >>> 0, 0);
  return b;
}

/** RFC 3826 section 3.1.2.1: IV = engineBoots || engineTime || salt (64 bits). */
function aesIv(boots: number, time: number, salt: Buffer): Buffer {
  return Buffer.concat([be32(boots), be32(time), salt]);
}

export function aesEncrypt(privKey: Buffer, boots: number, time: number, salt: Buffer, plain: Buffer): Buffer {
  const c = crypto.createCipheriv('aes-128-cfb', privKey.subarray(0, 16), aesIv(boots, time, salt));
  return Buffer.concat([c.update(plain), c.final()]);
}

export function aesDecrypt(privKey: Buffer, boots: number, time: number, salt: Buffer, data: Buffer): Buffer {
  if (salt.length !== 8) throw new Error('AES privacy parameters must be 8 octets');
  const d = crypto.createDecipheriv('aes-128-cfb', privKey.subarray(0, 16), aesIv(boots, time, salt));
  return Buffer.concat([d.update(data), d.final()]);
}

/**
 * DES-CBC (RFC 3414 section 8.1.1): key = first 8 octets of the localised key, pre-IV = octets 9..16,
 * IV = pre-IV XOR salt. OpenSSL 3 only offers single DES in its legacy provider; triple DES with three
 * equal keys computes exactly single DES, so des-ede3-cbc with K||K||K is used.
 */
function desCipher(encrypt: boolean, privKey: Buffer, salt: Buffer): crypto.Cipher | crypto.Decipher {
  if (privKey.length < 16) throw new Error('DES needs a 16-octet localised key');
  if (salt.length !== 8) throw new Error('DES privacy parameters must be 8 octets');
  const k = privKey.subarray(0, 8);
  const iv = Buffer.allocUnsafe(8);
  for (let i = 0; i < 8; i++) iv[i] = privKey[8 + i] ^ salt[i];
  const key = Buffer.concat([k, k, k]);
  const c = encrypt ? crypto.createCipheriv('des-ede3-cbc', key, iv) : crypto.createDecipheriv('des-ede3-cbc', key, iv);
  c.setAutoPadding(false);
  return c;
}

export function desEncrypt(privKey: Buffer, salt: Buffer, plain: Buffer): Buffer {
  const padded = plain.length % 8 ? Buffer.concat([plain, Buffer.alloc(8 - (plain.length % 8))]) : plain;
  const c = desCipher(true, privKey, salt);
  return Buffer.concat([c.update(padded), c.final()]);
}

export function desDecrypt(privKey: Buffer, salt: Buffer, data: Buffer): Buffer {
  if (data.length === 0 || data.length % 8) throw new Error('DES ciphertext is not a multiple of 8 octets');
  const d = desCipher(false, privKey, salt);
  return Buffer.concat([d.update(data), d.final()]);
}

/** A source of privacy salts: a 64-bit counter starting at a random value (RFC 3826 section 3.1.1.1). */
export class SaltSource {
  private n = crypto.randomBytes(8).readBigUInt64BE(0);
  next(): Buffer {
    this.n = (this.n + 1n) & 0xffffffffffffffffn;
    const b = Buffer.allocUnsafe(8);
    b.writeBigUInt64BE(this.n, 0);
    return b;
  }
  /** DES salt: engineBoots || 32-bit counter (RFC 3414 section 8.1.1.1). */
  nextDes(boots: number): Buffer {
    const b = this.next();
    b.writeUInt32BE(boots >>> 0, 0);
    return b;
  }
}

/** A user's localised keys for one authoritative engine. */
export interface UsmKeys {
  readonly auth: AuthProtocol;
  readonly authKey?: Buffer;
  readonly priv: PrivProtocol;
  readonly privKey?: Buffer;
}

export function userKeys(auth: AuthProtocol, authPass: string | undefined, priv: PrivProtocol, privPass: string | undefined, engineId: Buffer): UsmKeys {
  if (auth === 'none') return { auth, priv: 'none' };
  const authKey = localizedKey(auth, authPass ?? '', engineId);
  // The privacy key is localised with the authentication protocol's hash (RFC 3826 section 1.2, RFC 3414 section 8.2.3).
  const privKey = priv === 'none' ? undefined : localizedKey(auth, privPass ?? '', engineId);
  return { auth, authKey, priv, privKey };
}
