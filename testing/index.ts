/**
 * heartsocket/testing — test an app against every way its connection can fail, under any test
 * runner (vitest, jest, `node:test`): a {@link TestServer} the test drives, a {@link TestClock}
 * for `options.clock`, and the machine's {@link connectionPaths}, each replayed against the app
 * with {@link walkPath}. The test server needs `ws` (an optional peer).
 *
 * @example
 * ```ts
 * import { connectionPaths, walkPath } from 'heartsocket/testing';
 *
 * for (const path of connectionPaths()) {
 *   it(path.name, () => walkPath(path, { start: ({ url, options }) => createChatStore(url, { ...options, WebSocket }) }));
 * }
 * ```
 *
 * @module heartsocket/testing
 */
export { TestServer, type TestServerOptions } from './testServer.js';
export { TestClock, type PendingTimer } from './testClock.js';
export {
  connectionPaths,
  type ConnectionPath,
  type ConnectionPathsOptions,
  type PathEvent,
  type PathSnapshot,
  type PathStep,
  type PathVariant,
} from './paths.js';
export { walkPath, type PathConnection, type WalkedApp, type WalkOptions, type WalkView } from './walk.js';
