/**
 * The socket options' functions, called from the latest render. A socket is made once, but a
 * component passes new inline functions (`shouldReconnect`, `isPong`, `heartbeat.message`,
 * `reconnect.delay`) at every render: the socket gets a stand-in for each function the user
 * passed, which calls the one of the latest render of the component that leads the socket (see
 * the registry). Functions the user did not pass are not wrapped: heartsocket's defaults keep
 * their fast paths (the default `isPong` is compared by identity).
 */
import type { HeartSocketOptions } from '../HeartSocket.js';
import type { PingPayload, ReconnectOptions } from '../../machine/settings.js';

type Heartbeat = Exclude<HeartSocketOptions['heartbeat'], false | undefined>;
type Reconnect = Exclude<HeartSocketOptions['reconnect'], false | undefined>;

const heartbeatOf = (options: HeartSocketOptions): Heartbeat | undefined =>
  typeof options.heartbeat === 'object' && options.heartbeat !== null ? options.heartbeat : undefined;
const reconnectOf = (options: HeartSocketOptions): Reconnect | undefined =>
  typeof options.reconnect === 'object' && options.reconnect !== null ? options.reconnect : undefined;

/** `first`, called through the latest render: that render's function for the same option, if it has one. */
function fromLatest<A, R>(first: (arg: A) => R, current: () => unknown): (arg: A) => R {
  return (arg) => {
    const latest = current();
    return (typeof latest === 'function' ? (latest as (arg: A) => R) : first)(arg);
  };
}

/**
 * `options` with each function the user passed replaced by one that calls the same option of
 * `latest()` (the latest render's options), or the first one if the latest render has none.
 */
export function withLatestFunctions(options: HeartSocketOptions, latest: () => HeartSocketOptions): HeartSocketOptions {
  const heartbeat = heartbeatOf(options);
  const reconnect = reconnectOf(options);
  const result: HeartSocketOptions = { ...options };
  if (heartbeat !== undefined) {
    const { isPong, message } = heartbeat;
    const wrapped: Heartbeat = { ...heartbeat };
    if (typeof isPong === 'function') wrapped.isPong = fromLatest(isPong, () => heartbeatOf(latest())?.isPong);
    // A payload given as a value in the latest render is that render's ping.
    if (typeof message === 'function') {
      wrapped.message = (): PingPayload => {
        const current = heartbeatOf(latest())?.message;
        return typeof current === 'function' ? current() : (current ?? message());
      };
    }
    result.heartbeat = wrapped;
  }
  if (reconnect !== undefined) {
    const { shouldReconnect, delay } = reconnect;
    const wrapped: ReconnectOptions = { ...reconnect };
    if (typeof shouldReconnect === 'function') {
      wrapped.shouldReconnect = fromLatest(shouldReconnect, () => reconnectOf(latest())?.shouldReconnect);
    }
    if (typeof delay === 'function') wrapped.delay = fromLatest(delay, () => reconnectOf(latest())?.delay);
    result.reconnect = wrapped;
  }
  return result;
}
