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
    state(5, 'deployer', T.hex(20), 'Account that deployed the contract: from the creation receipt of a block the bridge processed, or, ' +
      'for a contract deployed before, from the block found by a search over heights (eth_getCode). Absent while not found, when the ' +
      'contract was created by another contract (no receipt names the deployer), or when the node keeps no state for old heights.'),
    state(6, 'deployBlock', T.gauge64, 'Height of the block that deployed it (the lowest height at which the address has code); absent ' +
      'while not found.', { units: 'blocks' }),
    state(7, 'deployTx', T.hex(32), 'Hash of the deploying transaction; absent as deployer is.'),
    state(8, 'codeHash', T.hex(32), 'Keccak-256 hash of the deployed code.'),
    state(9, 'codeSize', T.gauge32, 'Size of the deployed code.', { units: 'octets' }),
    state(10, 'lifecycleState', T.enumOf('ContractLifecycle', [
      ev(1, 'unknown', 'Not checked yet'),
      ev(2, 'deployed', 'Code present at the address'),
      ev(3, 'codeGone', 'No code at the address any more (self-destructed, or never deployed)'),
    ]), 'Lifecycle state of the contract.'),
    state(11, 'balance', T.big, 'Balance of the contract account.', { units: 'wei' }),
    state(12, 'calls', T.counter64, 'Transactions to the contract in the blocks processed since counterDiscontinuityTime (kept over restarts; ' +
      'the blocks mined while the bridge was down are counted when it starts again).'),
    state(13, 'failedCalls', T.counter64, 'Of those, transactions whose receipt says reverted.'),
    state(14, 'events', T.counter64, 'Log events emitted by the contract in the transactions seen.'),
    state(15, 'lastActivityTime', T.time, 'Time of the block of the last transaction to the contract.'),
    state(16, 'lastActivityBlock', T.gauge64, 'Height of that block.', { units: 'blocks' }),
    state(17, 'counterDiscontinuityTime', T.time, 'When the counters of the contract and its methods began counting (the contract configured or ' +
      'discovered) or last missed transactions (more blocks missed than the bridge catches up at a start, or the chain replaced): ' +
      'the counts are complete since then (as IF-MIB ifCounterDiscontinuityTime).'),
    state(18, 'addressText', T.text(42), 'The address as text ("0x" and 40 lower-case hex digits), so that a table listing shows which ' +
      'contract a row is (the address index is binary).'),
  ],
};

export const contractMethod: ObjectClass = {
  name: 'contractMethod', clause: '7.3.3', kind: 'list', parent: 'contract', keys: ['selector'], arc: 21, mibPrefix: 'bcmMeth',
  description: 'A method of a contract, identified by its 4-byte selector (the first four octets of the call data).',
  bound: { max: 256, eviction: 'per contract; when full, the method with the fewest calls is removed' },
  attributes: [
    state(1, 'selector', T.hex(4), 'Method selector.'),
    state(2, 'name', T.text(128), 'Method signature when an ABI is configured, otherwise empty.'),
    state(3, 'calls', T.counter64, 'Calls seen since the contract\'s counterDiscontinuityTime.'),
    state(4, 'failures', T.counter64, 'Calls whose receipt says reverted.'),
    state(5, 'meanGas', T.gauge64, 'Mean gas used per call.', { units: 'gas' }),
    state(6, 'addressText', T.text(42), 'Address of the contract as text ("0x" and 40 lower-case hex digits), for table listings.'),
    state(7, 'selectorText', T.text(10), 'The selector as text ("0x" and 8 lower-case hex digits), for table listings.'),
  ],
};

export const contractClasses = [contract, contractMethod];
