#!/usr/bin/env node
// heartsocket demo: a local echo server (its half of the heartbeat by heartsocket/server), a
// HeartSocket client, and a scripted outage. Every state change of the client is printed with the
// time and the reason.
//
//   npm start                          the scripted outage (about 10 s)
//   npm start -- --fast                the same, faster timings (for tests)
//   npm start -- --url wss://host/path watch a real server for 30 s (or until Ctrl-C)
//   npm start -- --live-view           also serve the live view of the statechart (a web page)
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { WebSocket, WebSocketServer } from 'ws';
import { ensureBuilt, root } from '../scripts/ensure-built.mjs';

const USAGE = `Usage: npm start [-- options]   (or: node demo/run.mjs [options])

  (no option)       run a local echo server and play a scripted outage
  --fast            the same with shorter timings (also HEARTSOCKET_DEMO_FAST=1)
  --url <ws-url>    connect to a real server instead; show transitions until Ctrl-C
  --duration <s>    with --url: stop after this many seconds (default 30)
  --live-view       also serve the live view: the statechart in a web page, live
  -h, --help        this text`;

let flags;
try {
  ({ values: flags } = parseArgs({
    options: {
      url: { type: 'string' },
      duration: { type: 'string' },
      fast: { type: 'boolean', default: false },
      'live-view': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  }));
} catch (error) {
  console.error(`${error.message}\n\n${USAGE}`);
  process.exit(2);
}
if (flags.help) {
  console.log(USAGE);
  process.exit(0);
}
const durationSeconds = flags.duration === undefined ? 30 : Number(flags.duration);
if (!(durationSeconds > 0)) {
  console.error(`--duration must be a number of seconds > 0, got ${flags.duration}`);
  process.exit(2);
}

const FAST = flags.fast || process.env.HEARTSOCKET_DEMO_FAST === '1';
const SCALE = FAST ? 0.3 : 1;
const ms = (n) => Math.round(n * SCALE);
const TIMING = {
  heartbeat: ms(1000),
  pongTimeout: ms(1000),
  reconnectDelay: ms(1000),
  closeTimeout: ms(500),
  connectTimeout: ms(3000),
  serverDown: ms(3000),
};

// ── output ────────────────────────────────────────────────────────────────────────────────
const tty = process.stdout.isTTY === true;
const color = tty && !('NO_COLOR' in process.env);
const paint = (code) => (text) => (color ? `\x1b[${code}m${text}\x1b[0m` : String(text));
const dim = paint('2');
const bold = paint('1');
const STATE_COLOR = {
  connecting: paint('33'),
  open: paint('32'),
  awaitingPong: paint('36'),
  closing: paint('35'),
  reconnectWait: paint('31'),
  closed: paint('90'),
};
const stateName = (name, text = name) => (STATE_COLOR[name] ?? String)(text);

let t0 = performance.now();
const clock = () => performance.now() - t0;
const stamp = () => dim(`[${(clock() / 1000).toFixed(3).padStart(7)}s]`);

let statusText = () => null;
let statusShown = false;
function clearStatus() {
  if (statusShown) process.stdout.write('\r\x1b[2K');
  statusShown = false;
}
function drawStatus() {
  if (!tty) return;
  clearStatus();
  const status = statusText(); // { state, detail }, plain text
  if (status === null) return;
  const width = (process.stdout.columns || 100) - 1;
  const head = `● ${status.state}  `;
  const detail = status.detail.slice(0, Math.max(0, width - head.length));
  process.stdout.write(`${stateName(status.state, head)}${dim(detail)}`);
  statusShown = true;
}
function print(line = '') {
  clearStatus();
  process.stdout.write(`${line}\n`);
  drawStatus();
}
const log = (text) => print(`${stamp()} ${text}`);
const sleep = (duration) => new Promise((resolve) => setTimeout(resolve, duration));
const scene = (title) => print(`\n${stamp()} ${bold(`▶ ${title}`)}`);

// ── the package, built if needed ────────────────────────────────────────────────────────────
await ensureBuilt({ log: (line) => console.error(dim(line)) });
// A package may import itself by its name: this is what an app writes.
const { HeartSocket } = await import('heartsocket');
const { acceptHeartbeats } = await import('heartsocket/server');

// ── the live view (--live-view) ─────────────────────────────────────────────────────────────
/**
 * Serves visualizations/page/live-view.html with its relay on 127.0.0.1 (a free port) and watches the
 * demo's sockets there, through `heartsocket/live-view` (imported only here, as an app that
 * debugs this way would). The server code is TypeScript: esbuild compiles it.
 * Throws, saying what is missing, when the live view cannot start: it was asked for.
 */
async function startLiveView() {
  let createLiveViewInspector;
  try {
    ({ createLiveViewInspector } = await import('heartsocket/live-view'));
  } catch (error) {
    throw new Error(
      `--live-view: heartsocket/live-view could not be imported (${error instanceof Error ? error.message : error}); ` +
        'run `npm run build`, or leave out --live-view',
    );
  }
  const needed = ['visualizations/page/live-view.html', 'visualizations/page/serve.ts', 'visualizations/page/build.ts'];
  const missing = needed.filter((file) => !existsSync(join(root, file)));
  if (missing.length > 0) throw new Error(`--live-view: this checkout has no ${missing.join(', ')}`);
  const { importTypeScript } = await import('../scripts/import-ts.mjs');
  const { startLiveViewServer } = await importTypeScript(root, 'visualizations/page/serve.ts');
  const { buildLiveView } = await importTypeScript(root, 'visualizations/page/build.ts');
  const server = await startLiveViewServer({ root, port: 0, bundle: await buildLiveView(root) });
  const inspector = createLiveViewInspector(server.relayUrl, { WebSocket });
  const page = `${server.url}/live-view.html?relay=${encodeURIComponent(server.relayUrl)}`;
  return { server, inspector, page };
}

/** Best effort: the desktop's browser, only when someone is watching the terminal. */
function openInBrowser(url) {
  if (!tty) return;
  const [command, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '', url]]
        : process.env.DISPLAY || process.env.WAYLAND_DISPLAY
          ? ['xdg-open', [url]]
          : [null, []];
  if (command === null) return;
  const child = spawn(command, args, { stdio: 'ignore', detached: true });
  child.on('error', () => {});
  child.unref();
}

let liveView = null;
if (flags['live-view']) {
  try {
    liveView = await startLiveView();
  } catch (error) {
    console.error(`demo: ${error instanceof Error ? error.message : error}`);
    process.exit(1);
  }
}
if (liveView) {
  console.log(`${bold('live view')}  ${liveView.page}`);
  openInBrowser(liveView.page);
  if (tty) {
    console.log(dim('(starting in 3 s: open the page to watch the statechart)'));
    await sleep(3000);
  }
}
t0 = performance.now();

// ── the client and what it did ──────────────────────────────────────────────────────────────
const stats = {
  transitions: 0,
  sent: 0,
  queued: 0,
  delivered: new Set(), // ids of messages echoed back
  undelivered: 0,
  outages: [], // { name, start, detected, back, via }
};

/** Opens a HeartSocket and prints every state change with its reason. */
function connect(url, options) {
  const socket = new HeartSocket(url, [], { WebSocket, ...options });
  // The live view shows each socket with its traffic (messages, silence), from its first state.
  liveView?.inspector.watch(socket, { label: url });
  let lastError = '';
  let enteredAt = clock();
  let queuedAtOpen = 0;

  socket.addEventListener('error', (event) => {
    lastError = event.message || (event.error && String(event.error)) || 'error';
  });
  socket.addEventListener('undelivered', (event) => (stats.undelivered += event.messages.length));
  socket.addEventListener('statechange', ({ previous, state }) => {
    const now = clock();
    const inPrevious = Math.round(now - enteredAt);
    enteredAt = now;
    stats.transitions += 1;
    const { context } = socket.actor.getSnapshot();
    const close = context.lastClose;
    const closeText = close ? `${close.code}${close.reason ? ` ${close.reason}` : ''}` : '';
    let reason = '';
    if (state === 'open' && previous === 'connecting') {
      reason = queuedAtOpen > 0 ? `socket opened, ${queuedAtOpen} queued message(s) sent` : 'socket opened';
      queuedAtOpen = 0;
    } else if (state === 'awaitingPong') reason = `${Math.round(context.silentFor())} ms silent: ping sent`;
    else if (state === 'open' && previous === 'awaitingPong') reason = `pong after ${inPrevious} ms`;
    else if (state === 'closing' && previous === 'awaitingPong') reason = `no pong in ${inPrevious} ms: close 4000 heartbeat timeout`;
    else if (state === 'closing') reason = 'close() called';
    else if (state === 'connecting' && previous === 'reconnectWait') reason = `retry #${context.retries} after ${inPrevious} ms`;
    else if (state === 'connecting') reason = close ? `reconnect(): ${close.reason}` : '';
    else if (state === 'closed' && previous !== 'closing' && socket.actor.getSnapshot().hasTag('forGood')) reason = 'close() called';
    else if (previous === 'closing' && close && !close.wasClean) reason = `close timeout: no reply in ${inPrevious} ms, socket abandoned`;
    else if (previous === 'closing') reason = `closed ${closeText}`;
    else if (previous === 'connecting') reason = `connect failed: ${lastError || `close ${closeText}`}`;
    else reason = `connection lost (close ${closeText})`;
    if (state === 'reconnectWait') reason += `; next try in ${Math.round(context.retryDelay)} ms`;
    if (state === 'open') lastError = '';
    log(`${stateName(previous)} → ${stateName(state)}${reason ? `  ${dim(`(${reason})`)}` : ''}`);
  });
  socket.addEventListener('message', (event) => {
    const match = /^msg #(\d+)/.exec(String(event.data));
    if (match) stats.delivered.add(Number(match[1]));
    log(`  ← ${JSON.stringify(String(event.data))}`);
  });

  /** Sends a numbered message; while not open heartsocket queues it. */
  socket.sendNumbered = (label) => {
    stats.sent += 1;
    const text = `msg #${stats.sent} ${label}`;
    const connected = socket.state === 'open' || socket.state === 'awaitingPong';
    if (!connected) {
      stats.queued += 1;
      queuedAtOpen += 1;
    }
    socket.send(text);
    log(`  → ${JSON.stringify(text)}${connected ? '' : dim('  (not connected: queued)')}`);
  };
  return socket;
}

/** Resolves the next time the socket enters `state`. */
function entered(socket, state, within = 20_000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.removeEventListener('statechange', listener);
      reject(new Error(`timed out waiting for the state ${state} (the socket is ${socket.state})`));
    }, within);
    const listener = (event) => {
      if (event.state !== state) return;
      clearTimeout(timer);
      socket.removeEventListener('statechange', listener);
      resolve(clock());
    };
    socket.addEventListener('statechange', listener);
  });
}

// ── the embedded echo server ────────────────────────────────────────────────────────────────
class EchoServer {
  port = 0;
  #wss = null;
  #heartbeats = null;
  #frozen = new Set();

  async start() {
    for (let attempt = 0; ; attempt++) {
      try {
        this.#wss = await listen(this.port);
        break;
      } catch (error) {
        // Coming back on the same port: it may take a moment to be free again.
        if (error.code !== 'EADDRINUSE' || attempt >= 20) throw error;
        await sleep(100);
      }
    }
    this.port = this.#wss.address().port;
    // Answers the client's 'ping' with 'pong' (the echo below never sees a ping), and drops a
    // client silent for 10 s.
    this.#heartbeats = acceptHeartbeats(this.#wss);
    this.#wss.on('connection', (ws) => {
      ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
      ws.on('error', () => {});
    });
  }

  get url() {
    return `ws://127.0.0.1:${this.port}`;
  }

  /** Half-open: the TCP connections stay up, but the server reads and answers nothing more. */
  freezeConnections() {
    for (const ws of this.#wss.clients) {
      ws._socket.pause();
      this.#frozen.add(ws);
    }
  }

  /** Drops the connections frozen earlier (the client gave up on them long ago). */
  dropFrozen() {
    for (const ws of this.#frozen) ws.terminate();
    this.#frozen.clear();
  }

  /** As if the process died: every connection drops at once and nothing listens on the port. */
  async kill() {
    const wss = this.#wss;
    this.#wss = null;
    this.#frozen.clear();
    this.#heartbeats?.stop();
    this.#heartbeats = null;
    if (wss === null) return;
    for (const ws of wss.clients) ws.terminate();
    await new Promise((resolve) => wss.close(() => resolve()));
  }
}

function listen(port) {
  return new Promise((resolve, reject) => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port });
    wss.once('listening', () => {
      wss.off('error', reject);
      resolve(wss);
    });
    wss.once('error', reject);
  });
}

// ── the runs ────────────────────────────────────────────────────────────────────────────────
const seconds = (duration) => `${(duration / 1000).toFixed(2)} s`;

function printSummary({ scripted, notes = [] }) {
  const { outages } = stats;
  print(`\n${bold('Summary')}`);
  print(`  outages            ${outages.length}`);
  for (const outage of outages) {
    const detected = outage.detected === undefined
      ? 'not detected'
      : scripted
        ? `detected after ${seconds(outage.detected - outage.start)} (${outage.via})`
        : `noticed by the ${outage.via}`;
    const back = outage.back === undefined ? 'not back' : `reconnected after ${seconds(outage.back - outage.start)}`;
    print(`    ${outage.name.padEnd(16)} ${detected}, ${back}`);
  }
  if (scripted) {
    print(`  messages           sent ${stats.sent}, of them queued while disconnected ${stats.queued}`);
    print(`                     delivered ${stats.delivered.size}/${stats.sent} (echoed back), undelivered ${stats.undelivered}`);
  }
  print(`  state changes      ${stats.transitions}`);
  for (const line of notes) print(dim(line));
}

async function scriptedOutage() {
  const server = new EchoServer();
  await server.start();
  print(bold('heartsocket demo: a WebSocket that stays connected'));
  print(`  server  ${server.url}  (embedded echo server; heartsocket/server answers the pings)`);
  print(
    `  client  heartbeat ${TIMING.heartbeat} ms + pong timeout ${TIMING.pongTimeout} ms, ` +
      `reconnect after ${TIMING.reconnectDelay} ms, close timeout ${TIMING.closeTimeout} ms${FAST ? '  (--fast)' : ''}`,
  );

  let sceneName = 'starting';
  let socket;
  statusText = () => ({
    state: socket?.state ?? 'starting',
    detail: `${seconds(clock())} · ${sceneName} · sent ${stats.sent} · delivered ${stats.delivered.size} · queued ${stats.queued}`,
  });
  const ticker = tty ? setInterval(drawStatus, 100) : null;

  try {
    scene('1. normal traffic');
    sceneName = 'normal traffic';
    socket = connect(server.url, {
      heartbeat: { interval: TIMING.heartbeat, timeout: TIMING.pongTimeout }, // sends 'ping', consumes 'pong'
      reconnect: { delay: TIMING.reconnectDelay },
      closeTimeout: TIMING.closeTimeout,
      connectTimeout: TIMING.connectTimeout,
    });
    log(`start → ${stateName('connecting')}`);
    await entered(socket, 'open');
    for (let i = 0; i < 3; i++) {
      socket.sendNumbered('hello');
      await sleep(ms(200));
    }

    scene(`2. a quiet line: after ${TIMING.heartbeat} ms of silence the heartbeat pings, the server answers pong`);
    sceneName = 'heartbeat';
    await entered(socket, 'awaitingPong');
    await entered(socket, 'open');
    await sleep(ms(300));

    scene('3. the connection goes half-open: TCP stays up, the server answers nothing (a hung peer, a dropped NAT entry)');
    sceneName = 'half-open';
    const halfOpen = { name: 'half-open', start: clock(), via: 'heartbeat' };
    stats.outages.push(halfOpen);
    server.freezeConnections();
    log('server: connection frozen, nothing is read or answered');
    halfOpen.detected = await entered(socket, 'closing');
    await entered(socket, 'reconnectWait');
    socket.sendNumbered('sent during the outage');
    socket.sendNumbered('sent during the outage');
    halfOpen.back = await entered(socket, 'open');
    server.dropFrozen();
    await sleep(ms(500));

    scene(`4. the server is killed; it comes back on port ${server.port} after ${seconds(TIMING.serverDown)}`);
    sceneName = 'server down';
    const killed = { name: 'server killed', start: clock(), via: 'close event' };
    stats.outages.push(killed);
    const lost = entered(socket, 'reconnectWait');
    await server.kill();
    log('server: killed, connections dropped, nothing listens on the port');
    killed.detected = await lost;
    socket.sendNumbered('sent while the server is down');
    socket.sendNumbered('sent while the server is down');
    await sleep(Math.max(0, killed.start + TIMING.serverDown - clock()));
    await server.start();
    log(`server: back on ${server.url}`);
    killed.back = await entered(socket, 'open');
    await sleep(ms(400));

    scene('5. the app closes the socket');
    sceneName = 'closing';
    const closed = entered(socket, 'closed');
    socket.close(1000, 'demo over');
    await closed;
  } finally {
    if (ticker) clearInterval(ticker);
    statusText = () => null;
    clearStatus();
    if (socket && socket.state !== 'closed') socket.close();
    await server.kill();
  }

  printSummary({
    scripted: true,
    notes: [
      `  A silent peer is noticed within heartbeat ${TIMING.heartbeat} ms + pong timeout ${TIMING.pongTimeout} ms of its last message;`,
      `  a killed server at once. Retries every ${TIMING.reconnectDelay} ms find it back; queued messages are sent on reconnect.`,
    ],
  });
}

async function watch(url) {
  print(bold('heartsocket demo: watching a real server'));
  print(`  server  ${url}`);
  print(`  client  protocol pings after ${TIMING.heartbeat} ms of silence, pong timeout ${TIMING.pongTimeout} ms, reconnect from ${TIMING.reconnectDelay} ms (doubling, up to 10 s)`);
  print(dim(`  stops after ${durationSeconds} s or on Ctrl-C`));
  print();

  let socket;
  let current = null; // the outage in progress
  statusText = () => ({
    state: socket?.state ?? 'starting',
    detail: `${seconds(clock())} · outages ${stats.outages.length} · Ctrl-C to stop`,
  });
  const ticker = tty ? setInterval(drawStatus, 100) : null;
  socket = connect(url, {
    // Protocol ping frames: every WebSocket server answers them, whatever its own protocol.
    heartbeat: { interval: TIMING.heartbeat, timeout: TIMING.pongTimeout, protocol: true },
    reconnect: { delay: TIMING.reconnectDelay, factor: 2, maxDelay: 10_000 },
    closeTimeout: TIMING.closeTimeout,
    connectTimeout: ms(10_000),
  });
  log(`start → ${stateName('connecting')}`);
  socket.addEventListener('statechange', ({ previous, state }) => {
    const wasConnected = previous === 'open' || previous === 'awaitingPong';
    const byClose = socket.actor.getSnapshot().hasTag('forGood'); // the app's close(): no outage
    if (wasConnected && state !== 'open' && state !== 'awaitingPong' && current === null && !byClose) {
      current = { name: `outage ${stats.outages.length + 1}`, start: clock(), detected: clock(), via: state === 'closing' ? 'heartbeat' : 'close event' };
      stats.outages.push(current);
    }
    if (state === 'open' && current !== null) {
      current.back = clock();
      current = null;
    }
  });

  await new Promise((resolve) => {
    const timer = setTimeout(resolve, durationSeconds * 1000);
    process.once('SIGINT', () => {
      clearTimeout(timer);
      clearStatus();
      print(dim('\n(Ctrl-C)'));
      resolve();
    });
  });
  if (ticker) clearInterval(ticker);
  statusText = () => null;
  clearStatus();
  if (socket.state !== 'closed') {
    const closed = entered(socket, 'closed', 5_000).catch(() => {});
    socket.close();
    await closed;
  }
  printSummary({ scripted: false, notes: ['  (reconnect times count from the moment the client noticed the outage: its real start is unknown here)'] });
}

// ── main ────────────────────────────────────────────────────────────────────────────────────
const watchdog = setTimeout(() => {
  clearStatus();
  console.error('demo: took too long, giving up');
  process.exit(1);
}, flags.url === undefined ? 50_000 : durationSeconds * 1000 + 20_000);
watchdog.unref();

try {
  if (flags.url !== undefined) await watch(flags.url);
  else {
    const interrupted = () => {
      clearStatus();
      console.error('\ninterrupted');
      process.exit(130);
    };
    process.once('SIGINT', interrupted);
    await scriptedOutage();
    process.off('SIGINT', interrupted);
    if (liveView) {
      clearTimeout(watchdog);
      print(`\n${bold('live view')}  ${liveView.page}`);
      print(dim('  still serving, with the whole run to replay: Ctrl-C to quit'));
      await new Promise((resolve) => process.once('SIGINT', resolve));
    }
  }
  if (liveView) {
    liveView.inspector.stop();
    await liveView.server.close();
  }
} catch (error) {
  clearStatus();
  console.error(`demo failed: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
}
process.exit(0);
