/**
 * The live view page (`visualizations/page/live-view.html`), bundled with heartsocket and xstate by
 * `visualizations/page/build.ts` into `build/live-view.js`: no network access beyond the sockets you
 * point it at.
 *
 * Two sources feed the same view, each socket its own session (pick it in the header):
 * - HeartSockets opened in this page (the browser's WebSocket), watched with `watchSocket`;
 * - the relay (`npm run viz:serve`), which forwards what Node processes send with
 *   `createLiveViewInspector(relayUrl)` (`watch(socket)` or `inspect`), or `createWebSocketInspector`
 *   from `@statelyai/inspect`.
 *
 * Query parameters: `url`, `interval`, `timeout`, `delay`, `closeTimeout` fill the form, `resume`
 * ticks its resume box (`resumable()` of heartsocket/resume), `connectTimeout` is passed on as it is
 * (the form has no field for it), and `connect` opens a socket on load; `relay=<ws url>` listens
 * to a relay on load.
 */
import * as heartsocket from '../../../adapters/index.js';
import { HeartSocket } from '../../../adapters/HeartSocket.js';
import { resumable } from '../../../adapters/resume/index.js';
import type { MachineModel } from '../../diagram/diagram.js';
import machineJson from '../../generated/socket-machine.json';
import { watchSocket, type WatchOptions } from '../../inspector/watch.js';
import { DiagramView } from './diagramView.js';
import { asIncoming, LiveView } from './view.js';

const $ = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`live view: no #${id} in the page`);
  return element as T;
};

const model = machineJson as unknown as MachineModel;
// The six-state view by default, the full chart a click away; laid out with the shown socket's
// timings (the defaults until a socket shows).
const diagram = new DiagramView($('diagram'), model);
void diagram.render(null, 'flat');
const view = new LiveView(model, diagram, {
  diagram: $('diagram'),
  badge: $('state-badge'),
  stateFor: $('state-for'),
  value: $('state-value'),
  settings: $('settings'),
  clocks: $<HTMLUListElement>('clocks'),
  traffic: $('traffic'),
  problems: $('problems'),
  resumableSection: $('resumable-section'),
  resumable: $('resumable'),
  timeline: $('timeline'),
  outages: $<HTMLOListElement>('outages'),
  log: $<HTMLOListElement>('log'),
  sessions: $<HTMLSelectElement>('session-select'),
});
setInterval(() => view.tick(), 100);
$<HTMLSelectElement>('timeline-window').addEventListener('change', (event) => {
  view.timelineWindow = Number((event.target as HTMLSelectElement).value);
  view.tick();
});

const params = new URLSearchParams(location.search);
const status = $('source-status');
function setStatus(text: string, tone: '' | 'ok' | 'error' = ''): void {
  status.textContent = text;
  status.className = `status ${tone}`;
}

// ---- sockets in this page ------------------------------------------------------------------------

/** The page's own sockets, by root actor id: the buttons act on the one shown. */
const pageSockets = new Map<string, HeartSocket>();

/** Shows a HeartSocket of this page; from the console too: `liveView.watch(socket)`. */
function watch(socket: HeartSocket, options?: WatchOptions): () => void {
  pageSockets.set(socket.actor.sessionId, socket);
  return watchSocket(socket, (event) => view.receive(event, 'page'), options);
}
// For the console: `new heartsocket.HeartSocket(...)`, then `liveView.watch(socket)`.
Object.assign(globalThis, { heartsocket, liveView: { watch } });

const numberInput = (id: string): number => Number($<HTMLInputElement>(id).value);
const shownPageSocket = (): HeartSocket | undefined => {
  const shown = view.shown;
  return shown === null ? undefined : pageSockets.get(shown.rootId);
};
view.onShow = (session) => {
  for (const id of ['send', 'close', 'reconnect']) $<HTMLButtonElement>(id).disabled = !pageSockets.has(session.rootId);
};

/** Opens another socket in the page (those already open stay, each its own session). */
function connect(): void {
  const url = $<HTMLInputElement>('socket-url').value.trim();
  let socket: HeartSocket;
  try {
    socket = new HeartSocket(url, [], {
      heartbeat: { interval: numberInput('interval'), timeout: numberInput('timeout') },
      reconnect: { delay: numberInput('delay') },
      closeTimeout: numberInput('close-timeout'),
      ...($<HTMLInputElement>('resume').checked && { resume: resumable() }),
      ...(params.has('connectTimeout') && { connectTimeout: Number(params.get('connectTimeout')) }),
    });
  } catch (error) {
    setStatus(String(error), 'error');
    return;
  }
  watch(socket, { label: url });
  socket.addEventListener('statechange', () => {
    if (socket === shownPageSocket()) setStatus(`this page: ${socket.state} · ${socket.url}`, socket.state === 'open' ? 'ok' : '');
  });
}

$('connect').addEventListener('click', connect);
$('send').addEventListener('click', () => {
  try {
    shownPageSocket()?.send('hello');
  } catch (error) {
    setStatus(String(error), 'error');
  }
});
$('close').addEventListener('click', () => shownPageSocket()?.close());
$('reconnect').addEventListener('click', () => shownPageSocket()?.reconnect());
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
if (params.has('resume')) $<HTMLInputElement>('resume').checked = true;
if (params.has('url')) $<HTMLDetailsElement>('page-socket').open = true;
if (params.has('connect')) connect();
if (relayParam !== null) listen(relayParam);
