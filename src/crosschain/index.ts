/**
 * Cross-chain management (clause 7.3.4): channels between two managed networks, their sent / received /
 * pending messages, relay latency and relayer liveness; the demonstration contracts and relayer.
 *
 *   const xc = createCrossChainManager(bridge);
 *   bridge.addView(xc);                   // before bridge.start(); start() subscribes, stop() persists
 */
import type { Bridge, View } from '../bridge';
import { CrossChainManager } from './manager';
import type { CrossChainManagerOptions } from './manager';

export { CrossChainManager, MAX_CATCHUP_BLOCKS, channelConfigs } from './manager';
export type { CrossChainManagerOptions } from './manager';
export { Channel, MAX_EARLY, MAX_PENDING, eventTopic, fingerprint } from './channel';
export type { ChannelConfig, CodeState, RelayerState as ChannelRelayerState } from './channel';
export { ChannelStore } from './store';
export { Relayer } from './relayer';
export type { RelayerOptions, RelayerState, RelayerStats } from './relayer';
export { RECEIVED_EVENT, SENT_EVENT, decodeSentData, encodeDeliver, encodeDelivered, encodeSend, utf8Hex } from './abi-words';
export { RECEIVER_ABI, RECEIVER_BYTECODE, RECEIVER_SELECTORS, SENDER_ABI, SENDER_BYTECODE, SENDER_SELECTORS } from './contracts';

export function createCrossChainManager(bridge: Bridge, opts: CrossChainManagerOptions = {}): CrossChainManager & View {
  return new CrossChainManager(bridge, opts);
}
