// 2. Memory and CPU per idle connection: as many connected, heartbeating clients as the machine
// allows (up to 10,000) in one process; heap and RSS per client, and client CPU per heartbeat, as
// ratios to raw `ws` with a hand-written setInterval ping.
//
// The server (another process) answers every "ping" with "pong" and counts the pings. Each
// library runs in a fresh client process (--expose-gc), against a fresh server on a new port.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createActor, fromCallback } from 'xstate';
import { CLIENTS, HeartSocketModule, WebSocket, collectGarbage, cpuSince, heapAfterGc, fixed, median, openMany, pongServer, progress, report, serve, sleep, spawn, spread, table } from './lib.mjs';

const FILE = fileURLToPath(import.meta.url);
// BENCH_CLIENTS and BENCH_VARIANTS (comma-separated) narrow a run while working on one number.
const MAX_CLIENTS = Number(process.env.BENCH_CLIENTS ?? 10_000);
const INTERVAL = 2000; // heartbeat interval (and timeout) in ms
const SAMPLES = 4; // memory is measured after each quarter of the clients is open, CPU over 4 slices
const SLICE = INTERVAL; // ms of CPU measurement per slice (a whole interval: each client pings once in it)
const VARIANTS = process.env.BENCH_VARIANTS?.split(',') ?? ['ws', 'heartsocket', 'xstate', 'reconnecting-websocket', 'partysocket'];
const HEARTBEAT = { interval: INTERVAL, timeout: INTERVAL };
// The library measured second in a run was seen to measure slower whichever it was: every library
// is measured in each of two passes, in one order and then the reverse.
const PASSES = Number(process.env.BENCH_PASSES ?? 2);
// A connection is idle once its start-up is over: heartsocket's machine keeps a timer for its
// first `reconnect.minUptime` ms (the retry count resets when it fires). Memory is measured both
// just after a quarter opens and once that quarter is idle.
const { DEFAULT_SETTINGS } = HeartSocketModule;
const IDLE_AFTER = DEFAULT_SETTINGS.reconnect.minUptime + 500;

/** A number read from a /proc file (Linux), or Infinity where there is none. */
function procNumber(file, pattern, read = (match) => Number(match[1])) {
  try {
    const match = readFileSync(file, 'utf8').match(pattern);
    return match === null ? Infinity : read(match);
  } catch {
    return Infinity;
  }
}

/** The open-file limit of a process (`ulimit -n`). */
const fileLimit = () => procNumber('/proc/self/limits', /Max open files\s+(\d+)/);
/** Ephemeral ports: each client's connection to the one server port takes one. */
const portCount = () => procNumber('/proc/sys/net/ipv4/ip_local_port_range', /(\d+)\s+(\d+)/, (m) => m[2] - m[1] + 1);

/**
 * The heartbeat everyone else gets, written by hand as is usual with `ws`: every interval, close
 * the socket if nothing arrived since the last ping, else ping. One timer per client.
 */
function handWrittenHeartbeat(socket) {
  let heard = true;
  socket.addEventListener('message', () => (heard = true));
  const timer = setInterval(() => {
    if (!heard) return socket.close();
    heard = false;
    socket.send('ping');
  }, INTERVAL);
  socket.addEventListener('close', () => clearInterval(timer));
}

/**
 * The floor under heartsocket's numbers: its machine (`socketMachineWithoutNetworkSignal`, as in
 * Node) in a bare XState actor, its socket an invoked callback actor that does only what a
 * heartbeat needs (open, ping, the first message after a ping, close) on a `ws` socket. No
 * EventTarget, queue, delivery scheduler or callbacks guarded: what any XState-driven heartbeat costs.
 */
const { socketMachineWithoutNetworkSignal, resolveSettings } = HeartSocketModule;
const bareMachine = socketMachineWithoutNetworkSignal.provide({
  actors: {
    socket: fromCallback(({ sendBack, receive, system }) => {
      const ws = system.ws;
      let awaitingPong = false;
      ws.onopen = () => sendBack({ type: 'SOCKET.OPEN' });
      ws.on('message', () => {
        system.lastHeardAt = performance.now();
        if (awaitingPong) {
          awaitingPong = false;
          sendBack({ type: 'PEER.HEARD' });
        }
      });
      ws.onclose = (event) => sendBack({ type: 'SOCKET.CLOSE', code: event.code, reason: event.reason, wasClean: event.wasClean });
      receive((command) => {
        if (command.type === 'PING') {
          awaitingPong = true;
          ws.send('ping');
        } else ws.close(command.code, command.reason);
      });
      return () => ws.terminate();
    }),
  },
  actions: { flushQueue() {}, transmit() {}, refuseSend() {}, discardQueue() {}, letSocketGo() {} },
});
const bareSettings = resolveSettings({ heartbeat: HEARTBEAT });
function bareXStateClient(url) {
  const ws = new WebSocket(url);
  const actor = createActor(bareMachine, {
    input: {
      settings: bareSettings,
      silentFor: () => performance.now() - actor.system.lastHeardAt,
      now: () => performance.now(),
      random: Math.random,
    },
  });
  actor.system.ws = ws;
  actor.system.lastHeardAt = performance.now();
  actor.start();
  return ws; // the actor lives as long as its socket's handlers and its timers
}

async function client() {
  const sockets = [];
  serve({
    /**
     * Opens `count` clients in SAMPLES steps: the memory before, then after each step twice: as
     * soon as it is open, and once it is idle.
     */
    async open(variant, port, count) {
      await collectGarbage();
      const idle = [heapAfterGc()];
      const opened = [];
      const make = () => {
        if (variant === 'xstate') return bareXStateClient(`ws://127.0.0.1:${port}`);
        const socket = CLIENTS[variant](`ws://127.0.0.1:${port}`, variant === 'heartsocket' ? { heartbeat: HEARTBEAT } : {});
        if (variant !== 'heartsocket') handWrittenHeartbeat(socket);
        return socket;
      };
      for (let step = 0; step < SAMPLES; step++) {
        sockets.push(...(await openMany(count / SAMPLES, make)));
        await collectGarbage();
        opened.push(heapAfterGc());
        await sleep(IDLE_AFTER);
        await collectGarbage();
        idle.push(heapAfterGc());
      }
      return { opened, idle };
    },
    /** CPU time (µs) over `ms` of idling with every socket heartbeating. */
    async idle(ms) {
      const start = process.cpuUsage();
      await sleep(ms);
      return cpuSince(start);
    },
  });
}

async function main() {
  // Every client is a file descriptor in the client process and one in the server's, and an
  // ephemeral port (a fresh server per library, so that none is still in TIME_WAIT): keep margins.
  const count = Math.floor(Math.min(MAX_CLIENTS, fileLimit() - 200, portCount() - 1000) / SAMPLES) * SAMPLES;
  const results = {};
  for (const variant of VARIANTS) results[variant] = { heap: [], rss: [], opened: [], cpu: [] };
  const order = (pass) => (pass % 2 === 0 ? VARIANTS : [...VARIANTS].reverse());
  for (let pass = 0; pass < PASSES; pass++) for (const variant of order(pass)) {
    const server = spawn(FILE, ['server'], { cpu: 0 }); // each on a core of its own where taskset exists
    const worker = spawn(FILE, ['client'], { execArgv: ['--expose-gc'], cpu: 1 });
    const port = await server.call('port');
    const { opened, idle } = await worker.call('open', variant, port, count);
    // Let every client reach its steady heartbeat, then measure CPU per ping the server counts.
    await sleep(INTERVAL);
    const cpu = [];
    for (let slice = 0; slice < SAMPLES; slice++) {
      const pings = await server.call('pings');
      const time = await worker.call('idle', SLICE);
      cpu.push(time / ((await server.call('pings')) - pings));
    }
    await worker.stop(); // the process exits with its sockets open: the server sees them reset
    await server.stop();
    // Each quarter's share: from the idle state before it to its own state after.
    const per = (after, key) => after.map((s, i) => (s[key] - idle[i][key]) / (count / SAMPLES) / 1024);
    const r = results[variant];
    r.heap.push(...per(idle.slice(1), 'heap'));
    r.rss.push(...per(idle.slice(1), 'rss'));
    r.opened.push(...per(opened, 'heap'));
    r.cpu.push(...cpu);
    progress(`connections: ${variant} done (pass ${pass + 1} of ${PASSES})`);
  }
  const base = results.ws;
  const rows = VARIANTS.map((variant) => {
    const r = results[variant];
    const label =
      variant === 'heartsocket'
        ? 'heartsocket (its heartbeat)'
        : variant === 'xstate'
          ? "floor: heartsocket's machine in a bare XState actor + ws"
          : `${variant} + setInterval ping`;
    return [
      label,
      spread(r.heap, 1),
      `${fixed(median(r.heap) / median(base.heap))}×`,
      spread(r.opened, 1),
      `${fixed(median(r.opened) / median(base.opened))}×`,
      spread(r.rss, 1),
      `${fixed(median(r.rss) / median(base.rss))}×`,
      spread(r.cpu, 1),
      `${fixed(median(r.cpu) / median(base.cpu))}×`,
    ];
  });
  report(
    '2. Memory and CPU per idle connection',
    `${count.toLocaleString('en')} clients in one process (at most ${MAX_CLIENTS.toLocaleString('en')}, within the ` +
      `open-file limit, \`ulimit -n\` = ${fileLimit()}, and the ${portCount()} ephemeral ports), each heartbeating every ${INTERVAL} ms against a server in another process ` +
      `that answers "ping" with "pong". heartsocket uses its own heartbeat (\`interval = timeout = ${INTERVAL}\`); ` +
      `the others get the hand-written equivalent usual with \`ws\`: one \`setInterval\` per client that ` +
      `closes the socket if nothing arrived since the last ping, else sends "ping". Memory after a full GC, ` +
      `per client, measured over each quarter of the clients: median (p25–p75) of ${SAMPLES * PASSES} (${SAMPLES} in each ` +
      `of ${PASSES} passes over the libraries, the second in reverse order); once the quarter is ` +
      `idle (${IDLE_AFTER} ms after it opened: heartsocket keeps a timer for a connection's first ` +
      `\`reconnect.minUptime\`, ${DEFAULT_SETTINGS.reconnect.minUptime} ms), and as soon as it is open. ` +
      `CPU: the client process's CPU time while idling, divided by the pings the server counted meanwhile, ` +
      `in ${SAMPLES} slices of ${SLICE} ms per pass: median (p25–p75). Ratios are of medians. The floor row is heartsocket's ` +
      `machine in a bare XState actor on a \`ws\` socket, its \`socket\` an invoked callback actor that does only ` +
      `what the heartbeat needs: what XState itself costs (two actors, their system and scheduler, a snapshot per ` +
      `transition), before anything heartsocket adds. heartsocket's extra CPU, and the floor's, is the two transitions of ` +
      `each heartbeat (\`open\` → \`awaitingPong\` → \`open\`).`,
    table(
      ['client', 'heap KiB/client, idle', 'heap ÷ ws', 'heap KiB/client, just opened', 'heap ÷ ws', 'RSS KiB/client, idle', 'RSS ÷ ws', 'CPU µs/heartbeat', 'CPU ÷ ws'],
      rows,
    ),
  );
}

const role = process.argv[2];
await (role === 'server' ? pongServer() : role === 'client' ? client() : main());
