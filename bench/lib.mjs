// Shared helpers of the benchmarks: the clients under test, a ws server in another process,
// statistics and markdown tables. Every benchmark is one file that runs as the orchestrator by
// default and as a helper process (its server, its clients) when forked with a role argument.
import { execFileSync, fork } from 'node:child_process';
import { once } from 'node:events';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import PartySocketWebSocket from 'partysocket/ws';
import ReconnectingWebSocket from 'reconnecting-websocket';
import WebSocket, { WebSocketServer } from 'ws';

// The build measured: `npm run build`'s, or another one (a before/after comparison) named by
// BENCH_HEARTSOCKET, a path to its ESM bundle.
export const HeartSocketModule = await import(process.env.BENCH_HEARTSOCKET ?? new URL('../dist/index.js', import.meta.url).href);
const { HeartSocket } = HeartSocketModule;

export { sleep, WebSocket, WebSocketServer };

export const HOST = '127.0.0.1';

/** The message of the message benchmarks (`messages.mjs`): 32 bytes of JSON. */
export const PAYLOAD = '{"type":"tick","seq":1234567890}';

/** A server-to-client text frame (unmasked) of a short `text` (under 126 bytes), as a server writes it. */
export const textFrame = (text) => Buffer.concat([Buffer.from([0x81, Buffer.byteLength(text)]), Buffer.from(text)]);

/** Frames in one write of the message benchmarks (the server's). */
export const FRAMES_PER_WRITE = 1000;

/** `FRAMES_PER_WRITE` text frames of `text`, back to back: what one write carries. */
export const textBurst = (text) => Buffer.concat(Array.from({ length: FRAMES_PER_WRITE }, () => textFrame(text)));

/**
 * The clients compared, each given `ws` as its WebSocket. `options` is each library's own options
 * object; libraries ignore what they do not know except heartsocket, so benchmarks pass the
 * right one per library.
 */
export const CLIENTS = {
  ws: (url) => new WebSocket(url),
  heartsocket: (url, options = {}) => new HeartSocket(url, undefined, { WebSocket, ...options }),
  'reconnecting-websocket': (url, options = {}) => new ReconnectingWebSocket(url, undefined, { WebSocket, ...options }),
  partysocket: (url, options = {}) => new PartySocketWebSocket(url, undefined, { WebSocket, ...options }),
};

/** Resolves on the socket's next `open`, rejects on an error before it (any of the CLIENTS). */
export function opened(socket) {
  return new Promise((resolve, reject) => {
    const settle = (event) => {
      socket.removeEventListener('open', settle);
      socket.removeEventListener('error', settle);
      if (event.type === 'open') resolve(socket);
      else reject(event.error ?? new Error('socket error before open'));
    };
    socket.addEventListener('open', settle);
    socket.addEventListener('error', settle);
  });
}

/** Opens `count` sockets made by `make()`, at most `batch` handshakes in flight (the listen backlog is finite). */
export async function openMany(count, make, batch = 250) {
  const sockets = [];
  for (let start = 0; start < count; start += batch) {
    const group = Array.from({ length: Math.min(batch, count - start) }, () => make());
    sockets.push(...group);
    await within(Promise.all(group.map(opened)), 30_000, `opening sockets ${start}…${start + group.length}`);
  }
  return sockets;
}

// ---------------------------------------------------------------------------------------------
// Processes: the orchestrator forks helpers (a server, clients) and calls them over IPC.

/**
 * Forks `file` with `args` (its role) and returns `call(method, ...params)` and `stop()`. With
 * `cpu`, the process (all its threads) is kept on that core where `taskset` exists (Linux).
 */
export function spawn(file, args = [], { execArgv = [], cpu } = {}) {
  const child = fork(file, args, { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  if (cpu !== undefined) pin(child.pid, cpu);
  const pending = new Map();
  let nextId = 0;
  child.on('message', ({ id, result, error }) => {
    const call = pending.get(id);
    pending.delete(id);
    if (error !== undefined) call.reject(new Error(`${args.join(' ')}: ${error}`));
    else call.resolve(result);
  });
  const exited = once(child, 'exit');
  exited.then(([code]) => {
    for (const call of pending.values()) call.reject(new Error(`${args.join(' ')} exited with code ${code}`));
    pending.clear();
  });
  return {
    call: (method, ...params) =>
      new Promise((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject });
        child.send({ id, method, params });
      }),
    /** Disconnects the IPC channel (the helper then exits) and waits for the exit. */
    stop: async () => {
      if (child.connected) child.disconnect();
      await within(exited, 10_000, `${args.join(' ')} to exit`).catch(() => child.kill());
    },
  };
}

/** Whether processes can be pinned to a core here (Linux's `taskset`, and more than one core). */
export const CAN_PIN = os.cpus().length > 1 && (() => {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

function pin(pid, cpu) {
  if (CAN_PIN) execFileSync('taskset', ['-a', '-cp', String(cpu), String(pid)], { stdio: 'ignore' });
}

/** In a helper process: answer the orchestrator's calls with `methods`; exit when it disconnects. */
export function serve(methods) {
  process.on('message', async ({ id, method, params }) => {
    try {
      process.send({ id, result: await methods[method](...params) });
    } catch (error) {
      process.send({ id, error: error?.stack ?? String(error) });
    }
  });
  process.on('disconnect', () => process.exit(0));
}

/**
 * The client process of a message benchmark (1. Message overhead; 8. Resumable sessions).
 * `open(args, direction, port)` connects with `connect(args, path, port)`, which resolves to an
 * open socket, and listens with `onmessage` (or `addEventListener` when `args.listener`). Each
 * `run()` then receives `n.receive` messages (asked for by sending `receiveRequest`) or sends
 * `n.send` (`batch` per event-loop turn, until the server's `done`), and returns wall and CPU µs
 * per message. The listener reads the data, as any would: the byte count is checked.
 */
export function serveMessageClient({ n, batch, receiveRequest, connect }) {
  let socket;
  let direction;
  let count = 0;
  let target = 0;
  let bytes = 0;
  let finished;
  serve({
    async open(args, dir, port) {
      direction = dir;
      target = direction === 'receive' ? n.receive : 1;
      socket = await connect(args, direction === 'receive' ? '/receive' : `/send?n=${n.send}`, port);
      const onMessage = (event) => {
        bytes += event.data.length;
        if (++count === target) finished();
      };
      if (args.listener) socket.addEventListener('message', onMessage);
      else socket.onmessage = onMessage;
    },
    async run() {
      count = 0;
      bytes = 0;
      const end = new Promise((resolve) => (finished = resolve));
      const cpu = process.cpuUsage();
      const start = performance.now();
      if (direction === 'receive') socket.send(receiveRequest);
      else {
        for (let sent = 0; sent < n.send; ) {
          for (const last = sent + batch; sent < last; sent++) socket.send(PAYLOAD);
          await new Promise(setImmediate);
        }
      }
      await within(end, 60_000, `${n[direction]} messages to ${direction}`);
      const wall = performance.now() - start;
      const expected = direction === 'receive' ? n.receive * Buffer.byteLength(PAYLOAD) : 'done'.length;
      if (bytes !== expected) throw new Error(`received ${bytes} bytes of data, expected ${expected}`);
      return { wall: (wall * 1e3) / n[direction], cpu: cpuSince(cpu) / n[direction] };
    },
  });
}

/**
 * The orchestrator's side of a message benchmark: the table rows of one `direction`, each
 * variant's client process (`role` of `file`, opened with the variant, on a core of its own) run
 * beside variant 0, raw `ws`. The machine's speed drifts (other work, other tenants) by more than
 * the differences measured: every run of a variant is paired with a run of raw `ws` right beside
 * it (before it one time, after it the next), and its ratio is to that run. A process's JIT can
 * settle on a faster or slower receive path for all its runs: fresh processes `generations` times
 * over the `rounds`, so that no ratio rests on one process's luck. Each row: direction, name,
 * wall µs/msg and its ratio, CPU µs/msg and its ratio, as median (p25–p75).
 */
export async function pairedRuns({ file, role, variants, direction, port, rounds, warmup, generations }) {
  const samples = variants.map(() => []); // per variant: { wall, cpu, ratio: { wall, cpu } }
  let turn = 0; // rounds so far, warm-up ones too: the order rotates across processes
  for (let generation = 0; generation < generations; generation++) {
    const clients = variants.map(() => spawn(file, [role], { cpu: 1 }));
    for (const [i, variant] of variants.entries()) await clients[i].call('open', variant, direction, port);
    const run = (i) => within(clients[i].call('run'), 60_000, `${variants[i].name} ${direction}`);
    const counted = Math.round((rounds * (generation + 1)) / generations) - Math.round((rounds * generation) / generations);
    for (let round = -warmup; round < counted; round++, turn++) {
      for (let k = 1; k < variants.length; k++) {
        const i = 1 + ((k + turn) % (variants.length - 1)); // rotating order
        // Raw `ws` first in every other counted pair of each variant: as often before it as after.
        const wsFirst = (samples[i].length + (round < 0 ? k : 0)) % 2 === 0;
        const first = await run(wsFirst ? 0 : i);
        const second = await run(wsFirst ? i : 0);
        const [ws, result] = wsFirst ? [first, second] : [second, first];
        if (round < 0) continue;
        samples[0].push({ ...ws, ratio: { wall: 1, cpu: 1 } });
        samples[i].push({ ...result, ratio: { wall: result.wall / ws.wall, cpu: result.cpu / ws.cpu } });
      }
    }
    await Promise.all(clients.map((client) => client.stop()));
  }
  return variants.map(({ name }, i) => {
    const cell = (key) => [spread(samples[i].map((r) => r[key]), 3), spread(samples[i].map((r) => r.ratio[key]))];
    return [direction, name, ...cell('wall'), ...cell('cpu')];
  });
}

/** A ws server on 127.0.0.1, on a free port. */
export async function listen(options = {}) {
  const server = new WebSocketServer({ host: HOST, port: 0, backlog: 4096, ...options });
  await once(server, 'listening');
  return { server, port: server.address().port };
}

/** Rejects when `promise` takes longer than `ms`: every wait in the benchmarks is bounded. */
export function within(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** CPU time (user + system) of this process in µs since `start` (a `process.cpuUsage()`). */
export function cpuSince(start) {
  const { user, system } = process.cpuUsage(start);
  return user + system;
}

/** Full garbage collection, twice (weak callbacks, finalizers). Needs `--expose-gc`. */
export async function collectGarbage() {
  for (let i = 0; i < 2; i++) {
    globalThis.gc();
    await sleep(10);
  }
}

/**
 * The heap after a full collection, read in the same turn as the collection: an `await` between
 * them would let timers (heartbeats) run and count their garbage.
 */
export function heapAfterGc() {
  globalThis.gc();
  const { heapUsed, rss } = process.memoryUsage();
  return { heap: heapUsed, rss };
}

// ---------------------------------------------------------------------------------------------
// Statistics and reporting.

/** The q-quantile (0..1) of `values`, interpolated linearly. */
export function quantile(values, q) {
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return sorted[low] + (sorted[high] - sorted[low]) * (position - low);
}

export const median = (values) => quantile(values, 0.5);

/** `value` with `digits` decimals. */
export const fixed = (value, digits = 2) => (Number.isFinite(value) ? value.toFixed(digits) : '–');

/** "median (p25–p75)" of `values`. */
export function spread(values, digits = 2) {
  return `${fixed(median(values), digits)} (${fixed(quantile(values, 0.25), digits)}–${fixed(quantile(values, 0.75), digits)})`;
}

/** A markdown table. */
export function table(header, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** The machine the numbers come from. */
export function machine() {
  const cpus = os.cpus();
  return (
    `Node ${process.version}, ${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} cores, ` +
    `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB memory, ${os.platform()} ${os.release()}`
  );
}

/** Prints a benchmark's section: its title, what it measured, the machine, and its table(s). */
export function report(title, ...paragraphs) {
  console.log([`## ${title}`, `_${machine()}_`, ...paragraphs].join('\n\n') + '\n');
}

/** Progress, to stderr: the tables alone go to stdout. */
export const progress = (message) => process.stderr.write(`  ${message}\n`);

/**
 * The server process of the heartbeat benchmarks: answers every 'ping' with 'pong' and counts the
 * pings, for the client process to ask (`serve`).
 */
export async function pongServer() {
  const { server: wss, port } = await listen({ clientTracking: false });
  let pings = 0;
  wss.on('connection', (ws) => {
    ws.on('message', (data) => {
      if (String(data) !== 'ping') return;
      pings++;
      ws.send('pong');
    });
  });
  serve({ port: () => port, pings: () => pings });
}
