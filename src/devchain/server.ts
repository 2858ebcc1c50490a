/**
 * HTTP and WebSocket JSON-RPC server of the dev chain, on the loopback interface only: Hardhat's
 * JsonRpcHandler (single and batch requests, eth_subscribe over WebSocket) on our own servers, so
 * that stop() closes every connection at once.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import type { EIP1193Provider } from 'hardhat/types';
import { JsonRpcHandler } from 'hardhat/internal/hardhat-network/jsonrpc/handler';

export interface RpcServer {
  readonly port: number;
  close(): Promise<void>;
}

export async function startRpcServer(provider: EIP1193Provider, host: '127.0.0.1', port: number): Promise<RpcServer> {
  const handler = new JsonRpcHandler(provider);
  const server = http.createServer((req, res) => {
    // Hardhat's handler answers any method with JSON-RPC; a GET gets an empty 200 like `hardhat node`.
    void handler.handleHttp(req, res).catch(() => { if (!res.headersSent) res.writeHead(500); res.end(); });
  });
  server.keepAliveTimeout = 5000;
  const wss = new WebSocketServer({ server, maxPayload: 16 * 1024 * 1024 });
  wss.on('connection', (ws) => {
    ws.on('error', () => ws.terminate());
    void handler.handleWs(ws);
  });
  // A listener keeps the ws server from rethrowing errors of the HTTP server it shares.
  wss.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => { server.off('error', reject); resolve(); });
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    port: bound,
    close: async () => {
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
