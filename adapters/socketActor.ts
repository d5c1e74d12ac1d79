import type { CallbackLogicFunction } from 'xstate';
import type { SocketSettings } from '../machine/settings.js';
import type { SocketCommand, SocketEvent } from '../machine/types.js';
import type { SocketLink } from './socketLink.js';
import { toWebSocketUrl } from './url.js';
import { ReadyState, type WebSocketConstructor, type WebSocketLike } from './webSocketLike.js';

export interface SocketActorConfig {
  WebSocket: WebSocketConstructor;
  protocols: string | string[] | undefined;
  resolveUrl: () => Promise<string | URL>;
  heartbeat: SocketSettings['heartbeat'];
  link: SocketLink;
}

/** The machine's `socket` actor, as the callback of `fromCallback`, for one client. */
export type SocketCallback = CallbackLogicFunction<SocketCommand, SocketEvent, void, SocketEvent>;

const ignore = (): void => {};

/**
 * The machine's `socket` actor: one underlying WebSocket, from the URL lookup to its end.
 *
 * It lives exactly as long as the machine's `live` state. When the machine leaves that state the
 * actor is stopped and its socket abandoned: handlers detached (so a replaced socket's events can
 * never reach the machine or the user), a no-op error listener left behind (Node's `ws` emits a
 * late error when a CONNECTING socket is closed, and an unheard EventEmitter error would throw),
 * and the connection dropped with `terminate()` where the socket has it, `close()` elsewhere.
 *
 * Incoming messages do not pass through the machine: they stamp `link.lastHeardAt` and go
 * straight to the user. Only the first one after a ping becomes an event (`PEER.HEARD`).
 */
export function createSocketCallback(config: SocketActorConfig): SocketCallback {
  const { link, heartbeat } = config;
  const isPong = heartbeat.isPong;

  return ({ sendBack, receive }) => {
    let socket: WebSocketLike | null = null;
    let stopped = false;
    let awaitingPong = false;

    const heard = (): void => {
      link.heard();
      if (awaitingPong) {
        awaitingPong = false;
        sendBack({ type: 'PEER.HEARD' });
      }
    };

    /** The user's `isPong`; one that throws is reported, and the message delivered. */
    const isPongSafely = (data: unknown): boolean => {
      try {
        return isPong!(data);
      } catch (error) {
        sendBack({ type: 'SOCKET.ERROR', error });
        return false;
      }
    };

    const failAttempt = (error: unknown, reason: string): void => {
      sendBack({ type: 'SOCKET.ERROR', error });
      sendBack({ type: 'SOCKET.CLOSE', code: 1006, reason, wasClean: false });
    };

    const connect = (url: string): void => {
      let ws: WebSocketLike;
      try {
        ws = new config.WebSocket(url, config.protocols);
      } catch (error) {
        failAttempt(error, 'WebSocket constructor threw');
        return;
      }
      socket = ws;
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
      ws.onmessage = (event: { data: unknown; origin?: string }) => {
        heard();
        if (isPong !== undefined && isPongSafely(event.data)) return;
        link.hooks.onMessage(event);
      };
      ws.onerror = (event: { error?: unknown }) => {
        sendBack({ type: 'SOCKET.ERROR', error: event.error ?? event });
        // An error before open is a failed handshake, which the standard follows with a close
        // (1006). undici 6 (Node 20's global WebSocket) never fires that close: end the attempt
        // here rather than wait out connectTimeout. A close that does follow is not reported twice.
        if (!opened) end({ code: 1006, reason: '', wasClean: false });
      };
      ws.onclose = (event: { code: number; reason: string; wasClean: boolean }) =>
        end({ code: event.code, reason: event.reason, wasClean: event.wasClean });
      if (heartbeat.protocol && ws.on) {
        ws.on('pong', heard);
        ws.on('ping', heard);
      }
    };

    const ping = (): void => {
      if (socket === null) return;
      awaitingPong = true;
      try {
        if (heartbeat.protocol && socket.ping) socket.ping();
        else socket.send(typeof heartbeat.message === 'function' ? heartbeat.message() : heartbeat.message);
      } catch (error) {
        // No pong will come: the pong timeout closes the socket.
        sendBack({ type: 'SOCKET.ERROR', error });
      }
    };

    receive((command) => {
      if (command.type === 'PING') ping();
      else if (socket !== null) {
        // Closing: no more sends to this socket; they queue for the next one.
        if (link.socket === socket) link.socket = null;
        socket.close(command.code, command.reason);
      }
    });

    // Look the URL up asynchronously even when it is fixed: every event then comes from the event
    // loop, never from inside the machine's own transition.
    config.resolveUrl().then(
      (raw) => {
        if (stopped) return;
        let url: string;
        try {
          url = toWebSocketUrl(raw);
        } catch (error) {
          sendBack({ type: 'SOCKET.URL_INVALID', error });
          return;
        }
        link.attemptUrl = url;
        connect(url);
      },
      (error: unknown) => {
        if (!stopped) failAttempt(error, 'url() failed');
      },
    );

    return () => {
      stopped = true;
      if (socket === null) return;
      const ws = socket;
      socket = null;
      if (link.socket === ws) link.socket = null;
      ws.onopen = ws.onmessage = ws.onclose = null;
      ws.onerror = ignore;
      if (heartbeat.protocol && ws.off) {
        ws.off('pong', heard);
        ws.off('ping', heard);
      }
      if (ws.readyState === ReadyState.CLOSED) return;
      if (typeof ws.terminate === 'function') ws.terminate();
      else ws.close();
    };
  };
}
