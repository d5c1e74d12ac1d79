/**
 * heartsocket/machine — the pure connection statechart: no I/O, no timers of its own, no globals.
 * Bind it to a socket with `socketMachine.provide(...)`, or use `createSocketActor` from `heartsocket`.
 *
 * @module heartsocket/machine
 */
export {
  socketMachine,
  socketMachineWithoutNetworkSignal,
  LATE_TIMER_SLACK,
  type SocketMachine,
} from './socketMachine.js';
export { HEARTBEAT_TIMEOUT_CLOSE, HANDSHAKE_TIMEOUT_CLOSE, ABNORMAL_CLOSURE } from './closes.js';
export { stateNameOf } from './stateName.js';
export { backoffDelay } from './backoff.js';
export {
  resolveSettings,
  DEFAULT_SETTINGS,
  MAX_DELAY,
  HEARTBEAT_PING,
  HEARTBEAT_PONG,
  POLICY_OPTION_KEYS,
  type CloseInfo,
  type HeartbeatOptions,
  type ReconnectOptions,
  type PolicyOptions,
  type PingPayload,
  type SocketSettings,
} from './settings.js';
export type * from './types.js';
