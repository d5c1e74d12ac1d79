import { DEFAULT_SETTINGS, type SocketSettings } from '../machine/settings.js';
import type { CallbackReporter } from './callbacks.js';
import type { DeliveryScheduler } from './deliveryScheduler.js';
import type { ResolvedOptions } from './options.js';
import type { CheckedProtocols } from './protocols.js';
import type { SocketLink } from './socketLink.js';
import type { CheckedUrl } from './url.js';
import type { WebSocketConstructor } from './webSocketLike.js';

/**
 * What every attempt of one connection (one `HeartSocket`, or one actor of `createSocketActor`)
 * needs: how to make its sockets, its link, where to report, and its user's `isPong` made safe.
 * The machine's implementations find it from their actor system (see `implementations.ts`).
 */
export class Connection {
  readonly WebSocket: WebSocketConstructor;
  readonly url: CheckedUrl;
  readonly protocols: CheckedProtocols;
  /** The `ws` package's socket: messages are taken from its EventEmitter API. */
  readonly isWs: boolean;
  /**
   * For `ws`'s own option of that name (its third constructor argument), or none. `ws` closes a
   * lingering TCP connection itself after its own closeTimeout (30 s by default), with the peer's
   * close code. Real time only: a test clock cannot drive ws's timer.
   */
  readonly wsCloseTimeout: number | undefined;
  readonly heartbeat: SocketSettings['heartbeat'];
  /** `heartbeat.isPong`; a user's is guarded (a throw is reported and counts as "not a pong"). */
  readonly isPong: ((data: unknown) => boolean) | undefined;

  constructor(
    options: ResolvedOptions,
    settings: SocketSettings,
    readonly link: SocketLink,
    readonly reporter: CallbackReporter,
    readonly scheduler: DeliveryScheduler,
  ) {
    this.WebSocket = options.WebSocket;
    this.url = options.url;
    this.protocols = options.protocols;
    this.isWs = options.isWs;
    this.wsCloseTimeout = options.isWs && options.clock === undefined ? settings.closeTimeout : undefined;
    this.heartbeat = settings.heartbeat;
    const { isPong } = settings.heartbeat;
    this.isPong = isPong && reporter.guard('heartbeat.isPong', isPong, DEFAULT_SETTINGS.heartbeat.isPong!, false);
  }

  /** The heartbeat's payload: `heartbeat.message`, or what its function returns (a throw is reported: no ping). */
  pingPayload(): unknown {
    const { message } = this.heartbeat;
    return typeof message === 'function' ? this.reporter.call('heartbeat.message', message, () => undefined) : message;
  }
}
