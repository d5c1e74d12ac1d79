// The package as users get it: `npm pack`, installed into a fresh project, then imported as ESM
// and as CommonJS, and type-checked the way a Node consumer compiles it.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, root } from '../../scripts/ensure-built.mjs';

const run = promisify(execFile);
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/**
 * The environment for the nested npm: without the `npm_*` variables of an enclosing `npm test`
 * (they would point it at this repository), keeping where the cache and the registry are.
 */
function npmEnv(): NodeJS.ProcessEnv {
  const keep = /^npm_config_(cache|userconfig|globalconfig|registry|proxy|https_proxy|noproxy|strict_ssl|cafile)$/i;
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^npm_/i.test(key) || keep.test(key)) env[key] = value;
  }
  return env;
}

async function npm(args: string[], cwd: string): Promise<string> {
  const { stdout } = await run(NPM, args, { cwd, env: npmEnv(), timeout: 90_000, maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

async function node(args: string[], cwd: string): Promise<string> {
  try {
    const { stdout } = await run(process.execPath, args, { cwd, timeout: 30_000 });
    return stdout;
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`node ${args.join(' ')} failed:\n${stdout}${stderr}`);
  }
}

describe('the packed package, installed in a fresh project', () => {
  let work: string;
  let app: string;
  let packedFiles: string[];

  beforeAll(async () => {
    await ensureBuilt();
    work = mkdtempSync(join(tmpdir(), 'heartsocket-pack-'));
    const [packed] = JSON.parse(await npm(['pack', '--json', '--pack-destination', work], root)) as [
      { filename: string; files: { path: string }[] },
    ];
    packedFiles = packed.files.map((file) => file.path);
    const tarball = join(work, packed.filename);

    app = join(work, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
    const install = ['install', '--no-audit', '--no-fund', '--no-update-notifier', tarball];
    try {
      // xstate comes from the npm cache (`npm ci` put it there): no network needed.
      await npm([...install, '--offline'], app);
    } catch {
      await npm([...install, '--prefer-offline'], app);
    }
  }, 180_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('contains the build, the README and package.json, nothing else', () => {
    expect(packedFiles).toContain('package.json');
    expect(packedFiles).toContain('README.md');
    for (const entry of ['index', 'machine', 'server', 'react', 'resume', 'live-view', 'testing']) {
      for (const extension of ['js', 'cjs', 'd.ts', 'd.cts']) expect(packedFiles).toContain(`dist/${entry}.${extension}`);
    }
    expect(packedFiles.filter((file) => !/^(dist\/|README\.md$|package\.json$|LICENSE$)/.test(file))).toEqual([]);
  });

  it('imports as ESM: heartsocket, heartsocket/machine, heartsocket/server and heartsocket/live-view', async () => {
    writeFileSync(
      join(app, 'esm.mjs'),
      `import { HeartSocket, HeartSocketError, createSocketActor, socketMachine, stateNameOf } from 'heartsocket';
import * as machine from 'heartsocket/machine';
import * as server from 'heartsocket/server';
import * as liveView from 'heartsocket/live-view';
import * as resume from 'heartsocket/resume';
import * as main from 'heartsocket';
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
let noWebSocket = '';
try { new HeartSocket('ws://127.0.0.1:9'); } catch (error) { noWebSocket = error.constructor.name + ': ' + error.message; }
let notAServer = '';
try { server.acceptHeartbeats({}); } catch (error) { notAServer = error.constructor.name + ': ' + error.message; }
let liveViewNoWebSocket = '';
try { liveView.createLiveViewInspector('ws://127.0.0.1:9'); } catch (error) { liveViewNoWebSocket = error.constructor.name + ': ' + error.message; }
let badResume = '';
try { resume.resumable({ maxMessages: 0 }); } catch (error) { badResume = error.constructor.name + ': ' + error.message; }
let deepImport = '';
try { await import('heartsocket/dist/index.js'); } catch (error) { deepImport = error.code; }
console.log(JSON.stringify({
  HeartSocketIsClass: /^class\\b/.test(Function.prototype.toString.call(HeartSocket)),
  extendsEventTarget: HeartSocket.prototype instanceof EventTarget,
  OPEN: HeartSocket.OPEN,
  HeartSocketError: typeof HeartSocketError,
  createSocketActor: typeof createSocketActor,
  stateNameOf: stateNameOf({ value: { running: { live: 'connecting' } } }),
  machineId: socketMachine.root.id,
  machineStates: Object.keys(machine.socketMachine.root.states),
  sameMachine: machine.socketMachine === socketMachine,
  serverExports: Object.keys(server).sort(),
  maxSilence: server.DEFAULT_MAX_SILENCE,
  notAServer,
  liveViewExports: Object.keys(liveView).sort(),
  mainHasLiveView: 'createLiveViewInspector' in main,
  resumeExports: Object.keys(resume).sort(),
  resumeTimeout: resume.resumable().handshakeTimeout,
  mainHasResume: 'resumable' in main,
  badResume,
  liveViewNoWebSocket,
  noWebSocket,
  deepImport,
  version: require('heartsocket/package.json').version,
}));
`,
    );
    const result = JSON.parse(await node(['esm.mjs'], app));
    expect(result).toMatchObject({
      HeartSocketIsClass: true,
      extendsEventTarget: true,
      OPEN: 1,
      HeartSocketError: 'function',
      createSocketActor: 'function',
      stateNameOf: 'connecting',
      machineId: 'heartsocket',
      machineStates: ['start', 'running', 'closed'],
      sameMachine: true,
      serverExports: ['DEFAULT_MAX_SILENCE', 'MemorySessionStore', 'SESSION_DEFAULTS', 'Session', 'acceptHeartbeats'],
      maxSilence: 10_000,
      liveViewExports: ['createLiveViewInspector'],
      mainHasLiveView: false,
      resumeExports: ['RESUME_DEFAULTS', 'resumable'],
      resumeTimeout: 5000,
      mainHasResume: false,
      badResume: 'RangeError: heartsocket: options.resume.maxMessages must be a whole number ≥ 1 or Infinity, got 0.',
      deepImport: 'ERR_PACKAGE_PATH_NOT_EXPORTED',
      version: '0.1.0',
    });
    // Node 20 has no global WebSocket: the error says what to pass.
    expect(result.noWebSocket).toMatch(/^TypeError: .*options\.WebSocket/);
    // heartsocket/server runs without `ws` installed (an optional peer, and not here): it only checks its input.
    expect(result.notAServer).toMatch(/^TypeError: .*needs a ws WebSocketServer/);
    // The live view's link is a HeartSocket too (the main entry's, from the shared chunk): the same error.
    expect(result.liveViewNoWebSocket).toBe(result.noWebSocket);
  });

  it('requires as CommonJS: heartsocket, heartsocket/machine, heartsocket/server and heartsocket/live-view', async () => {
    writeFileSync(
      join(app, 'cjs.cjs'),
      `const server = require('heartsocket/server');
const serverLoadsXstate = Object.keys(require.cache).some((file) => /[\\\\/]xstate[\\\\/]/.test(file));
const { HeartSocket, createSocketActor, socketMachine } = require('heartsocket');
const machine = require('heartsocket/machine');
const liveView = require('heartsocket/live-view');
const resume = require('heartsocket/resume');
console.log(JSON.stringify({
  resumable: typeof resume.resumable,
  resumeResolved: require.resolve('heartsocket/resume').replace(/\\\\/g, '/').split('/node_modules/').pop(),
  HeartSocketIsClass: /^class\\b/.test(Function.prototype.toString.call(HeartSocket)),
  extendsEventTarget: HeartSocket.prototype instanceof EventTarget,
  createSocketActor: typeof createSocketActor,
  machineId: socketMachine.root.id,
  machineOnlyId: machine.socketMachine.root.id,
  backoffDelay: typeof machine.backoffDelay,
  sameMachine: machine.socketMachine === socketMachine,
  resolved: require.resolve('heartsocket').replace(/\\\\/g, '/').split('/node_modules/').pop(),
  acceptHeartbeats: typeof server.acceptHeartbeats,
  maxSilence: server.DEFAULT_MAX_SILENCE,
  serverLoadsXstate,
  serverResolved: require.resolve('heartsocket/server').replace(/\\\\/g, '/').split('/node_modules/').pop(),
  createLiveViewInspector: typeof liveView.createLiveViewInspector,
  mainHasLiveView: 'createLiveViewInspector' in require('heartsocket'),
  liveViewResolved: require.resolve('heartsocket/live-view').replace(/\\\\/g, '/').split('/node_modules/').pop(),
}));
`,
    );
    expect(JSON.parse(await node(['cjs.cjs'], app))).toEqual({
      resumable: 'function',
      resumeResolved: 'heartsocket/dist/resume.cjs',
      HeartSocketIsClass: true,
      extendsEventTarget: true,
      createSocketActor: 'function',
      machineId: 'heartsocket',
      machineOnlyId: 'heartsocket',
      backoffDelay: 'function',
      sameMachine: true,
      resolved: 'heartsocket/dist/index.cjs',
      acceptHeartbeats: 'function',
      maxSilence: 10_000,
      serverLoadsXstate: false,
      serverResolved: 'heartsocket/dist/server.cjs',
      createLiveViewInspector: 'function',
      mainHasLiveView: false,
      liveViewResolved: 'heartsocket/dist/live-view.cjs',
    });
  });

  it('type-checks in a Node project (nodenext, no DOM lib), from ESM and from CommonJS', async () => {
    writeFileSync(
      join(app, 'check.mts'),
      `import { HeartSocket, type HeartSocketOptions, stateNameOf } from 'heartsocket';
import { socketMachine } from 'heartsocket/machine';
import { acceptHeartbeats, type AcceptHeartbeatsOptions } from 'heartsocket/server';
import { createLiveViewInspector, type LiveViewInspector, type LiveViewInspectorOptions } from 'heartsocket/live-view';
import type { WebSocketServer } from 'ws';
declare const wss: WebSocketServer;
const heartbeats = acceptHeartbeats(wss, { maxSilence: 5000 } satisfies AcceptHeartbeatsOptions);
heartbeats.stop();
import { resumable, type ResumableOptions } from 'heartsocket/resume';
const resumeOptions: ResumableOptions = { maxMessages: 100 };
const options: HeartSocketOptions = { heartbeat: { interval: 1000 }, reconnect: { delay: 500 }, resume: resumable(resumeOptions) };
const socket = new HeartSocket('ws://127.0.0.1:9', [], options);
socket.addEventListener('statechange', () => console.log(socket.state, socket.readyState === HeartSocket.OPEN));
socket.addEventListener('resume', (event) => console.log(event.resumed, event.reason, event.sessionId, socket.session?.unacknowledgedSent));
socket.onopen = (event) => console.log(event.resumed);
const name: 'connecting' | 'open' | 'awaitingPong' | 'closing' | 'closed' | 'reconnectWait' = stateNameOf(socket.actor.getSnapshot());
console.log(name, socketMachine.id);
// The live view watches the main entry's HeartSocket: both entries' declarations share its type.
const liveOptions: LiveViewInspectorOptions = { buffer: 100 };
const live: LiveViewInspector = createLiveViewInspector('ws://127.0.0.1:8090', liveOptions);
const unwatch: () => void = live.watch(socket, { label: 'feed' });
unwatch();
live.stop();
`,
    );
    writeFileSync(
      join(app, 'check.cts'),
      `import hs = require('heartsocket');
import machine = require('heartsocket/machine');
import server = require('heartsocket/server');
import liveView = require('heartsocket/live-view');
const socket: hs.HeartSocket | null = null;
const serverOptions: server.AcceptHeartbeatsOptions = { ping: 'ping', pong: 'pong' };
const live: liveView.LiveViewInspector = liveView.createLiveViewInspector('ws://127.0.0.1:8090');
console.log(socket, machine.socketMachine.id, hs.createSocketActor, server.acceptHeartbeats, serverOptions, live.dropped);
`,
    );
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const args = ['--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022'];
    // `ws`'s types, which heartsocket/server's declarations import, come from here: @types/ws, through --typeRoots.
    const types = ['--lib', 'es2022', '--typeRoots', join(root, 'node_modules', '@types'), '--types', 'node'];
    await expect(node([tsc, ...args, ...types, 'check.mts', 'check.cts'], app)).resolves.toBe('');
  }, 60_000);

  // heartsocket/react, with React installed beside it as in an app (an optional peer: the tests
  // above ran without it). Rendered on the server: Node 20 has no WebSocket, and the hook makes its
  // socket in an effect, which server rendering never runs.
  it('heartsocket/react: imports as ESM and as CommonJS, renders on the server, type-checks', async () => {
    const version = (name: string) =>
      (JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
    const install = ['install', '--no-audit', '--no-fund', '--no-update-notifier'];
    const react = ['react', 'react-dom', '@types/react'].map((name) => `${name}@${version(name)}`);
    try {
      await npm([...install, '--offline', ...react], app);
    } catch {
      await npm([...install, '--prefer-offline', ...react], app);
    }
    const page = (load: string) => `${load}
function Status() {
  const { state, readyState, socket, lastMessage } = useHeartSocket('ws://127.0.0.1:9/feed', { share: true, heartbeat: { interval: 1000 } });
  return createElement('p', null, [state, readyState, socket, lastMessage].join(' '));
}
function Idle() {
  return createElement('i', null, useHeartSocket(null).state);
}
const html = renderToString(createElement('div', null, createElement(Status), createElement(Idle)));
`;
    writeFileSync(
      join(app, 'react-esm.mjs'),
      page(`import { useHeartSocket } from 'heartsocket/react';
import { createElement } from 'react';
import { renderToString } from 'react-dom/server';`) + 'console.log(JSON.stringify({ html, useHeartSocket: typeof useHeartSocket }));\n',
    );
    writeFileSync(
      join(app, 'react-cjs.cjs'),
      page(`const { useHeartSocket } = require('heartsocket/react');
const { createElement } = require('react');
const { renderToString } = require('react-dom/server');`) +
        `console.log(JSON.stringify({ html, resolved: require.resolve('heartsocket/react').replace(/\\\\/g, '/').split('/node_modules/').pop() }));\n`,
    );
    const html = '<div><p>connecting 0  </p><i>closed</i></div>';
    expect(JSON.parse(await node(['react-esm.mjs'], app))).toEqual({ html, useHeartSocket: 'function' });
    expect(JSON.parse(await node(['react-cjs.cjs'], app))).toEqual({ html, resolved: 'heartsocket/dist/react.cjs' });

    writeFileSync(
      join(app, 'check-react.mts'),
      `import { createElement } from 'react';
import { useHeartSocket, type UseHeartSocketOptions, type UseHeartSocketResult } from 'heartsocket/react';
const options: UseHeartSocketOptions = {
  share: true,
  protocols: ['feed.v1'],
  filter: (message) => typeof message.data === 'string',
  onClose: (event) => console.log(event.code),
  heartbeat: { interval: 1000 },
};
export function Feed({ url }: { url: string }) {
  const feed: UseHeartSocketResult<{ price: number }> = useHeartSocket<{ price: number }>(url, options);
  const price: number | undefined = feed.lastJsonMessage?.price;
  if (feed.state === 'open' && feed.readyState === 1) feed.sendJson({ subscribe: 'EUR/USD' });
  return createElement('p', null, price, feed.socket?.retryCount);
}
`,
    );
    writeFileSync(
      join(app, 'check-react.cts'),
      `import react = require('heartsocket/react');
const options: react.UseHeartSocketOptions = { share: false };
console.log(react.useHeartSocket, options);
`,
    );
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const args = ['--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022'];
    // As a React app compiles: with the DOM lib, and React's types installed beside it (above).
    const types = ['--lib', 'es2022,dom', '--types', 'react'];
    await expect(node([tsc, ...args, ...types, 'check-react.mts', 'check-react.cts'], app)).resolves.toBe('');
  }, 180_000);

  // heartsocket/testing, last: it installs `ws` beside the package (an optional peer, which the
  // test server needs), and the tests above prove what runs without it.
  it('heartsocket/testing: imports without ws, walks paths with it (plain node, node:test), as ESM and as CommonJS, type-checks', async () => {
    const script = (imports: string) => `${imports}
const clock = new TestClock();
let fired = 0;
clock.setTimeout(() => fired++, 3000);
clock.advance(2999);
const early = fired;
clock.advance(1);
let noWs = '';
try { await new TestServer().start(); } catch (error) { noWs = error.message; }
const paths = connectionPaths();
console.log(JSON.stringify({ early, fired, pending: clock.pending.length, paths: paths.length > 100, states: [...new Set(paths.map((p) => p.state))].sort(), noWs }));
`;
    writeFileSync(join(app, 'testing-esm.mjs'), script(`import { TestClock, TestServer, connectionPaths } from 'heartsocket/testing';`));
    writeFileSync(join(app, 'testing-cjs.cjs'), `(async () => {\n${script(`const { TestClock, TestServer, connectionPaths } = require('heartsocket/testing');`)}\n})();\n`);
    const expected = {
      early: 0,
      fired: 1,
      pending: 0,
      paths: true,
      states: ['awaitingPong', 'closed', 'closing', 'connecting', 'open', 'reconnectWait'],
      noWs: 'heartsocket/testing: TestServer needs the `ws` package (npm install --save-dev ws)',
    };
    expect(JSON.parse(await node(['testing-esm.mjs'], app))).toEqual(expected);
    expect(JSON.parse(await node(['testing-cjs.cjs'], app))).toEqual(expected);

    const wsVersion = (JSON.parse(readFileSync(join(root, 'node_modules', 'ws', 'package.json'), 'utf8')) as { version: string }).version;
    const install = ['install', '--no-audit', '--no-fund', '--no-update-notifier', `ws@${wsVersion}`];
    try {
      await npm([...install, '--offline'], app);
    } catch {
      await npm([...install, '--prefer-offline'], app);
    }
    // A walk as an app's test runs it, outside any test framework: a path through every state kind.
    const walk = (imports: string) => `${imports}
const paths = connectionPaths({ variants: ['silentPeer'] });
const path = paths.find((p) => p.steps.some((s) => s.state === 'awaitingPong') && p.state === 'reconnectWait');
const seen = [];
await walkPath(path, {
  start: ({ url, options }) => new HeartSocket(url, [], { ...options, WebSocket }),
  atEachStep: ({ app, state }) => { seen.push(state); if (app.state !== state) throw new Error(app.state + ' is not ' + state); },
});
console.log(JSON.stringify({ walked: seen.length === path.steps.length, last: seen.at(-1) }));
`;
    writeFileSync(join(app, 'walk-esm.mjs'), walk(`import { connectionPaths, walkPath } from 'heartsocket/testing';
import { HeartSocket } from 'heartsocket';
import { WebSocket } from 'ws';`));
    writeFileSync(join(app, 'walk-cjs.cjs'), `(async () => {\n${walk(`const { connectionPaths, walkPath } = require('heartsocket/testing');
const { HeartSocket } = require('heartsocket');
const { WebSocket } = require('ws');`)}\n})();\n`);
    expect(JSON.parse(await node(['walk-esm.mjs'], app))).toEqual({ walked: true, last: 'reconnectWait' });
    expect(JSON.parse(await node(['walk-cjs.cjs'], app))).toEqual({ walked: true, last: 'reconnectWait' });
    // Under node:test, as the guide says: a test per path, node:assert in the check.
    writeFileSync(
      join(app, 'walk.test.mjs'),
      `import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HeartSocket } from 'heartsocket';
import { connectionPaths, walkPath } from 'heartsocket/testing';
import { WebSocket } from 'ws';
for (const path of connectionPaths({ variants: ['chattyPeer'] }).slice(0, 5)) {
  test(path.name, () => walkPath(path, {
    start: ({ url, options }) => new HeartSocket(url, [], { ...options, WebSocket }),
    atEachStep: ({ app, state }) => assert.equal(app.state, state),
  }));
}
`,
    );
    expect(await node(['--test', 'walk.test.mjs'], app)).toMatch(/^# pass 5$/m);

    writeFileSync(
      join(app, 'check-testing.mts'),
      `import { HeartSocket } from 'heartsocket';
import { connectionPaths, walkPath, TestClock, TestServer, type ConnectionPath, type WalkView } from 'heartsocket/testing';
const path: ConnectionPath = connectionPaths({ variants: ['chattyPeer'] })[0]!;
const clock = new TestClock();
new HeartSocket('ws://127.0.0.1:9', [], { clock });
const server = new TestServer({ upgrades: 'hold', pings: 'ignore' });
const check = ({ state, server }: WalkView<HeartSocket>): void => console.log(state, server.received.length);
await walkPath(path, { start: ({ url, options }) => new HeartSocket(url, [], options), atEachStep: check });
console.log(server.url);
`,
    );
    writeFileSync(
      join(app, 'check-testing.cts'),
      `import testing = require('heartsocket/testing');
const clock: testing.TestClock = new testing.TestClock();
clock.advance(1000);
const paths: testing.ConnectionPath[] = testing.connectionPaths();
console.log(paths.length);
`,
    );
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const args = ['--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022'];
    const types = ['--lib', 'es2022', '--typeRoots', join(root, 'node_modules', '@types'), '--types', 'node'];
    await expect(node([tsc, ...args, ...types, 'check-testing.mts', 'check-testing.cts'], app)).resolves.toBe('');
  }, 180_000);
});
