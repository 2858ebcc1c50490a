/**
 * The sorted child list of the instance tree (src/state/child-list.ts): order as entries come in any order,
 * lookups by binary search (and by text for keys of another type), removals, and the copy-on-write of the
 * arrays it hands out.
 */
import { expect } from 'chai';
import { ChildList, compareKeys } from '../../src/state/child-list';
import type { Scalar } from '../../src/state/tree';

interface Row { readonly keys: readonly Scalar[]; readonly tag: string }
const row = (...keys: Scalar[]): Row => ({ keys, tag: keys.join('|') });
const tags = (l: ChildList<Row>): string[] => l.sorted().map((r) => r.tag);

/** A deterministic shuffle of 0..n-1. */
function shuffled(n: number): number[] {
  const out = Array.from({ length: n }, (_, i) => i);
  let seed = 12345;
  for (let i = n - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    const j = seed % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

describe('instance tree child list', () => {
  it('keeps numeric keys in numeric order whatever the order they come in, and finds each', () => {
    const l = new ChildList<Row>('peer');
    const order = shuffled(200);
    for (const k of order) l.add(row(k));
    expect(l.size).to.equal(200);
    expect(l.sorted().map((r) => r.keys[0])).to.deep.equal(Array.from({ length: 200 }, (_, i) => i));
    for (const k of order) expect(l.get([k])?.tag).to.equal(String(k));
    expect(l.get([200])).to.equal(undefined);
    expect(l.get([-1])).to.equal(undefined);
    expect(l.get([7.5])).to.equal(undefined);
    expect(l.get([NaN]), 'NaN is no key of a numeric list').to.equal(undefined);
  });

  it('orders text keys lexically and multi-part keys part by part', () => {
    const l = new ChildList<Row>('x');
    for (const k of [['b', 2], ['a', 10], ['b', 1], ['a', 9], ['c', 0]] as const) l.add(row(...k));
    expect(tags(l)).to.deep.equal(['a|9', 'a|10', 'b|1', 'b|2', 'c|0']);
    expect(l.get(['b', 1])?.tag).to.equal('b|1');
    expect(l.get(['b'])).to.equal(undefined);
    expect(compareKeys(['a'], ['a', 1])).to.be.below(0);
  });

  it('finds a numeric key given as text, and a 64-bit key', () => {
    const l = new ChildList<Row>('x');
    l.add(row(3));
    l.add(row(12));
    expect(l.get(['12'])?.tag).to.equal('12');
    expect(l.get(['4'])).to.equal(undefined);
    const b = new ChildList<Row>('y');
    b.add(row(18446744073709551615n));
    b.add(row(5n));
    expect(b.get([18446744073709551615n])?.tag).to.equal('18446744073709551615');
    expect(b.get([5n])?.tag).to.equal('5');
  });

  it('removes entries at the front, middle and end, and refuses a duplicate key', () => {
    const l = new ChildList<Row>('x');
    const rows = [1, 2, 3, 4, 5].map((k) => row(k));
    for (const r of rows) l.add(r);
    expect(() => l.add(row(3))).to.throw('duplicate');
    expect(l.delete(rows[0])).to.equal(true);
    expect(l.delete(rows[2])).to.equal(true);
    expect(l.delete(rows[4])).to.equal(true);
    expect(l.delete(rows[4])).to.equal(false);
    expect(l.delete(row(2)), 'another entry with the same keys is not in the list').to.equal(false);
    expect(tags(l)).to.deep.equal(['2', '4']);
    expect(l.get([3])).to.equal(undefined);
    expect(l.get([4])).to.equal(rows[3]);
  });

  it('hands out a frozen array that later changes leave as it was', () => {
    const l = new ChildList<Row>('x');
    l.add(row(1));
    l.add(row(2));
    const before = l.sorted();
    expect(Object.isFrozen(before)).to.equal(true);
    expect(l.sorted()).to.equal(before);
    l.add(row(0));
    l.delete(before[1]);
    expect(before.map((r) => r.tag)).to.deep.equal(['1', '2']);
    expect(tags(l)).to.deep.equal(['0', '1']);
    expect(l.sorted()).to.not.equal(before);
  });
});
