/**
 * The table of the model's scalar types: for each base of ScalarType (src/model/types.ts), one entry carrying
 * everything the views and generators need, one concern per file of src/model/scalar/:
 *
 * | concern | what it holds                                                        | read by                       |
 * |---------|----------------------------------------------------------------------|-------------------------------|
 * | doc     | protocol-neutral description                                         | tools/render/docs-markdown.ts |
 * | config  | validation and normalisation of a configuration value                | src/config/document.ts        |
 * | xml     | YANG XML text and back (NETCONF)                                     | src/netconf/schema.ts         |
 * | json    | RFC 7951 JSON and back                                               | (RESTCONF)                    |
 * | snmp    | BER tag and plain value of a varbind, SET decoding, INDEX encoding   | src/snmp/values.ts            |
 * | yang    | YANG type statement and default                                      | tools/render/yang.ts          |
 * | smi     | SMIv2 SYNTAX and DEFVAL                                              | tools/render/mib*.ts          |
 * | prometheus | metric or label on /metrics and in the snmp_exporter module       | src/http/metrics*.ts, tools/render/snmp-exporter.ts |
 *
 * Each concern's table is typed { [B in ScalarBase]: ... }, so a base without an entry does not compile; a
 * new type is one entry in each concern, all in this folder. The table is pure (no protocol imports): the
 * SNMP concern converts values to the plain value of a BER tag, and src/snmp/ber.ts stays the codec.
 */
import type { ScalarType } from './types';
import type { ScalarBase, ScalarOf } from './scalar/base';
import type { ConfigCheck } from './scalar/config';
import { CONFIG_CHECKS } from './scalar/config';
import { DOC_TEXTS } from './scalar/doc';
import type { JsonCodec } from './scalar/json';
import { JSON_CODECS } from './scalar/json';
import type { PrometheusRendering } from './scalar/prometheus';
import { PROMETHEUS_RENDERINGS } from './scalar/prometheus';
import type { SmiRendering } from './scalar/smi';
import { SMI_RENDERINGS } from './scalar/smi';
import type { SnmpCodec } from './scalar/snmp';
import { SNMP_CODECS } from './scalar/snmp';
import type { XmlCodec } from './scalar/xml';
import { XML_CODECS } from './scalar/xml';
import type { YangRendering } from './scalar/yang';
import { YANG_RENDERINGS } from './scalar/yang';

export type { ScalarBase, ScalarOf } from './scalar/base';

/** Everything about scalar types of one base. */
export interface ScalarEntry<T extends ScalarType> {
  readonly doc: (t: T) => string;
  readonly config: ConfigCheck<T>;
  readonly xml: XmlCodec<T>;
  readonly json: JsonCodec<T>;
  readonly snmp: SnmpCodec<T>;
  readonly yang: YangRendering<T>;
  readonly smi: SmiRendering<T>;
  readonly prometheus: PrometheusRendering<T>;
}

export type ScalarTable = { readonly [B in ScalarBase]: ScalarEntry<ScalarOf<B>> };

function entry<B extends ScalarBase>(base: B): ScalarEntry<ScalarOf<B>> {
  return {
    doc: DOC_TEXTS[base] as (t: ScalarOf<B>) => string,
    config: CONFIG_CHECKS[base] as ConfigCheck<ScalarOf<B>>,
    xml: XML_CODECS[base] as XmlCodec<ScalarOf<B>>,
    json: JSON_CODECS[base] as JsonCodec<ScalarOf<B>>,
    snmp: SNMP_CODECS[base] as SnmpCodec<ScalarOf<B>>,
    yang: YANG_RENDERINGS[base] as YangRendering<ScalarOf<B>>,
    smi: SMI_RENDERINGS[base] as SmiRendering<ScalarOf<B>>,
    prometheus: PROMETHEUS_RENDERINGS[base] as PrometheusRendering<ScalarOf<B>>,
  };
}

/** Every base of ScalarType, in the order of its declaration. */
export const SCALAR_BASES = Object.keys(DOC_TEXTS) as ScalarBase[];

export const SCALARS: ScalarTable = Object.fromEntries(SCALAR_BASES.map((b) => [b, entry(b)])) as unknown as ScalarTable;

/**
 * The entry of a type. Its functions take the type itself: scalarOf(t).xml.encode(t, v). (TypeScript cannot
 * tie an entry of the union to its member, so the entry is typed for ScalarType.)
 */
export function scalarOf(t: ScalarType): ScalarEntry<ScalarType> {
  return SCALARS[t.base] as unknown as ScalarEntry<ScalarType>;
}
