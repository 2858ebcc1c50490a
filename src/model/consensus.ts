/** Clause 7.3.2: consensus of a network and its validators (or miners). */
import { T, config, ev, state } from './common';
import type { ObjectClass } from './types';

export const consensus: ObjectClass = {
  name: 'consensus', clause: '7.3.2', kind: 'container', parent: 'network', arc: 15, mibPrefix: 'bcmCons',
  description: 'The consensus of a network: algorithm, fault tolerance, leadership and block production over a sliding window of blocks. ' +
    'Where the values come from differs per platform (each attribute says how): proof of work (Bitcoin family) counts the coinbase payees of the window; ' +
    'Clique counts signers recovered from the seals; beacon networks (Ethereum proof of stake, algorithm pos) read the Beacon Node API: slot, epoch, ' +
    'justified and finalized epochs, epochsSinceFinality, participationRate, committedHeight (a slot), validatorCount (active validators of the state), ' +
    'activeValidators (configured validators active and live), leader (proposer of the current slot); there faultTolerance and networkHashRate are absent ' +
    'and windowBlocks and leaderChanges count the blocks (slots with a block) followed. The beacon-only attributes are absent on the other platforms.',
  attributes: [
    state(1, 'algorithm', T.text(64), 'Consensus algorithm (pow, clique, qbft, ibft2, instant-seal, ...). Clique: a node answering clique_getSigners on a chain ' +
      'with difficulty above 0, or a head whose header is a sealed Clique header (difficulty 1 or 2, mixHash zero, seal in extraData).'),
    config(2, 'windowSize', T.uint32(1, 10000), 'Number of recent blocks over which block producers are counted: the last windowSize blocks of the best chain followed since the bridge started (no history is read at start).', { units: 'blocks', default: 100 }),
    config(3, 'quorum', T.uint32(0, 10000), 'Number of active validators or miners the network needs; 0 means derive it from the algorithm (2f+1 of the validator set for BFT, half plus one for Clique, 1 otherwise).', { default: 0 }),
    state(4, 'faultTolerance', T.gauge32, 'Validators that may fail without halting the network, where the algorithm defines it.'),
    state(5, 'validatorCount', T.gauge32, 'Validators (or distinct block producers in the window when the set is open, as on proof of work: the Bitcoin family counts the coinbase payees of the window\'s blocks). ' +
      'Clique: the signer set, from clique_getSigners where the node offers it, otherwise the signers listed in the extraData of the last checkpoint block (every 30000 blocks) ' +
      'joined by every signer recovered from a block since; a signer voted out is seen at the next checkpoint. ' +
      'Beacon networks: the active validators of the current epoch (the sum of its committee sizes).'),
    state(6, 'activeValidators', T.gauge32, 'Validators that produced at least one block in the window (Bitcoin family: every producer in the window; Clique: signers that sealed one, recovered from the seals). ' +
      'Beacon networks: the configured validators (see validators) whose status is active and that were live (attested) in the last epoch judged.'),
    state(7, 'leader', T.text(128), 'Current leader or producer of the best block (Bitcoin family: whom the coinbase of the best block pays, see validator id; Clique: the signer recovered from its seal; ' +
      'beacon networks: the index of the proposer of the current slot, from the current epoch\'s proposer duties).'),
    state(8, 'leaderChanges', T.counter64, 'Times the producer of the best block changed since the bridge started.'),
    state(9, 'committedHeight', T.gauge64, 'Height of the last block final under the consensus rules, where reported (absent for Clique, which has no finality). ' +
      'Beacon networks: a slot, not an execution block number: the first slot of the finalized epoch (the finalized checkpoint\'s epoch times SLOTS_PER_EPOCH).', { units: 'blocks' }),
    state(10, 'networkHashRate', T.gauge64, 'Estimated hash rate of the network (proof of work).', { units: 'hashes per second' }),
    state(11, 'windowBlocks', T.gauge32, 'Blocks currently in the window.', { units: 'blocks' }),
    config(12, 'validators', T.text(98), 'Beacon networks: the validators the bridge follows, each a validator index (decimal) or a BLS public key ' +
      '("0x" and 96 hex digits); only these are read (validator queries name them, a state holds about a million), and the validator table ' +
      'has a row for each, keyed by the text given here (a public key in lower case).', { multi: true, maxElements: 1000, mib: false }),
    state(13, 'slot', T.gauge64, 'Beacon networks: the current slot by the clock of the beacon chain (genesis time plus SECONDS_PER_SLOT per slot).', { units: 'slots' }),
    state(14, 'epoch', T.gauge64, 'Beacon networks: the current epoch (slot divided by SLOTS_PER_EPOCH).', { units: 'epochs' }),
    state(15, 'justifiedEpoch', T.gauge64, 'Beacon networks: epoch of the current justified checkpoint of the head state (finality_checkpoints).', { units: 'epochs' }),
    state(16, 'finalizedEpoch', T.gauge64, 'Beacon networks: epoch of the finalized checkpoint of the head state (finality_checkpoints).', { units: 'epochs' }),
    state(17, 'epochsSinceFinality', T.gauge32, 'Beacon networks: current epoch minus finalized epoch (2 on a healthy chain, growing while finality stalls).', { units: 'epochs' }),
    state(18, 'participationRate', T.gauge32, 'Beacon networks: percent of the active validators of the previous epoch whose attestation for it is ' +
      'included in the blocks of the chain so far (union of the aggregation bits of the included attestations whose target is that epoch, ' +
      'divided by the sum of its committee sizes, /eth/v1/beacon/states/head/committees once per epoch); counted per validator, not weighted by ' +
      'effective balance (equal while effective balances are equal). Absent until the bridge has seen the blocks of a whole epoch.', { units: 'percent' }),
  ],
};

export const validator: ObjectClass = {
  name: 'validator', clause: '7.3.2', kind: 'list', parent: 'consensus', keys: ['id'], arc: 16, mibPrefix: 'bcmVal',
  description: 'A validator, sealer or miner of the network: from the signer set where the platform exposes it (clique_getSigners, ' +
    'qbft_getValidatorsByBlockNumber), otherwise a block producer seen in the window. Beacon networks: exactly the validators configured in consensus ' +
    'validators (a state holds about a million, never all read), of type validator, with the beacon-only attributes (index, status, balances, ' +
    'missed attestations, offline epochs, public key); their counters are kept across bridge restarts.',
  bound: { max: 1000, eviction: 'producers not in the signer set and absent from the window are removed' },
  attributes: [
    state(1, 'id', T.text(64), 'Identity of the validator: its address (Ethereum family; Clique: the signer address recovered from the block seal, ' +
      'secp256k1 over keccak-256 of the header without the seal); Bitcoin family: the address of the first coinbase output that has one, else that output script in hex ' +
      '(or "sha256:" and the first 56 hex digits of its SHA-256 when longer than 64 digits), read with getblock HASH 1 and getrawtransaction TXID true HASH once per new block. ' +
      'Beacon networks: the validator as configured in consensus validators: its index in decimal, or, configured by its BLS public key, "0x" and the ' +
      'first 48 hex digits (24 of its 48 octets, lower case; the full key is publicKey): an index would be known only once the node answers, and the whole key ' +
      'does not fit an SNMP index.'),
    state(2, 'type', T.enumOf('ValidatorType', [
      ev(1, 'validator', 'Member of a BFT validator set'),
      ev(2, 'sealer', 'Proof-of-authority signer'),
      ev(3, 'observer', 'Follows consensus without voting'),
      ev(4, 'miner', 'Proof-of-work or development-chain block producer'),
    ]), 'Kind of participant.'),
    state(3, 'proposedBlocks', T.gauge32, 'Blocks produced in the current window (Clique: blocks whose seal it signed); a block removed by a reorganisation is taken back. ' +
      'Beacon networks: its proposer duties of the epochs followed since the bridge started whose slot has a block on the chain, kept across bridge restarts.', { units: 'blocks' }),
    state(4, 'lastProposedHeight', T.gauge64, 'Height of the last block it produced in the window (after a reorganisation, its newest block still on the best chain). ' +
      'Beacon networks: the slot of that block.', { units: 'blocks' }),
    state(5, 'lastProposedTime', T.time, 'Time (block timestamp) of the last block it produced in the window. Beacon networks: the start of that slot.'),
    state(6, 'missedSlots', T.counter64, 'In-turn slots it did not fill, counted since the bridge started, where known. Clique: the in-turn signer of block n is ' +
      'signers[n mod count] (signers sorted ascending); a block sealed out of turn (difficulty 1) counts a missed slot for it, once ' +
      'per height even across reorganisations; 0 for every signer of the set until one is missed. ' +
      'Beacon networks: missed proposals: a proposer duty of the current epoch (/eth/v1/validator/duties/proposer/EPOCH) whose slot is past and has no ' +
      'block (/eth/v1/beacon/headers/SLOT answers 404), judged once the head is past the slot, counted once per slot and kept across bridge restarts; a slot is judged once (a later reorganisation does not change its count).'),
    state(7, 'active', T.bool, 'true when it produced a block in the window. Beacon networks: its status is active (activeOngoing, activeExiting or activeSlashed).'),
    state(8, 'index', T.uint32(), 'Beacon networks: the validator index in the beacon state.'),
    state(9, 'status', T.enumOf('BeaconValidatorStatus', [
      ev(1, 'pendingInitialized', 'pending_initialized: deposit seen, not yet eligible for activation'),
      ev(2, 'pendingQueued', 'pending_queued: eligible, waiting in the activation queue'),
      ev(3, 'activeOngoing', 'active_ongoing: active, attesting and proposing'),
      ev(4, 'activeExiting', 'active_exiting: active, a voluntary exit initiated'),
      ev(5, 'activeSlashed', 'active_slashed: active but slashed, will be exited'),
      ev(6, 'exitedUnslashed', 'exited_unslashed: exited without slashing'),
      ev(7, 'exitedSlashed', 'exited_slashed: exited after a slashing'),
      ev(8, 'withdrawalPossible', 'withdrawal_possible: its balance can be withdrawn'),
      ev(9, 'withdrawalDone', 'withdrawal_done: its balance was withdrawn'),
    ]), 'Beacon networks: status of the validator in the head state (/eth/v1/beacon/states/head/validators?id=...).'),
    state(10, 'balance', T.gauge64, 'Beacon networks: balance of the validator in the head state.', { units: 'gwei' }),
    state(11, 'effectiveBalance', T.gauge64, 'Beacon networks: effective balance of the validator in the head state.', { units: 'gwei' }),
    state(12, 'missedAttestations', T.counter64, 'Beacon networks: epochs judged not live for the validator (/eth/v1/validator/liveness of the previous epoch, ' +
      'asked once per epoch while the validator is active), counted once per epoch, kept across bridge restarts. Liveness is used, not balance changes: ' +
      'every client named in the platform offers it; absent on a node that answers 404 to both the POST and the GET form.', { units: 'epochs' }),
    state(13, 'offlineEpochs', T.gauge32, 'Beacon networks: consecutive latest epochs judged not live; 0 once it is live again.', { units: 'epochs' }),
    state(14, 'publicKey', T.hex(48), 'Beacon networks: the BLS public key of the validator (from the head state).'),
  ],
};

export const consensusClasses = [consensus, validator];
