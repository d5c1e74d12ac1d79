import { afterEach, describe, expect, it } from 'vitest';
import { LONG_AFTER, settle, TestClock } from '../support/wait.js';
import {
  cleanup,
  createSocket,
  fastOptions,
  IMPLEMENTATIONS,
  sleep,
  startServer,
  waitForState,
} from '../support/client.js';

const urlFailed = { code: 1006, reason: 'url() failed', wasClean: false };

/** A url function that fails its first `failures` calls (via `fail`), then gives `url`. */
function flakyUrl<T>(failures: number, fail: (call: number) => T, url: () => string) {
  const source = Object.assign(
    () => {
      source.calls++;
      return source.calls <= failures ? fail(source.calls) : url();
    },
    { calls: 0 },
  );
  return source;
}

describe.each(IMPLEMENTATIONS)('url function (%s)', (_name, WebSocket) => {
  afterEach(cleanup);

  it('that throws: each throw is a failed attempt, retried until it gives a URL', async () => {
    const server = await startServer();
    const url = flakyUrl(
      2,
      (call) => {
        throw new Error(`no token yet (${call})`);
      },
      () => server.url,
    );
    const { socket, events } = createSocket(url, fastOptions(WebSocket));

    await waitForState(socket, 'open');

    expect(url.calls).toBe(3);
    expect(events.closes).toEqual([urlFailed, urlFailed]);
    expect((events.errors as Error[]).map((error) => error.message)).toEqual(['no token yet (1)', 'no token yet (2)']);
    expect(server.connections).toBe(1);
  });

  it('that rejects: each rejection is a failed attempt, retried until it resolves', async () => {
    const server = await startServer();
    const url = flakyUrl(
      2,
      (call) => Promise.reject(new Error(`token service down (${call})`)),
      () => server.url,
    );
    const { socket, events } = createSocket(url, fastOptions(WebSocket));

    await waitForState(socket, 'open');

    expect(url.calls).toBe(3);
    expect(events.closes).toEqual([urlFailed, urlFailed]);
    expect(events.errors).toHaveLength(2);
    expect(server.connections).toBe(1);
  });

  it('that is async: connects to the URL it resolves to, asked again on every attempt', async () => {
    const server = await startServer();
    let calls = 0;
    const { socket } = createSocket(async () => {
      calls++;
      await sleep(5);
      return `${server.url}/feed?attempt=${calls}`;
    }, fastOptions(WebSocket));
    await waitForState(socket, 'open');
    expect(socket.url).toBe(`${server.url}/feed?attempt=1`);

    server.terminateAll();
    await waitForState(socket, 'reconnectWait');
    await waitForState(socket, 'open');

    expect(calls).toBe(2);
    expect(socket.url).toBe(`${server.url}/feed?attempt=2`);
    expect(server.connections).toBe(2);
  });

  it('that gives a non-WebSocket URL: closed with an error, never retried', async () => {
    let calls = 0;
    const clock = new TestClock();
    const { socket, events } = createSocket(() => {
      calls++;
      return 'ftp://127.0.0.1/';
    }, fastOptions(WebSocket, { clock }));

    await waitForState(socket, 'closed');
    // No retry scheduled, and none comes however long the clock runs.
    expect(clock.pending).toBe(0);
    clock.advance(LONG_AFTER);
    await settle();

    expect(events.states).toEqual(['connecting', 'closed']);
    expect(calls).toBe(1);
    expect(events.errors).toHaveLength(1);
    expect(events.errors[0]).toBeInstanceOf(SyntaxError);
    expect(events.closes).toEqual([{ code: 1006, reason: 'invalid url', wasClean: false }]);
  });
});
