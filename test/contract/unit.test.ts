/** Contract management without a chain: Keccak-256, ABI method names, the inventory's counting and eviction rules. */
import { expect } from 'chai';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { BlockActivity, TxActivity } from '../../src/chains/adapter';
import { ContractInventory, keccak256, keccakHex, keccakText, loadAbiFile, meanGas, methodNames, selectorOf } from '../../src/contract';
import { RECEIVER_ABI, RECEIVER_SELECTORS, SENDER_ABI, SENDER_SELECTORS } from '../../src/crosschain';
import { WORKLOAD_ABI, WORKLOAD_SELECTORS } from '../../src/devchain';

describe('contract management: Keccak-256 and ABI names', () => {
  it('matches the known Keccak-256 vectors', () => {
    expect(keccakText('')).to.equal('0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470');
    expect(keccakText('abc')).to.equal('0x4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45');
    expect(keccakText('Transfer(address,address,uint256)')).to.equal('0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef');
    expect(selectorOf('transfer(address,uint256)')).to.equal('0xa9059cbb');
    expect(keccakHex('0x')).to.equal(keccakText(''));
  });

  it('agrees with @noble/hashes on every length around the rate boundary', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const noble = require('@noble/hashes/sha3') as { keccak_256(b: Uint8Array): Uint8Array };
    for (const n of [0, 1, 31, 32, 135, 136, 137, 271, 272, 273, 1000, 4096, 24576]) {
      const b = crypto.randomBytes(n);
      expect(Buffer.from(keccak256(b)).toString('hex'), `length ${n}`).to.equal(Buffer.from(noble.keccak_256(b)).toString('hex'));
    }
  });

  it('names methods from an ABI as solc does (selectors of the compiled contracts)', () => {
    for (const [abi, sels] of [[WORKLOAD_ABI, WORKLOAD_SELECTORS], [SENDER_ABI, SENDER_SELECTORS], [RECEIVER_ABI, RECEIVER_SELECTORS]] as const) {
      const names = methodNames(JSON.parse(abi) as unknown);
      expect(Object.fromEntries([...names].map(([sel, sig]) => [sig, sel]))).to.deep.equal(sels);
    }
  });

  it('expands tuples and aliases in signatures; reads artifact files; rejects junk', () => {
    const abi = [
      { type: 'function', name: 'f', inputs: [{ type: 'tuple[]', components: [{ type: 'uint' }, { type: 'address' }] }, { type: 'int[3]' }] },
      { type: 'event', name: 'E', inputs: [] },
      { type: 'constructor', inputs: [] },
    ];
    const names = methodNames({ abi });
    expect([...names.values()]).to.deep.equal(['f((uint256,address)[],int256[3])']);
    expect(names.get(selectorOf('f((uint256,address)[],int256[3])'))).to.equal('f((uint256,address)[],int256[3])');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bcm-abi-'));
    try {
      fs.writeFileSync(path.join(dir, 'a.json'), JSON.stringify({ contractName: 'X', abi }));
      expect(loadAbiFile(path.join(dir, 'a.json')).size).to.equal(1);
      fs.writeFileSync(path.join(dir, 'b.json'), '{"not":"an abi"}');
      expect(() => loadAbiFile(path.join(dir, 'b.json'))).to.throw(/not an ABI/);
      expect(() => loadAbiFile(path.join(dir, 'missing.json'))).to.throw();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

const addr = (n: number): string => '0x' + n.toString(16).padStart(40, '0');
const hash = (n: number): string => '0x' + n.toString(16).padStart(64, '0');
let txn = 0;
function tx(p: Partial<TxActivity>): TxActivity {
  return { hash: hash(++txn), from: addr(0xeee), gasUsed: 21000n, logs: [], success: true, ...p };
}
function block(height: number, transactions: TxActivity[]): BlockActivity {
  return { height, hash: hash(1_000_000 + height), time: 1_700_000_000 + height, transactions };
}

describe('contract management: inventory counting and eviction', () => {
  it('counts deployments, calls, reverts, methods, mean gas and events in block order', () => {
    const inv = new ContractInventory();
    const c = addr(1);
    const ch = inv.applyBlock(block(10, [
      tx({ createdContract: c, from: addr(7), logs: [{ address: c, topics: [hash(1)] }] }),
      tx({ to: c, selector: '0x11111111', gasUsed: 100n, logs: [{ address: c, topics: [hash(2)] }, { address: addr(99), topics: [] }] }),
      tx({ to: c, selector: '0x11111111', gasUsed: 51n, success: false }),
      tx({ to: c, gasUsed: 30n, success: false }), // no selector: a call of the contract, of no method
      tx({ to: addr(99), selector: '0x22222222' }), // not a known contract
      tx({ createdContract: addr(2), success: false }), // failed creation: nothing deployed
    ]));
    expect(ch.deployed).to.deep.equal([c]);
    expect([...ch.touched]).to.deep.equal([c]);
    const r = inv.get(c)!;
    expect(r).to.include({ deployer: addr(7), deployBlock: 10, calls: 3, failedCalls: 2, events: 2, lastActivityBlock: 10, lastActivityTime: (1_700_000_010) * 1000, lifecycle: 'deployed' });
    const m = r.methods.get('0x11111111')!;
    expect(m).to.include({ calls: 2, failures: 1 });
    expect(meanGas(m)).to.equal(75n);
    expect(inv.get(addr(2))).to.equal(undefined);
    expect(inv.get(addr(99))).to.equal(undefined);
  });

  it('evicts the discovered contract with the oldest last activity, never a configured one', () => {
    const inv = new ContractInventory({ maxContracts: 3 });
    inv.configure([{ address: addr(100), name: 'kept', methodNames: new Map() }]);
    inv.applyBlock(block(1, [tx({ createdContract: addr(1) }), tx({ createdContract: addr(2) })]));
    // addr(1) active again: addr(2) is now the oldest.
    inv.applyBlock(block(2, [tx({ to: addr(1), selector: '0x00000001' })]));
    const ch = inv.applyBlock(block(3, [tx({ createdContract: addr(3) })]));
    expect(ch.evicted).to.deep.equal([addr(2)]);
    expect(inv.all().map((c) => c.address)).to.deep.equal([addr(100), addr(1), addr(3)]);
    // A log counts as activity too.
    inv.applyBlock(block(4, [tx({ to: addr(50), logs: [{ address: addr(1), topics: [] }] })]));
    expect(inv.applyBlock(block(5, [tx({ createdContract: addr(4) })])).evicted).to.deep.equal([addr(3)]);
    expect(inv.evictions).to.equal(2);
  });

  it('does not track a deployment when every slot holds a configured contract', () => {
    const inv = new ContractInventory({ maxContracts: 2 });
    inv.configure([{ address: addr(100), name: 'a', methodNames: new Map() }, { address: addr(101), name: 'b', methodNames: new Map() }]);
    const ch = inv.applyBlock(block(1, [tx({ createdContract: addr(1) })]));
    expect(ch.deployed).to.deep.equal([]);
    expect(inv.untracked).to.equal(1);
    expect(inv.size).to.equal(2);
  });

  it('evicts the method with the fewest calls (least recently called among equals)', () => {
    const inv = new ContractInventory({ maxMethods: 3 });
    const c = addr(1);
    inv.applyBlock(block(1, [tx({ createdContract: c })]));
    inv.applyBlock(block(2, [
      tx({ to: c, selector: '0xaaaaaaaa' }), tx({ to: c, selector: '0xaaaaaaaa' }),
      tx({ to: c, selector: '0xbbbbbbbb' }), tx({ to: c, selector: '0xcccccccc' }),
    ]));
    // bbbbbbbb and cccccccc have one call each; bbbbbbbb was called earlier.
    const ch = inv.applyBlock(block(3, [tx({ to: c, selector: '0xdddddddd' })]));
    expect(ch.evictedMethods.get(c)).to.deep.equal(['0xbbbbbbbb']);
    expect([...inv.get(c)!.methods.keys()].sort()).to.deep.equal(['0xaaaaaaaa', '0xcccccccc', '0xdddddddd']);
    expect(inv.get(c)!.calls).to.equal(5);
  });

  it('keeps counters when a discovered contract becomes configured and back', () => {
    const inv = new ContractInventory();
    const c = addr(1);
    inv.applyBlock(block(1, [tx({ createdContract: c }), tx({ to: c, selector: '0x12345678' })]));
    inv.configure([{ address: c, name: 'x', methodNames: new Map([['0x12345678', 'f()']]) }, { address: addr(9), name: 'never', methodNames: new Map() }]);
    expect(inv.get(c)).to.include({ configured: true, name: 'x', calls: 1 });
    const { removed } = inv.configure([]);
    expect(removed).to.deep.equal([addr(9)]); // never seen deployed: gone
    expect(inv.get(c)).to.include({ configured: false, name: '', calls: 1 });
  });
});
