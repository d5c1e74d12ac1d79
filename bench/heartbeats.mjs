// A focused benchmark of what one heartbeat costs the client: many connections heartbeating fast
// against a server in another process (it answers "ping" with "pong"), the client's CPU time
// divided by the pings the server counted. Not part of `npm run bench` (section 2 measures the
// idle connection the issue is about); this one is for working on the heartbeat path, and for
// profiling it: `BENCH_PROFILE=dir node bench/heartbeats.mjs` writes the client's `--cpu-prof`.
//
// BENCH_CLIENTS (default 2000), BENCH_INTERVAL (ms, default 250), BENCH_SECONDS (default 8),
// BENCH_VARIANTS (default ws,heartsocket; also reconnecting-websocket, partysocket).
import { fileURLToPath } from 'node:url';
import { CLIENTS, cpuSince, openMany, pongServer, progress, serve, sleep, spawn } from './lib.mjs';

const FILE = fileURLToPath(import.meta.url);
const COUNT = Number(process.env.BENCH_CLIENTS ?? 2000);
const INTERVAL = Number(process.env.BENCH_INTERVAL ?? 250);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const VARIANTS = process.env.BENCH_VARIANTS?.split(',') ?? ['ws', 'heartsocket'];
const PROFILE = process.env.BENCH_PROFILE;

/** The hand-written heartbeat of section 2, at this benchmark's interval. */
function handWrittenHeartbeat(socket) {
  let heard = true;
  let timer;
  socket.addEventListener('message', () => (heard = true));
  // Started once open: at this interval a slow handshake would otherwise meet a send while CONNECTING.
  socket.addEventListener(
    'open',
    () => {
      timer = setInterval(() => {
        if (!heard) return socket.close();
        heard = false;
        socket.send('ping');
      }, INTERVAL);
    },
    { once: true },
  );
  socket.addEventListener('close', () => clearInterval(timer));
}

async function client() {
  const sockets = [];
  serve({
    async open(variant, port) {
      const options = variant === 'heartsocket' ? { heartbeat: { interval: INTERVAL, timeout: 4 * INTERVAL } } : {};
      const make = () => {
        const socket = CLIENTS[variant](`ws://127.0.0.1:${port}`, options);
        if (variant !== 'heartsocket') handWrittenHeartbeat(socket);
        return socket;
      };
      sockets.push(...(await openMany(COUNT, make)));
    },
    async idle(ms) {
      const start = process.cpuUsage();
      await sleep(ms);
      return cpuSince(start);
    },
  });
}

async function main() {
  for (const variant of VARIANTS) {
    const server = spawn(FILE, ['server']);
    const execArgv = PROFILE === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${PROFILE}`, `--cpu-prof-name=${variant}.cpuprofile`];
    // e.g. BENCH_NODE_OPTIONS=--perf-basic-prof, for `perf record -p` on the client process.
    if (process.env.BENCH_NODE_OPTIONS) execArgv.push(...process.env.BENCH_NODE_OPTIONS.split(' '));
    const worker = spawn(FILE, ['client'], { execArgv });
    await worker.call('open', variant, await server.call('port'));
    await sleep(4 * INTERVAL); // every client heartbeating, the JIT warm
    const slices = [];
    for (let slice = 0; slice < SECONDS; slice++) {
      const pings = await server.call('pings');
      const cpu = await worker.call('idle', 1000);
      slices.push(cpu / ((await server.call('pings')) - pings));
    }
    await worker.stop();
    await server.stop();
    slices.sort((a, b) => a - b);
    const median = slices[Math.floor(slices.length / 2)];
    progress(`${variant}: ${median.toFixed(1)} µs/heartbeat (slices ${slices.map((s) => s.toFixed(1)).join(' ')})`);
  }
}

const role = process.argv[2];
await (role === 'server' ? pongServer() : role === 'client' ? client() : main());
