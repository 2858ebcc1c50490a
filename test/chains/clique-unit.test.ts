/**
 * Clique pieces without a chain: the seal recovery on REAL headers recorded from an @ethereumjs/client
 * 0.10.5 --dev=poa chain (test/fixtures/ethereumjs/clique-headers.json), the secp256k1 recovery against
 * @noble/curves (which Hardhat ships), and the in-turn / missed-slot arithmetic. That chain has one signer,
 * so every recorded block is in turn; the two-signer sequences below are SYNTHETIC block summaries built
 * from real signer addresses (the recorded dev account and Hardhat's well-known account #0).
 */
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { BlockSummary } from '../../src/chains/adapter';
import { CliqueSigners, checkpointOf, checkpointSigners, inTurnSigner, missedTurnOf } from '../../src/chains/ethereum/clique';
import { cliqueSigner, looksClique, recoverAddress } from '../../src/chains/ethereum/clique-seal';
import { blockSummary } from '../../src/chains/ethereum/codec';
import { keccak256 } from '../../src/contract/keccak';
import { LedgerTracker } from '../../src/collector/ledger-tracker';
import { projectRoot } from '../support/tools';

interface Recorded { signer: string; blocks: Record<string, string>[] }
const recorded = JSON.parse(fs.readFileSync(path.join(projectRoot, 'test', 'fixtures', 'ethereumjs', 'clique-headers.json'), 'utf8')) as Recorded;

// eslint-disable-next-line @typescript-eslint/no-require-imports
const noble = require('@noble/curves/secp256k1') as {
  secp256k1: {
    sign(hash: Uint8Array, key: Uint8Array): { r: bigint; s: bigint; recovery: number };
    getPublicKey(key: Uint8Array, compressed: boolean): Uint8Array;
  };
};

function hex32(v: bigint): string { return v.toString(16).padStart(64, '0'); }

describe('clique: seal recovery on recorded real headers', () => {
  it('recovers the dev signer from every sealed block, and the block hash checks the rebuilt header', () => {
    for (const b of recorded.blocks.slice(1)) {
      expect(looksClique(b), b.number).to.equal(true);
      expect(cliqueSigner(b), b.number).to.equal(recorded.signer);
      expect(blockSummary(b, 'recorded').producer).to.equal(recorded.signer);
    }
  });

  it('gives no signer for the unsealed genesis, a tampered header, or a block that is not Clique', () => {
    const [genesis, b1] = recorded.blocks;
    expect(cliqueSigner(genesis)).to.equal(undefined);
    expect(cliqueSigner({ ...b1, timestamp: '0x' + (BigInt(b1.timestamp) + 1n).toString(16) })).to.equal(undefined);
    expect(cliqueSigner({ ...b1, baseFeePerGas: undefined })).to.equal(undefined);
    expect(cliqueSigner({ ...b1, mixHash: '0x' + '11'.repeat(32) })).to.equal(undefined);
    expect(cliqueSigner({ ...b1, difficulty: '0x0' })).to.equal(undefined);
  });

  it('reads the signer list of the checkpoint (genesis) extraData', () => {
    expect(checkpointSigners(recorded.blocks[0].extraData)).to.deep.equal([recorded.signer]);
    // Non-checkpoint blocks carry vanity and seal only.
    expect(checkpointSigners(recorded.blocks[2].extraData)).to.equal(undefined);
    expect(checkpointSigners('0x1234')).to.equal(undefined);
    expect(checkpointOf(29999)).to.equal(0);
    expect(checkpointOf(30000)).to.equal(30000);
    expect(checkpointOf(61234)).to.equal(60000);
  });

  it('recovers the same address as @noble/curves for random keys and hashes', () => {
    for (let i = 0; i < 12; i++) {
      const key = randomBytes(32);
      const hash = keccak256(randomBytes(40));
      const sig = noble.secp256k1.sign(hash, key);
      const pub = noble.secp256k1.getPublicKey(key, false);
      const expected = '0x' + Buffer.from(keccak256(pub.subarray(1)).subarray(12)).toString('hex');
      const raw = Buffer.from(hex32(sig.r) + hex32(sig.s) + sig.recovery.toString(16).padStart(2, '0'), 'hex');
      expect(recoverAddress(hash, raw)).to.equal(expected);
      // Legacy v = 27/28 too; a flipped recovery id gives another key.
      raw[64] += 27;
      expect(recoverAddress(hash, raw)).to.equal(expected);
      raw[64] = raw[64] === 27 ? 1 : 0;
      expect(recoverAddress(hash, raw)).to.not.equal(expected);
    }
  });
});

describe('clique: in-turn arithmetic and missed slots', () => {
  const a = recorded.signer;
  const hardhat0 = '0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266';
  const sorted = [a, hardhat0].sort();

  it('on the recorded single-signer chain every block is the signer\'s turn, sealed in turn (difficulty 2)', () => {
    for (const b of recorded.blocks.slice(1)) {
      const h = Number(BigInt(b.number));
      expect(inTurnSigner([a], h)).to.equal(a);
      expect(b.difficulty).to.equal('0x2');
      expect(missedTurnOf([a], h, BigInt(b.difficulty).toString(10), cliqueSigner(b))).to.equal(undefined);
    }
  });

  it('names the in-turn signer of an out-of-turn block (synthetic two-signer sequence)', () => {
    // Turn of block n: sorted[n % 2].
    expect(inTurnSigner(sorted, 4)).to.equal(sorted[0]);
    expect(inTurnSigner(sorted, 5)).to.equal(sorted[1]);
    expect(missedTurnOf(sorted, 4, '2', sorted[0])).to.equal(undefined);
    expect(missedTurnOf(sorted, 4, '1', sorted[1])).to.equal(sorted[0]);
    expect(missedTurnOf(sorted, 5, '1', sorted[0])).to.equal(sorted[1]);
    expect(missedTurnOf([], 5, '1', sorted[0])).to.equal(undefined);
  });

  it('counts missed slots once per height through the ledger tracker, a reorg included (synthetic)', async () => {
    const set = new CliqueSigners();
    set.fromCheckpoint(0, [a]); // the second signer joins when a block it sealed is seen
    const chain: BlockSummary[] = [];
    const hash = (h: number, fork: string): string => '0x' + fork + h.toString(16).padStart(63, '0');
    // Heights 1..12: sorted[1] (whose turns are the odd heights) is offline from height 5 to 9.
    const down = (h: number): boolean => h >= 5 && h <= 9;
    for (let h = 0; h <= 12; h++) {
      const due = sorted[h % 2];
      const other = sorted[(h + 1) % 2];
      const producer = h >= 1 && due === sorted[1] && down(h) ? other : due;
      chain.push({
        height: h, hash: hash(h, 'a'), parentHash: h ? hash(h - 1, 'a') : hash(0, 'f'), time: 1000 + h, txCount: 0,
        producer, difficulty: producer === due ? '2' : '1',
      });
    }
    const expectedMissed = chain.filter((b) => b.difficulty === '1').length;
    expect(expectedMissed).to.equal(3); // heights 5, 7, 9
    const annotated = chain.map((b) => set.annotate(b));
    expect(set.ids).to.deep.equal(sorted);
    const tracker = new LedgerTracker(100, { block: () => undefined, reorg: () => undefined });
    const source = { blocks: async (from: number, to: number) => annotated.filter((b) => b.height >= from && b.height <= to) };
    await tracker.advance(source, annotated[0]);
    await tracker.advance(source, annotated[12]);
    expect(tracker.missedSlots.get(sorted[1])).to.equal(3n);
    expect(tracker.missedSlots.get(sorted[0])).to.equal(undefined);
    // A competing out-of-turn block at height 12 replaces the head: height 12 was in turn, now missed once.
    const fork = set.annotate({ ...annotated[12], hash: hash(12, 'b'), producer: sorted[1], difficulty: '1' });
    expect(fork.missedTurn).to.equal(sorted[0]);
    const forkSource = { blocks: async (from: number, to: number) => [...annotated.slice(0, 12), fork].filter((b) => b.height >= from && b.height <= to) };
    await tracker.advance(forkSource, fork);
    expect(tracker.missedSlots.get(sorted[0])).to.equal(1n);
    // And back: another out-of-turn block at the same height counts no second missed slot.
    const fork2 = set.annotate({ ...fork, hash: hash(12, 'c') });
    await tracker.advance({ blocks: async (from, to) => [...annotated.slice(0, 12), fork2].filter((b) => b.height >= from && b.height <= to) }, fork2);
    expect(tracker.missedSlots.get(sorted[0])).to.equal(1n);
    expect(tracker.missedSlots.get(sorted[1])).to.equal(3n);
  });
});
