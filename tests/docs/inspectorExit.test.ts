// docs/debugging.md's Node examples (the Stately inspector's, the live view's) must let a script end. Each is taken
// from the page, bundled, and run in a child process (against a real echo server, with and
// without an inspector server): the process must exit on its own. And the reason the example
// exists: @statelyai/inspect's createWebSocketInspector keeps Node running after stop().
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { TestServer } from '../support/server.js';
import { wsText } from '../support/text.js';
import { typeScriptBlocks } from '../support/readme.js';

const root = new URL('../..', import.meta.url).pathname;
const dir = join(root, 'test-artifacts', 'inspector-exit');

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Bundles `code` (TypeScript, importing `heartsocket` and `heartsocket/live-view`) into a runnable file; returns its path. */
async function bundle(name: string, code: string): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const source = join(dir, `${name}.ts`);
  writeFileSync(source, code);
  const out = join(dir, `${name}.mjs`);
  await build({
    entryPoints: [source],
    outfile: out,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    alias: { heartsocket: join(root, 'adapters/index.ts'), 'heartsocket/live-view': join(root, 'visualizations/inspector/index.ts') },
    external: ['ws', '@statelyai/inspect'],
    logLevel: 'silent',
  });
  return out;
}

/** Runs a script; resolves with its exit code, or 'still running' after `ms` (it is then killed). */
function run(file: string, ms: number): Promise<number | 'still running'> {
  const child = spawn(process.execPath, [file], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve('still running');
    }, ms);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve(code ?? -1);
    });
  });
}

/** A port nothing listens on (a server's, once it has stopped). */
async function closedPortUrl(): Promise<string> {
  const server = await TestServer.start();
  await server.stop();
  return server.url;
}

/** A WebSocket server on 127.0.0.1 that keeps the type of every message it receives. */
async function collectingServer(): Promise<{ url: string; types: string[] }> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  cleanups.push(() => new Promise((resolve) => server.close(resolve)));
  await new Promise((resolve) => server.once('listening', resolve));
  const types: string[] = [];
  server.on('connection', (client) => client.on('message', (data) => types.push((JSON.parse(wsText(data)) as { type: string }).type)));
  return { url: `ws://127.0.0.1:${(server.address() as { port: number }).port}`, types };
}

/** The page's block of one example (found by `marker`), its placeholder URL (`placeholder`) replaced. */
function exampleFromPage(marker: string, placeholder: string, url: string): string {
  const blocks = typeScriptBlocks(readFileSync(join(root, 'docs', 'debugging.md'), 'utf8'));
  const example = blocks.find((block) => block.code.includes(marker));
  if (example === undefined) throw new Error(`docs/debugging.md has no ${marker} example any more`);
  expect(example.code).toContain(placeholder);
  return example.code.replace(placeholder, JSON.stringify(url));
}

/** Where the example's script would do its work: until both sockets are open (or 1 s). */
const WORK = `await Promise.race([
  new Promise((resolve) => setTimeout(resolve, 1000)),
  Promise.all([socket, inspectorLink].map((s) => s.readyState === 1 || new Promise((resolve) => s.addEventListener('open', resolve, { once: true })))),
]);
`;

/** The page's block that uses `createInspector`, with the placeholders filled in and work to do. */
function documentedExample(socketUrl: string, inspectorUrl: string): string {
  const code = exampleFromPage('createInspector(', "'ws://localhost:8080'", inspectorUrl);
  expect(code).toContain('// … when you are done');
  return `const url = ${JSON.stringify(socketUrl)};\n${code.replace('// … when you are done', `${WORK}// … when you are done`)}`;
}

/** The page's live view block against `relayUrl`, then `work`. */
const liveViewExample = (socketUrl: string, relayUrl: string, work: string): string =>
  `const url = ${JSON.stringify(socketUrl)};\n${exampleFromPage('createLiveViewInspector(', "'ws://127.0.0.1:8090'", relayUrl)}\n${work}`;

describe("docs/debugging.md's Node examples end on their own", () => {
  it('ends on its own with an inspector server, which receives the events', async () => {
    const echo = await TestServer.start();
    cleanups.push(() => echo.stop());
    const inspector = await collectingServer();
    const file = await bundle('with-server', documentedExample(echo.url, inspector.url));
    expect(await run(file, 8000)).toBe(0);
    const types = inspector.types;
    expect(types).toContain('@xstate.actor');
    expect(types).toContain('@xstate.snapshot');
  });

  it('ends on its own when no inspector server is there', async () => {
    const echo = await TestServer.start();
    cleanups.push(() => echo.stop());
    const file = await bundle('without-server', documentedExample(echo.url, await closedPortUrl()));
    expect(await run(file, 8000)).toBe(0);
  });

  it("the live view's Node example ends once the socket is closed and live.stop() called", async () => {
    const echo = await TestServer.start();
    cleanups.push(() => echo.stop());
    const relay = await collectingServer();
    const code = liveViewExample(
      echo.url,
      relay.url,
      `await new Promise((resolve) => socket.addEventListener('open', resolve, { once: true }));
      socket.send('hello');
      await new Promise((resolve) => setTimeout(resolve, 400)); // a traffic report
      socket.close();
      live.stop();`,
    );
    expect(await run(await bundle('live-view', code), 8000)).toBe(0);
    const types = relay.types;
    expect(types).toContain('heartsocket.watch');
    expect(types).toContain('heartsocket.traffic');
  });

  it("the live view's Node example ends too when no relay is running", async () => {
    const echo = await TestServer.start();
    cleanups.push(() => echo.stop());
    const code = liveViewExample(
      echo.url,
      await closedPortUrl(),
      `await new Promise((resolve) => socket.addEventListener('open', resolve, { once: true }));
      socket.close();
      live.stop();`,
    );
    expect(await run(await bundle('live-view-no-relay', code), 8000)).toBe(0);
  });

  it('is needed: createWebSocketInspector (0.7.2) keeps Node running after stop(), retrying every 5 s', async () => {
    const file = await bundle(
      'upstream',
      `import { createWebSocketInspector } from '@statelyai/inspect';
       const inspector = createWebSocketInspector({ url: ${JSON.stringify(await closedPortUrl())} });
       setTimeout(() => inspector.stop(), 200);`,
    );
    // Past its 5 s retry: a stop() that really stopped would have let the process end long before.
    expect(await run(file, 7000)).toBe('still running');
  }, 15_000);
});
