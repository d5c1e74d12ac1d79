import type { CloseInfo, PolicyOptions, SocketSettings } from './settings.js';

/** What `send()` accepts: the data types of `WebSocket.prototype.send`. */
export type SendData = string | ArrayBuffer | ArrayBufferView | Blob;

/** The six states of a connection, by the names the README and the diagrams use. */
export type SocketStateName = 'connecting' | 'open' | 'awaitingPong' | 'closing' | 'closed' | 'reconnectWait';

/** The user's request to end the connection, from `close(code, reason)`. */
export interface CloseRequest {
  readonly code: number;
  readonly reason: string;
}

/** What the machine is started with. */
export interface SocketMachineInput extends PolicyOptions {
  /**
   * Milliseconds since anything was last heard from the peer. The socket records the time of each
   * incoming message itself (no event per message: that is the hot path), and the heartbeat asks
   * this when its timer fires, so that traffic counts as proof of life.
   */
  silentFor: () => number;
  /** A random number in [0, 1) for backoff jitter. The machine reads no globals. */
  random: () => number;
}

export interface SocketContext {
  readonly settings: SocketSettings;
  /** Failed attempts since the last connection that stayed open `minUptime`. */
  readonly retries: number;
  /** The wait chosen on entering `reconnectWait`. */
  readonly retryDelay: number;
  /** How the last socket ended; `null` before any did. */
  readonly lastClose: CloseInfo | null;
  /** Set by `close()`: the end is final, nothing reconnects. Cleared by `reconnect()`. */
  readonly closeRequest: CloseRequest | null;
  readonly silentFor: () => number;
  readonly random: () => number;
}

/** Events from the socket actor: what the network did. */
export type SocketEvent =
  | { type: 'SOCKET.OPEN' }
  | { type: 'SOCKET.CLOSE'; code: number; reason: string; wasClean: boolean }
  | { type: 'SOCKET.ERROR'; error: unknown }
  /** The url option gave something that is not a ws:/wss: URL: retrying will not help. */
  | { type: 'SOCKET.URL_INVALID'; error: unknown }
  /** Something arrived while a pong was awaited. */
  | { type: 'PEER.HEARD' };

/** Events from the user. */
export type UserEvent =
  | { type: 'CLOSE'; code?: number; reason?: string }
  | { type: 'RECONNECT' }
  | { type: 'SEND'; data: SendData };

/** Events from the host's network status (browsers' `online` / `offline`). */
export type NetworkEvent = { type: 'NETWORK.OFFLINE' } | { type: 'NETWORK.ONLINE' };

export type SocketMachineEvent = SocketEvent | UserEvent | NetworkEvent;

/** Commands the machine gives its socket actor. */
export type SocketCommand =
  | { type: 'PING' }
  | { type: 'CLOSE'; code: number; reason: string };

/** What the machine tells its observers (`actor.on(type, listener)`). */
export type SocketEmitted =
  | { type: 'open' }
  | ({ type: 'close' } & CloseInfo)
  | { type: 'error'; error: unknown };
