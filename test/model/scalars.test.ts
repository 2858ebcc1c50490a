/**
 * The table of scalar types (src/model/scalars.ts): every base of ScalarType has an entry in every concern,
 * the concerns agree with one another on every value the model declares, and the JSON concern follows
 * RFC 7951 (checked by rule, and by libyang's yanglint reading JSON instance data of the module).
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { kebab, model, modelIndex } from '../../src/model';
import type { Attribute, ObjectClass, ScalarType } from '../../src/model';
import { SCALARS, SCALAR_BASES, scalarOf } from '../../src/model/scalars';
import type { ScalarBase, ScalarEntry, ScalarOf } from '../../src/model/scalars';
import { CONFIG_CHECKS } from '../../src/model/scalar/config';
import { decimalInto, intText, isoTime, isoTimeInto } from '../../src/model/scalar/base';
import { DOC_TEXTS } from '../../src/model/scalar/doc';
import { JSON_CODECS, YANG_JSON } from '../../src/model/scalar/json';
import type { JsonValue } from '../../src/model/scalar/json';
import { PROMETHEUS_RENDERINGS } from '../../src/model/scalar/prometheus';
import { SMI_RENDERINGS } from '../../src/model/scalar/smi';
import { SNMP_CODECS } from '../../src/model/scalar/snmp';
import { ENCODE_INTO_BYTES, XML_CODECS } from '../../src/model/scalar/xml';
import { YANG_RENDERINGS } from '../../src/model/scalar/yang';
import { projectRoot, requireTool } from '../support/tools';

/**
 * A value of every base: the list of bases this test knows. `satisfies` makes a base added to ScalarType
 * without a sample here a compile error, as a base without an entry in a concern table is one there.
 */
const SAMPLES = {
  name: () => 'n1',
  text: () => 'a text',
  hex: (t: ScalarOf<'hex'>) => '0x' + 'ab'.repeat(t.fixedLength ?? Math.min(t.maxLength ?? 4, 4)),
  bigDecimal: () => '123456789012345678901234567890',
  int32: (t: ScalarOf<'int32'>) => t.min ?? -7,
  uint32: (t: ScalarOf<'uint32'>) => t.min ?? 7,
  gauge32: () => 4294967295,
  /** Above 32 bits; the configuration document holds numbers up to 2^53 - 1. */
  counter64: () => String(Number.MAX_SAFE_INTEGER),
  gauge64: () => String(2 ** 40),
  milli: () => 1.5,
  level: () => 4294967.295,
  boolean: () => false,
  enum: (t: ScalarOf<'enum'>) => t.values[t.values.length - 1].name,
  timestamp: () => '2026-12-02T07:00:00.100Z',
  uri: () => 'http://127.0.0.1:8545',
  alarmType: () => model.alarmTypes[model.alarmTypes.length - 1].name,
  resource: () => 'network/dev/node/n1',
} satisfies { [B in ScalarBase]: (t: ScalarOf<B>) => string | number | boolean };

function sample(t: ScalarType): string | number | boolean {
  return (SAMPLES[t.base] as (t: ScalarType) => string | number | boolean)(t);
}

/** Every scalar type the model uses (attributes, action and event parameters), with where. */
function modelTypes(): { where: string; type: ScalarType }[] {
  const out: { where: string; type: ScalarType }[] = [];
  for (const c of model.classes) {
    for (const a of c.attributes) out.push({ where: `${c.name}.${a.name}`, type: a.type });
    for (const x of c.actions ?? []) for (const p of [...x.input, ...x.output]) out.push({ where: `${c.name}.${x.name}.${p.name}`, type: p.type });
  }
  for (const e of model.events) for (const p of e.parameters) out.push({ where: `${e.name}.${p.name}`, type: p.type });
  return out;
}

/** One value of each scalar type of the model, refined (each enum type, each length) where the type is. */
const distinctTypes = [...new Map(modelTypes().map((x) => [JSON.stringify(x.type), x])).values()];

describe('scalar type table', () => {
  it('isoTime writes what Date.toISOString writes (leap days, centuries, the ends of its range, other values by Date)', () => {
    const cases = [0, 1, 999, 86_399_999, 951_782_400_000, 951_868_799_999, 4_107_542_400_000, 253_402_300_799_999, 253_402_300_800_000, -1, 1.5,
      ...Array.from({ length: 5000 }, (_, i) => Math.floor((i * 2_654_435_761) % 253_402_300_800_000))];
    for (const ms of cases) expect(isoTime(ms), String(ms)).to.equal(new Date(ms).toISOString());
  });

  it('a time no Date can hold is written as its number in XML and JSON, not thrown (one bad value never fails a whole read)', () => {
    const t: ScalarType = { base: 'timestamp' };
    for (const v of [9e18, -9e18, 8_640_000_000_000_001, NaN]) {
      expect(scalarOf(t).xml.encode(t, v), String(v)).to.equal(String(v));
      expect(scalarOf(t).json.encode(t, v), String(v)).to.equal(String(v));
    }
    expect(scalarOf(t).xml.encode(t, 8.64e15)).to.equal(new Date(8.64e15).toISOString());
  });

  it('isoTimeInto writes the same bytes at any position, and nothing for the values it leaves to Date', () => {
    const out = Buffer.alloc(64, 0x7e);
    for (const ms of [0, 951_782_400_000, 1_767_225_599_999, 253_402_300_799_999, ...Array.from({ length: 2000 }, (_, i) => (i * 2_654_435_761) % 253_402_300_800_000)]) {
      const at = ms % 17;
      expect(isoTimeInto(ms, out, at), String(ms)).to.equal(at + 24);
      expect(out.toString('latin1', at, at + 24), String(ms)).to.equal(new Date(ms).toISOString());
    }
    const before = Buffer.from(out);
    for (const ms of [-1, 1.5, 253_402_300_800_000, NaN, Infinity]) expect(isoTimeInto(ms, out, 3), String(ms)).to.equal(-1);
    expect(out.equals(before), 'nothing written when declined').to.equal(true);
  });

  it('decimalInto writes intText of integers within 2^53 (numbers and bigints), and nothing for other values', () => {
    const out = Buffer.alloc(40, 0x7e);
    const max = Number.MAX_SAFE_INTEGER;
    const values = [0, -0, 1, -1, 9, 10, 99, 100, 1200, -4096, 2 ** 31, -(2 ** 31), 2 ** 32 + 7, max, -max,
      0n, 7n, -7n, 123456789012345n, BigInt(max), -BigInt(max), ...Array.from({ length: 500 }, (_, i) => Math.floor((i * 2_654_435_761) % max) * (i % 2 ? -1 : 1))];
    for (const v of values) {
      const at = Number(v) % 5 === 0 ? 0 : 3;
      const end = decimalInto(v, out, at);
      expect(out.toString('latin1', at, end), String(v)).to.equal(intText(v));
    }
    const before = Buffer.from(out);
    for (const v of [max + 1, -max - 1, 1.5, NaN, Infinity, BigInt(max) + 1n, -BigInt(max) - 1n, 2n ** 64n, '12', true]) {
      expect(decimalInto(v, out, 2), String(v)).to.equal(-1);
    }
    expect(out.equals(before), 'nothing written when declined').to.equal(true);
  });

  describe('exhaustiveness', () => {
    const bases = Object.keys(SAMPLES).sort();
    const concerns: Record<keyof ScalarEntry<ScalarType>, Readonly<Record<string, unknown>>> = {
      doc: DOC_TEXTS, config: CONFIG_CHECKS, xml: XML_CODECS, json: JSON_CODECS, snmp: SNMP_CODECS, yang: YANG_RENDERINGS, smi: SMI_RENDERINGS, prometheus: PROMETHEUS_RENDERINGS,
    };

    it('has one entry per base of ScalarType, in every concern, and nothing else', () => {
      expect([...SCALAR_BASES].sort()).to.deep.equal(bases);
      expect(Object.keys(SCALARS).sort()).to.deep.equal(bases);
      for (const [concern, table] of Object.entries(concerns)) {
        expect(Object.keys(table).sort(), concern).to.deep.equal(bases);
        for (const b of bases) {
          expect(table[b], `${concern}.${b}`).to.not.equal(undefined);
          expect((SCALARS as unknown as Record<string, Record<string, unknown>>)[b][concern], `SCALARS.${b}.${concern}`).to.equal(table[b]);
        }
      }
    });

    it('covers every type the model uses', () => {
      for (const { where, type } of modelTypes()) expect(bases, where).to.include(type.base);
    });
  });

  describe('the concerns agree on a value of every type of the model', () => {
    for (const { where, type } of distinctTypes) {
      it(`${type.base} (${where}): XML text, RFC 7951 JSON and SNMP carry the configuration value back`, () => {
        const e = scalarOf(type);
        const v = e.config.check(type, sample(type), (why) => { throw new Error(`${where}: ${why}`); });
        const check = (x: unknown): unknown => e.config.check(type, x, (why) => { throw new Error(`${where}: ${why}`); });
        const text = e.xml.encode(type, v);
        const valueNs = e.xml.valueNs;
        const resolve = (q: string): { ns: string; name: string } | undefined =>
          q.startsWith(`${model.module.yangPrefix}:`) && valueNs ? { ns: valueNs, name: q.slice(model.module.yangPrefix.length + 1) } : undefined;
        expect(check(e.xml.decode(type, text, resolve)), 'XML').to.deep.equal(v);
        if (e.xml.encodeInto) {
          // the bytes written for writers of bytes are encode's text
          const out = Buffer.alloc(ENCODE_INTO_BYTES);
          const n = e.xml.encodeInto(type, v, out, 0);
          if (n >= 0) expect(out.toString('latin1', 0, n), 'encodeInto').to.equal(text);
        }
        const json = JSON.parse(JSON.stringify(e.json.encode(type, v))) as unknown;
        const back = e.json.decode(type, json);
        expect(back.ok, `JSON ${JSON.stringify(json)}`).to.equal(true);
        if (back.ok) expect(check(back.value), 'JSON').to.deep.equal(v);
        const plain = e.snmp.encode(type, v);
        expect(plain, 'SNMP').to.not.equal(undefined);
        if (e.snmp.decode) {
          const set = e.snmp.decode(type, plain!);
          expect(set, 'SNMP SET').to.deep.include({ ok: true });
          if (set.ok) expect(check(set.value), 'SNMP').to.deep.equal(v);
        }
        const index = e.snmp.index(type, v);
        if (index) expect(check(e.snmp.fromIndex(type, index)?.value), 'INDEX').to.deep.equal(v);
        expect(e.doc(type)).to.be.a('string').and.not.equal('');
      });
    }
  });

  describe('RFC 7951 JSON', () => {
    it('section 6.1: integers up to 32 bits are numbers, 64-bit integers strings, each within its range', () => {
      expect(YANG_JSON.encodeInt('int32', -2147483648)).to.equal(-2147483648);
      expect(YANG_JSON.encodeInt('uint32', 4294967295)).to.equal(4294967295);
      expect(YANG_JSON.encodeInt('int64', -(2n ** 63n))).to.equal('-9223372036854775808');
      expect(YANG_JSON.encodeInt('uint64', 2n ** 64n - 1n)).to.equal('18446744073709551615');
      expect(YANG_JSON.decodeInt('uint64', '18446744073709551615')).to.deep.equal({ ok: true, value: 2n ** 64n - 1n });
      expect(YANG_JSON.decodeInt('int8', -128)).to.deep.equal({ ok: true, value: -128n });
      for (const [kind, j] of [['int32', '5'], ['uint64', 5], ['int32', 1.5], ['uint8', 256], ['int8', -129], ['uint32', -1],
        ['uint64', '18446744073709551616'], ['int64', '1e3'], ['int16', null]] as const) {
        expect(YANG_JSON.decodeInt(kind, j).ok, `${kind} ${JSON.stringify(j)}`).to.equal(false);
      }
    });

    it('section 6.1: decimal64 is a string with at most fraction-digits digits after the point', () => {
      expect(YANG_JSON.encodeDecimal64(1.5, 3)).to.equal('1.500');
      expect(YANG_JSON.decodeDecimal64('-0.125', 3)).to.deep.equal({ ok: true, value: '-0.125' });
      expect(YANG_JSON.decodeDecimal64(1.5, 3).ok).to.equal(false);
      expect(YANG_JSON.decodeDecimal64('1.2345', 3).ok).to.equal(false);
      expect(YANG_JSON.decodeDecimal64('1.', 3).ok).to.equal(false);
    });

    it('sections 6.3, 6.9: boolean is a JSON literal, empty is [null]', () => {
      expect(YANG_JSON.decodeBoolean(true)).to.deep.equal({ ok: true, value: true });
      expect(YANG_JSON.decodeBoolean('true').ok).to.equal(false);
      expect(JSON.stringify(YANG_JSON.encodeEmpty())).to.equal('[null]');
      expect(YANG_JSON.decodeEmpty(JSON.parse('[null]')).ok).to.equal(true);
      for (const j of [null, [], [null, null], ''] as unknown[]) expect(YANG_JSON.decodeEmpty(j).ok, JSON.stringify(j)).to.equal(false);
    });

    it('sections 6.4, 6.5: an enumeration by name, bits as space-separated names', () => {
      expect(YANG_JSON.decodeEnumeration('major', ['minor', 'major'])).to.deep.equal({ ok: true, value: 'major' });
      expect(YANG_JSON.decodeEnumeration(2, ['minor', 'major']).ok).to.equal(false);
      expect(YANG_JSON.encodeBits(['syn', 'ack'])).to.equal('syn ack');
      expect(YANG_JSON.decodeBits('syn  ack', ['syn', 'ack', 'fin'])).to.deep.equal({ ok: true, value: ['syn', 'ack'] });
      expect(YANG_JSON.decodeBits('syn rst', ['syn', 'ack']).ok).to.equal(false);
      expect(YANG_JSON.decodeBits(['syn'], ['syn']).ok).to.equal(false);
    });

    it('section 6.6: binary is base64', () => {
      expect(YANG_JSON.encodeBinary(Buffer.from([0, 1, 2, 0xfb, 0xff]))).to.equal('AAEC+/8=');
      const r = YANG_JSON.decodeBinary('AAEC+/8=');
      expect(r.ok && [...r.value]).to.deep.equal([0, 1, 2, 0xfb, 0xff]);
      for (const j of ['AAE', 'AA=A', '%%%%', 3]) expect(YANG_JSON.decodeBinary(j).ok, String(j)).to.equal(false);
    });

    it('section 6.8: an identityref is module-name:identity', () => {
      expect(YANG_JSON.encodeIdentityref('ietf-alarms', 'alarm-type-id')).to.equal('ietf-alarms:alarm-type-id');
      expect(YANG_JSON.decodeIdentityref('ietf-alarms:x', 'm')).to.deep.equal({ ok: true, value: { module: 'ietf-alarms', identity: 'x' } });
      expect(YANG_JSON.decodeIdentityref('x', 'm')).to.deep.equal({ ok: true, value: { module: 'm', identity: 'x' } });
      expect(YANG_JSON.decodeIdentityref('a:b:c', 'm').ok).to.equal(false);
    });

    it('renders the model types by the built-in type of their YANG rendering', () => {
      const json = (t: ScalarType, v: string | number | bigint | boolean): JsonValue => scalarOf(t).json.encode(t, v);
      expect(json({ base: 'counter64' }, 2n ** 64n - 1n)).to.equal('18446744073709551615');
      expect(json({ base: 'gauge64' }, 5)).to.equal('5');
      expect(json({ base: 'gauge32' }, 5n)).to.equal(5);
      expect(json({ base: 'uint32' }, '7')).to.equal(7);
      expect(json({ base: 'int32' }, -3)).to.equal(-3);
      expect(json({ base: 'milli' }, 1.5)).to.equal('1.500');
      expect(json({ base: 'boolean' }, 'true')).to.equal(true);
      expect(json({ base: 'timestamp' }, Date.UTC(2026, 0, 2))).to.equal('2026-01-02T00:00:00.000Z');
      const sev = modelTypes().find((x) => x.type.base === 'enum')!.type as ScalarOf<'enum'>;
      const label = sev.values.find((v) => kebab(v.name) !== v.name) ?? sev.values[0];
      expect(json(sev, label.name)).to.equal(kebab(label.name));
      expect(scalarOf(sev).json.decode(sev, kebab(label.name))).to.deep.equal({ ok: true, value: label.name });
      expect(scalarOf(sev).json.decode(sev, label.value).ok).to.equal(false);
      const alarm = model.alarmTypes[0];
      expect(json({ base: 'alarmType' }, alarm.name)).to.equal(`${model.module.yangName}:${kebab(alarm.name)}`);
      expect(scalarOf({ base: 'alarmType' }).json.decode({ base: 'alarmType' }, `ietf-alarms:${kebab(alarm.name)}`).ok).to.equal(false);
      for (const [t, j] of [[{ base: 'counter64' }, 5], [{ base: 'uint32' }, '5'], [{ base: 'milli' }, 1.5], [{ base: 'boolean' }, 'false'],
        [{ base: 'text' }, 5], [{ base: 'uint32' }, 4294967296]] as [ScalarType, unknown][]) {
        expect(scalarOf(t).json.decode(t, j).ok, `${t.base} ${JSON.stringify(j)}`).to.equal(false);
      }
    });
  });

  describe('RFC 7951 JSON read by yanglint against the module', function () {
    this.timeout(60_000);
    const yangDir = path.join(projectRoot, 'yang');
    const ourModule = path.join(yangDir, fs.readdirSync(yangDir).find((f) => f.startsWith('blockchain-mgmt@'))!);
    let tmp = '';
    before(function () {
      requireTool(this, 'yanglint', 'libyang2-tools');
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bcm-scalars-'));
    });
    after(() => { if (tmp) fs.rmSync(tmp, { recursive: true, force: true }); });

    const lint = (kind: string, doc: unknown): { status: number | null; out: string } => {
      const file = path.join(tmp, `${kind}-${Math.random().toString(36).slice(2)}.json`);
      fs.writeFileSync(file, JSON.stringify(doc));
      const r = spawnSync('yanglint', ['-p', yangDir, '-t', kind, ourModule, file], { encoding: 'utf8', cwd: tmp });
      return { status: r.status, out: `${r.stdout}${r.stderr}` };
    };
    const leaves = (params: readonly { name: string; type: ScalarType }[]): Record<string, JsonValue> =>
      Object.fromEntries(params.map((p) => [kebab(p.name), scalarOf(p.type).json.encode(p.type, sample(p.type))]));

    for (const e of model.events) {
      it(`notification ${e.name} with every parameter (${e.parameters.map((p) => p.type.base).join(', ')})`, () => {
        const r = lint('notif', { [`${model.module.yangName}:${kebab(e.name)}`]: leaves(e.parameters) });
        expect(r.out).to.equal('');
        expect(r.status).to.equal(0);
      });
    }

    /** One instance of every class of our module with every attribute, each list keyed by its class's name. */
    function operational(cls: ObjectClass, alter = (_a: Attribute, j: JsonValue): JsonValue => j): Record<string, JsonValue> {
      const o: Record<string, JsonValue> = {};
      const keys = cls.keys ?? [];
      for (const a of cls.attributes.filter((x) => !x.yangExternal)) {
        const v = keys.includes(a.name) && a.type.base === 'name' ? cls.name : refOf(cls, a) ?? sample(a.type);
        const j = alter(a, scalarOf(a.type).json.encode(a.type, v));
        o[modelIndex.yangLeafName(a)] = a.multi ? [j] : j;
      }
      for (const c of modelIndex.childrenOf(cls).filter((x) => !x.yangExternal)) {
        o[modelIndex.yangNodeName(c)] = c.kind === 'list' ? [operational(c, alter)] : operational(c, alter);
      }
      return o;
    }
    /** Values that must name another entry of the document or agree with another value. */
    function refOf(cls: ObjectClass, a: Attribute): string | number | undefined {
      const refs: Record<string, string | number> = {
        'crossChainChannel.counterparty': 'network', 'threshold.job': 'measurementJob',
        'threshold.raiseLevel': 10, 'threshold.clearLevel': 5, 'alarmPolicy.raiseLevel': 10, 'alarmPolicy.clearLevel': 5,
      };
      return refs[`${cls.name}.${a.name}`];
    }

    const operationalDoc = (alter?: (a: Attribute, j: JsonValue) => JsonValue): unknown =>
      ({ [`${model.module.yangName}:${modelIndex.yangNodeName(modelIndex.root)}`]: operational(modelIndex.root, alter) });

    it('operational data with every attribute of every class of the module (-t data)', () => {
      const r = lint('data', operationalDoc());
      expect(r.out).to.equal('');
      expect(r.status).to.equal(0);
    });

    for (const base of ['counter64', 'milli', 'bigDecimal'] as const) {
      it(`the same data with the ${base} leaves as JSON numbers is refused`, () => {
        const r = lint('data', operationalDoc((a, j) => a.type.base === base ? Number(j) : j));
        expect(r.status).to.not.equal(0);
        expect(r.out).to.match(/libyang err/);
      });
    }

    it('refuses what RFC 7951 forbids: a 64-bit integer as a number, a 32-bit one as a string', () => {
      const e = model.events.find((x) => x.parameters.some((p) => p.type.base === 'gauge64') && x.parameters.some((p) => p.type.base === 'gauge32'));
      expect(e, 'an event with a gauge64 and a gauge32 parameter').to.not.equal(undefined);
      const base = leaves(e!.parameters);
      const wide = kebab(e!.parameters.find((p) => p.type.base === 'gauge64')!.name);
      const narrow = kebab(e!.parameters.find((p) => p.type.base === 'gauge32')!.name);
      const name = `${model.module.yangName}:${kebab(e!.name)}`;
      expect(lint('notif', { [name]: base }).status).to.equal(0);
      expect(lint('notif', { [name]: { ...base, [wide]: Number(base[wide]) } }).status, `${wide} as a number`).to.not.equal(0);
      expect(lint('notif', { [name]: { ...base, [narrow]: String(base[narrow]) } }).status, `${narrow} as a string`).to.not.equal(0);
    });
  });
});
