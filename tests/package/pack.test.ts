// The package as users get it: `npm pack`, installed into a fresh project, then imported as ESM
// and as CommonJS, and type-checked the way a Node consumer compiles it.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
    for (const file of ['index.js', 'index.cjs', 'index.d.ts', 'index.d.cts', 'machine.js', 'machine.cjs', 'machine.d.ts', 'machine.d.cts']) {
      expect(packedFiles).toContain(`dist/${file}`);
    }
    expect(packedFiles.filter((file) => !/^(dist\/|README\.md$|package\.json$|LICENSE$)/.test(file))).toEqual([]);
  });

  it('imports as ESM: heartsocket and heartsocket/machine', async () => {
    writeFileSync(
      join(app, 'esm.mjs'),
      `import { HeartSocket, HeartSocketError, createSocketActor, socketMachine, stateNameOf } from 'heartsocket';
import * as machine from 'heartsocket/machine';
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
let noWebSocket = '';
try { new HeartSocket('ws://127.0.0.1:9'); } catch (error) { noWebSocket = error.constructor.name + ': ' + error.message; }
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
      deepImport: 'ERR_PACKAGE_PATH_NOT_EXPORTED',
      version: '0.1.0',
    });
    // Node 20 has no global WebSocket: the error says what to pass.
    expect(result.noWebSocket).toMatch(/^TypeError: .*options\.WebSocket/);
  });

  it('requires as CommonJS: heartsocket and heartsocket/machine', async () => {
    writeFileSync(
      join(app, 'cjs.cjs'),
      `const { HeartSocket, createSocketActor, socketMachine } = require('heartsocket');
const machine = require('heartsocket/machine');
console.log(JSON.stringify({
  HeartSocketIsClass: /^class\\b/.test(Function.prototype.toString.call(HeartSocket)),
  extendsEventTarget: HeartSocket.prototype instanceof EventTarget,
  createSocketActor: typeof createSocketActor,
  machineId: socketMachine.root.id,
  machineOnlyId: machine.socketMachine.root.id,
  backoffDelay: typeof machine.backoffDelay,
  sameMachine: machine.socketMachine === socketMachine,
  resolved: require.resolve('heartsocket').replace(/\\\\/g, '/').split('/node_modules/').pop(),
}));
`,
    );
    expect(JSON.parse(await node(['cjs.cjs'], app))).toEqual({
      HeartSocketIsClass: true,
      extendsEventTarget: true,
      createSocketActor: 'function',
      machineId: 'heartsocket',
      machineOnlyId: 'heartsocket',
      backoffDelay: 'function',
      sameMachine: true,
      resolved: 'heartsocket/dist/index.cjs',
    });
  });

  it('type-checks in a Node project (nodenext, no DOM lib), from ESM and from CommonJS', async () => {
    writeFileSync(
      join(app, 'check.mts'),
      `import { HeartSocket, type HeartSocketOptions, stateNameOf } from 'heartsocket';
import { socketMachine } from 'heartsocket/machine';
const options: HeartSocketOptions = { heartbeat: { interval: 1000 }, reconnect: { delay: 500 } };
const socket = new HeartSocket('ws://127.0.0.1:9', [], options);
socket.addEventListener('statechange', () => console.log(socket.state, socket.readyState === HeartSocket.OPEN));
const name: 'connecting' | 'open' | 'awaitingPong' | 'closing' | 'closed' | 'reconnectWait' = stateNameOf(socket.actor.getSnapshot());
console.log(name, socketMachine.id);
`,
    );
    writeFileSync(
      join(app, 'check.cts'),
      `import hs = require('heartsocket');
import machine = require('heartsocket/machine');
const socket: hs.HeartSocket | null = null;
console.log(socket, machine.socketMachine.id, hs.createSocketActor);
`,
    );
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const args = ['--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022'];
    const types = ['--lib', 'es2022', '--typeRoots', join(root, 'node_modules', '@types'), '--types', 'node'];
    await expect(node([tsc, ...args, ...types, 'check.mts', 'check.cts'], app)).resolves.toBe('');
  }, 60_000);
});
