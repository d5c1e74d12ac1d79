/**
 * heartsocket/react — `useHeartSocket(url, options)`: a `HeartSocket` in a React component, with
 * its state, its last message, `send`, and one shared connection per URL if asked for.
 * React (18 or 19) is an optional peer dependency: needed only for this entry.
 *
 * @example
 * ```tsx
 * import { useHeartSocket } from 'heartsocket/react';
 *
 * function Status() {
 *   const { status, reconnect } = useHeartSocket('wss://example.com/feed', { share: true });
 *   return status === 'closed' ? <button onClick={() => reconnect()}>Reconnect</button> : <p>{status}</p>;
 * }
 * ```
 *
 * @module heartsocket/react
 */
export { useHeartSocket, type UseHeartSocketResult } from './useHeartSocket.js';
export type { UseHeartSocketOptions } from './options.js';
export type { HeartSocketStatus } from './hookSocket.js';
