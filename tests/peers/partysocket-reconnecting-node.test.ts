/**
 * partysocket's `src/tests/reconnecting-node.test.ts` (cloudflare/partykit at c9ab55f3), ported to
 * HeartSocket under its upstream name: with no global WebSocket, `ws`'s is passed as an option.
 * Upstream's server is a `ws` server on a fixed port; here it listens on 127.0.0.1:0.
 *
 * Upstream's commented-out tests ("throws with invalid constructor", "throws with missing
 * constructor", "throws with non-constructor object") are not tests upstream: nothing to port.
 */
import { afterEach, expect, test, vi } from 'vitest';
import WsWebSocket from 'ws';
import { cleanup, createPartySocket, spyWebSocket, startPartyServer, waitForState } from './partysocketSupport.js';

afterEach(async () => {
  vi.unstubAllGlobals();
  await cleanup();
});

// Upstream calls reconnect() right after construction, while the first attempt is being set up:
// heartsocket starts it again and reports the dropped one — README: "`close` exactly once per
// underlying socket — including attempts that never opened … (code 1006, with the reason: …
// `reconnect() called` …)". The open comes from a socket of the class passed in (upstream reads `_ws`).
test('pass WebSocket via options', async () => {
  vi.stubGlobal('WebSocket', undefined);
  const server = await startPartyServer();
  const spy = spyWebSocket(WsWebSocket);
  const { socket, events } = createPartySocket(server.url, undefined, { WebSocket: spy.SpyWebSocket, maxRetries: 0 });
  socket.reconnect();
  const atOpen: unknown[] = [];
  socket.addEventListener('open', () => {
    atOpen.push(spy.created.length, spy.created.at(-1) instanceof WsWebSocket, spy.created.at(-1)?.readyState);
    socket.close();
  });

  await waitForState(socket, 'closed');
  expect(atOpen).toEqual([1, true, WsWebSocket.OPEN]);
  expect(events.opens).toBe(1);
  expect(events.closes.at(-1)).toEqual({ code: 1000, reason: '', wasClean: true });
  expect(globalThis.WebSocket).toBeUndefined();
});
