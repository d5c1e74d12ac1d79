import type { SendData } from '../machine/types.js';

/** The part of a WHATWG WebSocket that heartsocket uses; `ws`, undici and browsers all have it. */
export interface WebSocketLike {
  readonly readyState: number;
  readonly protocol: string;
  readonly extensions: string;
  readonly bufferedAmount: number;
  binaryType: string;
  onopen: ((event: any) => void) | null;
  onmessage: ((event: any) => void) | null;
  onerror: ((event: any) => void) | null;
  onclose: ((event: any) => void) | null;
  send(data: SendData): void;
  close(code?: number, reason?: string): void;
  /** `ws` only: drop the TCP connection at once, without a close handshake. */
  terminate?(): void;
  /** `ws` only: send a protocol ping frame. */
  ping?(data?: unknown): void;
  /** `ws` only: listen for protocol frames (`'ping'`, `'pong'`). */
  on?(event: string, listener: () => void): unknown;
  off?(event: string, listener: () => void): unknown;
}

/** A WebSocket constructor: the global one, or `ws`'s `WebSocket`. */
export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocketLike;

/** `readyState` values, as the WebSocket standard numbers them. */
export const ReadyState = { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 } as const;
