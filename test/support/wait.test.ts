/** The test helper `until` waits for a truthy value: 0, '' and null are "not yet", like undefined and false. */
import { expect } from 'chai';
import { until } from './wait';

describe('test support: until', () => {
  for (const notYet of [0, '', null, undefined, false] as const) {
    it(`keeps waiting while the condition returns ${JSON.stringify(notYet) ?? 'undefined'}`, async () => {
      let calls = 0;
      const v = await until(`a value after ${String(notYet)}`, () => (++calls < 3 ? notYet : 'ready'), 2000, 5);
      expect(v).to.equal('ready');
      expect(calls).to.equal(3);
    });
  }

  it('times out naming what it waited for when the condition never holds', async () => {
    const e = await until('a count of zero', () => 0, 50, 5).then(() => undefined, (x: unknown) => x);
    expect(String(e)).to.match(/timed out after 50 ms waiting for a count of zero/);
  });

  it('resolves with the value of a condition that compares with 0 explicitly', async () => {
    let n = 2;
    expect(await until('the count to reach 0', () => --n === 0, 2000, 5)).to.equal(true);
  });
});
