// Instructions per received message, counted by valgrind (not timed): the receive path's cost
// without the machine's noise. Optional: it needs `valgrind` on the PATH
// (`apt-get install valgrind`) and takes about half an hour, so `npm run bench` does not run it.
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
//
// Most of that spread is in what every client shares (`ws`'s parser as the JIT compiled it that
// run, the garbage collector). The second count (the table's fourth column) is only the
// instructions of the compiled JavaScript between `ws`'s 'message' event and the listener: the
// library's own code, `ws`'s wrapper for `onmessage` (`event-target.js`), and the listener. Its
// functions are named by V8's `--perf-basic-prof` map and matched to callgrind's per-function
// counts. This is the per-message work a library adds, and it moves far less between runs. But it
// leaves out what that code calls outside compiled JavaScript: V8's builtins and runtime (growing
// an array, allocating, calling a bound function), the C++ that decodes text. The third count
// (sixth column) has it all: every instruction from the call of the library's 'message' handler
// (heartsocket's `wsMessage`, or `ws`'s wrapper for `onmessage`, which reconnecting-websocket uses)
// to its return, callees included, read from callgrind's call graph. Decoding the text is in it for
// every client alike.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLIENTS, FRAMES_PER_WRITE, median, opened, PAYLOAD, spawn, table, textBurst, WebSocket } from './lib.mjs';

const FILE = fileURLToPath(import.meta.url);
const MESSAGES = fileURLToPath(new URL('./messages.mjs', import.meta.url));
const CLIENT_NAMES = ['ws', 'reconnecting-websocket', 'heartsocket'];
const WARMUP_WRITES = 200;
const V8_FLAGS = ['--single-threaded', '--predictable', '--hash-seed=1', '--random-seed=1'];
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
// The compiled functions of the path from 'message' to the listener, by the file V8 names them with:
// `ws`'s wrapper for `onmessage`, reconnecting-websocket, heartsocket's build, and the listener here.
const HEARTSOCKET_BUILD = dirname(process.env.BENCH_HEARTSOCKET ? resolve(process.env.BENCH_HEARTSOCKET) : fileURLToPath(new URL('../dist/index.js', import.meta.url)));
const PATH_FILES = ['/ws/lib/event-target.js:', '/reconnecting-websocket/', HEARTSOCKET_BUILD, `${FILE}:`];
// The function `ws`'s 'message' event calls, by name and file: heartsocket's, or `ws`'s `onmessage` wrapper.
const HANDLERS = [
  { name: /^JS:[*^~]?wsMessage /, file: HEARTSOCKET_BUILD },
  { name: /^JS:[*^~]?onMessage /, file: '/ws/lib/event-target.js:' },
];

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
  const burst = textBurst(PAYLOAD);
  for (let i = 0; i < WARMUP_WRITES + writes; i++) {
    ws._receiver.write(burst);
    if (i % 16 === 15) await new Promise(setImmediate);
  }
  const expected = (WARMUP_WRITES + writes) * FRAMES_PER_WRITE * PAYLOAD.length;
  if (bytes !== expected) throw new Error(`${name}: received ${bytes} bytes of data, expected ${expected}`);
  socket.close();
  await server.stop();
}

/**
 * valgrind's count of instructions for one run of `name` with `writes` writes: all of them, those
 * in the compiled JavaScript of the message path (see PATH_FILES), and those of the 'message'
 * handler with all it calls (see HANDLERS).
 */
function instructions(name, writes) {
  const dir = mkdtempSync(join(tmpdir(), 'heartsocket-instructions-'));
  const out = join(dir, 'callgrind.out');
  let run;
  try {
    const args = ['--tool=callgrind', `--callgrind-out-file=${out}`, process.execPath, ...V8_FLAGS, '--perf-basic-prof', FILE, 'client', name, String(writes)];
    // (In the temporary directory: with --perf-basic-prof, V8 also writes a log to the working directory.)
    run = spawnSync('valgrind', args, { cwd: dir, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const match = /I\s+refs:\s+([\d,]+)/.exec(run.stderr ?? '');
    if (run.status !== 0 || match === null) throw new Error(`${name} under valgrind failed:\n${(run.stderr ?? String(run.error)).slice(-2000)}`);
    const functions = readPerfMap(`/tmp/perf-${run.pid}.map`);
    const counts = readCallgrind(out);
    return { all: Number(match[1].replaceAll(',', '')), path: pathInstructions(counts, functions), handler: handlerInstructions(counts, functions) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(`/tmp/perf-${run?.pid}.map`, { force: true });
  }
}

/** V8's map of the code it compiled: one line per function, "start size name" (hexadecimal). */
function readPerfMap(perfMap) {
  return readFileSync(perfMap, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [start, size, ...name] = line.split(' ');
      return { start: parseInt(start, 16), end: parseInt(start, 16) + parseInt(size, 16), name: name.join(' ') };
    })
    .sort((a, b) => a.start - b.start);
}

/**
 * callgrind's counts per function: its own instructions, and those of the calls it makes (callees
 * included). callgrind names code it has no symbols for (V8's compiled JavaScript) by an address in
 * it, "0x000000000d0dedc0", a recursive call's copy with a suffix ("…'2").
 */
function readCallgrind(callgrindOut) {
  const text = readFileSync(callgrindOut, 'utf8');
  const positions = /^positions:\s*(.*)$/m.exec(text)?.[1].trim().split(/\s+/).length ?? 1;
  const names = new Map(); // callgrind writes a name once, then only its number
  const counts = new Map();
  let current = null;
  let nextIsCall = false;
  for (const line of text.split('\n')) {
    const named = /^(c?fn)=\((\d+)\)(?: (.*))?$/.exec(line);
    if (named !== null) {
      if (named[3] !== undefined) names.set(named[2], named[3]);
      if (named[1] === 'fn') {
        const name = names.get(named[2]) ?? named[2];
        if (!counts.has(name)) counts.set(name, { own: 0, calls: 0 });
        current = counts.get(name);
      }
      continue;
    }
    if (line.startsWith('calls=')) {
      nextIsCall = true; // the next cost line is that call's, callees included
      continue;
    }
    const fields = line.trim().split(/\s+/);
    if (current === null || fields.length !== positions + 1 || !/^(0x[0-9a-f]+|[+-]?\d+|\*)$/.test(fields[0])) continue;
    current[nextIsCall ? 'calls' : 'own'] += Number(fields[positions]);
    nextIsCall = false;
  }
  return counts;
}

/** The address in a callgrind name of compiled code, or NaN. */
const addressOf = (name) => parseInt(/^0x([0-9a-f]+)(?:'\d+)?$/.exec(name)?.[1] ?? '', 16);

/** The instructions of the compiled JavaScript of the message path (see PATH_FILES). */
function pathInstructions(counts, functions) {
  const nameAt = (address) => {
    let low = 0;
    let high = functions.length - 1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      if (functions[mid].end <= address) low = mid + 1;
      else if (functions[mid].start > address) high = mid - 1;
      else return functions[mid].name;
    }
    return '';
  };
  let total = 0;
  for (const [name, { own }] of counts) {
    const address = addressOf(name);
    if (!Number.isNaN(address) && PATH_FILES.some((file) => nameAt(address).includes(file))) total += own;
  }
  return total;
}

/** The instructions of every call of the 'message' handler (every version V8 compiled of it), callees included. */
function handlerInstructions(counts, functions) {
  const entries = new Set(
    functions.filter(({ name }) => HANDLERS.some((handler) => handler.name.test(name) && name.includes(handler.file))).map(({ start }) => start),
  );
  let total = 0;
  // (Only a function's first copy: a recursive copy's count is in its caller's calls already.)
  for (const [name, { own, calls }] of counts) if (/^0x[0-9a-f]+$/.test(name) && entries.has(addressOf(name))) total += own + calls;
  return total;
}

function main() {
  if (spawnSync('valgrind', ['--version']).status !== 0) {
    console.log('bench/instructions.mjs needs valgrind on the PATH (apt-get install valgrind): nothing counted.');
    return;
  }
  const counts = Object.fromEntries(CLIENT_NAMES.map((name) => [name, { all: [], path: [], handler: [] }]));
  const perMessage = (more, fewer, key) => (more[key] - fewer[key]) / (1000 * FRAMES_PER_WRITE);
  for (let run = 0; run < RUNS; run++) {
    for (let k = 0; k < CLIENT_NAMES.length; k++) {
      const name = CLIENT_NAMES[(k + run) % CLIENT_NAMES.length];
      const [fewer, more] = [instructions(name, 1000), instructions(name, 2000)];
      counts[name].all.push(perMessage(more, fewer, 'all'));
      counts[name].path.push(perMessage(more, fewer, 'path'));
      counts[name].handler.push(perMessage(more, fewer, 'handler'));
    }
    process.stderr.write(`  instructions: run ${run + 1} of ${RUNS} done\n`);
  }
  const count = (value) => Math.round(value).toLocaleString('en');
  const spread = (values) => `${count(median(values))} (${count(Math.min(...values))}–${count(Math.max(...values))})`;
  const ws = { all: median(counts.ws.all), path: median(counts.ws.path), handler: median(counts.ws.handler) };
  const beyondWs = (name, key) => {
    const added = median(counts[name][key]) - ws[key];
    return name === 'ws' ? '—' : `${added >= 0 ? '+' : ''}${count(added)} (${((100 * added) / ws.all).toFixed(1)}%)`;
  };
  const rows = CLIENT_NAMES.map((name) => {
    const { all, path, handler } = counts[name];
    return [name, spread(all), `${(median(all) / ws.all).toFixed(2)}×`, spread(path), beyondWs(name, 'path'), spread(handler), beyondWs(name, 'handler')];
  });
  console.log(
    table(
      [
        'client (`onmessage`)',
        `all, per message: median (range) of ${RUNS}`,
        '÷ ws',
        'in the compiled message path',
        'beyond raw `ws` (% of its all)',
        "the 'message' handler, callees included",
        'beyond raw `ws` (% of its all)',
      ],
      rows,
    ),
  );
}

if (process.argv[2] === 'client') {
  await client(process.argv[3], Number(process.argv[4]));
  process.exit(0); // whatever a client left behind (a timer, a closing socket) is not counted
} else main();
