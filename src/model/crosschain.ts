/** Clause 7.3.4: cross-chain channels between two managed networks. */
import { T, config, ev, state } from './common';
import type { ObjectClass } from './types';

export const crossChainChannel: ObjectClass = {
  name: 'crossChainChannel', clause: '7.3.4', kind: 'list', parent: 'network', keys: ['name'], arc: 25, mibPrefix: 'bcmXc', maxElements: 64,
  description: 'A cross-chain message channel from this network (source) to a counterparty network: messages sent by a contract ' +
    'on the source are matched, by message id, with their delivery on the counterparty (IBC ICS-004 channel states and ' +
    'relayer backlog metrics are the reference).',
  attributes: [
    config(1, 'name', T.name, 'Name of the channel, unique in the source network.'),
    config(2, 'counterparty', T.name, 'Name of the destination network (a managed network).', { required: true }),
    config(3, 'protocol', T.enumOf('CrossChainProtocol', [
      ev(1, 'relay', 'Messages relayed by an off-chain relayer'),
      ev(2, 'htlc', 'Hashed time-lock contracts'),
      ev(3, 'notary', 'A notary scheme'),
      ev(4, 'ibc', 'Inter-Blockchain Communication'),
    ]), 'Cross-chain protocol of the channel.', { default: 'relay' }),
    config(4, 'sourceContract', T.hex(20), 'Contract on the source network that emits sent messages.', { required: true }),
    config(5, 'destContract', T.hex(20), 'Contract on the counterparty network that emits received messages.', { required: true }),
    config(6, 'sentEvent', T.text(255), 'Signature of the event emitted when a message is sent, e.g. MessageSent(bytes32,address,bytes); its first indexed argument is the message id.', { mib: false, required: true }),
    config(7, 'receivedEvent', T.text(255), 'Signature of the event emitted when a message is delivered, e.g. MessageReceived(bytes32); its first indexed argument is the message id.', { mib: false, required: true }),
    config(8, 'stuckThreshold', T.uint32(1, 86400), 'Age of the oldest pending message above which crossChainBacklogStuck is raised.', { units: 'seconds', default: 60 }),
    state(9, 'state', T.enumOf('ChannelState', [
      ev(1, 'unknown', 'The bridge has not seen both ends yet'),
      ev(2, 'open', 'Both contracts are deployed and both networks reachable'),
      ev(3, 'closed', 'A contract is gone or the channel was closed'),
    ]), 'State of the channel.'),
    state(10, 'sent', T.counter64, 'Messages sent on the source network since the bridge started watching.'),
    state(11, 'received', T.counter64, 'Of those, messages delivered on the counterparty network.'),
    state(12, 'pending', T.gauge64, 'Messages sent and not delivered.'),
    state(13, 'oldestPendingAge', T.gauge32, 'Age of the oldest pending message.', { units: 'seconds' }),
    state(14, 'meanRelayLatency', T.gauge32, 'Mean time between a message being sent and delivered.', { units: 'milliseconds' }),
    state(15, 'lastRelayed', T.time, 'When a message was last delivered.'),
    state(16, 'relayerState', T.enumOf('RelayerState', [
      ev(1, 'unknown', 'No delivery seen yet'),
      ev(2, 'alive', 'A message was delivered within the stuck threshold, or nothing is pending'),
      ev(3, 'stalled', 'Messages are pending and none was delivered within the stuck threshold'),
    ]), 'Liveness of the relayer as seen from the channel\'s traffic.'),
  ],
};

export const crossChainClasses = [crossChainChannel];
