import { afterEach, describe, expect, it } from 'vitest';
import { HeartSocket } from '../../adapters/HeartSocket.js';
import { cleanup, fastOptions, IMPLEMENTATIONS, onCleanup, startServer, waitFor, waitForState } from '../support/client.js';

describe.each(IMPLEMENTATIONS)('the WebSocket API (%s)', (_name, WebSocket) => {
  afterEach(cleanup);

  function open(url: string, protocols?: string[]) {
    const socket = new HeartSocket(url, protocols, fastOptions(WebSocket));
    onCleanup(() => socket.actor.stop());
    return socket;
  }

  it('has the WebSocket constants, static and on the instance', async () => {
    const server = await startServer();
    const socket = open(server.url);
    expect([HeartSocket.CONNECTING, HeartSocket.OPEN, HeartSocket.CLOSING, HeartSocket.CLOSED]).toEqual([0, 1, 2, 3]);
    expect([socket.CONNECTING, socket.OPEN, socket.CLOSING, socket.CLOSED]).toEqual([0, 1, 2, 3]);
  });

  it("defines the constants as this WebSocket does: on the class and its prototype, read-only, enumerable", () => {
    for (const name of ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED']) {
      expect(Object.getOwnPropertyDescriptor(HeartSocket, name)).toEqual(Object.getOwnPropertyDescriptor(WebSocket, name));
      expect(Object.getOwnPropertyDescriptor(HeartSocket.prototype, name)).toEqual(
        Object.getOwnPropertyDescriptor(WebSocket.prototype, name),
      );
    }
  });

  it('has the on… handlers where this WebSocket has them: enumerable accessors of the prototype', () => {
    const shape = (descriptor: PropertyDescriptor | undefined) => ({
      get: typeof descriptor?.get,
      set: typeof descriptor?.set,
      enumerable: descriptor?.enumerable,
      configurable: descriptor?.configurable,
    });
    for (const name of ['onopen', 'onmessage', 'onclose', 'onerror']) {
      expect(shape(Object.getOwnPropertyDescriptor(HeartSocket.prototype, name))).toEqual(
        shape(Object.getOwnPropertyDescriptor(WebSocket.prototype, name)),
      );
    }
  });

  it('reports the url, the subprotocol the server chose and the extensions', async () => {
    const server = await startServer();
    const socket = open(server.url, ['chat', 'json']);
    expect(socket.protocol).toBe('');
    await waitForState(socket, 'open');
    expect(socket.url).toBe(`${server.url}/`);
    expect(socket.protocol).toBe('chat');
    expect(socket.extensions).toBe('');
  });

  it("gives onmessage the fields of a MessageEvent without building one", async () => {
    const server = await startServer();
    const socket = open(server.url);
    const seen: Record<string, unknown>[] = [];
    socket.onmessage = (event) => {
      const { type, data, origin, target, currentTarget, lastEventId, source, ports } = event;
      seen.push({ type, data, origin, target, currentTarget, lastEventId, source, ports });
    };
    await waitForState(socket, 'open');
    socket.send('hi');
    await waitFor(() => seen.length === 1, 'the echo');
    expect(seen[0]).toEqual({
      type: 'message', data: 'hi', origin: expect.any(String), target: socket, currentTarget: socket,
      lastEventId: '', source: null, ports: [],
    });
  });

  it('gives text messages as the strings that were sent, whatever their characters', async () => {
    const server = await startServer();
    const socket = open(server.url);
    const texts = ['', 'pon', 'héllo wörld', '日本語のテキスト', 'emoji 👋🏽 and a lone \u00e9', 'a'.repeat(70_000)];
    const received: unknown[] = [];
    socket.onmessage = (event) => received.push(event.data);
    await waitForState(socket, 'open');
    for (const text of texts) socket.send(text);
    await waitFor(() => received.length === texts.length, 'every echo');
    expect(received).toEqual(texts);
  });

  it('dispatches standard MessageEvents once a message listener is added, to it and to onmessage', async () => {
    const server = await startServer();
    const socket = open(server.url);
    const fromListener: unknown[] = [];
    const fromHandler: unknown[] = [];
    socket.addEventListener('message', (event) => fromListener.push(event));
    socket.onmessage = (event) => fromHandler.push(event);
    await waitForState(socket, 'open');
    socket.send('hi');
    await waitFor(() => fromListener.length === 1 && fromHandler.length === 1, 'the echo, twice');
    expect(fromListener[0]).toBeInstanceOf(MessageEvent);
    expect(fromHandler[0]).toBe(fromListener[0]);
    expect((fromListener[0] as MessageEvent).data).toBe('hi');
  });

  it('lets a listener added inside onmessage hear the next message, not that one (as dispatchEvent does)', async () => {
    const server = await startServer();
    const socket = open(server.url);
    const late: unknown[] = [];
    let calls = 0;
    socket.onmessage = () => {
      if (calls++ === 0) socket.addEventListener('message', (event) => late.push(event.data));
    };
    await waitForState(socket, 'open');
    socket.send('first');
    socket.send('second');
    await waitFor(() => late.length === 1, 'the late listener');
    expect(late).toEqual(['second']);
    expect(calls).toBe(2);
  });
});
