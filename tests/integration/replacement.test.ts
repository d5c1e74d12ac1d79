/**
 * Found by reading the code against the README (a second reader's review): a `reconnect()` from
 * every `onclose`, a message of a socket replaced meanwhile, a queued message the socket refuses,
 * a close code the socket refuses from an actor user. Real servers; both WebSockets.
 */
import { afterEach, describe, expect, it } from 'vitest';
import WsWebSocket from 'ws';
import { createSocketActor } from '../../adapters/createSocketActor.js';
import type { HeartSocketCloseEvent } from '../../adapters/events.js';
import { HeartSocket } from '../../adapters/HeartSocket.js';
import { cleanup, createSocket, fastOptions, IMPLEMENTATIONS, onCleanup, startServer, waitFor, waitForState } from '../support/client.js';

afterEach(cleanup);

describe.each(IMPLEMENTATIONS)('a replaced socket (%s)', (_name, WebSocket) => {
  it('reconnect() from every onclose: one close per socket built, never a loop in one task', async () => {
    const server = await startServer();
    const { socket } = createSocket(server.url, fastOptions(WebSocket));
    await waitForState(socket, 'open');
    const closes: HeartSocketCloseEvent[] = [];
    socket.onclose = (event) => {
      closes.push(event);
      if (closes.length < 50) socket.reconnect(); // a guard against a loop, should this regress
    };
    socket.reconnect(); // the open socket is replaced: its close, then onclose asks again
    await waitFor(() => closes.length >= 1 && socket.state === 'open', 'the reconnected socket');
    // One close, for the one socket replaced: the attempt that onclose replaced had no socket yet.
    expect(closes.map((c) => `${c.code} ${c.reason}`)).toEqual(['1006 reconnect() called']);
  });

  it("never delivers a message of a socket that a listener replaced meanwhile", async () => {
    const server = await startServer({ pingReply: 'pong' });
    const { socket } = createSocket(
      server.url,
      fastOptions(WebSocket, { heartbeat: { interval: 40, timeout: 1000, isPong: () => false } }),
    );
    await waitForState(socket, 'awaitingPong');
    const log: string[] = [];
    socket.addEventListener('statechange', (event) => {
      log.push(`${event.previous}->${event.state}`);
      if (event.previous === 'awaitingPong' && event.state === 'open') socket.reconnect();
    });
    socket.addEventListener('close', (event) => log.push(`close ${event.reason}`));
    socket.addEventListener('message', (event) => log.push(`message ${String(event.data)}`));
    server.broadcast('from the old socket');
    await waitFor(() => log.includes('close reconnect() called'), 'the replaced socket to be reported closed');
    await waitForState(socket, 'open');
    expect(log).not.toContain('message from the old socket');
  });
});

describe('a queued message the socket refuses', () => {
  it('is handed back with the rest as undelivered; the connection goes on', async () => {
    const server = await startServer();
    class PickyWebSocket extends WsWebSocket {
      override send(data: unknown, ...rest: unknown[]): void {
        if (data === 'refused') throw new TypeError('this socket does not take that');
        (super.send as (...args: unknown[]) => void)(data, ...rest);
      }
    }
    const { socket, events } = createSocket(server.url, fastOptions(PickyWebSocket));
    socket.send('a');
    socket.send('refused');
    socket.send('c');
    await waitForState(socket, 'open');
    await waitFor(() => events.undelivered.length === 1, 'the undelivered report');
    expect(events.undelivered[0]?.messages).toEqual(['refused', 'c']);
    expect(socket.actor.getSnapshot().status).toBe('active');
    socket.send('after');
    await waitFor(() => server.received.includes('after'), 'a message after the refusal');
    expect(server.received).toEqual(['a', 'after']);
  });
});

describe('createSocketActor: a close code the socket refuses', () => {
  it('is reported as an error; the socket is dropped and the actor ends in closed, still active', async () => {
    const server = await startServer();
    const errors: unknown[] = [];
    const actor = createSocketActor(server.url, { WebSocket: WsWebSocket, heartbeat: false });
    onCleanup(() => actor.stop());
    actor.on('error', ({ error }) => void errors.push(error));
    await waitFor(() => actor.getSnapshot().matches({ running: { live: 'connected' } }), 'open');
    actor.send({ type: 'CLOSE', code: 999 }); // not a close code at all: ws refuses it
    await waitFor(() => actor.getSnapshot().hasTag('forGood') && actor.getSnapshot().matches('closed'), 'closed');
    expect(actor.getSnapshot().status).toBe('active');
    expect(errors).toHaveLength(1);
    await waitFor(() => server.liveConnections === 0, 'the server to see the socket dropped');
  });
});

// `HeartSocket` is imported for its types in the helpers above.
void HeartSocket;
