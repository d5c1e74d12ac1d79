// The server half's resumable sessions: heap per idle session, beside the same server without
// sessions, for BENCH_CLIENTS clients (raw `ws` clients in another process speaking
// docs/protocol.md: `?heartsocket-session=1`, `␐start 1`, then quiet).
//
// In one server process (--expose-gc) per round:
// - `heartbeat`: acceptHeartbeats(wss), plain clients (no flag): the baseline;
// - `sessions, attached`: acceptHeartbeats(wss, { sessions: {} }), every client on a session;
// - `sessions, detached`: the same clients gone (terminated): the sessions wait out their ttl
//   with no socket — what a server holds for clients that went away.
// Heap after a full GC, over the same server before any client, per client (or per session).
//
// BENCH_CLIENTS (default 10000), BENCH_ROUNDS (default 1).
import { fileURLToPath } from 'node:url';
import { collectGarbage, fixed, heapAfterGc, listen, median, openMany, progress, report, serve, sleep, spawn, table, WebSocket } from './lib.mjs';

const FILE = fileURLToPath(import.meta.url);
const COUNT = Number(process.env.BENCH_CLIENTS ?? 10_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 1);
const SERVER = new URL('../dist/server.js', import.meta.url).href;

async function server(withSessions) {
  const { acceptHeartbeats } = await import(SERVER);
  const { server: wss, port } = await listen();
  const heartbeats = acceptHeartbeats(wss, withSessions === 'true' ? { sessions: {} } : {});
  wss.on('connection', (ws) => ws.on('error', () => {}));
  await collectGarbage();
  const empty = heapAfterGc().heap;
  serve({
    port: () => port,
    stats: () => heartbeats.stats(),
    heapPer: (count) => (heapAfterGc().heap - empty) / count,
  });
}

async function clients() {
  let sockets = [];
  serve({
    open: async (port, flag) => {
      const url = `ws://127.0.0.1:${port}${flag ? '/?heartsocket-session=1' : ''}`;
      const made = await openMany(COUNT, () => {
        const ws = new WebSocket(url);
        ws.sessions = 0;
        ws.addEventListener('message', (event) => {
          if (event.data === '\u0010hello 1') ws.send('\u0010start 1');
          else if (String(event.data).startsWith('\u0010session ')) ws.sessions++;
        });
        return ws;
      });
      sockets = made;
      if (flag) while (sockets.some((ws) => ws.sessions === 0)) await sleep(50);
      return sockets.length;
    },
    terminate: () => {
      for (const ws of sockets) ws.terminate(); // gone without a close handshake, as a lost network
      sockets = [];
    },
  });
}

async function main() {
  const heap = { heartbeat: [], 'sessions, attached': [], 'sessions, detached': [] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const withSessions of [false, true]) {
      progress(`round ${round + 1}/${ROUNDS}: ${withSessions ? 'sessions' : 'heartbeat'}`);
      const serverProcess = spawn(FILE, ['server', String(withSessions)], { execArgv: ['--expose-gc'], cpu: 0 });
      const clientProcess = spawn(FILE, ['clients'], { cpu: 1 });
      const port = await serverProcess.call('port');
      await clientProcess.call('open', port, withSessions);
      await sleep(1000);
      if (!withSessions) heap.heartbeat.push(await serverProcess.call('heapPer', COUNT));
      else {
        heap['sessions, attached'].push(await serverProcess.call('heapPer', COUNT));
        await clientProcess.call('terminate');
        while ((await serverProcess.call('stats')).watched > 0) await sleep(100);
        const { sessions } = await serverProcess.call('stats');
        heap['sessions, detached'].push(await serverProcess.call('heapPer', sessions));
      }
      await clientProcess.stop();
      await serverProcess.stop();
    }
  }
  const base = median(heap.heartbeat);
  report(
    '7. The server half\'s sessions: heap per idle session',
    `A \`ws\` server (its own process, \`--expose-gc\`) with ${COUNT} quiet clients (raw \`ws\`, another process). ` +
      '"heartbeat": `acceptHeartbeats(wss)`, plain clients; "sessions, attached": `acceptHeartbeats(wss, { sessions: {} })`, every client on a session (`␐start 1`), nothing sent; ' +
      '"sessions, detached": the same clients gone, their sessions waiting out their ttl with no socket. Heap after a full GC, over the same server before any client, per client (detached: per session). ' +
      `${ROUNDS} round(s), median.`,
    table(
      ['server', 'heap B/client', 'added by the session B/client'],
      [
        ['heartbeat', fixed(base, 0), '–'],
        ['sessions, attached', fixed(median(heap['sessions, attached']), 0), fixed(median(heap['sessions, attached']) - base, 0)],
        ['sessions, detached (no socket)', fixed(median(heap['sessions, detached']), 0), '–'],
      ],
    ),
  );
}

const [role, arg] = process.argv.slice(2);
await (role === 'server' ? server(arg) : role === 'clients' ? clients() : main());
