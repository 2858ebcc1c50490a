/** Events that are not alarms: rendered as YANG notifications and written to the log. */
import { T } from './common';
import { Reachability } from './topology';
import type { EventType, Parameter } from './types';

const net: Parameter = { name: 'network', type: T.name, description: 'Network of the event.', mandatory: true };
const ledgerP: Parameter = { name: 'ledger', type: T.name, description: 'Ledger of the event.', mandatory: true };
const nodeP: Parameter = { name: 'node', type: T.name, description: 'Node of the event.', mandatory: true };

export const events: EventType[] = [
  {
    name: 'newBlock', clause: '7.3.1', resourceClass: 'ledger', description: 'A block was added to the best chain of a ledger.',
    parameters: [net, ledgerP,
      { name: 'height', type: T.gauge64, description: 'Height of the block.' },
      { name: 'hash', type: T.hex(undefined, 64), description: 'Hash of the block.' },
      { name: 'time', type: T.time, description: 'Timestamp of the block.' },
      { name: 'txCount', type: T.gauge32, description: 'Transactions in the block.' },
      { name: 'producer', type: T.text(64), description: 'Producer of the block, where known.' }],
  },
  {
    name: 'reorg', clause: '7.3.1', resourceClass: 'ledger', description: 'The best chain of a ledger was reorganised: blocks were replaced.',
    parameters: [net, ledgerP,
      { name: 'depth', type: T.gauge32, description: 'Blocks replaced.' },
      { name: 'oldHead', type: T.hex(undefined, 64), description: 'Best block hash before.' },
      { name: 'newHead', type: T.hex(undefined, 64), description: 'Best block hash after.' },
      { name: 'height', type: T.gauge64, description: 'Height of the new best block.' }],
  },
  {
    name: 'missedProposal', clause: '7.3.2', resourceClass: 'validator',
    description: 'A validator missed a proposal: its missedSlots counter grew (beacon networks: a proposer duty whose slot has no block; Clique: ' +
      'an in-turn block sealed out of turn). One event per missed slot, when the bridge sees the counter grow.',
    parameters: [net,
      { name: 'validator', type: T.text(64), description: 'The validator (its id in the validator table).', mandatory: true },
      { name: 'missedSlots', type: T.counter64, description: 'The validator\'s missed slots counted so far, this one included.' },
      { name: 'slot', type: T.gauge64, description: 'Current slot of the beacon network (on other networks the best height) when the bridge saw the miss.' }],
  },
  {
    name: 'nodeAdded', clause: '7.2.1', resourceClass: 'node', description: 'A node was added to the configuration and its collection started.',
    parameters: [net, nodeP],
  },
  {
    name: 'nodeRemoved', clause: '7.2.1', resourceClass: 'node', description: 'A node was removed from the configuration; its collection stopped.',
    parameters: [net, nodeP],
  },
  {
    name: 'nodeReachabilityChanged', clause: '7.2.2', resourceClass: 'node', description: 'A node became reachable or unreachable.',
    parameters: [net, nodeP, { name: 'reachability', type: Reachability, description: 'New reachability.' },
      { name: 'error', type: T.text(255), description: 'Error that made it unreachable.' }],
  },
];
