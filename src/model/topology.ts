/** Clause 7.1: the managed system, networks, nodes, peers, transaction pools and node log control. */
import { AdminState, OperState, Platform, SyslogSeverity, T, config, ev, state } from './common';
import type { ObjectClass } from './types';

export const Reachability = T.enumOf('Reachability', [
  ev(1, 'unknown', 'Not polled yet'),
  ev(2, 'reachable', 'The last poll of the node succeeded'),
  ev(3, 'unreachable', 'The last poll of the node failed (timeout, transport or protocol error); values are stale'),
]);

export const managedSystem: ObjectClass = {
  name: 'managedSystem', clause: '7.1', kind: 'container', parent: null, arc: 1, mibPrefix: 'bcmSys',
  description: 'The management bridge itself, the root of containment (cf. ITU-T M.3100 managedElement). ' +
    'It holds the managed blockchain networks and the fault, performance, log and configuration functions.',
  attributes: [
    state(1, 'softwareVersion', T.text(64), 'Version of the bridge software.'),
    state(2, 'startTime', T.time, 'When the bridge process started.'),
    state(3, 'operState', OperState, 'X.731 operational state of the bridge: enabled while it serves its views.'),
    state(4, 'networkCount', T.gauge32, 'Number of configured networks.'),
    state(5, 'nodeCount', T.gauge32, 'Number of configured nodes across all networks.'),
    state(6, 'reachableNodeCount', T.gauge32, 'Number of nodes whose last poll succeeded.'),
    state(7, 'lastConfigChange', T.time, 'When the running configuration was last committed.'),
  ],
};

export const network: ObjectClass = {
  name: 'network', clause: '7.1', kind: 'list', parent: 'managedSystem', keys: ['name'], arc: 2, mibPrefix: 'bcmNet', maxElements: 256,
  description: 'A blockchain network (a set of nodes sharing one chain, e.g. an Ethereum network or a Litecoin regtest network) ' +
    'managed by the bridge.',
  attributes: [
    config(1, 'name', T.name, 'Name of the network, unique in the bridge.'),
    config(2, 'platform', Platform, 'Platform family of the network; selects the adapter used for its nodes.', { required: true }),
    config(3, 'description', T.text(255), 'Free text describing the network.', { default: '' }),
    config(4, 'networkType', T.enumOf('NetworkType', [
      ev(1, 'public', 'Anyone may run a node and transact'),
      ev(2, 'consortium', 'Nodes are run by a known set of organisations'),
      ev(3, 'private', 'Nodes are run by one organisation (including development chains)'),
    ]), 'Governance type of the network.', { default: 'private' }),
    config(5, 'pollInterval', T.uint32(1, 3600), 'Interval between polls of each node of the network.', { units: 'seconds', default: 5 }),
    config(6, 'adminState', AdminState, 'X.731 administrative state: locked networks are not polled.', { default: 'unlocked' }),
    config(7, 'expectedBlockInterval', T.uint32(0, 86400),
      'Expected time between blocks, used by blockProductionStalled; 0 means learn it from the chain.', { units: 'seconds', default: 0 }),
    state(8, 'chainId', T.text(64), 'Chain identifier reported by the nodes (EIP-155 chain id, or the Bitcoin-family chain name).'),
    state(9, 'consensusAlgorithm', T.text(64), 'Consensus algorithm of the network as observed (e.g. pow, clique, qbft, instant-seal).'),
    state(10, 'operState', OperState, 'enabled while at least one node of the network is reachable.'),
    state(11, 'nodeCount', T.gauge32, 'Number of configured nodes in the network.'),
    state(12, 'reachableNodeCount', T.gauge32, 'Number of nodes of the network whose last poll succeeded.'),
    state(13, 'bestHeight', T.gauge64, 'Highest block height reported by any reachable node of the network.', { units: 'blocks' }),
  ],
};

const nodeActions = [
  {
    name: 'addPeer', description: 'Ask the node to connect to a peer.',
    input: [{ name: 'address', type: T.text(255), description: 'Peer address: an enode URL (Ethereum) or host:port (Bitcoin family).', mandatory: true }],
    output: [],
    platforms: { ethereum: 'admin_addPeer', bitcoin: 'addnode ADDRESS onetry' },
  },
  {
    name: 'removePeer', description: 'Ask the node to disconnect from a peer.',
    input: [{ name: 'address', type: T.text(255), description: 'Peer address as given to addPeer.', mandatory: true }],
    output: [],
    platforms: { ethereum: 'admin_removePeer', bitcoin: 'disconnectnode ADDRESS' },
  },
  {
    name: 'setNetworkActive', description: 'Enable or disable all peer-to-peer networking of the node.',
    input: [{ name: 'active', type: T.bool, description: 'true to enable networking, false to disable it.', mandatory: true }],
    output: [],
    platforms: { ethereum: 'not supported by the Ethereum JSON-RPC API (operation-not-supported)', bitcoin: 'setnetworkactive' },
  },
  {
    name: 'startBlockProduction', description: 'Start producing (mining or sealing) blocks on the node.',
    input: [], output: [],
    platforms: { ethereum: 'miner_start, or evm_setAutomine true / evm_setIntervalMining on development chains', bitcoin: 'not supported: Bitcoin Core has no internal miner (operation-not-supported)' },
  },
  {
    name: 'stopBlockProduction', description: 'Stop producing blocks on the node.',
    input: [], output: [],
    platforms: { ethereum: 'miner_stop, or evm_setAutomine false / evm_setIntervalMining 0 on development chains', bitcoin: 'not supported (operation-not-supported)' },
  },
  {
    name: 'setLogLevel', description: 'Set the verbosity of the node\'s own log.',
    input: [{ name: 'level', type: SyslogSeverity, description: 'Least severe level to log.', mandatory: true }],
    output: [],
    platforms: { ethereum: 'debug_verbosity (geth), admin_changeLogLevel (Besu)', bitcoin: 'logging (categories on at debug, off otherwise)' },
  },
];

export const node: ObjectClass = {
  name: 'node', clause: '7.1', kind: 'list', parent: 'network', keys: ['name'], arc: 3, mibPrefix: 'bcmNode', maxElements: 1000,
  description: 'A blockchain node (client process) of a network, reached by the bridge over its RPC endpoint.',
  actions: nodeActions,
  attributes: [
    config(1, 'name', T.name, 'Name of the node, unique in its network.'),
    config(2, 'endpoint', T.uri, 'RPC endpoint of the node (http://, https://, ws:// or wss:// URL; a beacon node: the base URL of its Beacon Node API).', { required: true }),
    config(3, 'role', T.enumOf('NodeRole', [
      ev(1, 'full', 'Full node: validates and stores the chain'),
      ev(2, 'archive', 'Archive node: full node keeping all historical state'),
      ev(3, 'light', 'Light client'),
      ev(4, 'validator', 'Participates in consensus (validator, sealer, miner)'),
      ev(5, 'observer', 'Follows the chain without participating in consensus'),
    ]), 'Role of the node in the network, as configured.', { default: 'full' }),
    config(4, 'adminState', AdminState, 'X.731 administrative state: locked nodes are not polled.', { default: 'unlocked' }),
    config(5, 'username', T.text(64), 'User name for RPC authentication (Bitcoin family).', { mib: false }),
    config(6, 'passwordEnv', T.text(64), 'Name of the environment variable holding the RPC password.', { mib: false }),
    config(7, 'cookieFile', T.text(255), 'Path of a Bitcoin Core cookie file with RPC credentials.', { mib: false }),
    config(8, 'wsEndpoint', T.uri, 'WebSocket endpoint for newHeads subscriptions (Ethereum family), if any.', { mib: false }),
    state(9, 'operState', OperState, 'X.731 operational state: enabled while the node is reachable.'),
    state(10, 'reachability', Reachability, 'Result of the last poll.'),
    state(11, 'stale', T.bool, 'true when the values shown are from an earlier, successful poll.'),
    state(12, 'lastObserved', T.time, 'When values were last read from the node.'),
    state(13, 'lastError', T.text(255), 'Last error met when polling the node.'),
    state(14, 'clientVersion', T.text(255), 'Client software and version (web3_clientVersion, getnetworkinfo subversion, or /eth/v1/node/version).'),
    state(15, 'protocolVersion', T.text(64), 'Peer-to-peer protocol version reported by the node.'),
    state(16, 'networkId', T.text(64), 'Network identifier reported by the node (net_version, or chain name).'),
    state(17, 'uptime', T.gauge64, 'Time since the node process started, where the platform reports it.', { units: 'seconds' }),
    state(18, 'height', T.gauge64, 'Height of the node\'s best block.', { units: 'blocks' }),
    state(19, 'syncing', T.bool, 'true while the node reports that it is synchronising.'),
    state(20, 'peerCount', T.gauge32, 'Number of connected peers.'),
    state(21, 'peerLimit', T.gauge32, 'Maximum number of peers the node accepts, where reported (EIP-2159).'),
    state(22, 'networkActive', T.bool, 'Whether peer-to-peer networking is enabled on the node.'),
    state(23, 'blockProduction', T.bool, 'Whether the node is producing blocks (mining, sealing, automine).'),
    state(24, 'hashRate', T.gauge64, 'Hash rate of the node\'s own mining, where reported.', { units: 'hashes per second' }),
    state(25, 'gasPrice', T.big, 'Current gas price suggested by the node (Ethereum family).', { units: 'wei' }),
    state(26, 'rpcLatency', T.uint32(), 'Round-trip time of the last poll\'s first RPC call.', { units: 'milliseconds' }),
    state(27, 'rpcErrors', T.counter64, 'RPC calls to the node that failed since the bridge started.'),
    state(28, 'bytesIn', T.counter64, 'Octets received by the node from its peers, where the platform reports it.', { units: 'octets' }),
    state(29, 'bytesOut', T.counter64, 'Octets sent by the node to its peers, where the platform reports it.', { units: 'octets' }),
    state(30, 'syncDistance', T.gauge64, 'Beacon nodes: slots between the node\'s head and the current slot (/eth/v1/node/syncing sync_distance).', { units: 'slots' }),
    state(31, 'headSlot', T.gauge64, 'Beacon nodes: slot of the node\'s head block (/eth/v1/node/syncing head_slot; the node\'s height is the same slot).', { units: 'slots' }),
    state(32, 'headRoot', T.hex(32), 'Beacon nodes: root of the node\'s head block (/eth/v1/beacon/headers/head).'),
    state(33, 'health', T.enumOf('NodeHealth', [
      ev(1, 'ready', 'HTTP 200 from /eth/v1/node/health: synced and ready'),
      ev(2, 'syncing', 'HTTP 206: synchronising, or up but not fully ready'),
      ev(3, 'notInitialized', 'HTTP 503: not initialised or having issues'),
    ]), 'Beacon nodes: health the node reports (/eth/v1/node/health).'),
  ],
};

export const peer: ObjectClass = {
  name: 'peer', clause: '7.1', kind: 'list', parent: 'node', keys: ['index'], arc: 4, mibPrefix: 'bcmPeer',
  description: 'A peer-to-peer connection of a node (admin_peers, getpeerinfo, /eth/v1/node/peers).',
  attributes: [
    state(1, 'index', T.uint32(1, 65535), 'Position of the peer in the node\'s peer list at the last poll.'),
    state(2, 'peerId', T.text(255), 'Identifier of the remote peer (node id, or the node\'s own peer number).'),
    state(3, 'address', T.text(255), 'Remote network address of the connection.'),
    state(4, 'direction', T.enumOf('PeerDirection', [
      ev(1, 'unknown', 'Direction not reported'),
      ev(2, 'inbound', 'The remote peer connected to the node'),
      ev(3, 'outbound', 'The node connected to the remote peer'),
    ]), 'Who opened the connection.'),
    state(5, 'clientVersion', T.text(255), 'Client software of the remote peer.'),
    state(6, 'connectedSince', T.time, 'When the connection was established, where reported.'),
    state(7, 'pingTime', T.uint32(), 'Last round-trip time to the peer, where reported.', { units: 'microseconds' }),
    state(8, 'bytesIn', T.counter64, 'Octets received from the peer on this connection.', { units: 'octets' }),
    state(9, 'bytesOut', T.counter64, 'Octets sent to the peer on this connection.', { units: 'octets' }),
    state(10, 'peerHeight', T.gauge64, 'Best block height the peer announced, where reported.', { units: 'blocks' }),
    state(11, 'state', T.enumOf('PeerState', [
      ev(1, 'connected', 'Connected'),
      ev(2, 'connecting', 'Connection being established'),
      ev(3, 'disconnecting', 'Connection being closed'),
      ev(4, 'disconnected', 'Known to the node, not connected'),
    ]), 'Connection state, where reported (beacon nodes: the state /eth/v1/node/peers gives; the table lists every peer the node reports, and peerCount counts the connected ones). Other platforms list connected peers only and leave it absent.'),
  ],
};

export const txPool: ObjectClass = {
  name: 'txPool', clause: '7.1', kind: 'container', parent: 'node', arc: 5, mibPrefix: 'bcmPool',
  description: 'The pool of transactions the node has received and not yet included in a block (txpool_status, getmempoolinfo).',
  attributes: [
    state(1, 'pending', T.gauge64, 'Transactions ready for inclusion.', { units: 'transactions' }),
    state(2, 'queued', T.gauge64, 'Transactions waiting for a gap in nonces (Ethereum family).', { units: 'transactions' }),
    state(3, 'bytes', T.gauge64, 'Serialized size of the pool.', { units: 'octets' }),
    state(4, 'usage', T.gauge64, 'Memory used by the pool.', { units: 'octets' }),
    state(5, 'maxSize', T.gauge64, 'Maximum memory of the pool.', { units: 'octets' }),
    state(6, 'minFeeRate', T.big, 'Minimum fee rate for a transaction to enter the pool, in the platform\'s base unit per 1000 virtual bytes.'),
  ],
};

export const nodeLogControl: ObjectClass = {
  name: 'nodeLogControl', clause: '7.2.4', kind: 'container', parent: 'node', arc: 6, mibPrefix: 'bcmNodeLog',
  description: 'Log level control of a node\'s own log, where the platform has an API for it (set through the setLogLevel action).',
  attributes: [
    state(1, 'supported', T.bool, 'Whether the platform lets the bridge set the node\'s log level.'),
    state(2, 'level', SyslogSeverity, 'Level last set through the bridge.'),
  ],
};

export const topologyClasses = [managedSystem, network, node, peer, txPool, nodeLogControl];
