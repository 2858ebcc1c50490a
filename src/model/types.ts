/**
 * Meta-model of the M.immbs information model.
 *
 * The information model (RFC 3444 sense) is protocol-neutral: object classes, their attributes,
 * containment, actions, alarm types and events. Each data model (YANG, SMIv2) and the runtime
 * instance tree are derived from these definitions; nothing about a class is written twice.
 */

/** The subclauses of clause 7 of the Recommendation an element belongs to. */
export type Clause = '7.1' | '7.2.1' | '7.2.2' | '7.2.3' | '7.2.4' | '7.3.1' | '7.3.2' | '7.3.3' | '7.3.4';

export interface EnumValue {
  /** camelCase label; YANG renders it kebab-case, SMIv2 as-is. */
  readonly name: string;
  /** SMIv2 enumeration number (>= 1 unless the type says otherwise). */
  readonly value: number;
  readonly description: string;
}

/**
 * Scalar types. What each base means to every view and generator (SNMP, XML, JSON, configuration, YANG, SMIv2,
 * Prometheus, documentation) is its entry of the scalar type table, src/model/scalars.ts.
 */
export type ScalarType =
  /** Identifier used as a key: 1..32 characters [A-Za-z0-9._-]. */
  | { readonly base: 'name' }
  /** UTF-8 text, at most maxLength octets (default 255). */
  | { readonly base: 'text'; readonly maxLength?: number }
  /** Binary value shown as hexadecimal (hashes, addresses, selectors). fixedLength in octets, or maxLength. */
  | { readonly base: 'hex'; readonly fixedLength?: number; readonly maxLength?: number }
  /** Unbounded non-negative integer carried as decimal text (wei balances, total difficulty). */
  | { readonly base: 'bigDecimal' }
  | { readonly base: 'int32'; readonly min?: number; readonly max?: number }
  | { readonly base: 'uint32'; readonly min?: number; readonly max?: number }
  /** A 32-bit value that goes up and down (SMIv2 Gauge32). */
  | { readonly base: 'gauge32' }
  /** Monotonic 64-bit counter (SMIv2 Counter64, YANG yang:counter64). */
  | { readonly base: 'counter64' }
  /** 64-bit gauge (HCNUM-TC CounterBasedGauge64 equivalent, YANG yang:gauge64). */
  | { readonly base: 'gauge64' }
  /** Fixed-point value with three fraction digits (SMIv2: gauge64 of thousandths, YANG decimal64). */
  | { readonly base: 'milli' }
  /** A configurable level with three fraction digits that fits 32 bits (SMIv2: Unsigned32 of thousandths, writable; YANG decimal64). */
  | { readonly base: 'level' }
  | { readonly base: 'boolean' }
  | { readonly base: 'enum'; readonly typeName: string; readonly values: readonly EnumValue[] }
  /** Absolute time (SMIv2 DateAndTime, YANG yang:date-and-time). */
  | { readonly base: 'timestamp' }
  /** An endpoint URL or host:port (SMIv2 DisplayString, YANG inet:uri). */
  | { readonly base: 'uri' }
  /** An alarm type of this model (SMIv2 AutonomousType-like OID, YANG identityref). */
  | { readonly base: 'alarmType' }
  /** A reference to a managed resource, as a path in the containment tree ("network/dev/node/n1"). */
  | { readonly base: 'resource' };

export type Access = 'config' | 'state';

export interface Attribute {
  /** camelCase model name; YANG leaf is kebab-case, MIB object is mibPrefix + PascalCase. */
  readonly name: string;
  readonly type: ScalarType;
  readonly access: Access;
  readonly description: string;
  /** Column (or scalar) arc under the class's table entry / group. Unique within the class. */
  readonly arc: number;
  readonly units?: string;
  /** Default of a configuration attribute. */
  readonly default?: string | number | boolean;
  /**
   * A configuration attribute every instance must set (no default): the configuration validator refuses a
   * document without it and the YANG module renders it mandatory. Keys are always required and need no flag.
   */
  readonly required?: boolean;
  /**
   * Required unless a sibling configuration attribute has a value (the sibling's default counts when it is
   * absent), e.g. an SNMPv3 user's authKey unless authProtocol is none. YANG renders it as a must on the list.
   */
  readonly requiredUnless?: { readonly attribute: string; readonly value: string };
  /** Present in the MIB? false for secrets and for values that only make sense in YANG. */
  readonly mib?: boolean;
  /** Secrets: written, never read back by any view. */
  readonly secret?: boolean;
  /** Several values (YANG leaf-list); never in the MIB. */
  readonly multi?: boolean;
  /** Of a configuration leaf-list (multi): the most values it may hold (YANG max-elements); more are refused. */
  readonly maxElements?: number;
  /** Override of the MIB descriptor when the derived one would exceed 32 characters. */
  readonly mibName?: string;
  /**
   * In a class with yangExternal: the standard module's node that renders this attribute, relative to the
   * class's list (e.g. "al:perceived-severity", "x733:event-type"). Attributes of such a class without it
   * are rendered by our module as an augmentation of the external list.
   */
  readonly yangExternal?: string;
  /**
   * A state attribute an operator may set through the MIB (read-write); in YANG it is changed through
   * the class's action (e.g. the operator state of an alarm).
   */
  readonly writable?: boolean;
}

export interface Parameter {
  readonly name: string;
  readonly type: ScalarType;
  readonly description: string;
  readonly mandatory?: boolean;
}

/** An operation on an instance of a class (YANG action) or on the system (YANG rpc). */
export interface Action {
  readonly name: string;
  readonly description: string;
  readonly input: readonly Parameter[];
  readonly output: readonly Parameter[];
  /** How each platform family realises it, for the documentation. */
  readonly platforms: Readonly<Record<string, string>>;
}

export interface ObjectClass {
  /** camelCase model name, unique in the model. */
  readonly name: string;
  readonly clause: Clause;
  readonly description: string;
  /** Containing class; null only for the root (managedSystem). */
  readonly parent: string | null;
  /** list: any number of instances, keyed; container: at most one per parent instance. */
  readonly kind: 'list' | 'container';
  /** Key attribute names (lists only), in order. */
  readonly keys?: readonly string[];
  /**
   * OID arc: for a class rendered as a table, the table's arc under bcmObjects; for a container of
   * scalars, the group's arc under bcmObjects. Unique across the model.
   */
  readonly arc: number;
  /** Prefix of this class's MIB descriptors (e.g. "bcmNode"). */
  readonly mibPrefix: string;
  /** Not rendered in the MIB at all (e.g. credentials, which SNMP-USER-BASED-SM-MIB covers). */
  readonly mib?: boolean;
  /**
   * The class is rendered in YANG by a standard module rather than by ours
   * (e.g. alarms: ietf-alarms); value is the YANG path of its list.
   */
  readonly yangExternal?: string;
  /**
   * Of a list with configured instances: the most instances one configuration may hold in each parent instance
   * (YANG max-elements). The datastore refuses more, naming the list and this bound.
   */
  readonly maxElements?: number;
  /** Maximum number of instances the bridge keeps (bounded tables), with the eviction rule. */
  readonly bound?: { readonly max: number; readonly eviction: string };
  readonly attributes: readonly Attribute[];
  readonly actions?: readonly Action[];
}

/** ITU-T X.733 event types, values of ITU-ALARM-TC-MIB IANAItuEventType. */
export type X733EventType =
  | 'other' | 'communicationsAlarm' | 'qualityOfServiceAlarm' | 'processingErrorAlarm'
  | 'equipmentAlarm' | 'environmentalAlarm';

/** ITU-T X.733 perceived severities (ITU-ALARM-TC-MIB ItuPerceivedSeverity). */
export type Severity = 'cleared' | 'indeterminate' | 'critical' | 'major' | 'minor' | 'warning';

export interface AlarmType {
  /** camelCase; YANG identity is kebab-case, MIB OBJECT-IDENTITY is "bcmAlarm" + PascalCase. */
  readonly name: string;
  readonly arc: number;
  readonly clause: Clause;
  readonly description: string;
  /** Class of the resource the alarm is raised on; several classes separated by "|". */
  readonly resourceClass: string;
  readonly eventType: X733EventType;
  /** X.733 probable cause: label and value of IANA-ITU-ALARM-TC-MIB IANAItuProbableCause. */
  readonly probableCause: { readonly name: string; readonly value: number };
  readonly specificProblem: string;
  readonly defaultSeverity: Exclude<Severity, 'cleared'>;
  /** RFC 8632 alarm-inventory will-clear: the bridge clears it when the condition goes away. */
  readonly willClear: boolean;
  /** What the detector's raise and clear levels mean, for documentation and configuration. */
  readonly levels: { readonly raise: string; readonly clear: string; readonly units: string;
    readonly defaultRaise: number; readonly defaultClear: number; readonly defaultHoldDown: number };
}

/** Events that are not alarms: YANG notifications (RFC 5277 streams). */
export interface EventType {
  readonly name: string;
  readonly clause: Clause;
  readonly description: string;
  readonly resourceClass: string;
  readonly parameters: readonly Parameter[];
}

/** SNMP notifications of the model (alarm raise, change, clear), carrying attributes of one class. */
export interface NotificationDef {
  readonly name: string;
  readonly arc: number;
  readonly description: string;
  /** Class whose attributes are the notification's varbinds. */
  readonly objectClass: string;
  readonly objects: readonly string[];
}

export interface InformationModel {
  readonly module: {
    readonly yangName: string;
    readonly yangPrefix: string;
    readonly namespace: string;
    readonly mibName: string;
    /** Provisional root OID of the MIB module (dotted). */
    readonly rootOid: string;
    readonly rootOidNote: string;
    readonly organization: string;
    readonly contact: string;
    readonly description: string;
    readonly revisions: readonly { readonly date: string; readonly description: string }[];
  };
  readonly classes: readonly ObjectClass[];
  readonly alarmTypes: readonly AlarmType[];
  readonly events: readonly EventType[];
  readonly notifications: readonly NotificationDef[];
}
