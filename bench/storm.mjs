// 4. Reconnect storm: 1,000 heartsocket clients lose the server at once; how bunched are their
// reconnection attempts, without jitter and with it?
//
// The server (another process, a fresh one per run) drops every connection at once and then
// records when each new TCP connection is accepted, relative to the drop. The clients run here.
import { createServer } from 'node:http';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { CLIENTS, HOST, WebSocketServer, fixed, median, openMany, progress, quantile, report, serve, spawn, table, within } from './lib.mjs';

const FILE = fileURLToPath(import.meta.url);
const CLIENT_COUNT = 1000;
const DELAY = 1000; // reconnect.delay, ms
const WINDOW = 100; // ms per bucket of attempts
const JITTERS = [0, 0.5, 1];
const REPEATS = 3;

async function server() {
  // A plain HTTP server under ws: its 'connection' event is each accepted TCP connection.
  const http = createServer();
  const wss = new WebSocketServer({ server: http });
  http.listen({ host: HOST, port: 0, backlog: 4096 });
  await once(http, 'listening');
  let droppedAt = null;
  const attempts = [];
  http.on('connection', () => {
    if (droppedAt !== null) attempts.push(performance.now() - droppedAt);
  });
  serve({
    port: () => http.address().port,
    /** Drops every client at once (no close handshake: they see 1006) and starts counting. */
    drop() {
      droppedAt = performance.now();
      for (const ws of wss.clients) ws.terminate();
    },
    attempts: () => attempts,
  });
}

/**
 * One storm: opens the clients, has the server drop them, waits until all are back. The attempts'
 * times in ms after the drop: as the clients start them (statechange to `connecting`, from the
 * first close event) and as the server accepts them.
 */
async function storm(jitter) {
  const server = spawn(FILE, ['server']);
  const url = `ws://127.0.0.1:${await server.call('port')}`;
  const options = { reconnect: { delay: DELAY, jitter } };
  const sockets = await openMany(CLIENT_COUNT, () => CLIENTS.heartsocket(url, options));
  let droppedAt = null;
  const started = [];
  const reopened = Promise.all(
    sockets.map((socket) => {
      socket.addEventListener('close', () => (droppedAt ??= performance.now()));
      socket.addEventListener('statechange', ({ state }) => state === 'connecting' && started.push(performance.now()));
      return new Promise((resolve) => socket.addEventListener('open', resolve, { once: true }));
    }),
  );
  await server.call('drop');
  await within(reopened, 10 * DELAY, 'every client to reconnect');
  const accepted = await server.call('attempts');
  for (const socket of sockets) socket.close();
  await server.stop();
  return { started: started.map((t) => t - droppedAt), accepted };
}

/** The most attempts in one WINDOW. */
function peak(times) {
  const buckets = new Map();
  for (const t of times) buckets.set(Math.floor(t / WINDOW), (buckets.get(Math.floor(t / WINDOW)) ?? 0) + 1);
  return Math.max(...buckets.values());
}

const medianRange = (values) => `${fixed(median(values), 0)} (${Math.min(...values)}–${Math.max(...values)})`;

async function main() {
  const rows = [];
  for (const jitter of JITTERS) {
    const runs = [];
    for (let run = 0; run < REPEATS; run++) runs.push(await storm(jitter));
    progress(`storm: jitter ${jitter} done`);
    const started = runs.map((run) => peak(run.started));
    const accepted = runs.map((run) => peak(run.accepted));
    const times = runs.flatMap((run) => run.started);
    // Uniform: the attempts spread evenly over the jittered delays, (1 − jitter)·delay … delay.
    const uniform = jitter === 0 ? CLIENT_COUNT : Math.min(CLIENT_COUNT, (CLIENT_COUNT * WINDOW) / (jitter * DELAY));
    rows.push([
      `${jitter}`,
      fixed(uniform, 0),
      medianRange(started),
      `${fixed(median(started) / uniform)}×`,
      medianRange(accepted),
      `${fixed(quantile(times, 0.01), 0)} – ${fixed(quantile(times, 0.99), 0)}`,
    ]);
  }
  report(
    '4. Reconnect storm',
    `${CLIENT_COUNT.toLocaleString('en')} heartsocket clients in one process, \`reconnect: { delay: ${DELAY}, jitter }\`; ` +
      `the server (another process) drops them all at once. Attempts are counted as the clients start them ` +
      `(\`statechange\` to \`connecting\`, in ms after the first close event) and as the server accepts the ` +
      `TCP connections (after the drop). Peak: the most attempts in one ${WINDOW} ms window, median ` +
      `(min–max) of ${REPEATS} storms. Uniform: the attempts spread evenly over the jittered delays, ` +
      `(1 − jitter)·delay … delay; without jitter all would fall in one window, but one process cannot ` +
      `handle ${CLIENT_COUNT.toLocaleString('en')} closes or attempts in the same millisecond, so even then they spread ` +
      `over the time it takes (see the range of attempt times).`,
    table(
      ['jitter', `uniform / ${WINDOW} ms`, 'peak started', 'started ÷ uniform', 'peak accepted', 'started at, ms after the drop (p1 – p99)'],
      rows,
    ),
  );
}

const role = process.argv[2];
await (role === 'server' ? server() : main());
