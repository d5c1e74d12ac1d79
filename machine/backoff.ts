import type { SocketSettings } from './settings.js';

/**
 * The wait before retry number `retry` (1 for the first retry):
 *
 *     base = min(maxDelay, delay × factor^(retry − 1))
 *     wait = base × (1 − jitter × random())        random() in [0, 1)
 *
 * With `jitter = 0` the wait is exactly `base`; with `jitter = 1` it is spread uniformly over
 * (0, base] ("full jitter"), so that clients dropped together do not return together.
 */
export function backoffDelay(
  policy: SocketSettings['reconnect'],
  retry: number,
  random: () => number,
): number {
  const base = Math.min(policy.maxDelay, policy.delay * policy.factor ** Math.max(0, retry - 1));
  return base * (1 - policy.jitter * random());
}
