/**
 * heartsocket/server — the other half of the heartbeat, for `ws` servers: answers heartsocket's
 * pings (hidden from the app) and drops the clients that went silent; with `sessions`, resumable
 * sessions (docs/protocol.md).
 *
 * @module heartsocket/server
 */
export { acceptHeartbeats, type ConnectionStats, type HeartbeatStats, type ServerHeartbeat } from './acceptHeartbeats.js';
export { DEFAULT_MAX_SILENCE, type AcceptHeartbeatsOptions, type DropReason } from './options.js';
export { SESSION_DEFAULTS, type SessionOptions } from './sessions/options.js';
export { Session, type SessionEndReason, type SessionEvents } from './sessions/session.js';
export { MemorySessionStore, type SessionStore } from './sessions/store.js';
