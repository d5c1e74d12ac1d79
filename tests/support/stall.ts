/** Blocks the whole process (client and server alike): nothing is read, no timer runs. */
export function stall(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // busy: the event loop is stuck here
  }
}
