/**
 * Users of the NETCONF (SSH) and HTTP views: configuration.managementUsers of the running configuration
 * ({name, password, publicKey[], role}). A password is kept in the document as plain text or as an
 * scrypt hash "scrypt$SALT$HASH" (base64 salt and hash; N=16384, r=8, p=1; the hash length is the key
 * length); both are compared in constant time. With no user configured, an admin password is generated
 * once into <dataDir>/admin-password (mode 0600) and the servers listen on the loopback interface only.
 */
import { createHash, randomBytes, scrypt, scryptSync, timingSafeEqual } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { utils } from 'ssh2';
import type { ParsedKey } from 'ssh2';
import type { ConfigObject } from '../config/document';

export type Role = 'readOnly' | 'admin';

export interface User {
  readonly name: string;
  readonly role: Role;
  readonly password?: string;
  readonly publicKeys: readonly string[];
}

const SCRYPT = { N: 16384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

/** "scrypt$SALT$HASH" of a password (for configuration files and tests). */
export function hashPassword(password: string): string {
  const salt = randomBytes(16);
  const hash = scryptSync(password, salt, 64, SCRYPT);
  return `scrypt$${salt.toString('base64')}$${hash.toString('base64')}`;
}

function parseScrypt(stored: string): { salt: Buffer; hash: Buffer } | undefined {
  const m = /^scrypt\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/.exec(stored);
  if (!m) return undefined;
  const salt = Buffer.from(m[1], 'base64');
  const hash = Buffer.from(m[2], 'base64');
  if (salt.length < 8 || hash.length < 16 || hash.length > 128) return undefined;
  return { salt, hash };
}

const DUMMY = hashPassword(randomBytes(12).toString('hex'));

/** Whether password matches the stored value (plain or scrypt hash), in constant time for a given stored value. */
export function verifyPassword(password: string, stored: string | undefined): boolean {
  const s = parseScrypt(stored ?? DUMMY);
  if (s) {
    const got = scryptSync(password, s.salt, s.hash.length, SCRYPT);
    return timingSafeEqual(got, s.hash) && stored !== undefined;
  }
  // plain text: compare digests so that neither content nor length leaks through timing
  const a = createHash('sha256').update(password, 'utf8').digest();
  const b = createHash('sha256').update(stored!, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/** verifyPassword without blocking the event loop (scrypt runs on the thread pool). */
export async function verifyPasswordAsync(password: string, stored: string | undefined): Promise<boolean> {
  const s = parseScrypt(stored ?? DUMMY);
  if (!s) return verifyPassword(password, stored);
  const got = await new Promise<Buffer>((resolve, reject) => {
    scrypt(password, s.salt, s.hash.length, SCRYPT, (err, key) => (err ? reject(err) : resolve(key)));
  });
  return timingSafeEqual(got, s.hash) && stored !== undefined;
}

function list(o: ConfigObject | undefined, f: string): ConfigObject[] {
  const v = o?.[f];
  return Array.isArray(v) ? (v as ConfigObject[]) : [];
}

/** The users of a configuration document. */
export function usersOf(doc: ConfigObject): User[] {
  const cfg = doc.configuration as ConfigObject | undefined;
  return list(cfg, 'managementUsers').map((u) => ({
    name: String(u.name),
    role: u.role === 'admin' ? 'admin' : 'readOnly',
    password: typeof u.password === 'string' ? u.password : undefined,
    publicKeys: Array.isArray(u.publicKey) ? (u.publicKey as unknown as string[]) : typeof u.publicKey === 'string' ? [u.publicKey] : [],
  }));
}

/** The generated admin password of a data dir, created (0600) on first use. */
export function generatedAdminPassword(dataDir: string): { file: string; password: string; created: boolean } {
  const file = path.join(dataDir, 'admin-password');
  try {
    const existing = fs.readFileSync(file, 'utf8').trim();
    if (existing.length >= 12) { fs.chmodSync(file, 0o600); return { file, password: existing, created: false }; }
  } catch { /* absent: create it */ }
  const password = randomBytes(18).toString('base64url');
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, password + '\n', { mode: 0o600 });
  fs.renameSync(tmp, file);
  fs.chmodSync(file, 0o600);
  return { file, password, created: true };
}

/** The public keys of authorized_keys lines that ssh2 can use (others are skipped). */
export function parsePublicKeys(lines: readonly string[]): ParsedKey[] {
  const out: ParsedKey[] = [];
  for (const l of lines) {
    const k = utils.parseKey(l.trim());
    if (k instanceof Error) continue;
    const key = Array.isArray(k) ? (k as ParsedKey[])[0] : k;
    if (key) out.push(key);
  }
  return out;
}

/**
 * Who may log in: the configured users or, when there are none, "admin" with the generated password.
 * Reloaded by the server when the running configuration changes.
 */
export class UserDirectory {
  private users = new Map<string, User>();
  private keys = new Map<string, ParsedKey[]>();
  private readonly verified = new Set<string>();
  generated: { file: string; password: string } | undefined;

  constructor(private readonly dataDir: string) {}

  load(doc: ConfigObject): void {
    const users = usersOf(doc);
    this.users = new Map(users.map((u) => [u.name, u]));
    this.keys = new Map(users.map((u) => [u.name, parsePublicKeys(u.publicKeys)]));
    this.verified.clear();
    if (!users.length) {
      const g = generatedAdminPassword(this.dataDir);
      this.generated = { file: g.file, password: g.password };
      this.users.set('admin', { name: 'admin', role: 'admin', password: g.password, publicKeys: [] });
    } else this.generated = undefined;
  }

  get configuredUsers(): boolean { return this.generated === undefined; }

  /**
   * The user if the password is right (the same work whether or not the user exists). Successful checks
   * are remembered (by a digest of user, password and stored value) so that HTTP requests, which each
   * carry the password, do not each pay for scrypt.
   */
  async checkPassword(name: string, password: string): Promise<User | undefined> {
    const u = this.users.get(name);
    const memo = createHash('sha256').update(`${name}\u0000${password}\u0000${u?.password ?? ''}`).digest('base64');
    if (u && this.verified.has(memo)) return u;
    const ok = await verifyPasswordAsync(password, u?.password);
    if (!ok || !u) return undefined;
    if (this.verified.size >= 256) this.verified.clear();
    this.verified.add(memo);
    return u;
  }

  /** The user's key equal to the offered one (algorithm and blob). */
  publicKey(name: string, algo: string, data: Buffer): { user: User; key: ParsedKey } | undefined {
    const u = this.users.get(name);
    if (!u) return undefined;
    for (const k of this.keys.get(name) ?? []) {
      const pub = k.getPublicSSH();
      if (k.type === algo && pub.length === data.length && timingSafeEqual(pub, data)) return { user: u, key: k };
    }
    return undefined;
  }
}
