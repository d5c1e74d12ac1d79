import type { CallbackLogicFunction } from 'xstate';
import { DEFAULT_SETTINGS, type SocketSettings } from '../machine/settings.js';
import type { SocketCommand, SocketEvent } from '../machine/types.js';
import type { CallbackReporter } from './callbacks.js';
import { checkProtocols } from './protocols.js';
import type { SocketLink } from './socketLink.js';
import { toWebSocketUrl } from './url.js';
import { ReadyState, type WebSocketConstructor, type WebSocketLike } from './webSocketLike.js';

export interface SocketActorConfig {
  WebSocket: WebSocketConstructor;
  resolveUrl: () => Promise<string | URL>;
  resolveProtocols: () => Promise<unknown>;
  /** A third argument for the constructor (`ws`'s own options), or none. */
  constructorOptions: object | undefined;
  heartbeat: SocketSettings['heartbeat'];
  link: SocketLink;
  reporter: CallbackReporter;
  /** The `ws` package's socket: messages are taken from its EventEmitter API. */
  isWs: boolean;
  /** Runs a report to the machine as one of its steps: `step(argument)` (see `Outbox.enterWith`). */
  enter: <A, T>(step: (argument: A) => T, argument: A) => T;
}

/** The machine's `socket` actor, as the callback of `fromCallback`, for one client. */
export type SocketCallback = CallbackLogicFunction<SocketCommand, SocketEvent, void, SocketEvent>;

const ignore = (): void => {};
/** The one event of every heartbeat's reply: one object, sent again each time. */
const PEER_HEARD: SocketEvent = Object.freeze({ type: 'PEER.HEARD' });

/**
 * The machine's `socket` actor: one underlying WebSocket, from the URL lookup to its end.
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
export function createSocketCallback(config: SocketActorConfig): SocketCallback {
  const { link, heartbeat, reporter, enter } = config;
  // The default cannot throw: only a user's isPong pays for the guard, on the per-message path.
  const isPong =
    heartbeat.isPong === DEFAULT_SETTINGS.heartbeat.isPong || heartbeat.isPong === undefined
      ? heartbeat.isPong
      : reporter.guard('heartbeat.isPong', heartbeat.isPong, false);
  const message = heartbeat.message;
  const pingPayload =
    typeof message === 'function' ? () => reporter.call('heartbeat.message', message, () => undefined) : () => message;

  return ({ sendBack: sendBackNow, receive }) => {
    link.attemptHasSocket = false;
    const sendBack = (event: SocketEvent): void => enter(sendBackNow, event);
    let socket: WebSocketLike | null = null;
    let stopped = false;
    let awaitingPong = false;

    /** A protocol ping or pong frame from the peer (`ws`): life, and a pong to a watching view. */
    const heardFrame = (): void => {
      if (link.tap !== null) link.tap.received(undefined, true);
      heard();
    };

    const heard = (): void => {
      link.heard();
      if (awaitingPong) {
        awaitingPong = false;
        sendBack(PEER_HEARD);
      }
    };

    const failAttempt = (error: unknown, reason: string): void => {
      sendBack({ type: 'SOCKET.ERROR', error });
      sendBack({ type: 'SOCKET.CLOSE', code: 1006, reason, wasClean: false });
    };

    const connect = (url: string, protocols: string[]): void => {
      let ws: WebSocketLike;
      try {
        ws =
          config.constructorOptions === undefined
            ? new config.WebSocket(url, protocols)
            : new (config.WebSocket as new (...args: unknown[]) => WebSocketLike)(url, protocols, config.constructorOptions);
      } catch (error) {
        failAttempt(error, 'WebSocket constructor threw');
        return;
      }
      socket = ws;
      link.attemptHasSocket = true;
      link.latestSocket = ws;
      if (link.binaryType !== undefined) ws.binaryType = link.binaryType;
      let opened = false;
      let ended = false;
      const end = (close: { code: number; reason: string; wasClean: boolean }): void => {
        if (ended) return;
        ended = true;
        if (link.socket === ws) link.socket = null;
        sendBack({ type: 'SOCKET.CLOSE', ...close });
      };
      ws.onopen = () => {
        opened = true;
        link.socket = ws;
        link.heard();
        sendBack({ type: 'SOCKET.OPEN' });
      };
      const message = (data: unknown, origin: string): void => {
        heard();
        if (isPong !== undefined && isPong(data)) {
          if (link.tap !== null) link.tap.received(data, true);
          return;
        }
        // A listener of the step that `heard()` or a throwing isPong caused may have replaced
        // this socket: a replaced socket's message never reaches the user.
        if (socket !== ws) return;
        if (link.tap !== null) link.tap.received(data, false);
        link.hooks.onMessage(data, origin);
      };
      // `ws` has its EventEmitter API too: its 'message' skips the event object `ws` would build
      // for `onmessage` (the data is the same: text as a string, binary as binaryType says).
      // (`buffer.toString()`, not `String(buffer)`: the conversion through toPrimitive costs twice as much.)
      if (config.isWs) {
        ws.on!('message', (data: Buffer, isBinary: boolean) => message(isBinary ? data : data.toString(), ''));
      }
      else ws.onmessage = (event: { data: unknown; origin?: string }) => message(event.data, event.origin ?? '');
      ws.onerror = (event: { error?: unknown }) => {
        sendBack({ type: 'SOCKET.ERROR', error: event.error ?? event });
        // An error before open is a failed handshake, which the standard follows with a close
        // (1006). undici 6 (Node 20's global WebSocket) never fires that close: end the attempt
        // here rather than wait out connectTimeout. A close that does follow is not reported twice.
        if (!opened) end({ code: 1006, reason: '', wasClean: false });
      };
      ws.onclose = (event: { code: number; reason: string; wasClean: boolean }) =>
        end({ code: event.code, reason: event.reason, wasClean: event.wasClean });
      // The peer's protocol pings and pongs are life too, where the socket reports them (`ws`).
      ws.on?.('pong', heardFrame);
      ws.on?.('ping', heardFrame);
    };

    const ping = (): void => {
      if (socket === null) return;
      awaitingPong = true;
      try {
        if (heartbeat.protocol) socket.ping!();
        else {
          const payload = pingPayload();
          if (payload !== undefined) socket.send(payload);
        }
      } catch (error) {
        // No pong will come: the pong timeout closes the socket.
        sendBack({ type: 'SOCKET.ERROR', error });
      }
    };

    receive((command) => {
      if (command.type === 'PING') return ping();
      if (socket === null) return;
      // Closing: no more sends to this socket; they queue for the next one.
      if (link.socket === socket) link.socket = null;
      closeSafely(socket, command.code, command.reason);
    });

    /** Looks the URL and protocols up (a function's answer is checked here), then connects. */
    const attempt = async (): Promise<void> => {
      let rawUrl: string | URL;
      let rawProtocols: unknown;
      try {
        rawUrl = await config.resolveUrl();
      } catch (error) {
        if (!stopped) failAttempt(error, 'url() failed');
        return;
      }
      try {
        rawProtocols = await config.resolveProtocols();
      } catch (error) {
        if (!stopped) failAttempt(error, 'protocols() failed');
        return;
      }
      if (stopped) return;
      let url: string;
      let protocols: string[];
      try {
        url = toWebSocketUrl(rawUrl);
      } catch (error) {
        sendBack({ type: 'SOCKET.INVALID', error, reason: 'invalid url' });
        return;
      }
      try {
        protocols = checkProtocols(rawProtocols);
      } catch (error) {
        sendBack({ type: 'SOCKET.INVALID', error, reason: 'invalid protocols' });
        return;
      }
      link.attemptUrl = url;
      connect(url, protocols);
    };
    // Asynchronous even when both are fixed: every event then comes from the event loop, never
    // from inside the machine's own transition.
    void attempt();

    return () => {
      stopped = true;
      // Cleared whether or not a socket was built: it was meant for this attempt only.
      const letGo = link.letGo;
      link.letGo = null;
      if (socket === null) return;
      const ws = socket;
      socket = null;
      if (link.socket === ws) link.socket = null;
      ws.onopen = ws.onmessage = ws.onclose = null;
      ws.onerror = ignore;
      ws.off?.('pong', heardFrame);
      ws.off?.('ping', heardFrame);
      ws.removeAllListeners?.('message');
      if (ws.readyState === ReadyState.CLOSED) return;
      if (letGo !== null) closeSafely(ws, letGo.code, letGo.reason);
      else if (typeof ws.terminate === 'function') ws.terminate();
      else ws.close();
    };

    /**
     * `close(code, reason)`; a code or reason the socket refuses (actor users can send any) must
     * not stop the machine: it is reported, and the socket dropped instead.
     */
    function closeSafely(ws: WebSocketLike, code: number, reason: string): void {
      try {
        ws.close(code, reason);
      } catch (error) {
        sendBack({ type: 'SOCKET.ERROR', error });
        if (typeof ws.terminate === 'function') ws.terminate();
        else ws.close();
      }
    }
  };
}
