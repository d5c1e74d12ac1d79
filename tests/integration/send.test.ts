import { afterEach, describe, expect, it } from 'vitest';
import { HeartSocketError } from '../../adapters/errors.js';
import {
  cleanup,
  createSocket,
  fastOptions,
  IMPLEMENTATIONS,
  RECONNECT_DELAY,
  startServer,
  waitFor,
  waitForState,
} from '../support/client.js';
import type { HeartSocket } from '../../adapters/HeartSocket.js';

/** The error `socket.send(data)` throws, or a failure if it throws none. */
function sendError(socket: HeartSocket, data: string): HeartSocketError {
  try {
    socket.send(data);
  } catch (error) {
    expect(error).toBeInstanceOf(HeartSocketError);
    return error as HeartSocketError;
  }
  throw new Error(`send(${JSON.stringify(data)}) did not throw`);
}

describe.each(IMPLEMENTATIONS)('send() (%s)', (_name, WebSocket) => {
  afterEach(cleanup);

  it('throws CLOSED once close() was called, while closing and after', async () => {
    const server = await startServer();
    const { socket } = createSocket(server.url, fastOptions(WebSocket));
    await waitForState(socket, 'open');

    socket.close();

    expect(socket.state).toBe('closing');
    expect(sendError(socket, 'while closing').code).toBe('CLOSED');
    await waitForState(socket, 'closed');
    expect(sendError(socket, 'after close').code).toBe('CLOSED');
    expect(server.received).toEqual([]);
  });

  it('throws QUEUE_FULL past queue.max, and delivers what was queued', async () => {
    const server = await startServer();
    const { socket, events } = createSocket(server.url, fastOptions(WebSocket, { queue: { max: 2 } }));

    socket.send('one');
    socket.send('two');
    expect(sendError(socket, 'three').code).toBe('QUEUE_FULL');

    await waitFor(() => events.messages.length === 2, 'the queued echoes');
    expect(server.received).toEqual(['one', 'two']);
  });

  it('reports messages still queued at close() with an undelivered event', async () => {
    const server = await startServer();
    const { socket, events } = createSocket(server.url, fastOptions(WebSocket, { reconnect: { delay: 5000 } }));
    await waitForState(socket, 'open');
    await server.stop();
    await waitForState(socket, 'reconnectWait');
    socket.send('a');
    socket.send('b');
    expect(socket.bufferedAmount).toBe(2);

    let stateWhenReported = '';
    socket.addEventListener('undelivered', () => (stateWhenReported = socket.state));
    socket.close();
    await Promise.resolve(); // reported once the close is out, as a microtask

    expect(stateWhenReported).toBe('closed');
    expect(events.undelivered).toHaveLength(1);
    const [undelivered] = events.undelivered;
    expect(undelivered?.messages).toEqual(['a', 'b']);
    expect(undelivered?.error).toBeInstanceOf(HeartSocketError);
    expect(undelivered?.error.code).toBe('UNDELIVERED');
    expect(socket.bufferedAmount).toBe(0);
  });

  it('reports messages still queued when reconnecting gives up', async () => {
    const server = await startServer();
    const { socket, events } = createSocket(
      server.url,
      fastOptions(WebSocket, { reconnect: { delay: RECONNECT_DELAY, maxRetries: 1 } }),
    );
    await waitForState(socket, 'open');
    await server.stop();
    await waitForState(socket, 'reconnectWait');

    socket.send('a');

    await waitForState(socket, 'closed');
    expect(events.undelivered.map(({ messages, error }) => ({ messages, code: error.code }))).toEqual([
      { messages: ['a'], code: 'UNDELIVERED' },
    ]);
    expect(sendError(socket, 'late').code).toBe('CLOSED');
  });

  it('rejects data that is not a string, ArrayBuffer, view or Blob with a TypeError', async () => {
    const server = await startServer();
    const { socket } = createSocket(server.url, fastOptions(WebSocket));

    expect(() => socket.send(42 as unknown as string)).toThrow(TypeError);
    expect(() => socket.send({} as unknown as string)).toThrow(TypeError);
  });
});
