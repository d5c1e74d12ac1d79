import type { SendData } from '../machine/types.js';

/**
 * The part of a WHATWG WebSocket that heartsocket uses; `ws`, undici and browsers all have it.
 *
 * @example
 * ```ts
 * // A test double needs no more than this:
 * class FakeSocket implements WebSocketLike {
 *   readyState = 0; protocol = ''; extensions = ''; bufferedAmount = 0; binaryType = 'blob';
 *   onopen = null; onmessage = null; onerror = null; onclose = null;
 *   constructor(readonly url: string) {}
 *   send(data: SendData) {}
 *   close(code?: number, reason?: string) {}
 * }
 * new HeartSocket('ws://test', [], { WebSocket: FakeSocket });
 * ```
 */
export interface WebSocketLike {
  /** `0` connecting, `1` open, `2` closing, `3` closed. */
  readonly readyState: number;
  /** The subprotocol the server chose. */
  readonly protocol: string;
  /** The extensions the server chose. */
  readonly extensions: string;
  /** Bytes given to `send()` and not yet sent. */
  readonly bufferedAmount: number;
  /** How binary messages arrive: `'blob'`, `'arraybuffer'` (or `ws`'s `'nodebuffer'`, …). */
  binaryType: string;
  // `any` on purpose in the handlers and listeners below: with `unknown` (contravariant in a
  // property) neither the DOM's WebSocket nor `ws`'s would be a WebSocketLike.
  /* eslint-disable @typescript-eslint/no-explicit-any -- see above */
  /** Set by heartsocket: the socket opened. */
  onopen: ((event: any) => void) | null;
  /** Set by heartsocket: a message arrived (`event.data`). */
  onmessage: ((event: any) => void) | null;
  /** Set by heartsocket: the socket failed. */
  onerror: ((event: any) => void) | null;
  /** Set by heartsocket: the socket ended (`event.code`, `event.reason`, `event.wasClean`). */
  onclose: ((event: any) => void) | null;
  /** Sends a message. */
  send(data: SendData): void;
  /** Starts the closing handshake. */
  close(code?: number, reason?: string): void;
  /** `ws` only: drop the TCP connection at once, without a close handshake. */
  terminate?(): void;
  /** `ws` only: send a protocol ping frame. */
  ping?(data?: unknown): void;
  /** `ws` only: listen for messages and protocol frames (`'message'`, `'ping'`, `'pong'`). */
  on?(event: string, listener: (...args: any[]) => void): unknown;
  /** `ws` only: stop listening. */
  off?(event: string, listener: (...args: any[]) => void): unknown;
  /* eslint-enable @typescript-eslint/no-explicit-any */
  /** `ws` only: stop every listener of an event. */
  removeAllListeners?(event: string): unknown;
}

/**
 * A WebSocket constructor: the global one, or `ws`'s `WebSocket`.
 *
 * @example
 * ```ts
 * import WebSocket from 'ws'; // Node 20; browsers and Node 22+ have a global WebSocket
 * const socket = new HeartSocket('wss://example.com/feed', [], { WebSocket });
 * ```
 */
export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocketLike;

/** `readyState` values, as the WebSocket standard numbers them. */
export const ReadyState = { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 } as const;
