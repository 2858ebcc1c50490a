import { expect } from 'chai';
import { HeightRing } from '../../src/collector/height-ring';

describe('height ring (the hash window of a ledger tracker)', () => {
  it('holds the last `size` heights: a height replaces the one size below it, and its counted mark with it', () => {
    const r = new HeightRing(4);
    for (let h = 10; h < 14; h++) { r.setHash(h, `h${h}`); r.setCounted(h, h * 2); }
    expect([10, 11, 12, 13].map((h) => r.hash(h))).to.deep.equal(['h10', 'h11', 'h12', 'h13']);
    expect(r.lowest()).to.equal(10);
    r.setHash(14, 'h14');
    expect(r.hash(10)).to.equal(undefined);
    expect(r.has(10)).to.equal(false);
    expect(r.counted(14)).to.equal(undefined); // the slot's old count is not the new height's
    expect(r.counted(13)).to.equal(26);
    expect(r.lowest()).to.equal(11);
  });

  it('deletes one height, clears all, and knows nothing of heights it never held or below zero', () => {
    const r = new HeightRing(8);
    r.setHash(0, 'genesis');
    r.setHash(1, 'one');
    r.setCounted(1, 0);
    expect(r.counted(1)).to.equal(0);
    r.delete(1);
    expect(r.hash(1)).to.equal(undefined);
    expect(r.counted(1)).to.equal(undefined);
    expect(r.hash(9)).to.equal(undefined); // same slot as 1, never held
    expect(r.has(-1)).to.equal(false);
    expect(r.hash(-1)).to.equal(undefined);
    r.setCounted(5, 3); // no hash at 5: not marked
    expect(r.counted(5)).to.equal(undefined);
    r.clear();
    expect(r.hash(0)).to.equal(undefined);
    expect(r.lowest()).to.equal(Infinity);
  });
});
