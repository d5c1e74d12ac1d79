/**
 * heartsocket — a WebSocket client that stays connected.
 *
 * - `HeartSocket`: a drop-in for `WebSocket` with heartbeat, dead-peer detection and reconnect.
 * - `createSocketActor`: the same, as a plain XState actor.
 * - `socketMachine` (also from `heartsocket/machine`): the pure statechart.
 * - The live view's inspector (debugging) is an entry of its own: `heartsocket/live-view`.
 *
 * @module heartsocket
 */
export { HeartSocket, type HeartSocketEventMap, type HeartSocketListener, type HeartSocketOptions } from './HeartSocket.js';
export { createSocketActor } from './createSocketActor.js';
export type { InspectorOption, SocketActorOptions, SocketOptions } from './options.js';
export type { SocketClock } from './clock.js';
export type { ProtocolsSource } from './protocols.js';
export { HeartSocketError, type HeartSocketErrorCode } from './errors.js';
export { HeartSocketCloseEvent, HeartSocketErrorEvent, StateChangeEvent, UndeliveredEvent, type OpenEvent, type ResumeEvent } from './events.js';
export type { ResumeOption, SessionInfo } from './session.js';
export type { UrlSource } from './url.js';
export type { WebSocketConstructor, WebSocketLike } from './webSocketLike.js';
export * from '../machine/index.js';
