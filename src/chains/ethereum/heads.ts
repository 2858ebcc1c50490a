/**
 * New heads over WebSocket: eth_subscribe("newHeads") on a connection of its own. A header carries no
 * transaction list: a head whose transactionsRoot is not the empty root is fetched with
 * eth_getBlockByHash (one call per new block, not per poll). Heads are delivered in arrival order.
 * The first failure (connection lost, subscription refused, bad answer) is reported once through
 * onError and ends the subscription: reconnecting is the collector's decision.
 */
import type { BlockSummary } from '../adapter';
import { MalformedResponseError } from '../errors';
import { blockSummary, toSummary } from './codec';
import { RpcWsClient, RpcWsOptions } from './client-ws';

export function subscribeNewHeads(opts: RpcWsOptions, onHead: (b: BlockSummary) => void, onError: (e: Error) => void): () => void {
  const client = new RpcWsClient(opts);
  let ended = false;
  let queue: Promise<void> = Promise.resolve();
  let subscriptionId: string | undefined;

  const end = (): void => {
    if (ended) return;
    ended = true;
    client.close();
  };
  const fail = (e: unknown): void => {
    if (ended) return;
    end();
    onError(e instanceof Error ? e : new Error(String(e)));
  };

  client.onDisconnect = fail;
  client.onNotification = (_subscription, result) => {
    // One subscription per connection: every notification on it is a new head.
    queue = queue.then(async () => {
      if (ended) return;
      const { summary, txCountKnown } = toSummary(result, 'newHeads');
      let head = summary;
      if (!txCountKnown) {
        const full = await client.call('eth_getBlockByHash', [summary.hash, false]);
        if (full === null) return; // replaced before we asked: the next head follows
        head = blockSummary(full, 'eth_getBlockByHash');
      }
      if (!ended) onHead(head);
    }).catch(fail);
  };

  client.call('eth_subscribe', ['newHeads']).then((id) => {
    if (typeof id !== 'string') throw new MalformedResponseError('eth_subscribe: subscription id is not a string');
    if (ended) return;
    subscriptionId = id;
  }).catch(fail);

  return () => {
    if (ended) return;
    const id = subscriptionId;
    if (id === undefined) { end(); return; }
    ended = true;
    // Best effort: the node drops the subscription with the connection anyway.
    const t = setTimeout(() => client.close(), 1000);
    client.call('eth_unsubscribe', [id]).catch(() => undefined).finally(() => { clearTimeout(t); client.close(); });
  };
}
