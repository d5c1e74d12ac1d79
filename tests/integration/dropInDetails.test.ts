/**
 * Drop-in details against a real server: queued binary data is copied at send(), subprotocols
 * are checked as a WebSocket checks them, durations a timer cannot wait are refused, and the
 * event targets and `binaryType` behave as a WebSocket's.
 */
import { SimulatedClock } from 'xstate';
import { afterEach, describe, expect, it } from 'vitest';
import { HeartSocket } from '../../adapters/HeartSocket.js';
import type { SendData } from '../../machine/types.js';
import {
  cleanup,
  createSocket,
  fastOptions,
  IMPLEMENTATIONS,
  onCleanup,
  RECONNECT_DELAY,
  startServer,
  waitFor,
  waitForState,
} from '../support/client.js';

type Args = ConstructorParameters<typeof HeartSocket>;

/** Constructs a HeartSocket; one that should have thrown but did not is stopped on cleanup. */
function construct(...args: Args): HeartSocket {
  const socket = new HeartSocket(...args);
  onCleanup(() => socket.actor.stop());
  return socket;
}

// ---------------------------------------------------------------------------------------------
// Queued binary data: copied at send(), so a reused buffer cannot change it

/** Binary data over a buffer, and how to scribble over that buffer afterwards. */
interface BinaryCase {
  name: string;
  make(): { data: SendData; overwrite: () => void };
  /** The bytes the server must receive. */
  sent: number[];
}

const BINARY_CASES: BinaryCase[] = [
  {
    name: 'a Uint8Array',
    make() {
      const bytes = new Uint8Array([1, 2, 3, 4]);
      return { data: bytes, overwrite: () => bytes.fill(0xee) };
    },
    sent: [1, 2, 3, 4],
  },
  {
    name: 'a Uint8Array subarray at an offset',
    make() {
      const whole = new Uint8Array([10, 11, 12, 13, 14, 15]);
      return { data: whole.subarray(2, 5), overwrite: () => whole.fill(0xee) };
    },
    sent: [12, 13, 14],
  },
  {
    name: 'a DataView at an offset',
    make() {
      const buffer = new Uint8Array([20, 21, 22, 23, 24, 25]).buffer;
      return { data: new DataView(buffer, 1, 3), overwrite: () => new Uint8Array(buffer).fill(0xee) };
    },
    sent: [21, 22, 23],
  },
  {
    name: 'an ArrayBuffer',
    make() {
      const buffer = new Uint8Array([30, 31, 32]).buffer;
      return { data: buffer, overwrite: () => new Uint8Array(buffer).fill(0xee) };
    },
    sent: [30, 31, 32],
  },
];

describe.each(IMPLEMENTATIONS)('binary data queued while not open (%s)', (_name, WebSocket) => {
  afterEach(cleanup);

  it.each(BINARY_CASES)('sends $name as it was at send(), though the caller reused its buffer before open', async (binary) => {
    const server = await startServer();
    const { socket } = createSocket(server.url, fastOptions(WebSocket));
    const { data, overwrite } = binary.make();

    socket.send(data);
    expect(socket.state).toBe('connecting');
    overwrite();

    await waitFor(() => server.receivedBinary.length === 1, 'the queued message at the server');
    expect([...server.receivedBinary[0]!]).toEqual(binary.sent);
  });

  it('sends several queued messages over one reused buffer each as it was, in order', async () => {
    const server = await startServer();
    const { socket } = createSocket(server.url, fastOptions(WebSocket));
    const scratch = new Uint8Array(2);

    for (let i = 0; i < 3; i++) {
      scratch.set([i, i * 10]);
      socket.send(scratch);
    }
    scratch.fill(0xee);

    await waitFor(() => server.receivedBinary.length === 3, 'the three queued messages');
    expect(server.receivedBinary.map((bytes) => [...bytes])).toEqual([[0, 0], [1, 10], [2, 20]]);
  });
});

// ---------------------------------------------------------------------------------------------
// Subprotocols: checked at the call, or before each attempt when a function gives them

const INVALID_PROTOCOLS: [label: string, protocols: string | string[]][] = [
  ["''", ''],
  ["['']", ['']],
  ["'chat v1' (a space)", 'chat v1'],
  ["['a,b'] (a comma)", ['a,b']],
  ["['a', 'a'] (a repeat)", ['a', 'a']],
];

describe.each(IMPLEMENTATIONS)('subprotocols (%s)', (_name, WebSocket) => {
  afterEach(cleanup);

  it.each(INVALID_PROTOCOLS)('rejects %s at the call with a SyntaxError naming the option', (_label, protocols) => {
    expect(() => construct('ws://127.0.0.1:9/', protocols, fastOptions(WebSocket))).toThrow(SyntaxError);
    expect(() => construct('ws://127.0.0.1:9/', protocols, fastOptions(WebSocket))).toThrow(/protocols/);
  });

  it.each([
    ['[1]', [1]],
    ['[null]', [null]],
    ['42', 42],
  ])('rejects a non-string %s at the call with a TypeError', (_label, protocols) => {
    expect(() => construct('ws://127.0.0.1:9/', protocols as unknown as string[], fastOptions(WebSocket))).toThrow(TypeError);
  });

  const INVALID_PROVIDERS: [label: string, give: () => string | string[], error: ErrorConstructor][] = [
    ['a repeated name', () => ['a', 'a'], SyntaxError],
    ['a name with a space', () => 'chat v1', SyntaxError],
    ['a number', () => 42 as unknown as string, TypeError],
  ];

  it.each(INVALID_PROVIDERS)(
    'ends in closed, with an error and a close "invalid protocols", when a protocols function gives %s: no retry',
    async (_label, give, ErrorType) => {
      const clock = new SimulatedClock();
      const server = await startServer();
      let calls = 0;
      const { socket, events } = createSocket(server.url, fastOptions(WebSocket, { clock }), () => {
        calls++;
        return give();
      });

      await waitForState(socket, 'closed');
      // Retries would wait on this clock: give them all the time in the world.
      for (let i = 0; i < 20; i++) clock.increment(100 * RECONNECT_DELAY);
      await waitFor(() => events.closes.length >= 1, 'the close event');

      expect(socket.state).toBe('closed');
      expect(calls).toBe(1);
      expect(events.errors).toHaveLength(1);
      expect(events.errors[0]).toBeInstanceOf(ErrorType);
      expect(events.closes).toEqual([{ code: 1006, reason: 'invalid protocols', wasClean: false }]);
      expect(server.connections).toBe(0);
    },
  );

  it('calls a protocols function before every attempt; the server sees the protocol it chose', async () => {
    const server = await startServer();
    let calls = 0;
    const { socket } = createSocket(server.url, fastOptions(WebSocket), () => [`v${++calls}`, 'fallback']);
    await waitForState(socket, 'open');
    expect(socket.protocol).toBe('v1');
    expect(server.protocols).toEqual(['v1']);

    server.terminateAll();
    await waitForState(socket, 'reconnectWait');
    await waitForState(socket, 'open');

    expect(calls).toBe(2);
    expect(server.protocols).toEqual(['v1', 'v2']);
    expect(socket.protocol).toBe('v2');
  });

  it('asks every attempt for the protocols given at construction, even when the caller reuses the array', async () => {
    const server = await startServer();
    const protocols = ['chat.v2'];
    const { socket } = createSocket(server.url, fastOptions(WebSocket), protocols);
    await waitForState(socket, 'open');
    protocols[0] = 'not a token'; // the caller's buffer, reused: it was copied when checked
    server.terminateAll();
    await waitForState(socket, 'reconnectWait');
    await waitForState(socket, 'open');
    expect(server.protocols).toEqual(['chat.v2', 'chat.v2']);
  });

  it('takes an async protocols function', async () => {
    const server = await startServer();
    const { socket } = createSocket(server.url, fastOptions(WebSocket), () => Promise.resolve('chat.v2'));
    await waitForState(socket, 'open');
    expect(server.protocols).toEqual(['chat.v2']);
    expect(socket.protocol).toBe('chat.v2');
  });
});

// ---------------------------------------------------------------------------------------------
// Durations a timer cannot wait, and the queue limit's type

describe.each(IMPLEMENTATIONS)('durations and queue.max at the constructor (%s)', (_name, WebSocket) => {
  afterEach(cleanup);

  const LIMIT = /2147483647/;
  const url = 'ws://127.0.0.1:9/';

  it.each([
    ['connectTimeout', { connectTimeout: Number.MAX_SAFE_INTEGER }, /connectTimeout/],
    ['closeTimeout', { closeTimeout: 2 ** 31 }, /closeTimeout/],
    ['reconnect.delay', { reconnect: { delay: 2 ** 31 } }, /reconnect\.delay/],
    ['reconnect.maxDelay', { reconnect: { maxDelay: 2 ** 32 } }, /reconnect\.maxDelay/],
    ['heartbeat.interval', { heartbeat: { interval: 1e10 } }, /heartbeat\.interval/],
    ['heartbeat.timeout', { heartbeat: { timeout: 2 ** 31 } }, /heartbeat\.timeout/],
  ] as const)('rejects %s above 2³¹ − 1 ms with a RangeError naming the option and the limit', (_option, options, name) => {
    const build = () => construct(url, [], fastOptions(WebSocket, options));
    expect(build).toThrow(RangeError);
    expect(build).toThrow(name);
    expect(build).toThrow(LIMIT);
  });

  it('takes 2³¹ − 1 ms itself, and connects', async () => {
    const server = await startServer();
    const { socket } = createSocket(
      server.url,
      fastOptions(WebSocket, { connectTimeout: 2 ** 31 - 1, reconnect: { delay: 2 ** 31 - 1, maxDelay: 2 ** 31 - 1 } }),
    );
    await waitForState(socket, 'open');
  });

  it('rejects queue.max given as a string with a TypeError naming it', () => {
    const options = fastOptions(WebSocket, { queue: { max: '5' as unknown as number } });
    expect(() => construct(url, [], options)).toThrow(TypeError);
    expect(() => construct(url, [], options)).toThrow(/queue\.max/);
  });
});

// ---------------------------------------------------------------------------------------------
// Event targets and binaryType

/** How binary messages arrive by default, and the test for that type. */
const NATIVE_BINARY: Record<string, { type: string; is: (data: unknown) => boolean }> = {
  ws: { type: 'nodebuffer', is: (data) => Buffer.isBuffer(data) },
  'undici global': { type: 'blob', is: (data) => data instanceof Blob },
};

describe.each(IMPLEMENTATIONS)('event targets and binaryType (%s)', (name, WebSocket) => {
  afterEach(cleanup);

  const native = NATIVE_BINARY[name]!;

  it('gives every on… handler the socket as this, event.target and event.currentTarget', async () => {
    const server = await startServer();
    server.refuseUpgrades = true; // the first attempts fail: an error event, then a close
    const socket = construct(server.url, [], fastOptions(WebSocket));
    const seen: { type: string; target: boolean; currentTarget: boolean; self: boolean }[] = [];
    function note(this: HeartSocket, event: Event): void {
      seen.push({ type: event.type, target: event.target === socket, currentTarget: event.currentTarget === socket, self: this === socket });
    }
    socket.onopen = note;
    socket.onclose = note;
    socket.onerror = note;
    socket.onmessage = note;
    await waitFor(() => seen.some((event) => event.type === 'close'), 'a refused attempt');
    server.refuseUpgrades = false;
    await waitForState(socket, 'open');

    socket.send('no message listener yet');
    await waitFor(() => seen.some((event) => event.type === 'message'), 'the first echo');
    const listened: boolean[] = [];
    socket.addEventListener('message', (event) => listened.push(event.target === socket && event.currentTarget === socket));
    socket.send('with a message listener');
    await waitFor(() => listened.length === 1, 'the second echo');
    const closesBefore = seen.filter((event) => event.type === 'close').length;
    server.closeAll(4001, 'bye');
    await waitFor(() => seen.filter((event) => event.type === 'close').length > closesBefore, 'the server close');

    const types = new Set(seen.map((event) => event.type));
    expect([...types].sort()).toEqual(['close', 'error', 'message', 'open']);
    expect(seen.filter((event) => event.type === 'message')).toHaveLength(2);
    expect(listened).toEqual([true]);
    expect(seen.filter((event) => !(event.target && event.currentTarget && event.self))).toEqual([]);
  });

  it(`has binaryType '${native.type}' by default, the type binary messages arrive as`, async () => {
    const server = await startServer();
    const { socket, events } = createSocket(server.url, fastOptions(WebSocket));
    expect(socket.binaryType).toBe(native.type);
    await waitForState(socket, 'open');
    expect(socket.binaryType).toBe(native.type);

    server.broadcast(new Uint8Array([1, 2, 3]));

    await waitFor(() => events.messages.length === 1, 'the binary message');
    expect(native.is(events.messages[0])).toBe(true);
  });

  it("ignores an invalid binaryType ('bogus'), before and after open", async () => {
    const server = await startServer();
    const { socket, events } = createSocket(server.url, fastOptions(WebSocket));
    socket.binaryType = 'bogus';
    expect(socket.binaryType).toBe(native.type);
    await waitForState(socket, 'open');
    expect(socket.binaryType).toBe(native.type);
    socket.binaryType = 'arraybuffer';
    socket.binaryType = 'bogus';
    expect(socket.binaryType).toBe('arraybuffer');

    server.broadcast(new Uint8Array([1, 2, 3]));

    await waitFor(() => events.messages.length === 1, 'the binary message');
    expect(events.messages[0]).toBeInstanceOf(ArrayBuffer);
  });

  it('keeps a binaryType set while connecting across reconnects, and messages arrive as that type', async () => {
    const server = await startServer();
    const { socket, events } = createSocket(server.url, fastOptions(WebSocket));
    socket.binaryType = 'arraybuffer';
    expect(socket.binaryType).toBe('arraybuffer');
    await waitForState(socket, 'open');
    server.broadcast(new Uint8Array([1, 2, 3]));
    await waitFor(() => events.messages.length === 1, 'the first binary message');

    server.closeAll(4001, 'go away');
    await waitForState(socket, 'reconnectWait');
    expect(socket.binaryType).toBe('arraybuffer');
    await waitForState(socket, 'open');
    expect(server.connections).toBe(2);
    expect(socket.binaryType).toBe('arraybuffer');
    server.broadcast(new Uint8Array([4, 5]));

    await waitFor(() => events.messages.length === 2, 'the second binary message');
    expect(events.messages.map((data) => (data instanceof ArrayBuffer ? [...new Uint8Array(data)] : data))).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
  });

  it('switches back to the default type and delivers it', async () => {
    const server = await startServer();
    const { socket, events } = createSocket(server.url, fastOptions(WebSocket));
    socket.binaryType = 'arraybuffer';
    await waitForState(socket, 'open');

    socket.binaryType = native.type;
    server.broadcast(new Uint8Array([7]));

    await waitFor(() => events.messages.length === 1, 'the binary message');
    expect(socket.binaryType).toBe(native.type);
    expect(native.is(events.messages[0])).toBe(true);
  });
});

describe("binaryType 'nodebuffer' with the undici global WebSocket", () => {
  afterEach(cleanup);

  it('is ignored: the type stays what the socket really delivers', async () => {
    const server = await startServer();
    const { socket, events } = createSocket(server.url, fastOptions(globalThis.WebSocket));
    socket.binaryType = 'nodebuffer';
    expect(socket.binaryType).toBe('blob');
    await waitForState(socket, 'open');
    socket.binaryType = 'arraybuffer';
    socket.binaryType = 'nodebuffer';
    expect(socket.binaryType).toBe('arraybuffer');

    server.broadcast(new Uint8Array([1, 2, 3]));

    await waitFor(() => events.messages.length === 1, 'the binary message');
    expect(events.messages[0]).toBeInstanceOf(ArrayBuffer);
  });
});
