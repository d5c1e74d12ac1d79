/** A list helper for the visualization tests. */

/** Consecutive repeats removed: `a a b a` → `a b a`. */
export function dedupe<T>(values: readonly T[]): T[] {
  return values.filter((value, index) => index === 0 || value !== values[index - 1]);
}
