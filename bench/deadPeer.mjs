// 3. Dead-peer detection: how long after the server goes silent heartsocket notices (state
// `closing`), gives up on the socket, and is open again on a new connection; the excess over what
// the options ask for (heartbeat interval + timeout, closeTimeout, the backoff delay).
//
// The server (another process) answers "ping" with "pong" until a client says "silence": it then
// sends "silent" and stops reading that socket (`socket._socket.pause()`), a half-open peer that
// neither answers nor closes. New connections are accepted as usual. Silence starts when the
// client receives "silent", so every time is measured on the client's clock.
import { fileURLToPath } from 'node:url';
import { CLIENTS, fixed, listen, progress, quantile, report, serve, sleep, spawn, table, within } from './lib.mjs';

const FILE = fileURLToPath(import.meta.url);
const INTERVAL = 100; // heartbeat.interval
const TIMEOUT = 100; // heartbeat.timeout
const CLOSE_TIMEOUT = 100;
const DELAY = 100; // reconnect.delay (no jitter)
const CLIENT_COUNT = 8; // concurrent clients, each on its own connection
const CYCLES = 25; // silences per client
const TARGET = 50; // ms: the p99 excess aimed for

async function server() {
  const { server: wss, port } = await listen();
  wss.on('connection', (ws) => {
    let silent = false;
    ws.on('message', (data) => {
      const text = String(data);
      if (silent) return;
      if (text === 'ping') ws.send('pong');
      else if (text === 'silence') {
        // The last word; then nothing is read (protocol pings go unanswered) and nothing is said.
        ws.send('silent');
        ws._socket.pause();
        silent = true;
        // The client abandons the socket after closeTimeout; drop the server's end later.
        setTimeout(() => ws.terminate(), 2000).unref();
      }
    });
  });
  serve({ port: () => port });
}

/** One client: CYCLES times, makes the server go silent and times what follows. */
async function measureClient(url, heartbeat) {
  const socket = CLIENTS.heartsocket(url, {
    heartbeat: { interval: INTERVAL, timeout: TIMEOUT, ...heartbeat },
    closeTimeout: CLOSE_TIMEOUT,
    reconnect: { delay: DELAY, jitter: 0 },
  });
  let reached = () => {};
  let times = {};
  socket.addEventListener('statechange', (event) => {
    times[event.state] ??= performance.now();
    reached(event.state);
  });
  socket.onmessage = (event) => {
    if (event.data === 'silent') times.silent = performance.now();
  };
  const state = (name) =>
    socket.state === name ? Promise.resolve() : new Promise((resolve) => (reached = (s) => s === name && resolve()));
  const cycles = [];
  for (let cycle = 0; cycle < CYCLES; cycle++) {
    await within(state('open'), 5000, 'open');
    // Start at a random phase of the heartbeat, as a real failure would.
    await sleep(Math.random() * INTERVAL);
    times = {};
    socket.send('silence');
    await within(state('reconnectWait'), 5000, 'reconnectWait');
    await within(state('open'), 5000, 'open again');
    cycles.push(times);
  }
  socket.close();
  return cycles;
}

async function main() {
  const server = spawn(FILE, ['server']);
  const port = await server.call('port');
  const url = `ws://127.0.0.1:${port}`;
  const rows = [];
  for (const [label, heartbeat] of [
    ['message ping', {}],
    ['protocol ping (`heartbeat.protocol`)', { protocol: true }],
  ]) {
    // The control: how late a plain setTimeout fires in this process meanwhile (the machine's share).
    const lateness = [];
    let measuring = true;
    const control = (async () => {
      while (measuring) {
        const start = performance.now();
        await sleep(INTERVAL);
        lateness.push(performance.now() - start - INTERVAL);
      }
    })();
    const cycles = (await Promise.all(Array.from({ length: CLIENT_COUNT }, () => measureClient(url, heartbeat)))).flat();
    measuring = false;
    await control;
    progress(`deadPeer: ${label} done`);
    const row = (name, expected, excess) =>
      rows.push([label, name, `${expected}`, ...[0.5, 0.99, 1].map((q) => fixed(quantile(excess, q), 1))]);
    const phase = (name, from, to, expected) => row(name, expected, cycles.map((t) => t[to] - t[from] - expected));
    phase('silence → ping (`awaitingPong`)', 'silent', 'awaitingPong', INTERVAL);
    phase('silence → `closing`', 'silent', 'closing', INTERVAL + TIMEOUT);
    phase('`closing` → `reconnectWait` (socket abandoned)', 'closing', 'reconnectWait', CLOSE_TIMEOUT);
    phase('`reconnectWait` → `connecting` (backoff)', 'reconnectWait', 'connecting', DELAY);
    phase('`reconnectWait` → `open` (backoff + handshake)', 'reconnectWait', 'open', DELAY);
    row(`control: a plain \`setTimeout(${INTERVAL})\` meanwhile (${lateness.length} samples)`, INTERVAL, lateness);
  }
  await server.stop();
  report(
    '3. Dead-peer detection',
    `heartsocket with \`heartbeat: { interval: ${INTERVAL}, timeout: ${TIMEOUT} }\`, \`closeTimeout: ${CLOSE_TIMEOUT}\`, ` +
      `\`reconnect: { delay: ${DELAY} }\`. The server goes silent on a half-open socket (it stops reading it) ` +
      `right after sending a last message; silence is counted from that message's arrival. The next ` +
      `connection is accepted at once, so the reopen time is the backoff plus one handshake. ` +
      `${CLIENT_COUNT} clients × ${CYCLES} silences each, at a random phase of the heartbeat = ` +
      `${CLIENT_COUNT * CYCLES} samples per row. Excess in ms over the expected time (target: p99 ≤ ${TARGET} ms). ` +
      `The control row is the lateness of a bare timer in the same process over the same time: what the ` +
      `machine (its load, the event loop) adds to any timer, not heartsocket.`,
    table(['heartbeat', 'phase', 'expected ms', 'excess p50', 'excess p99', 'excess max'], rows),
  );
}

const role = process.argv[2];
await (role === 'server' ? server() : main());
