// Instructions per received message, counted by valgrind (not timed): the receive path's cost
// without the machine's noise. Optional: it needs `valgrind` on the PATH (`apt-get install
// valgrind`) and takes several minutes, so `npm run bench` does not run it.
//
//   npm run build && node bench/instructions.mjs     (BENCH_HEARTSOCKET=path/index.js: another build)
//
// Each client opens a real connection to the receive server of `messages.mjs`; then frames are
// written straight into `ws`'s parser (no network, no server work). V8 runs single-threaded and
// `--predictable`. The count is the difference between a run of 1 and one of 2 million messages
// after the same warm-up: start-up, warm-up and compilation cancel out. Even so the JIT does not
// settle on the same path every run (raw `ws` included): counts move by up to a tenth between
// runs. So every client is counted BENCH_RUNS times (default 3), in rotating order, and the table
// gives the median and the range; trust a difference only well outside the ranges.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CLIENTS, median, opened, PAYLOAD, spawn, table, textFrame, WebSocket } from './lib.mjs';

const FILE = fileURLToPath(import.meta.url);
const MESSAGES = fileURLToPath(new URL('./messages.mjs', import.meta.url));
const CLIENT_NAMES = ['ws', 'reconnecting-websocket', 'heartsocket'];
const WARMUP_WRITES = 200;
const FRAMES_PER_WRITE = 1000;
const V8_FLAGS = ['--single-threaded', '--predictable', '--hash-seed=1', '--random-seed=1'];
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

/** One counted run, in the process valgrind watches: open, warm up, then `writes` × 1000 frames. */
async function client(name, writes) {
  const server = spawn(MESSAGES, ['server']);
  const port = await server.call('port');
  let ws;
  class Capturing extends WebSocket {
    constructor(...args) {
      super(...args);
      // eslint-disable-next-line @typescript-eslint/no-this-alias -- the socket whose parser is fed
      ws = this;
    }
  }
  const url = `ws://127.0.0.1:${port}/receive`;
  const options = { WebSocket: Capturing, ...(name === 'heartsocket' && { heartbeat: { interval: 600_000, timeout: 600_000 } }) };
  const socket = name === 'ws' ? (ws = new WebSocket(url)) : CLIENTS[name](url, options);
  await opened(socket);
  let bytes = 0;
  socket.onmessage = (event) => {
    bytes += event.data.length; // read the data, as any listener would; checked below
  };
  const burst = Buffer.concat(Array.from({ length: FRAMES_PER_WRITE }, () => textFrame(PAYLOAD)));
  for (let i = 0; i < WARMUP_WRITES + writes; i++) {
    ws._receiver.write(burst);
    if (i % 16 === 15) await new Promise(setImmediate);
  }
  const expected = (WARMUP_WRITES + writes) * FRAMES_PER_WRITE * PAYLOAD.length;
  if (bytes !== expected) throw new Error(`${name}: received ${bytes} bytes of data, expected ${expected}`);
  socket.close();
  await server.stop();
}

/** valgrind's count of instructions for one run of `name` with `writes` writes. */
function instructions(name, writes) {
  const args = ['--tool=callgrind', '--callgrind-out-file=/dev/null', process.execPath, ...V8_FLAGS, FILE, 'client', name, String(writes)];
  const run = spawnSync('valgrind', args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const match = /I\s+refs:\s+([\d,]+)/.exec(run.stderr ?? '');
  if (run.status !== 0 || match === null) throw new Error(`${name} under valgrind failed:\n${(run.stderr ?? String(run.error)).slice(-2000)}`);
  return Number(match[1].replaceAll(',', ''));
}

function main() {
  if (spawnSync('valgrind', ['--version']).status !== 0) {
    console.log('bench/instructions.mjs needs valgrind on the PATH (apt-get install valgrind): nothing counted.');
    return;
  }
  const counts = Object.fromEntries(CLIENT_NAMES.map((name) => [name, []]));
  for (let run = 0; run < RUNS; run++) {
    for (let k = 0; k < CLIENT_NAMES.length; k++) {
      const name = CLIENT_NAMES[(k + run) % CLIENT_NAMES.length];
      counts[name].push((instructions(name, 2000) - instructions(name, 1000)) / (1000 * FRAMES_PER_WRITE));
    }
    process.stderr.write(`  instructions: run ${run + 1} of ${RUNS} done\n`);
  }
  const count = (value) => Math.round(value).toLocaleString('en');
  const wsMedian = median(counts.ws);
  const rows = CLIENT_NAMES.map((name) => {
    const values = counts[name];
    const spread = `${count(Math.min(...values))}–${count(Math.max(...values))}`;
    return [name, `${count(median(values))} (${spread})`, `${(median(values) / wsMedian).toFixed(2)}×`];
  });
  console.log(table(['client (`onmessage`)', `instructions per message: median (range) of ${RUNS}`, 'median ÷ ws'], rows));
}

if (process.argv[2] === 'client') {
  await client(process.argv[3], Number(process.argv[4]));
  process.exit(0); // whatever a client left behind (a timer, a closing socket) is not counted
} else main();
