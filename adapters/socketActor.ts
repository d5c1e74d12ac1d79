import type { CallbackLogicFunction } from 'xstate';
import type { SendData, SocketCommand, SocketEvent } from '../machine/types.js';
import type { Connection } from './connection.js';
import { checkProtocols, lookUpProtocols } from './protocols.js';
import { lookUpUrl, toWebSocketUrl } from './url.js';
import { ReadyState, type WebSocketLike } from './webSocketLike.js';

const ignore = (): void => {};
/** The one event of every heartbeat's reply: one object, sent again each time. */
const PEER_HEARD: SocketEvent = Object.freeze({ type: 'PEER.HEARD' });

/**
 * The machine's `socket` actor, as the callback of `fromCallback`: one underlying WebSocket, from
 * the URL lookup to its end.
 *
 * It lives exactly as long as the machine's `live` state. When the machine leaves that state the
 * actor is stopped and its socket abandoned: handlers detached (so a replaced socket's events can
 * never reach the machine or the user), a no-op error listener left behind (Node's `ws` emits a
 * late error when a CONNECTING socket is closed, and an unheard EventEmitter error would throw),
 * and the connection dropped with `terminate()` where the socket has it, `close()` elsewhere —
 * unless the machine let it go (`link.letGo`, from `reconnect(code, reason)`): then it closes with
 * that code and its handshake finishes on its own.
 *
 * Incoming messages do not pass through the machine: they stamp `link.lastHeardAt` and go
 * straight to the user. Only the first one after a ping becomes an event (`PEER.HEARD`). Any
 * frame counts as life: data, and the protocol pings and pongs of sockets that report them (`ws`).
 */
export function runSocketActor(
  connection: Connection,
  { sendBack, receive }: Parameters<CallbackLogicFunction<SocketCommand, SocketEvent, void, SocketEvent>>[0],
): () => void {
  const attempt = new Attempt(connection, sendBack);
  receive((command) => attempt.command(command));
  // Asynchronous even when both are fixed: every event then comes from the event loop, never
  // from inside the machine's own transition.
  void attempt.start();
  return () => attempt.stop();
}

/** Where a `ws` socket keeps its attempt, for the handlers that all attempts share. */
const ATTEMPT = Symbol('heartsocket.attempt');
type WsSocket = WebSocketLike & { [ATTEMPT]: Attempt };

/**
 * One attempt: the state of one run of the `socket` actor, in one object. Its handlers on a `ws`
 * socket are functions shared by every attempt (`ws` calls them with the socket as `this`, and
 * the socket knows its attempt): a connection costs no closure per handler.
 */
class Attempt {
  socket: WebSocketLike | null = null;
  stopped = false;
  awaitingPong = false;
  opened = false;
  ended = false;

  constructor(
    readonly connection: Connection,
    readonly sendBackNow: (event: SocketEvent) => void,
  ) {
    connection.link.attemptHasSocket = false;
  }

  sendBack(event: SocketEvent): void {
    this.connection.scheduler.enter(() => this.sendBackNow(event));
  }

  /** A protocol ping or pong frame from the peer (`ws`): life, and a pong to a watching view. */
  heardFrame(): void {
    this.connection.link.tap?.received(undefined, true);
    this.heard();
  }

  /** Anything from the peer: its time is noted, and the first sign of life after a ping becomes `PEER.HEARD`. */
  heard(): void {
    this.connection.link.heard();
    if (!this.awaitingPong) return;
    this.awaitingPong = false;
    this.sendBack(PEER_HEARD);
  }

  failAttempt(error: unknown, reason: string): void {
    this.sendBack({ type: 'SOCKET.ERROR', error });
    this.sendBack({ type: 'SOCKET.CLOSE', code: 1006, reason, wasClean: false });
  }

  end(close: { code: number; reason: string; wasClean: boolean }): void {
    if (this.ended) return;
    this.ended = true;
    const { link } = this.connection;
    link.release(this.socket);
    this.sendBack({ type: 'SOCKET.CLOSE', ...close });
  }

  open(ws: WebSocketLike): void {
    this.opened = true;
    const { link } = this.connection;
    link.heard();
    link.adopt(ws);
    this.sendBack({ type: 'SOCKET.OPEN' });
  }

  errored(event: { error?: unknown }): void {
    this.sendBack({ type: 'SOCKET.ERROR', error: event.error ?? event });
    // An error before open is a failed handshake, which the standard follows with a close
    // (1006). undici 6 (Node 20's global WebSocket) never fires that close: end the attempt
    // here rather than wait out connectTimeout. A close that does follow is not reported twice.
    if (!this.opened) this.end({ code: 1006, reason: '', wasClean: false });
  }

  /** One incoming message: a pong is consumed (shown only to a watching view); the rest go to the user. */
  message(ws: WebSocketLike, data: unknown, origin: string): void {
    const { link, isPong } = this.connection;
    this.heard();
    const app = link.appData(ws, data, this, isPong);
    if (app === undefined) return link.tap?.received(data, true);
    data = app;
    // A listener of the step that `heard()` or a throwing isPong caused may have replaced
    // this socket: a replaced socket's message never reaches the user.
    if (this.socket !== ws) return;
    link.tap?.received(data, false);
    link.hooks.onMessage(data, origin);
  }

  connect(url: string, protocols: readonly string[]): void {
    const { connection } = this;
    const { link } = connection;
    let ws: WebSocketLike;
    try {
      // (The list is only read: WebSocket implementations copy or join it.)
      ws =
        connection.wsCloseTimeout === undefined
          ? new connection.WebSocket(url, protocols as string[])
          : new (connection.WebSocket as new (...args: unknown[]) => WebSocketLike)(url, protocols, { closeTimeout: connection.wsCloseTimeout });
    } catch (error) {
      this.failAttempt(error, 'WebSocket constructor threw');
      return;
    }
    this.socket = ws;
    link.attemptHasSocket = true;
    link.latestSocket = ws;
    if (link.binaryType !== undefined) ws.binaryType = link.binaryType;
    if (connection.isWs) {
      // `ws`'s EventEmitter API: its 'message' skips the event object `ws` would build for
      // `onmessage` (the data is the same: text as a string, binary as binaryType says), and
      // its 'open' and 'error' the wrappers its `on…` setters make.
      (ws as WsSocket)[ATTEMPT] = this;
      for (const [event, listener] of WS_LISTENERS) ws.on!(event, listener);
      ws.onclose = wsClose;
      return;
    }
    ws.onopen = () => this.open(ws);
    ws.onmessage = (event: { data: unknown; origin?: string }) => this.message(ws, event.data, event.origin ?? '');
    ws.onerror = (event: { error?: unknown }) => this.errored(event);
    ws.onclose = (event: { code: number; reason: string; wasClean: boolean }) =>
      this.end({ code: event.code, reason: event.reason, wasClean: event.wasClean });
  }

  ping(): void {
    const socket = this.socket;
    if (socket === null) return;
    this.awaitingPong = true;
    try {
      if (this.connection.heartbeat.protocol) socket.ping!();
      else {
        const payload = this.connection.link.pingFrame() ?? this.connection.pingPayload();
        if (payload !== undefined) socket.send(payload as SendData);
      }
    } catch (error) {
      // No pong will come: the pong timeout closes the socket.
      this.sendBack({ type: 'SOCKET.ERROR', error });
    }
  }

  command(command: SocketCommand): void {
    if (command.type === 'PING') return this.ping();
    const socket = this.socket;
    if (socket === null) return;
    // Closing: no more sends to this socket; they queue for the next one.
    this.connection.link.release(socket);
    this.closeSafely(socket, command.code, command.reason);
  }

  /** Looks the URL and protocols up (a function's answer is checked here), then connects. */
  async start(): Promise<void> {
    const { connection } = this;
    let rawUrl: string | URL;
    let rawProtocols: unknown;
    try {
      rawUrl = await lookUpUrl(connection.url);
    } catch (error) {
      if (!this.stopped) this.failAttempt(error, 'url() failed');
      return;
    }
    try {
      rawProtocols = await lookUpProtocols(connection.protocols);
    } catch (error) {
      if (!this.stopped) this.failAttempt(error, 'protocols() failed');
      return;
    }
    if (this.stopped) return;
    let url: string;
    let protocols: readonly string[];
    // A fixed URL and protocols were checked at construction; a function's answers are checked here.
    try {
      url = typeof connection.url === 'string' ? connection.url : toWebSocketUrl(rawUrl);
    } catch (error) {
      this.sendBack({ type: 'SOCKET.INVALID', error, reason: 'invalid url' });
      return;
    }
    try {
      protocols = typeof connection.protocols === 'function' ? checkProtocols(rawProtocols) : connection.protocols;
    } catch (error) {
      this.sendBack({ type: 'SOCKET.INVALID', error, reason: 'invalid protocols' });
      return;
    }
    url = connection.link.attemptUrlFor(url);
    connection.link.attemptUrl = url;
    this.connect(url, protocols);
  }

  stop(): void {
    this.stopped = true;
    const { link } = this.connection;
    // Cleared whether or not a socket was built: it was meant for this attempt only.
    const letGo = link.letGo;
    link.letGo = null;
    if (this.socket === null) return;
    const ws = this.socket;
    this.socket = null;
    link.release(ws);
    if (this.connection.isWs) {
      (ws as WsSocket)[ATTEMPT] = undefined!; // a socket let go closes on its own: it keeps nothing of ours
      for (const [event, listener] of WS_LISTENERS) ws.off!(event, listener);
      ws.onclose = null;
      ws.on!('error', ignore);
    } else {
      ws.onopen = ws.onmessage = ws.onclose = null;
      ws.onerror = ignore;
    }
    if (ws.readyState === ReadyState.CLOSED) return;
    if (letGo !== null) this.closeSafely(ws, letGo.code, letGo.reason);
    else if (typeof ws.terminate === 'function') ws.terminate();
    else ws.close();
  }

  /**
   * `close(code, reason)`; a code or reason the socket refuses (actor users can send any) must
   * not stop the machine: it is reported, and the socket dropped instead.
   */
  closeSafely(ws: WebSocketLike, code: number, reason: string): void {
    try {
      ws.close(code, reason);
    } catch (error) {
      this.sendBack({ type: 'SOCKET.ERROR', error });
      if (typeof ws.terminate === 'function') ws.terminate();
      else ws.close();
    }
  }
}

// The handlers of a `ws` socket, shared by every attempt: `ws` calls them with the socket as `this`.
function wsOpen(this: WsSocket): void {
  this[ATTEMPT].open(this);
}
function wsMessage(this: WsSocket, data: Buffer, isBinary: boolean): void {
  // Text is decoded as `ws` decodes it for `onmessage`: `toString()`, UTF-8.
  this[ATTEMPT].message(this, isBinary ? data : data.toString(), '');
}
function wsError(this: WsSocket, error: unknown): void {
  this[ATTEMPT].errored({ error });
}
function wsClose(this: WsSocket, event: { code: number; reason: string; wasClean: boolean }): void {
  this[ATTEMPT].end({ code: event.code, reason: event.reason, wasClean: event.wasClean });
}
function wsFrame(this: WsSocket): void {
  this[ATTEMPT].heardFrame();
}

/**
 * The `ws` events an attempt listens to, on and off together; the peer's protocol pings and pongs
 * are life too. (`close` is taken with `onclose`: only it carries `wasClean`.)
 */
const WS_LISTENERS: readonly (readonly [string, Parameters<NonNullable<WebSocketLike['on']>>[1]])[] = [
  ['open', wsOpen],
  ['message', wsMessage],
  ['error', wsError],
  ['pong', wsFrame],
  ['ping', wsFrame],
];
