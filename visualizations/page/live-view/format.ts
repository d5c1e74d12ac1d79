/** How the live view writes times, durations and sizes: one place, so that every panel agrees. */

const two = (n: number): string => String(n).padStart(2, '0');

/** `12:03:04`, local time. */
export function time(ms: number): string {
  const date = new Date(ms);
  return `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`;
}

/** `12:03:04.567`, local time. */
export function clock(ms: number): string {
  return `${time(ms)}.${String(new Date(ms).getMilliseconds()).padStart(3, '0')}`;
}

/** `850 ms`, `1.2 s`, `2 min 5 s` (of the absolute value: the caller says early or late). */
export function duration(ms: number): string {
  const abs = Math.abs(ms);
  if (abs < 1000) return `${Math.round(abs)} ms`;
  // Rounded first, so that 59 960 ms is "1 min 0 s", not "60.0 s".
  const tenths = Math.round(abs / 100);
  if (tenths < 600) return `${(tenths / 10).toFixed(1)} s`;
  const seconds = Math.round(abs / 1000);
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

export const bytes = (count: number): string =>
  count < 1024 ? `${count} B` : count < 1024 * 1024 ? `${(count / 1024).toFixed(1)} KiB` : `${(count / 1024 / 1024).toFixed(1)} MiB`;

/** `1 message`, `3 messages`. */
export const plural = (count: number, noun: string): string => `${count} ${noun}${count === 1 ? '' : 's'}`;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
