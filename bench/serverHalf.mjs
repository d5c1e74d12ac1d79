// The server half's cost, beside the heartbeat pattern of ws's README: heap per connection and
// CPU per sweep of a `ws` server holding BENCH_CLIENTS quiet clients (raw `ws` clients in another
// process: they never ping, so every heartbeat probes them, and answer every protocol ping).
//
// Variants, each in a fresh server process (--expose-gc), in rotating order, BENCH_ROUNDS times:
// - `ws`: the server alone, no heartbeat (the baseline the others are measured against);
// - `ws README`: `ws.isAlive = true; ws.on('pong', heartbeat)` and one `setInterval` every
//   BENCH_INTERVAL ms that terminates the clients that did not answer and pings all the others;
// - `heartsocket`: `acceptHeartbeats(wss, { maxSilence: 2 × BENCH_INTERVAL })`, which also drops a
//   client after 1–1.5 × maxSilence and probes a quiet one every ~maxSilence / 2;
// - `heartsocket before`, with BENCH_SERVER_BEFORE=path/to/server.js (another build, side by side).
//
// BENCH_CLIENTS (default 5000), BENCH_INTERVAL (ms, default 1000), BENCH_ROUNDS (default 3).
import { fileURLToPath } from 'node:url';
import { collectGarbage, cpuSince, fixed, heapAfterGc, listen, median, openMany, progress, report, serve, sleep, spawn, spread, table, WebSocket } from './lib.mjs';

const FILE = fileURLToPath(import.meta.url);
const COUNT = Number(process.env.BENCH_CLIENTS ?? 5000);
const INTERVAL = Number(process.env.BENCH_INTERVAL ?? 1000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CPU_WINDOW = 8 * INTERVAL;
const SERVER_BUNDLES = {
  heartsocket: new URL('../dist/server.js', import.meta.url).href,
  'heartsocket before': process.env.BENCH_SERVER_BEFORE,
};
const VARIANTS = ['ws', 'ws README', 'heartsocket', ...(process.env.BENCH_SERVER_BEFORE ? ['heartsocket before'] : [])];

/** The heartbeat of ws's README ("How to detect and close broken connections?"). */
function readmeHeartbeat(wss) {
  function heartbeat() {
    this.isAlive = true;
  }
  wss.on('connection', (ws) => {
    ws.isAlive = true;
    ws.on('error', () => {});
    ws.on('pong', heartbeat);
  });
  let sweeps = 0;
  const interval = setInterval(() => {
    sweeps++;
    wss.clients.forEach((ws) => {
      if (ws.isAlive === false) return ws.terminate();
      ws.isAlive = false;
      ws.ping();
    });
  }, INTERVAL);
  return { sweeps: () => sweeps, stop: () => clearInterval(interval) };
}

async function server(variant) {
  const { server: wss, port } = await listen();
  let sweepPeriod = Infinity;
  let readme;
  if (variant === 'ws README') {
    readme = readmeHeartbeat(wss);
  } else if (variant !== 'ws') {
    const { acceptHeartbeats } = await import(SERVER_BUNDLES[variant]);
    acceptHeartbeats(wss, { maxSilence: 2 * INTERVAL });
    sweepPeriod = (2 * INTERVAL) / 4;
    wss.on('connection', (ws) => ws.on('error', () => {}));
  } else wss.on('connection', (ws) => ws.on('error', () => {}));
  await collectGarbage();
  const empty = heapAfterGc().heap;
  serve({
    port: () => port,
    clients: () => wss.clients.size,
    /** Heap per connection now, after a full collection, over the server with no connection. */
    heapPerClient: () => (heapAfterGc().heap - empty) / wss.clients.size,
    /** CPU µs over `ms`, and the sweeps that ran meanwhile. */
    cpu: async (ms) => {
      const start = process.cpuUsage();
      const before = readme?.sweeps() ?? 0;
      const began = performance.now();
      await sleep(ms);
      const elapsed = performance.now() - began;
      const sweeps = readme ? readme.sweeps() - before : elapsed / sweepPeriod;
      return { cpu: cpuSince(start), sweeps: Number.isFinite(sweeps) ? sweeps : 0, elapsed };
    },
  });
}

async function clients() {
  const sockets = [];
  serve({
    open: async (port, count) => {
      sockets.push(...(await openMany(count, () => new WebSocket(`ws://127.0.0.1:${port}`))));
      return sockets.length;
    },
    open_count: () => sockets.filter((socket) => socket.readyState === WebSocket.OPEN).length,
  });
}

async function main() {
  const results = Object.fromEntries(VARIANTS.map((variant) => [variant, { heap: [], cpu: [], perSweep: [], dropped: [] }]));
  for (let round = 0; round < ROUNDS; round++) {
    const order = VARIANTS.map((_, i) => VARIANTS[(i + round) % VARIANTS.length]);
    for (const variant of order) {
      progress(`round ${round + 1}/${ROUNDS}: ${variant}`);
      const serverProcess = spawn(FILE, ['server', variant], { execArgv: ['--expose-gc'], cpu: 0 });
      const clientProcess = spawn(FILE, ['clients'], { cpu: 1 });
      const port = await serverProcess.call('port');
      await clientProcess.call('open', port, COUNT);
      await sleep(3 * INTERVAL); // every heartbeat in its rhythm: probes out, answers in
      const r = results[variant];
      r.heap.push(await serverProcess.call('heapPerClient'));
      const { cpu, sweeps } = await serverProcess.call('cpu', CPU_WINDOW);
      r.cpu.push(cpu / (CPU_WINDOW / 1000));
      r.perSweep.push(sweeps > 0 ? cpu / sweeps : NaN);
      const stillOpen = await clientProcess.call('open_count');
      r.dropped.push(COUNT - stillOpen); // live clients dropped: none, unless the machine was starved
      await clientProcess.stop();
      await serverProcess.stop();
    }
  }
  const base = results.ws;
  const baseCpu = median(base.cpu);
  const rows = VARIANTS.map((variant) => {
    const r = results[variant];
    const added = r.heap.map((heap, i) => heap - base.heap[i]);
    const extraCpu = median(r.cpu) - baseCpu;
    const sweepsPerSecond = variant === 'ws README' ? 1000 / INTERVAL : variant === 'ws' ? 0 : 1000 / ((2 * INTERVAL) / 4);
    return [
      variant,
      spread(r.heap, 0),
      variant === 'ws' ? '–' : spread(added, 0),
      fixed(median(r.cpu) / 1000, 1),
      variant === 'ws' ? '–' : fixed(extraCpu / 1000, 1),
      variant === 'ws' ? '–' : fixed(median(r.perSweep) / 1000, 2),
      variant === 'ws' ? '–' : fixed(extraCpu / sweepsPerSecond / 1000, 2),
      r.dropped.join(', '),
    ];
  });
  report(
    '6. The server half: heap per connection and CPU per sweep, beside ws\'s README heartbeat',
    `A \`ws\` server (its own process, \`--expose-gc\`) with ${COUNT} quiet clients (raw \`ws\`, another process: they never ping, every heartbeat probes them, and they answer every protocol ping). ` +
      `"ws README" is the heartbeat of ws's README, pinging every client every ${INTERVAL} ms; heartsocket is \`acceptHeartbeats(wss, { maxSilence: ${2 * INTERVAL} })\`, sweeping every ${(2 * INTERVAL) / 4} ms and probing a quiet client once it has been silent ${INTERVAL} ms — about as many pings a second. ` +
      `Heap: after a full GC, 3 × ${INTERVAL} ms after the last client opened, over the same server before any client, per client; "added" is over the plain \`ws\` server of the same round. ` +
      `CPU: the server process's CPU over ${CPU_WINDOW / 1000} s (ping writes, pong reads, sweeps), per second and per sweep; "added" is over the plain \`ws\` server's idle CPU. ` +
      `${ROUNDS} rounds, the variants in rotating order, each in fresh processes: median (p25–p75) of heap, medians of CPU.`,
    table(
      ['server', 'heap B/client', 'added by the heartbeat B/client', 'CPU ms/s', 'added CPU ms/s', 'CPU ms/sweep', 'added CPU ms/sweep', 'live clients dropped, per round'],
      rows,
    ),
  );
}

const [role, variant] = process.argv.slice(2);
await (role === 'server' ? server(variant) : role === 'clients' ? clients() : main());
