// 1. Message overhead: a client receives N small messages as fast as a local server can push them,
// and separately sends N; time and CPU per message, as ratios to a raw `ws` client (onmessage).
//
// The server runs in its own process and does (almost) no per-message work, so that the client is
// the bottleneck and its cost is what is measured: it pushes pre-framed bytes straight into the
// TCP socket, and when receiving it counts bytes instead of parsing frames. Each client has a
// process of its own (no JIT or heap state shared between libraries); their runs alternate.
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { CAN_PIN, CLIENTS, FRAMES_PER_WRITE, listen, opened, pairedRuns, PAYLOAD, progress, report, serve, serveMessageClient, spawn, table, textBurst, textFrame, within } from './lib.mjs';

const FILE = fileURLToPath(import.meta.url);
const N = { receive: 100_000, send: 20_000 }; // messages per run
const WARMUP = 3; // rounds not counted: the JIT settles
// BENCH_ROUNDS and BENCH_DIRECTIONS (receive,send) narrow a run while working on one number.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 30); // rounds counted: one run of each client per round
// Each generation is a fresh set of client processes (see main()). Where a process's JIT settles
// moves its receive speed by ~5% (raw `ws` against raw `ws` in another process too): the receive
// medians take a process per round. Sending costs mostly a write call, the same in every process.
const GENERATIONS = {
  receive: Number(process.env.BENCH_GENERATIONS ?? ROUNDS),
  send: Number(process.env.BENCH_GENERATIONS ?? 10),
};
const SEND_BATCH = 1000; // sends between yields to the event loop
// The clients compared: a library, and whether its listener is `onmessage` or `addEventListener`.
// (For `ws` they are the same code: its `onmessage` is a listener added with `addEventListener`, so
// the `ws` row is the baseline for both.)
const VARIANTS = [
  { name: 'ws', client: 'ws' },
  // The noise floor: the same client again, in another process. Its ratio to the first is noise.
  { name: 'ws again (control)', client: 'ws' },
  { name: 'heartsocket', client: 'heartsocket' },
  { name: 'heartsocket, addEventListener', client: 'heartsocket', listener: true },
  { name: 'reconnecting-websocket', client: 'reconnecting-websocket' },
  { name: 'reconnecting-websocket, addEventListener', client: 'reconnecting-websocket', listener: true },
  { name: 'partysocket', client: 'partysocket' },
  { name: 'partysocket, addEventListener', client: 'partysocket', listener: true },
];
// Heartbeats out of the way: a ping would add bytes to what the server counts. The hot path is the same.
const OPTIONS = { heartsocket: { heartbeat: { interval: 60_000, timeout: 60_000 } } };

// The size of a server-to-client frame (unmasked), and of a client-to-server one (masked).
const SERVER_FRAME_BYTES = textFrame(PAYLOAD).length;
const CLIENT_FRAME_BYTES = 2 + 4 + Buffer.byteLength(PAYLOAD);

async function server() {
  const { server: wss, port } = await listen();
  const burst = textBurst(PAYLOAD);
  const done = textFrame('done');
  wss.on('connection', (ws, request) => {
    const socket = ws._socket;
    if (request.url === '/receive') {
      // The client asks for n messages: write them, pre-framed, honouring backpressure.
      ws.on('message', async (data) => {
        for (let left = Number(data); left > 0; left -= FRAMES_PER_WRITE) {
          const chunk = left >= FRAMES_PER_WRITE ? burst : burst.subarray(0, left * SERVER_FRAME_BYTES);
          if (!socket.write(chunk)) await once(socket, 'drain');
        }
      });
    } else {
      // Take the bytes from ws's parser and count them: every n frames, tell the client.
      const expected = Number(new URL(request.url, 'ws://x').searchParams.get('n')) * CLIENT_FRAME_BYTES;
      let received = 0;
      socket.removeAllListeners('data');
      socket.on('data', (chunk) => {
        received += chunk.length;
        if (received >= expected) {
          received -= expected;
          socket.write(done);
        }
      });
    }
  });
  serve({ port: () => port });
}

/** One client process per library: opens one connection, then runs when told to. */
function client() {
  serveMessageClient({
    n: N,
    batch: SEND_BATCH,
    receiveRequest: String(N.receive), // the server pushes as many as it is asked for
    async connect({ client }, path, port) {
      const socket = CLIENTS[client](`ws://127.0.0.1:${port}${path}`, OPTIONS[client]);
      await within(opened(socket), 10_000, `${client} to open`);
      return socket;
    },
  });
}

/** How many sets of client processes a direction takes (at most one per round). */
const generationsOf = (direction) => Math.min(GENERATIONS[direction], ROUNDS);

/** How often a direction's client processes are replaced, for the report. */
const every = (direction) => {
  const rounds = ROUNDS / generationsOf(direction);
  return rounds === 1 ? 'for every round' : `every ${+rounds.toFixed(1)} rounds`;
};

async function main() {
  // Server and client on cores of their own (where the OS lets us pin them): whether they shared
  // one was left to the scheduler, and moved a client process's speed by half.
  const server = spawn(FILE, ['server'], { cpu: 0 });
  const port = await server.call('port');
  const rows = [];
  for (const direction of process.env.BENCH_DIRECTIONS?.split(',') ?? ['receive', 'send']) {
    // Fresh processes every ROUNDS / generationsOf(direction) rounds (see pairedRuns).
    rows.push(...(await pairedRuns({
      file: FILE, role: 'client', variants: VARIANTS, direction, port,
      rounds: ROUNDS, warmup: WARMUP, generations: generationsOf(direction),
    })));
    progress(`messages: ${direction} done`);
  }
  await server.stop();
  report(
    '1. Message overhead',
    `A client receives ${N.receive.toLocaleString('en')} messages of ${Buffer.byteLength(PAYLOAD)} bytes, pushed ` +
      `as fast as a server in another process can write them (pre-framed bytes, so that the client is the ` +
      `bottleneck), and separately sends ${N.send.toLocaleString('en')} (${SEND_BATCH} per event-loop turn, until ` +
      `the server has counted every byte). The listener (\`onmessage\` unless named) reads \`event.data\`; every ` +
      `library is given \`ws\` as its WebSocket; each client runs in a process of its own (fresh ones ${every('receive')} ` +
      `when receiving, ${every('send')} when sending, after ${WARMUP} warm-up rounds of their own: where a process's ` +
      `JIT settles moves its receive speed by ~5%, raw \`ws\`'s included). ${ROUNDS} rounds; in each round every client runs once, in ` +
      `rotating order, right beside a run of raw \`ws\` (before or after it, alternately): median (p25–p75) per ` +
      `message, and of the ratio to that paired raw \`ws\` run, so that the machine's drift cancels. CPU is the ` +
      `client process's (user + system). ` +
      (CAN_PIN
        ? `The server and the clients run on cores of their own (\`taskset\`). `
        : `The server and the clients could not be pinned to cores of their own here (no \`taskset\`). `) +
      `The control row is raw \`ws\` again: its ratio shows how much of a ratio is the machine's noise. ` +
      `Sending costs mostly the write system call \`ws\` makes for each message, the same under every library.`,
    table(['direction', 'client', 'wall µs/msg', 'wall ÷ ws', 'CPU µs/msg', 'CPU ÷ ws'], rows),
  );
}

const role = process.argv[2];
await (role === 'server' ? server() : role === 'client' ? client() : main());
