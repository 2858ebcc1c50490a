/**
 * secp256k1 public-key recovery (ecrecover), for finding who sealed a Clique block. Self-contained, like
 * src/contract/keccak.ts, so the bridge does not depend on a curve library Hardhat happens to ship.
 * Only public data is handled (a signature and a hash), so constant time is not needed: plain bigint
 * arithmetic in Jacobian coordinates. Checked against @noble/curves in test/chains/clique-seal.test.ts.
 */

const P = 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2fn;
const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const GX = 0x79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798n;
const GY = 0x483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8n;

/** A point in Jacobian coordinates (x = X/Z², y = Y/Z³); Z = 0 is the point at infinity. */
interface Jac { x: bigint; y: bigint; z: bigint }

const INF: Jac = { x: 0n, y: 1n, z: 0n };

function mod(a: bigint, m = P): bigint {
  const r = a % m;
  return r >= 0n ? r : r + m;
}

function pow(base: bigint, exp: bigint, m: bigint): bigint {
  let r = 1n;
  let b = mod(base, m);
  let e = exp;
  while (e > 0n) {
    if (e & 1n) r = (r * b) % m;
    b = (b * b) % m;
    e >>= 1n;
  }
  return r;
}

/** Inverse modulo a prime m (extended Euclid). */
function inv(a: bigint, m: bigint): bigint {
  let [r0, r1] = [mod(a, m), m];
  let [s0, s1] = [1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return mod(s0, m);
}

function double(p: Jac): Jac {
  if (p.z === 0n || p.y === 0n) return INF;
  const ysq = mod(p.y * p.y);
  const s = mod(4n * p.x * ysq);
  const m = mod(3n * p.x * p.x); // a = 0
  const x = mod(m * m - 2n * s);
  const y = mod(m * (s - x) - 8n * ysq * ysq);
  return { x, y, z: mod(2n * p.y * p.z) };
}

function add(p: Jac, q: Jac): Jac {
  if (p.z === 0n) return q;
  if (q.z === 0n) return p;
  const z1z1 = mod(p.z * p.z);
  const z2z2 = mod(q.z * q.z);
  const u1 = mod(p.x * z2z2);
  const u2 = mod(q.x * z1z1);
  const s1 = mod(p.y * q.z * z2z2);
  const s2 = mod(q.y * p.z * z1z1);
  if (u1 === u2) return s1 === s2 ? double(p) : INF;
  const h = mod(u2 - u1);
  const r = mod(s2 - s1);
  const hh = mod(h * h);
  const hhh = mod(h * hh);
  const v = mod(u1 * hh);
  const x = mod(r * r - hhh - 2n * v);
  const y = mod(r * (v - x) - s1 * hhh);
  return { x, y, z: mod(h * p.z * q.z) };
}

function multiply(p: Jac, k: bigint): Jac {
  let r = INF;
  let acc = p;
  let e = k;
  while (e > 0n) {
    if (e & 1n) r = add(r, acc);
    acc = double(acc);
    e >>= 1n;
  }
  return r;
}

function affine(p: Jac): { x: bigint; y: bigint } | undefined {
  if (p.z === 0n) return undefined;
  const zi = inv(p.z, P);
  const zi2 = mod(zi * zi);
  return { x: mod(p.x * zi2), y: mod(p.y * zi2 * zi) };
}

/**
 * The uncompressed public key (x, y) that signed the 32-octet hash with signature (r, s) and recovery id
 * (0 or 1); undefined when the signature recovers no key.
 */
export function recoverPublicKey(hash: bigint, r: bigint, s: bigint, recovery: number): { x: bigint; y: bigint } | undefined {
  if (r <= 0n || r >= N || s <= 0n || s >= N || (recovery !== 0 && recovery !== 1)) return undefined;
  const x = r; // recovery ids 2 and 3 (r + N) are not used by Ethereum signatures
  const alpha = mod(x * x * x + 7n);
  const beta = pow(alpha, (P + 1n) / 4n, P);
  if (mod(beta * beta) !== alpha) return undefined;
  const y = (beta & 1n) === BigInt(recovery) ? beta : P - beta;
  const rInv = inv(r, N);
  const u1 = mod(-hash * rInv, N);
  const u2 = mod(s * rInv, N);
  const q = add(multiply({ x: GX, y: GY, z: 1n }, u1), multiply({ x, y, z: 1n }, u2));
  return affine(q);
}
