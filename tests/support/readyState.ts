import type { SocketStateName } from '../../machine/types.js';

/**
 * The readyState each state must show, written out here on purpose (not imported from the
 * adapter), so that the tests check the adapter against the spec rather than against itself.
 */
export const EXPECTED_READY_STATE: Record<SocketStateName, number> = {
  connecting: 0, reconnectWait: 0, open: 1, awaitingPong: 1, closing: 2, closed: 3,
};
