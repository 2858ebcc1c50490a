/** Clause 7.2.2: fault management: alarm types, the alarm list (RFC 8632), its history and detection policies. */
import { EventTypeEnum, PerceivedSeverity, T, config, ev, state } from './common';
import type { AlarmType, NotificationDef, ObjectClass } from './types';

export const fault: ObjectClass = {
  name: 'fault', clause: '7.2.2', kind: 'container', parent: 'managedSystem', arc: 30, mibPrefix: 'bcmFault',
  description: 'Fault management of the bridge: the alarm list and its summary.',
  attributes: [
    state(1, 'activeAlarms', T.gauge32, 'Alarms in the list that are not cleared.'),
    state(2, 'alarmListLastChanged', T.time, 'When the alarm list last changed.'),
    config(3, 'maxStatusChanges', T.uint32(1, 1000), 'Status changes kept per alarm; the oldest is removed first.', { default: 32 }),
    config(4, 'purgeClearedAfter', T.uint32(0, 3650), 'Days after which cleared alarms are purged; 0 keeps them.', { units: 'days', default: 30 }),
    state(5, 'persistenceFailures', T.counter64, 'Writes of the alarm list to the bridge\'s database that failed (each is retried; ' +
      'persistenceFailure is raised on the managed system while they fail). Counted since the bridge started.', { units: 'writes' }),
  ],
};

export const OperatorState = T.enumOf('AlarmOperatorState', [
  ev(1, 'none', 'No operator has acted on the alarm'),
  ev(2, 'ack', 'An operator has acknowledged the alarm'),
  ev(3, 'closed', 'An operator has closed the alarm'),
]);

export const alarm: ObjectClass = {
  name: 'alarm', clause: '7.2.2', kind: 'list', parent: 'fault', keys: ['index'], arc: 31, mibPrefix: 'bcmAlarm',
  yangExternal: '/al:alarms/al:alarm-list/al:alarm',
  description: 'An alarm: a persistent undesired state of a resource, keyed by (resource, alarm type, qualifier) as in RFC 8632, ' +
    'with the ITU-T X.733 fields. Cleared alarms stay in the list until purged or closed.',
  bound: { max: 10000, eviction: 'when full, the oldest cleared alarm is purged; the purge-alarms action and purgeClearedAfter remove more' },
  actions: [{
    name: 'setOperatorState', description: 'Acknowledge or close the alarm (RFC 8632 set-operator-state), recording the operator and a text.',
    input: [
      { name: 'state', type: OperatorState, description: 'New operator state.', mandatory: true },
      { name: 'text', type: T.text(255), description: 'Free text from the operator.' },
    ],
    output: [],
    platforms: {},
  }],
  attributes: [
    state(1, 'index', T.uint32(1, 4294967295), 'Index of the alarm, stable for the life of the alarm (kept across restarts).'),
    state(2, 'resource', T.resource, 'The alarmed resource, as a path in the containment tree.', { yangExternal: 'al:resource' }),
    state(3, 'type', T.alarmType, 'Alarm type.', { yangExternal: 'al:alarm-type-id' }),
    state(4, 'typeQualifier', T.text(64), 'Qualifier distinguishing alarms of one type on one resource (e.g. the metric of thresholdCrossed).', { yangExternal: 'al:alarm-type-qualifier' }),
    state(5, 'timeCreated', T.time, 'When the alarm was first raised.', { yangExternal: 'al:time-created' }),
    state(6, 'isCleared', T.bool, 'true when the alarm is cleared.', { yangExternal: 'al:is-cleared' }),
    state(7, 'lastRaised', T.time, 'When the alarm was last raised.', { yangExternal: 'al:last-raised' }),
    state(8, 'lastChanged', T.time, 'When the alarm last changed status.', { yangExternal: 'al:last-changed' }),
    state(9, 'perceivedSeverity', PerceivedSeverity, 'Severity of the alarm (X.733), or its last severity when cleared.', { yangExternal: 'al:perceived-severity' }),
    state(10, 'alarmText', T.text(255), 'Text describing the alarm.', { yangExternal: 'al:alarm-text' }),
    state(11, 'eventType', EventTypeEnum, 'X.733 event type.', { yangExternal: 'x733:event-type' }),
    state(12, 'probableCause', T.uint32(), 'X.733 probable cause (IANA-ITU-ALARM-TC-MIB IANAItuProbableCause value).', { yangExternal: 'x733:probable-cause' }),
    state(13, 'specificProblem', T.text(255), 'X.733 specific problem.'),
    state(14, 'thresholdInfo', T.text(255), 'X.733 threshold information: the level crossed and the value observed, where the alarm type has levels.'),
    state(15, 'operatorState', OperatorState, 'Operator state (RFC 8632); settable through SNMP or the setOperatorState action.', { writable: true }),
    state(16, 'operator', T.text(64), 'Operator who last changed the operator state.'),
    state(17, 'operatorText', T.text(255), 'Text the operator gave; set it before operatorState in the same SNMP SET.', { writable: true }),
  ],
};

export const alarmStatusChange: ObjectClass = {
  name: 'alarmStatusChange', clause: '7.2.2', kind: 'list', parent: 'alarm', keys: ['index'], arc: 32, mibPrefix: 'bcmAlarmHist',
  yangExternal: '/al:alarms/al:alarm-list/al:alarm/al:status-change',
  description: 'The history of an alarm: each raise, severity change and clear (RFC 8632 status-change).',
  bound: { max: 1000, eviction: 'per alarm, the oldest change is removed first (fault maxStatusChanges)' },
  attributes: [
    state(1, 'index', T.uint32(1, 4294967295), 'Sequence number of the change within the alarm.'),
    state(2, 'time', T.time, 'When the change happened.', { yangExternal: 'al:time' }),
    state(3, 'perceivedSeverity', PerceivedSeverity, 'Severity after the change (cleared for a clear).', { yangExternal: 'al:perceived-severity' }),
    state(4, 'alarmText', T.text(255), 'Alarm text at the change.', { yangExternal: 'al:alarm-text' }),
  ],
};

export const alarmInventory: ObjectClass = {
  name: 'alarmInventory', clause: '7.2.2', kind: 'list', parent: 'fault', keys: ['type'], arc: 33, mibPrefix: 'bcmAlarmInv',
  yangExternal: '/al:alarms/al:alarm-inventory/al:alarm-type',
  description: 'The alarm types the bridge can raise, for which resources, and whether they clear by themselves (RFC 8632 alarm-inventory).',
  attributes: [
    state(1, 'type', T.alarmType, 'Alarm type.', { yangExternal: 'al:alarm-type-id' }),
    state(2, 'resourceClass', T.text(64), 'Class of the resources the alarm type applies to.'),
    state(3, 'willClear', T.bool, 'Whether the bridge clears the alarm when the condition goes away.', { yangExternal: 'al:will-clear' }),
    state(4, 'description', T.text(255), 'Description of the alarm type.', { yangExternal: 'al:description' }),
    state(5, 'eventType', EventTypeEnum, 'X.733 event type.', { yangExternal: 'x733:event-type' }),
    state(6, 'probableCause', T.uint32(), 'X.733 probable cause.', { yangExternal: 'x733:probable-cause' }),
    state(7, 'defaultSeverity', PerceivedSeverity, 'Severity with which it is raised.'),
  ],
};

export const alarmPolicy: ObjectClass = {
  name: 'alarmPolicy', clause: '7.2.2', kind: 'list', parent: 'fault', keys: ['type'], arc: 34, mibPrefix: 'bcmAlarmPol', maxElements: 64,
  description: 'How the detector of one alarm type decides: raise and clear levels with hysteresis and a hold-down time, so that alarms do not flap.',
  attributes: [
    config(1, 'type', T.alarmType, 'Alarm type the policy applies to.'),
    config(2, 'enabled', T.bool, 'Whether the detector runs.', { default: true }),
    config(3, 'raiseLevel', T.uint32(), 'Level at or beyond which the condition is met (meaning per alarm type, see the alarm type table).'),
    config(4, 'clearLevel', T.uint32(), 'Level at or within which the condition is gone.'),
    config(5, 'holdDown', T.uint32(0, 86400), 'The condition must hold this long before a raise, and be gone this long before a clear.', { units: 'seconds' }),
    config(6, 'severity', PerceivedSeverity, 'Severity with which the alarm is raised.'),
  ],
};

function at(arc: number, name: string, resourceClass: string, eventType: AlarmType['eventType'],
  probableCause: [string, number], defaultSeverity: AlarmType['defaultSeverity'], specificProblem: string,
  description: string, levels: AlarmType['levels'], clause: AlarmType['clause'] = '7.2.2', willClear = true): AlarmType {
  return { arc, name, clause, description, resourceClass, eventType, probableCause: { name: probableCause[0], value: probableCause[1] },
    specificProblem, defaultSeverity, willClear, levels };
}

/** Probable-cause values are those of IANA-ITU-ALARM-TC-MIB IANAItuProbableCause (X.733 range 301..). */
export const alarmTypes: AlarmType[] = [
  at(1, 'nodeUnreachable', 'node', 'communicationsAlarm', ['communicationsSubsystemFailure', 306], 'major',
    'RPC endpoint of the node does not answer',
    'The bridge cannot poll the node: its RPC endpoint times out, refuses the connection or answers with errors.',
    { raise: 'consecutive failed polls', clear: 'consecutive successful polls', units: 'polls', defaultRaise: 1, defaultClear: 1, defaultHoldDown: 0 }),
  at(2, 'ledgerSyncLag', 'node', 'qualityOfServiceAlarm', ['performanceDegraded', 334], 'minor',
    'Node behind the network\'s best height',
    'The node\'s ledger is behind the best height of its network ("node data out of sync").',
    { raise: 'lag in blocks at or above which the condition is met', clear: 'lag in blocks at or below which it is gone', units: 'blocks', defaultRaise: 3, defaultClear: 1, defaultHoldDown: 10 }, '7.3.1'),
  at(3, 'blockProductionStalled', 'ledger', 'qualityOfServiceAlarm', ['performanceDegraded', 334], 'major',
    'No new block within k times the expected block interval',
    'The network has not produced a block for longer than the raise level times its expected block interval.',
    { raise: 'multiple of the expected block interval without a block', clear: 'a new block arrived (level unused)', units: 'intervals', defaultRaise: 3, defaultClear: 1, defaultHoldDown: 0 }, '7.3.2'),
  at(4, 'peerCountLow', 'node', 'communicationsAlarm', ['bandwidthReduced', 303], 'warning',
    'Node has too few peers',
    'The node has fewer peers than the raise level.',
    { raise: 'peer count below which the condition is met', clear: 'peer count at or above which it is gone', units: 'peers', defaultRaise: 1, defaultClear: 1, defaultHoldDown: 10 }),
  at(5, 'forkDetected', 'ledger', 'processingErrorAlarm', ['corruptData', 309], 'major',
    'Valid fork or deep reorganisation',
    'A chain tip with status valid-fork was reported, or a reorganisation at least as deep as the raise level was seen.',
    { raise: 'reorganisation depth in blocks that raises the alarm (a valid-fork tip always does)', clear: 'seconds without a valid-fork tip or qualifying reorganisation before the clear', units: 'blocks', defaultRaise: 2, defaultClear: 60, defaultHoldDown: 0 }, '7.3.1'),
  at(6, 'consensusQuorumAtRisk', 'network', 'qualityOfServiceAlarm', ['underlyingResourceUnavailable', 356], 'critical',
    'Active validators below quorum',
    'Fewer validators or miners take part in the consensus than the quorum needs ("consensus node anomalies"). Clique, BFT and proof of work: ' +
    'the validators that produced a block in the window (activeValidators) against the quorum (consensus quorum, or derived from the algorithm and ' +
    'validatorCount: half plus one for Clique, 2f+1 for BFT, 1 for proof of work); the margin is active minus quorum, in validators; no verdict ' +
    'before the bridge has seen a block (the window fills from its start). Beacon networks: ' +
    'the participation of the previous epoch (participationRate) against two thirds of the active validators (or, when quorum is set, quorum as a ' +
    'share of validatorCount); the margin is participation minus that share, in percentage points.',
    { raise: 'margin (active minus quorum; beacon: participation minus the quorum share) below which the condition is met', clear: 'margin at or above which it is gone', units: 'validators or percentage points', defaultRaise: 0, defaultClear: 0, defaultHoldDown: 0 }, '7.3.2'),
  at(7, 'txPoolSaturation', 'node', 'qualityOfServiceAlarm', ['resourceAtOrNearingCapacity', 343], 'minor',
    'Transaction pool near its capacity',
    'The node\'s transaction pool holds more pending transactions than the raise level.',
    { raise: 'pending transactions at or above which the condition is met', clear: 'pending transactions at or below which it is gone', units: 'transactions', defaultRaise: 5000, defaultClear: 4000, defaultHoldDown: 30 }),
  at(8, 'contractFailureRate', 'contract', 'processingErrorAlarm', ['softwareProgramError', 348], 'minor',
    'Share of reverted calls too high',
    'The share of a contract\'s calls that reverted in the last window of calls is above the raise level ("contract disputes").',
    { raise: 'percentage of reverted calls at or above which the condition is met', clear: 'percentage at or below which it is gone', units: 'percent', defaultRaise: 50, defaultClear: 20, defaultHoldDown: 0 }, '7.3.3'),
  at(9, 'crossChainBacklogStuck', 'crossChainChannel', 'communicationsAlarm', ['queueSizeExceeded', 339], 'major',
    'Oldest pending cross-chain message too old',
    'The oldest message pending on a cross-chain channel is older than the channel\'s stuck threshold.',
    { raise: 'age in seconds (the channel\'s stuckThreshold when 0)', clear: 'age in seconds at or below which it is gone', units: 'seconds', defaultRaise: 0, defaultClear: 0, defaultHoldDown: 0 }, '7.3.4'),
  at(10, 'thresholdCrossed', 'ledger|node|contract', 'qualityOfServiceAlarm', ['thresholdCrossed', 351], 'warning',
    'Performance threshold crossed',
    'A performance measurement of a resource (ledger, node or contract) crossed the raise level of a threshold; the alarm is raised on the measured resource and its qualifier names the threshold.',
    { raise: 'from the threshold\'s raise level', clear: 'from the threshold\'s clear level', units: 'metric units', defaultRaise: 0, defaultClear: 0, defaultHoldDown: 0 }, '7.2.3'),
  at(11, 'persistenceFailure', 'managedSystem', 'processingErrorAlarm', ['fileError', 317], 'major',
    'Alarm list cannot be written to the database',
    'The bridge cannot write changes of the alarm list to its database (disk full, I/O error, read-only file). The changes are kept in ' +
    'memory and retried; their notifications are held until they are written. Raised on the managed system itself (resource ""), ' +
    'with this notification sent at once; cleared when a write succeeds again.',
    { raise: 'failed writes of the alarm list', clear: 'a write succeeded', units: 'writes', defaultRaise: 1, defaultClear: 1, defaultHoldDown: 0 }),
  at(12, 'validatorOffline', 'validator', 'processingErrorAlarm', ['applicationSubsystemFailure', 302], 'major',
    'Validator missed its attestations for consecutive epochs',
    'A configured validator of a beacon network was judged not live (no attestation) for at least the raise level of consecutive epochs ' +
    '(validator offlineEpochs); cleared when it is live again (offlineEpochs at or below the clear level) or no longer active (exited).',
    { raise: 'consecutive epochs not live at or above which the condition is met', clear: 'consecutive epochs not live at or below which it is gone', units: 'epochs', defaultRaise: 2, defaultClear: 0, defaultHoldDown: 0 }, '7.3.2'),
  at(13, 'missedProposal', 'validator', 'qualityOfServiceAlarm', ['performanceDegraded', 334], 'minor',
    'Validator missed repeated proposals',
    'A validator missed its proposals repeatedly: at least the raise level of missed slots (validator missedSlots: beacon proposer duties whose ' +
    'slot has no block, Clique in-turn blocks sealed out of turn) within the consensus window (the last windowSize slots on a beacon network, ' +
    'blocks elsewhere). Each single missed proposal is also sent as the missedProposal event. On a large beacon network a validator ' +
    'proposes a few times a month: there, raise level 1 makes each miss an alarm held for the window.',
    { raise: 'missed proposals in the window at or above which the condition is met', clear: 'missed proposals in the window at or below which it is gone', units: 'proposals', defaultRaise: 2, defaultClear: 0, defaultHoldDown: 0 }, '7.3.2'),
  at(14, 'finalityStalled', 'network', 'qualityOfServiceAlarm', ['performanceDegraded', 334], 'major',
    'No new finalized epoch',
    'The finalized checkpoint of a beacon network has not advanced: the epochs since finality (consensus epochsSinceFinality, 2 or 3 on a ' +
    'healthy chain) reached the raise level; cleared when finality catches up to the clear level. Finality stalls when less than two thirds ' +
    'of the stake attests.',
    { raise: 'epochs since finality at or above which the condition is met', clear: 'epochs since finality at or below which it is gone', units: 'epochs', defaultRaise: 4, defaultClear: 2, defaultHoldDown: 0 }, '7.3.2'),
  at(15, 'beaconNotSynced', 'node', 'qualityOfServiceAlarm', ['performanceDegraded', 334], 'minor',
    'Beacon node not synchronised',
    'A beacon node is behind the clock of its chain: its sync distance (node syncDistance, slots between its head and the current slot) is at ' +
    'or above the raise level, or it reports that it is syncing; cleared when it does not and its distance is at or below the clear level. ' +
    'Empty slots also count in the distance, so the raise level is above the run of missed proposals a healthy chain has.',
    { raise: 'sync distance in slots at or above which the condition is met', clear: 'sync distance in slots at or below which it is gone', units: 'slots', defaultRaise: 16, defaultClear: 4, defaultHoldDown: 10 }, '7.3.2'),
];

export const faultClasses = [fault, alarm, alarmStatusChange, alarmInventory, alarmPolicy];

const alarmVarbinds = ['resource', 'type', 'typeQualifier', 'perceivedSeverity', 'eventType', 'probableCause',
  'specificProblem', 'thresholdInfo', 'alarmText', 'lastChanged'];

/** SNMP notifications for alarm state changes, carrying the X.733 fields of the alarm's row. */
export const alarmNotifications: NotificationDef[] = [
  { name: 'alarmRaised', arc: 1, objectClass: 'alarm', objects: alarmVarbinds,
    description: 'An alarm was raised (new, or raised again after a clear).' },
  { name: 'alarmSeverityChanged', arc: 2, objectClass: 'alarm', objects: alarmVarbinds,
    description: 'The perceived severity of an active alarm changed.' },
  { name: 'alarmCleared', arc: 3, objectClass: 'alarm', objects: alarmVarbinds,
    description: 'An alarm was cleared; perceivedSeverity carries the severity it had.' },
];
