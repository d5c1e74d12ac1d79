/**
 * A plain `ws` WebSocketServer for the server half's tests, and `acceptHeartbeats` on it, both
 * undone on cleanup.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { acceptHeartbeats, type AcceptHeartbeatsOptions, type ServerHeartbeat, type Session } from '../../adapters/server/index.js';
import { onCleanup } from './client.js';
import { wsText } from './text.js';

/** A `ws` server on 127.0.0.1 and an OS-chosen port, with every client dropped and the server closed on cleanup. */
export async function startWss(): Promise<{ wss: WebSocketServer; url: string; port: number }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await once(wss, 'listening');
  onCleanup(async () => {
    for (const ws of wss.clients) ws.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  });
  const { port } = wss.address() as AddressInfo;
  return { wss, url: `ws://127.0.0.1:${port}`, port };
}

/** `acceptHeartbeats`, stopped on cleanup. */
export function accept(wss: WebSocketServer, options?: AcceptHeartbeatsOptions): ServerHeartbeat {
  const heartbeats = acceptHeartbeats(wss, options);
  onCleanup(() => heartbeats.stop());
  return heartbeats;
}

/**
 * `accept` with sessions on, recording what the server's app sees: every session it was given, and
 * the text of every message those sessions delivered, in order.
 */
export function acceptSessions(wss: WebSocketServer): { sessions: Session[]; received: string[] } {
  const sessions: Session[] = [];
  const received: string[] = [];
  accept(wss, {
    sessions: {
      onSession(session) {
        sessions.push(session);
        session.on('message', (data) => received.push(wsText(data)));
      },
    },
  });
  return { sessions, received };
}
