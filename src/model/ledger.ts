/** Clause 7.3.1: ledgers, chain tips (forks) and the per-node view of each ledger. */
import { T, ev, state } from './common';
import type { ObjectClass } from './types';

export const ledger: ObjectClass = {
  name: 'ledger', clause: '7.3.1', kind: 'list', parent: 'network', keys: ['name'], arc: 10, mibPrefix: 'bcmLedger',
  description: 'A ledger (chain) kept by the nodes of a network: the EVM chain of an Ethereum network, the block chain of a ' +
    'Bitcoin-family network (a Fabric channel or FISCO group on platforms that have several). Values are taken from the ' +
    'reachable node with the best height.',
  attributes: [
    state(1, 'name', T.name, 'Name of the ledger in its network ("main" on single-ledger platforms).'),
    state(2, 'height', T.gauge64, 'Height of the best block known in the network.', { units: 'blocks' }),
    state(3, 'headHash', T.hex(undefined, 64), 'Hash of the best block.'),
    state(4, 'headTime', T.time, 'Timestamp of the best block.'),
    state(5, 'headTxCount', T.gauge32, 'Number of transactions in the best block.', { units: 'transactions' }),
    state(6, 'bestKnownHeight', T.gauge64, 'Highest block height any node knows of, including headers it has not validated (eth_syncing highestBlock, getblockchaininfo headers).', { units: 'blocks' }),
    state(7, 'totalTransactions', T.gauge64, 'Transactions in the whole chain, where the platform reports it (getchaintxstats).', { units: 'transactions' }),
    state(8, 'observedBlocks', T.counter64, 'Blocks the bridge has seen added to the best chain since it started, including ' +
      'blocks a reorganisation later replaced (a counter never decreases; the performance metric blocks counts the canonical chain).', { units: 'blocks' }),
    state(9, 'observedTransactions', T.counter64, 'Transactions in the blocks counted by observedBlocks.', { units: 'transactions' }),
    state(10, 'sizeOnDisk', T.gauge64, 'Size of the ledger on the reporting node\'s disk, where reported.', { units: 'octets' }),
    state(11, 'difficulty', T.text(96), 'Difficulty of the best block (proof of work), where reported, as decimal text (it has a fraction on Bitcoin-family test networks).'),
    state(12, 'reorgCount', T.counter64, 'Reorganisations seen since the bridge started.'),
    state(13, 'lastReorgTime', T.time, 'When the last reorganisation was seen.'),
    state(14, 'lastReorgDepth', T.gauge32, 'Blocks replaced by the last reorganisation.', { units: 'blocks' }),
    state(15, 'lastReorgOldHead', T.hex(undefined, 64), 'Best block hash before the last reorganisation.'),
    state(16, 'lastReorgNewHead', T.hex(undefined, 64), 'Best block hash after the last reorganisation.'),
    state(17, 'lastObserved', T.time, 'When the ledger values were last updated.'),
  ],
};

export const chainTip: ObjectClass = {
  name: 'chainTip', clause: '7.3.1', kind: 'list', parent: 'ledger', keys: ['index'], arc: 11, mibPrefix: 'bcmTip',
  description: 'A tip of the block tree known to the network: the active chain and each fork (getchaintips; on platforms ' +
    'without that call, the tips seen by the bridge across its nodes).',
  attributes: [
    state(1, 'index', T.uint32(1, 65535), 'Position of the tip in the list, the active tip first.'),
    state(2, 'height', T.gauge64, 'Height of the tip.', { units: 'blocks' }),
    state(3, 'hash', T.hex(undefined, 64), 'Hash of the tip block.'),
    state(4, 'branchLength', T.gauge32, 'Length of the branch from the active chain to the tip (0 for the active tip).', { units: 'blocks' }),
    state(5, 'status', T.enumOf('TipStatus', [
      ev(1, 'active', 'The tip of the chain the node follows'),
      ev(2, 'validFork', 'A fully validated branch that is not active'),
      ev(3, 'validHeaders', 'All blocks are available, not all validated'),
      ev(4, 'headersOnly', 'Headers valid, blocks not all available'),
      ev(5, 'invalid', 'The branch contains an invalid block'),
      ev(6, 'unknown', 'Status not reported'),
    ]), 'Status of the branch.'),
    state(6, 'reportedBy', T.name, 'Node that reported the tip.'),
  ],
};

export const nodeLedgerState: ObjectClass = {
  name: 'nodeLedgerState', clause: '7.3.1', kind: 'list', parent: 'ledger', keys: ['node'], arc: 12, mibPrefix: 'bcmNls',
  description: 'The state of a ledger on one node: how far the node is behind the network ("node data out of sync").',
  attributes: [
    state(1, 'node', T.name, 'Name of the node (a node of the same network).'),
    state(2, 'height', T.gauge64, 'Height of the node\'s best block on this ledger.', { units: 'blocks' }),
    state(3, 'headHash', T.hex(undefined, 64), 'Hash of the node\'s best block.'),
    state(4, 'lag', T.gauge64, 'Blocks the node is behind the network\'s best height.', { units: 'blocks' }),
    state(5, 'syncState', T.enumOf('SyncState', [
      ev(1, 'unknown', 'The node has not been polled or is unreachable'),
      ev(2, 'synced', 'The node is at the network\'s best height (within one block)'),
      ev(3, 'syncing', 'The node is behind and its height is increasing'),
      ev(4, 'stalled', 'The node is behind and its height did not increase since the previous poll'),
    ]), 'Synchronisation state derived from the lag and its trend.'),
    state(6, 'lastBlockTime', T.time, 'Timestamp of the node\'s best block (the block\'s own time, as the node reports it).'),
    state(7, 'reorgCount', T.counter64, 'Reorganisations of the node\'s own chain seen since the bridge started: its best block ' +
      'replaced by a block of another branch, e.g. a partitioned node rejoining the network. Counted for every node, ' +
      'whether or not the ledger\'s best chain changed.'),
    state(8, 'lastReorgTime', T.time, 'When the last reorganisation of the node\'s chain was seen.'),
    state(9, 'lastReorgDepth', T.gauge32, 'Blocks of the node\'s chain replaced by its last reorganisation.', { units: 'blocks' }),
  ],
};

export const ledgerClasses = [ledger, chainTip, nodeLedgerState];
