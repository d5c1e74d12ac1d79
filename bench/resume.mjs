// Resumable sessions (issue #22): what `resume` costs a client and the wire, side by side with
// `resume` off in the same run.
//
// 1. Receive and send cost, resume on vs off, the shape of messages.mjs's rows: each client in a
//    process of its own, every run paired with a run of raw `ws` beside it. The server (its own
//    process) is acceptHeartbeats(wss, { sessions }) — the "on" client's handshake is the real
//    server half's — and then, so that the client stays the bottleneck, reads and writes raw
//    bytes: it pushes pre-framed messages, counts the client's frames, and acknowledges every 64
//    as the server half does (`ackEvery`); the client's own acks are read and ignored.
// 2. Bytes on the wire for acks: a real client and the real server half through a TCP proxy that
//    weighs every frame, over a busy stream (both sides streaming) and an idle one (heartbeats only).
// 3. Time from reconnect to resumed: the server terminates the socket; from the client's next
//    attempt (`connecting`), and from its socket opening, to the `resume` event with resumed: true,
//    beside a plain reconnect (to `open`) in the same run.
//
// BENCH_ROUNDS (default 12), BENCH_RECONNECTS (default 200), BENCH_PARTS (cost,wire,reconnect).
import { once } from 'node:events';
import { connect, createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import {
  CAN_PIN, CLIENTS, FRAMES_PER_WRITE, HeartSocketModule, listen, median, opened, pairedRuns, PAYLOAD, progress, quantile, report,
  serve, serveMessageClient, sleep, spawn, table, textBurst, textFrame, within, WebSocket, fixed,
} from './lib.mjs';
import { CONTROL, frameReader } from './wireFrames.mjs';

const FILE = fileURLToPath(import.meta.url);
const { resumable } = await import(new URL('../dist/resume.js', import.meta.url).href);
const { acceptHeartbeats } = await import(new URL('../dist/server.js', import.meta.url).href);
const { HeartSocket } = HeartSocketModule;

const N = { receive: 100_000, send: 20_000 };
const WARMUP = 3;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 12);
const RECONNECTS = Number(process.env.BENCH_RECONNECTS ?? 200);
const PARTS = process.env.BENCH_PARTS?.split(',') ?? ['cost', 'wire', 'reconnect'];
const SEND_BATCH = 1000;
const ACK_EVERY = 64; // the server half's default `ackEvery`
const SERVER_FRAME_BYTES = textFrame(PAYLOAD).length;
// The send loop writes 1000 messages a turn; the server's acks come back between turns. The
// client's bound must hold a turn's worth in flight (the default, 1000, would throw QUEUE_FULL).
const RESUME = { maxMessages: 20_000, maxBytes: 4 * 2 ** 20 };
const HEARTBEAT_OFF = { interval: 60_000, timeout: 60_000 }; // out of the way, as in messages.mjs
const VARIANTS = [
  { name: 'ws', client: 'ws' },
  { name: 'ws again (control)', client: 'ws' },
  { name: 'heartsocket, resume off', client: 'heartsocket', resume: false },
  { name: 'heartsocket, resume on', client: 'heartsocket', resume: true },
  // The same with fewer explicit acks: a CPU profile of the "on" receive row puts a third of its
  // time in `writev`, one write system call per ack (every 64 messages received).
  { name: 'heartsocket, resume on, ackEvery 512', client: 'heartsocket', resume: true, ackEvery: 512 },
];

// ---- 1. receive and send cost ------------------------------------------------------------------

async function costServer() {
  const { server: wss, port } = await listen();
  const burst = textBurst(PAYLOAD);
  const done = textFrame('done');
  const sockets = new WeakMap(); // upgrade request → its ws, for onSession
  // From here on, the raw bytes: ws's parser no longer reads this socket.
  const takeOver = (ws, url) => {
    const socket = ws._socket;
    socket.removeAllListeners('data');
    const session = url.searchParams.has('heartsocket-session');
    if (url.pathname === '/receive') {
      // Any app frame asks for N.receive messages; the client's acks (control frames) are ignored.
      const reader = frameReader(async ({ opcode, first }) => {
        if (opcode !== 1 || first === CONTROL) return;
        for (let left = N.receive; left > 0; left -= FRAMES_PER_WRITE) {
          const chunk = left >= FRAMES_PER_WRITE ? burst : burst.subarray(0, left * SERVER_FRAME_BYTES);
          if (!socket.write(chunk)) await once(socket, 'drain');
        }
      });
      socket.on('data', (chunk) => reader.push(chunk));
    } else {
      const n = Number(url.searchParams.get('n'));
      let count = 0; // app messages received in the session
      const reader = frameReader(({ opcode, first }) => {
        if (opcode !== 1 || first === CONTROL) return;
        count++;
        if (session && count % ACK_EVERY === 0) socket.write(textFrame(`\u0010ack ${count}`));
        if (count % n === 0) socket.write(done);
      });
      socket.on('data', (chunk) => reader.push(chunk));
    }
  };
  acceptHeartbeats(wss, {
    maxSilence: false, // the server half reads nothing once the bytes are taken over
    sessions: { onSession: (session, request) => takeOver(sockets.get(request), new URL(request.url, 'ws://x')) },
  });
  wss.on('connection', (ws, request) => {
    ws.on('error', () => {});
    const url = new URL(request.url, 'ws://x');
    if (url.searchParams.has('heartsocket-session')) sockets.set(request, ws);
    else takeOver(ws, url);
  });
  serve({ port: () => port });
}

function costClient() {
  serveMessageClient({
    n: N,
    batch: SEND_BATCH,
    receiveRequest: 'go', // the server pushes N.receive
    async connect({ client, resume, ackEvery }, path, port) {
      const options = client === 'heartsocket' ? { heartbeat: HEARTBEAT_OFF, ...(resume && { resume: resumable({ ...RESUME, ...(ackEvery && { ackEvery }) }) }) } : undefined;
      const socket = CLIENTS[client](`ws://127.0.0.1:${port}${path}`, options);
      await within(opened(socket), 10_000, `${client} to open`);
      if (resume && socket.session?.id == null) throw new Error('resume on, but no session: the server half did not take it');
      return socket;
    },
  });
}

async function measureCost() {
  const server = spawn(FILE, ['costServer'], { cpu: 0 });
  const port = await server.call('port');
  const rows = [];
  for (const direction of ['receive', 'send']) {
    // A fresh set of client processes every round for receiving (where a process's JIT settles
    // moves its speed), every 4 for sending (mostly a write call), as messages.mjs does.
    rows.push(...(await pairedRuns({
      file: FILE, role: 'costClient', variants: VARIANTS, direction, port,
      rounds: ROUNDS, warmup: WARMUP, generations: direction === 'receive' ? ROUNDS : Math.max(1, Math.round(ROUNDS / 4)),
    })));
    progress(`resume cost: ${direction} done`);
  }
  await server.stop();
  return table(['direction', 'client', 'wall µs/msg', 'wall ÷ ws', 'CPU µs/msg', 'CPU ÷ ws'], rows);
}

// ---- 2. bytes on the wire ----------------------------------------------------------------------

/** A TCP proxy that weighs every frame each way: app messages, control frames, heartbeats. */
async function weighingProxy(targetPort) {
  const totals = () => ({ app: 0, appBytes: 0, control: 0, controlBytes: 0, heartbeat: 0, heartbeatBytes: 0 });
  const weights = { up: totals(), down: totals() };
  const PING = 'p'.charCodeAt(0); // the default heartbeat texts, `ping` and `pong`, are the only app-looking frames that start so
  const weigh = (direction) =>
    frameReader(({ opcode, wireBytes, first }) => {
      const w = weights[direction];
      if (opcode === 1 && first === CONTROL) {
        w.control++;
        w.controlBytes += wireBytes;
      } else if (opcode === 9 || opcode === 10 || (opcode === 1 && first === PING)) {
        w.heartbeat++;
        w.heartbeatBytes += wireBytes;
      } else if (opcode === 1 || opcode === 2) {
        w.app++;
        w.appBytes += wireBytes;
      }
    });
  const pairs = new Set();
  const server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    const up = weigh('up');
    const down = weigh('down');
    // The upgrade request and response are HTTP, not frames: weighed from the first frame on.
    const upgraded = { up: false, down: false };
    const pass = (from, to, direction, reader) =>
      from.on('data', (chunk) => {
        to.write(chunk);
        if (!upgraded[direction]) {
          const end = chunk.indexOf('\r\n\r\n');
          if (end < 0) return;
          upgraded[direction] = true;
          chunk = chunk.subarray(end + 4);
        }
        if (chunk.length > 0) reader.push(chunk);
      });
    pass(client, upstream, 'up', up);
    pass(upstream, client, 'down', down);
    for (const [a, b] of [[client, upstream], [upstream, client]]) {
      a.on('error', () => b.destroy());
      a.on('close', () => b.destroy());
    }
    pairs.add(client);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: server.address().port,
    weights,
    reset() {
      weights.up = totals();
      weights.down = totals();
    },
    close() {
      for (const socket of pairs) socket.destroy();
      server.close();
    },
  };
}

async function measureWire() {
  const MESSAGES = 20_000;
  const IDLE_MS = 5_000;
  const INTERVAL = 100; // the idle run's heartbeat interval
  const rows = [];
  for (const resume of [false, true]) {
    const { server: wss, port } = await listen();
    let session = null;
    const serverGot = { count: 0 };
    const heartbeats = acceptHeartbeats(wss, {
      ...(resume && {
        sessions: {
          onSession(s) {
            session = s;
            s.on('message', () => serverGot.count++);
          },
        },
      }),
    });
    let plainWs = null;
    wss.on('connection', (ws) => {
      ws.on('error', () => {});
      if (!resume) {
        plainWs = ws;
        ws.on('message', () => serverGot.count++);
      }
    });
    const proxy = await weighingProxy(port);
    for (const load of ['busy', 'idle']) {
      serverGot.count = 0;
      const client = new HeartSocket(`ws://127.0.0.1:${proxy.port}/${load}`, [], {
        WebSocket,
        heartbeat: load === 'busy' ? {} : { interval: INTERVAL, timeout: 5_000 }, // busy: the defaults
        ...(resume && { resume: resumable() }),
      });
      let clientGot = 0;
      client.onmessage = () => clientGot++;
      await within(opened(client), 10_000, 'the client to open');
      await sleep(200);
      proxy.reset();
      const started = performance.now();
      if (load === 'busy') {
        // Both sides stream, 100 a turn, at most 500 ahead of what the other side's app has read,
        // and each side within 800 of its bound of 1000 unacknowledged. Each side's acks travel
        // behind its own app frames, so the server's unacknowledged count runs about one direction's
        // backlog ahead of what the client has read: without this check the server session
        // overflows (ends with `overflow`) at the defaults. A server app paces itself by
        // `session.unacknowledged`, as here.
        const serverSend = (text) => (resume ? session.send(text) : plainWs.send(text));
        for (let sent = 0; sent < MESSAGES; ) {
          for (const last = sent + 100; sent < last; sent++) {
            client.send(PAYLOAD);
            serverSend(PAYLOAD);
          }
          const ahead = () =>
            sent - serverGot.count > 500 || sent - clientGot > 500 || (client.session?.unacknowledgedSent ?? 0) > 800 || (session?.unacknowledged.messages ?? 0) > 800;
          for (const deadline = Date.now() + 10_000; ahead(); await sleep(1)) {
            if (Date.now() > deadline) {
              throw new Error(`the busy stream stalled at ${sent}: server got ${serverGot.count}, client got ${clientGot}, ` +
                `client ${client.state}, session ${JSON.stringify(client.session)}, server session ended: ${session?.ended}`);
            }
          }
        }
        await within(
          (async () => {
            while (serverGot.count < MESSAGES || clientGot < MESSAGES) await sleep(5);
          })(),
          30_000,
          'every message to arrive',
        );
        await sleep(200); // the last acks
      } else {
        await sleep(IDLE_MS);
      }
      const seconds = (performance.now() - started) / 1000;
      const { up, down } = proxy.weights;
      const control = up.controlBytes + down.controlBytes;
      const heartbeat = up.heartbeatBytes + down.heartbeatBytes;
      const app = up.app + down.app;
      const appBytes = up.appBytes + down.appBytes;
      rows.push([
        load === 'busy' ? `busy: ${MESSAGES.toLocaleString('en')} messages each way, default heartbeat` : `idle: ${IDLE_MS / 1000} s, heartbeat every ${INTERVAL} ms`,
        resume ? 'on' : 'off',
        app.toLocaleString('en'),
        `${up.control} / ${down.control}`,
        `${up.controlBytes.toLocaleString('en')} / ${down.controlBytes.toLocaleString('en')}`,
        `${up.heartbeat} / ${down.heartbeat}`,
        `${up.heartbeatBytes.toLocaleString('en')} / ${down.heartbeatBytes.toLocaleString('en')}`,
        app > 0 ? `${fixed(control / app, 3)} B (${fixed((100 * control) / appBytes, 2)}% of app bytes)` : '–',
        `${fixed((control + heartbeat) / seconds, 0)} B/s`,
      ]);
      client.close();
      await sleep(100);
    }
    proxy.close();
    heartbeats.stop();
    for (const ws of wss.clients) ws.terminate();
    await new Promise((resolve) => wss.close(resolve));
    progress(`resume wire: ${resume ? 'on' : 'off'} done`);
  }
  return table(
    ['stream', 'resume', 'app messages (both ways)', 'control frames c→s / s→c', 'control bytes c→s / s→c', 'heartbeat frames c→s / s→c', 'heartbeat bytes c→s / s→c', 'control bytes per app message', 'control + heartbeat bytes/s'],
    rows,
  );
}

// ---- 3. reconnect to resumed -------------------------------------------------------------------

async function reconnectServer() {
  const { server: wss, port } = await listen();
  acceptHeartbeats(wss, { sessions: { onSession: (session) => session.on('message', () => {}) } });
  const byPath = new Map();
  wss.on('connection', (ws, request) => {
    ws.on('error', () => {});
    byPath.set(new URL(request.url, 'ws://x').pathname, ws);
    // Something in flight each way when the link is cut: the resume has messages to re-send.
    ws.on('message', () => {});
  });
  serve({
    port: () => port,
    cut: (path) => byPath.get(path)?.terminate(),
  });
}

/** `ws`'s WebSocket, noting when each socket opened (before the HeartSocket hears it). */
class TimedWebSocket extends WebSocket {
  static lastOpenAt = 0;
  constructor(...args) {
    super(...args);
    this.addEventListener('open', () => (TimedWebSocket.lastOpenAt = performance.now()));
  }
}

async function measureReconnect() {
  const server = spawn(FILE, ['reconnectServer'], { cpu: 0 });
  const port = await server.call('port');
  const samples = { off: { attempt: [], socket: [] }, on: { attempt: [], socket: [] } };
  const clients = {};
  for (const mode of ['off', 'on']) {
    clients[mode] = new HeartSocket(`ws://127.0.0.1:${port}/${mode}`, [], {
      WebSocket: TimedWebSocket,
      heartbeat: HEARTBEAT_OFF,
      reconnect: { delay: 10 },
      ...(mode === 'on' && { resume: resumable() }),
    });
    await within(opened(clients[mode]), 10_000, `${mode} to open`);
  }
  for (let cycle = 0; cycle < RECONNECTS; cycle++) {
    for (const mode of cycle % 2 === 0 ? ['off', 'on'] : ['on', 'off']) {
      const client = clients[mode];
      let attemptAt = 0;
      const onState = () => {
        if (client.state === 'connecting' && attemptAt === 0) attemptAt = performance.now();
      };
      client.addEventListener('statechange', onState);
      const done = new Promise((resolve, reject) => {
        const type = mode === 'on' ? 'resume' : 'open';
        const listener = (event) => {
          if (mode === 'on' && !event.resumed) reject(new Error(`resume failed: ${event.reason}`));
          else resolve(performance.now());
          client.removeEventListener(type, listener);
        };
        client.addEventListener(type, listener);
      });
      for (let i = 0; i < 10; i++) client.send(PAYLOAD);
      await server.call('cut', `/${mode}`);
      const at = await within(done, 10_000, `${mode} to come back`);
      client.removeEventListener('statechange', onState);
      if (mode === 'on' && client.state !== 'open') await within(opened(client), 5000, 'open after resume');
      samples[mode].attempt.push(at - attemptAt);
      samples[mode].socket.push(at - TimedWebSocket.lastOpenAt);
    }
  }
  for (const client of Object.values(clients)) client.close();
  await server.stop();
  progress('resume reconnect done');
  const row = (name, values) => [name, fixed(median(values), 2), fixed(quantile(values, 0.95), 2), fixed(Math.max(...values), 2)];
  return table(
    ['measured', 'median ms', 'p95 ms', 'max ms'],
    [
      row('resume off: next attempt (`connecting`) → `open`', samples.off.attempt),
      row('resume on: next attempt (`connecting`) → `resume` (resumed: true)', samples.on.attempt),
      row('resume off: socket opened → `open`', samples.off.socket),
      row('resume on: socket opened → `resume` (resumed: true)', samples.on.socket),
    ],
  );
}

async function main() {
  const sections = [];
  if (PARTS.includes('cost')) sections.push(['cost', await measureCost()]);
  if (PARTS.includes('wire')) sections.push(['wire', await measureWire()]);
  if (PARTS.includes('reconnect')) sections.push(['reconnect', await measureReconnect()]);
  const text = {
    cost:
      `**Receive and send cost, resume on vs off.** As in 1. Message overhead: a client receives ${N.receive.toLocaleString('en')} messages of ` +
      `${Buffer.byteLength(PAYLOAD)} bytes pushed pre-framed by a server in another process, and separately sends ${N.send.toLocaleString('en')} ` +
      `(${SEND_BATCH} a turn); each client in a process of its own, ${ROUNDS} rounds after ${WARMUP} warm-up ones, every run beside a run of raw \`ws\` ` +
      `(median (p25–p75) of the ratio to it). The server is \`acceptHeartbeats(wss, { sessions })\`: the "on" client's session is begun by the real ` +
      `server half; then the server takes the raw bytes (so that the client stays the bottleneck), acknowledges every ${ACK_EVERY} messages as the ` +
      `server half does, and ignores the client's acks (which the client still writes: they are part of its cost). "on": \`resumable(${JSON.stringify(RESUME)})\` ` +
      `(the send loop's 1000 messages a turn outrun the default bound of 1000 unacknowledged); "ackEvery 512": the same with ` +
      '`ackEvery: 512`, an explicit ack every 512 messages received instead of 64 (a CPU profile of the "on" receive row puts a third of its ' +
      'time in `writev`: one write system call per ack). ' +
      (CAN_PIN ? 'Server and clients pinned to cores of their own.' : 'Server and clients not pinned (no `taskset`).'),
    wire:
      '**Bytes on the wire for acks.** A `HeartSocket` and `acceptHeartbeats(wss)` (resume off) or with `{ sessions }` (on), the real server half, ' +
      'through a TCP proxy that parses every frame each way: control frames (U+0010: acks, the handshake), heartbeat frames (`ping`/`pong`, ' +
      '`␐ping n`/`␐pong n` counted as control), app messages. Busy: both sides stream 32-byte messages, 100 a turn, at most 500 ahead of what the ' +
      'other side has read and each side at most 800 unacknowledged (of the default 1000: at the defaults, a server streaming at full speed beside a busy client overflows its bound, since the client\'s acks queue behind its own messages); the default heartbeat (which never fires on a busy stream). Idle: no message, the heartbeat every 100 ms. Frame sizes ' +
      'include headers (the client\'s masked). Counted from 200 ms after `open` (the handshake excluded).',
    reconnect:
      `**Time from reconnect to resumed.** Two clients (resume off, resume on) against one \`acceptHeartbeats(wss, { sessions })\` server in ` +
      `another process; ${RECONNECTS} times each, alternately, 10 messages are sent and the server \`terminate()\`s the socket. Measured from the ` +
      'client\'s next attempt (its state becomes `connecting`, after a 10 ms reconnect delay) and from its new socket\'s `open`, to the `resume` ' +
      'event with `resumed: true` (on) or `open` (off). The resume\'s extra time is one round trip of the handshake (`␐hello`, `␐resume`, `␐resumed`) ' +
      'and the re-sent messages.',
  };
  report(
    '8. Resumable sessions: cost, bytes on the wire, reconnect to resumed',
    ...sections.flatMap(([part, result]) => [text[part], result]),
  );
}

const role = process.argv[2];
const roles = { costServer, costClient, reconnectServer };
await (roles[role] ?? main)();
