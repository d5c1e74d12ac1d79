import type { SocketSettings } from './settings.js';

/**
 * The wait before retry number `retry` (1 for the first retry):
 *
 *     base = min(maxDelay, delay × factor^(retry − 1))
 *     wait = base × (1 − jitter × random())        random() in [0, 1)
 *
 * With `jitter = 0` the wait is exactly `base`; with `jitter = 1` it is spread uniformly over
 * (0, base] ("full jitter"), so that clients dropped together do not return together.
 * A `delay` function gives the whole wait itself: `wait = delay(retry)` (the adapter makes it
 * safe: a throw or a bad answer is reported and stood in for, see `withSafeReconnectPolicy`).
 *
 * @example
 * ```ts
 * const policy = resolveSettings({ reconnect: { delay: 1000, factor: 2, maxDelay: 8000 } }).reconnect;
 * backoffDelay(policy, 1, Math.random); // 1000
 * backoffDelay(policy, 3, Math.random); // 4000
 * backoffDelay(policy, 9, Math.random); // 8000: the cap
 * const custom = resolveSettings({ reconnect: { delay: (retry) => [500, 2000, 10_000][retry - 1] ?? 10_000 } }).reconnect;
 * backoffDelay(custom, 2, Math.random); // 2000
 * ```
 */
export function backoffDelay(
  policy: SocketSettings['reconnect'],
  retry: number,
  random: () => number,
): number {
  if (typeof policy.delay === 'function') return policy.delay(retry);
  const base = Math.min(policy.maxDelay, policy.delay * policy.factor ** Math.max(0, retry - 1));
  return base * (1 - policy.jitter * random());
}
