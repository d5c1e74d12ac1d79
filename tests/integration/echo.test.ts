import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, createSocket, fastOptions, IMPLEMENTATIONS, startServer, waitFor, waitForState, openSocket } from '../support/client.js';

it('runs on Node with the global WebSocket available (vitest --experimental-websocket)', () => {
  expect(typeof globalThis.WebSocket).toBe('function');
});

describe.each(IMPLEMENTATIONS)('echo (%s)', (_name, WebSocket) => {
  afterEach(cleanup);

  it('queues messages sent before open and delivers them in order once open', async () => {
    const server = await startServer();
    const { socket, events } = createSocket(server.url, fastOptions(WebSocket));

    socket.send('one');
    socket.send('two');
    socket.send('three');
    expect(socket.state).toBe('connecting');

    await waitFor(() => events.messages.length === 3, 'three echoes');
    expect(server.received).toEqual(['one', 'two', 'three']);
    expect(events.messages).toEqual(['one', 'two', 'three']);
    expect(events.opens).toBe(1);
  });

  it('echoes a message sent after open', async () => {
    const { server, socket, events } = await openSocket(WebSocket);

    socket.send('hello');

    await waitFor(() => events.messages.length === 1, 'the echo');
    expect(events.messages).toEqual(['hello']);
    expect(server.received).toEqual(['hello']);
  });

  it('is OPEN, by state and readyState, inside its open listener', async () => {
    const server = await startServer();
    const { socket } = createSocket(server.url, fastOptions(WebSocket));
    const seen: { state: string; readyState: number }[] = [];
    socket.onopen = () => seen.push({ state: socket.state, readyState: socket.readyState });

    await waitForState(socket, 'open');

    expect(seen).toEqual([{ state: 'open', readyState: socket.OPEN }]);
  });
});
