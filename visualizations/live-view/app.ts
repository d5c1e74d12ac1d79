/**
 * The live view page (`visualizations/live-view.html`), bundled with heartsocket and xstate by
 * `visualizations/build.ts` into `build/live-view.js`: no network access beyond the sockets you
 * point it at.
 *
 * Two sources feed the same view:
 * - a HeartSocket created here (the browser's WebSocket), inspected in the page;
 * - the relay (`npm run viz:serve`), which forwards what Node processes send with
 *   `createLiveViewInspector(relayUrl)` (or `createWebSocketInspector` from `@statelyai/inspect`).
 *
 * Query parameters: `url`, `interval`, `timeout`, `delay`, `closeTimeout`, `connectTimeout` fill the
 * form and `connect` connects on load; `relay=<ws url>` listens to a relay on load.
 */
import * as heartsocket from '../../adapters/index.js';
import { HeartSocket } from '../../adapters/HeartSocket.js';
import { toLiveViewEvent } from '../liveViewEvents.js';
import type { MachineModel } from '../diagram.js';
import machineJson from '../socket-machine.json';
import svg from '../socket-machine.svg';
import { asIncoming, LiveView } from './view.js';

const $ = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`live view: no #${id} in the page`);
  return element as T;
};

const view = new LiveView(machineJson as unknown as MachineModel, svg, {
  diagram: $('diagram'),
  badge: $('state-badge'),
  value: $('state-value'),
  context: $('context'),
  log: $<HTMLOListElement>('log'),
  sessions: $<HTMLSelectElement>('session-select'),
});

// For the console: `new heartsocket.HeartSocket(...)`.
(globalThis as { heartsocket?: unknown }).heartsocket = heartsocket;

const params = new URLSearchParams(location.search);
const status = $('source-status');
function setStatus(text: string, tone: '' | 'ok' | 'error' = ''): void {
  status.textContent = text;
  status.className = `status ${tone}`;
}

// ---- a HeartSocket in this page ----------------------------------------------------------------

let socket: HeartSocket | null = null;
const numberInput = (id: string): number => Number($<HTMLInputElement>(id).value);

function connect(): void {
  if (socket !== null) socket.close();
  const url = $<HTMLInputElement>('socket-url').value.trim();
  let rootId = '';
  try {
    socket = new HeartSocket(url, [], {
      heartbeat: { interval: numberInput('interval'), timeout: numberInput('timeout'), isPong: (data) => data === 'pong' },
      reconnect: { delay: numberInput('delay') },
      closeTimeout: numberInput('close-timeout'),
      ...(params.has('connectTimeout') && { connectTimeout: Number(params.get('connectTimeout')) }),
      inspect: (inspection) => {
        const event = toLiveViewEvent(inspection);
        if (event === undefined) return;
        rootId = event.rootId;
        view.receive(event, 'page');
      },
    });
  } catch (error) {
    socket = null;
    setStatus(String(error), 'error');
    return;
  }
  const current = socket;
  current.addEventListener('message', (event) => {
    const data: unknown = event.data;
    view.note(rootId, 'message', typeof data === 'string' ? `message ${JSON.stringify(data).slice(0, 120)}` : 'message (binary)');
  });
  current.addEventListener('statechange', () => {
    if (current === socket) setStatus(`this page: ${current.state} · ${current.url}`, current.state === 'open' ? 'ok' : '');
  });
  for (const id of ['send', 'close', 'reconnect']) $<HTMLButtonElement>(id).disabled = false;
}

$('connect').addEventListener('click', connect);
$('send').addEventListener('click', () => {
  try {
    socket?.send('hello');
  } catch (error) {
    setStatus(String(error), 'error');
  }
});
$('close').addEventListener('click', () => socket?.close());
$('reconnect').addEventListener('click', () => socket?.reconnect());
$('clear-log').addEventListener('click', () => view.clearLog());

// ---- the relay, for Node processes ---------------------------------------------------------------

let relay: HeartSocket | null = null;

function listen(url: string): void {
  relay?.close();
  let link: HeartSocket;
  try {
    link = new HeartSocket(url, [], { heartbeat: false, reconnect: { delay: 1000, factor: 2, maxDelay: 10_000 } });
  } catch (error) {
    setStatus(String(error), 'error');
    return;
  }
  relay = link;
  link.addEventListener('statechange', () => {
    if (link !== relay) return;
    setStatus(`relay ${url}: ${link.state === 'open' ? 'listening' : link.state}`, link.state === 'open' ? 'ok' : '');
  });
  link.addEventListener('message', (message) => {
    const data: unknown = message.data;
    if (typeof data !== 'string') return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(data);
    } catch {
      return;
    }
    const event = asIncoming(parsed);
    if (event !== null) view.receive(event, 'relay');
  });
}

$('relay-connect').addEventListener('click', () => {
  const url = $<HTMLInputElement>('relay-url').value.trim();
  if (url !== '') listen(url);
});

// ---- query parameters ---------------------------------------------------------------------------

const fill: Record<string, string> = {
  url: 'socket-url',
  interval: 'interval',
  timeout: 'timeout',
  delay: 'delay',
  closeTimeout: 'close-timeout',
};
for (const [param, id] of Object.entries(fill)) {
  const value = params.get(param);
  if (value !== null) $<HTMLInputElement>(id).value = value;
}
const relayParam = params.get('relay');
const relayInput = $<HTMLInputElement>('relay-url');
if (relayParam !== null) relayInput.value = relayParam;
else if (location.protocol === 'http:' || location.protocol === 'https:') {
  relayInput.value = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}`;
}
if (params.has('connect')) connect();
if (relayParam !== null) listen(relayParam);
