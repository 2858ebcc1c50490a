/** Clause 7.3.3: smart contracts and their methods. */
import { T, config, ev, state } from './common';
import type { ObjectClass } from './types';

export const contract: ObjectClass = {
  name: 'contract', clause: '7.3.3', kind: 'list', parent: 'network', keys: ['address'], arc: 20, mibPrefix: 'bcmCtr', maxElements: 1000,
  description: 'A smart contract of an Ethereum-family network: discovered from the receipts of new blocks (contract creations) ' +
    'or named in the configuration.',
  bound: { max: 10000, eviction: 'when full, the discovered (not configured) contract with the oldest last activity is removed' },
  attributes: [
    config(1, 'address', T.hex(20), 'Address of the contract.'),
    config(2, 'name', T.text(64), 'Name given in the configuration.', { default: '' }),
    config(3, 'abi', T.text(1024), 'Path of a JSON ABI file used to name methods.', { mib: false }),
    state(4, 'source', T.enumOf('ContractSource', [
      ev(1, 'configured', 'Named in the configuration'),
      ev(2, 'discovered', 'Found in a contract-creation receipt of a new block'),
    ]), 'How the bridge learnt of the contract.'),
    state(5, 'deployer', T.hex(20), 'Account that deployed the contract, where seen.'),
    state(6, 'deployBlock', T.gauge64, 'Height of the block that deployed it, where seen.', { units: 'blocks' }),
    state(7, 'deployTx', T.hex(32), 'Hash of the deploying transaction, where seen.'),
    state(8, 'codeHash', T.hex(32), 'Keccak-256 hash of the deployed code.'),
    state(9, 'codeSize', T.gauge32, 'Size of the deployed code.', { units: 'octets' }),
    state(10, 'lifecycleState', T.enumOf('ContractLifecycle', [
      ev(1, 'unknown', 'Not checked yet'),
      ev(2, 'deployed', 'Code present at the address'),
      ev(3, 'codeGone', 'No code at the address any more (self-destructed, or never deployed)'),
    ]), 'Lifecycle state of the contract.'),
    state(11, 'balance', T.big, 'Balance of the contract account.', { units: 'wei' }),
    state(12, 'calls', T.counter64, 'Transactions to the contract seen since the bridge started.'),
    state(13, 'failedCalls', T.counter64, 'Of those, transactions whose receipt says reverted.'),
    state(14, 'events', T.counter64, 'Log events emitted by the contract in the transactions seen.'),
    state(15, 'lastActivityTime', T.time, 'Time of the block of the last transaction to the contract.'),
    state(16, 'lastActivityBlock', T.gauge64, 'Height of that block.', { units: 'blocks' }),
  ],
};

export const contractMethod: ObjectClass = {
  name: 'contractMethod', clause: '7.3.3', kind: 'list', parent: 'contract', keys: ['selector'], arc: 21, mibPrefix: 'bcmMeth',
  description: 'A method of a contract, identified by its 4-byte selector (the first four octets of the call data).',
  bound: { max: 256, eviction: 'per contract; when full, the method with the fewest calls is removed' },
  attributes: [
    state(1, 'selector', T.hex(4), 'Method selector.'),
    state(2, 'name', T.text(128), 'Method signature when an ABI is configured, otherwise empty.'),
    state(3, 'calls', T.counter64, 'Calls seen.'),
    state(4, 'failures', T.counter64, 'Calls whose receipt says reverted.'),
    state(5, 'meanGas', T.gauge64, 'Mean gas used per call.', { units: 'gas' }),
  ],
};

export const contractClasses = [contract, contractMethod];
