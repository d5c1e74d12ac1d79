/** A list helper for the tests that read the live view's trail of states. */

/** Consecutive repeats removed: `a a b a` → `a b a`. */
export function dedupe<T>(values: readonly T[]): T[] {
  return values.filter((value, index) => index === 0 || value !== values[index - 1]);
}
