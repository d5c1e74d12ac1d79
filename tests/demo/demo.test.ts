// `npm start`: the demo runs as a child process, plays its scripted outage and exits 0.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { ensureBuilt, root } from '../../scripts/ensure-built.mjs';
import { wsText } from '../support/text.js';
import { sleep } from '../support/wait.js';

const DEMO = join(root, 'demo', 'run.mjs');

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Starts the demo (`nodeArgs`: Node's own flags); `output` is what it has printed so far. */
function startDemo(args: string[], nodeArgs: string[] = []) {
  const child = spawn(process.execPath, [...nodeArgs, DEMO, ...args], {
    cwd: root,
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { stdout: '', stderr: '' };
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output.stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output.stderr += chunk));
  return { child, output };
}

function runDemo(args: string[], timeoutMs = 45_000, nodeArgs: string[] = []): Promise<Run> {
  return new Promise((resolve, reject) => {
    const { child, output } = startDemo(args, nodeArgs);
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the demo did not finish within ${timeoutMs} ms\n--- stdout\n${output.stdout}\n--- stderr\n${output.stderr}`));
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, ...output });
    });
  });
}

/** Each pattern matches a line after the line the previous pattern matched. */
function expectInOrder(output: string, patterns: RegExp[]): void {
  const lines = output.split('\n');
  let at = 0;
  for (const pattern of patterns) {
    const found = lines.findIndex((line, index) => index >= at && pattern.test(line));
    if (found === -1) {
      throw new Error(`expected a line matching ${pattern} after line ${at + 1} of the demo's output:\n${output}`);
    }
    at = found + 1;
  }
}

describe('npm start (demo/run.mjs)', () => {
  beforeAll(() => ensureBuilt(), 180_000);

  it('plays the scripted outage with --fast: transitions in order, then the summary; exit code 0', async () => {
    const run = await runDemo(['--fast']);
    expect(run.stderr, run.stdout).toBe('');
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const out = run.stdout;
    // eslint-disable-next-line no-control-regex -- looks for the terminal's escape sequences on purpose
    expect(out).not.toMatch(/\x1b\[/); // not a TTY: plain lines, no status line
    expectInOrder(out, [
      /▶ 1\. normal traffic/,
      /start → connecting/,
      /connecting → open {2}\(socket opened\)/,
      /← "msg #3 hello"/,
      /▶ 2\./,
      /open → awaitingPong {2}\(\d+ ms silent: ping sent\)/,
      /awaitingPong → open {2}\(pong after \d+ ms\)/,
      /▶ 3\. the connection goes half-open/,
      /awaitingPong → closing {2}\(no pong in \d+ ms: close 4000 heartbeat timeout\)/,
      /closing → reconnectWait {2}\(close timeout: no reply in \d+ ms, socket abandoned; next try in \d+ ms\)/,
      /→ "msg #4 .*\(not connected: queued\)/,
      /reconnectWait → connecting {2}\(retry #\d+ after \d+ ms\)/,
      /connecting → open {2}\(socket opened, 2 queued message\(s\) sent\)/,
      /← "msg #5 /,
      /▶ 4\. the server is killed/,
      /open → reconnectWait {2}\(connection lost \(close 1006\)/,
      /reconnectWait → connecting/,
      /connecting → reconnectWait {2}\(connect failed: .*ECONNREFUSED/,
      /server: back on ws:\/\/127\.0\.0\.1:\d+/,
      /connecting → open {2}\(socket opened, 2 queued message\(s\) sent\)/,
      /← "msg #7 /,
      /▶ 5\. the app closes the socket/,
      /open → closing {2}\(close\(\) called\)/,
      /closing → closed {2}\(closed 1000 demo over\)/,
      /^Summary$/,
      /^ {2}outages +2$/,
      /^ {4}half-open +detected after \d+\.\d\d s \(heartbeat\), reconnected after \d+\.\d\d s$/,
      /^ {4}server killed +detected after \d+\.\d\d s \(close event\), reconnected after \d+\.\d\d s$/,
      /^ {2}messages +sent 7, of them queued while disconnected 4$/,
      /delivered 7\/7 \(echoed back\), undelivered 0$/,
    ]);
  }, 60_000);

  it('--url watches a real server until --duration is up, then closes', async () => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await once(wss, 'listening');
    const { port } = wss.address() as { port: number };
    try {
      const run = await runDemo(['--url', `ws://127.0.0.1:${port}`, '--duration', '1.5'], 30_000);
      expect(run.code, run.stdout + run.stderr).toBe(0);
      expectInOrder(run.stdout, [
        new RegExp(`server {2}ws://127\\.0\\.0\\.1:${port}`),
        /start → connecting/,
        /connecting → open {2}\(socket opened\)/,
        /open → closing {2}\(close\(\) called\)/,
        /closing → closed/,
        /^Summary$/,
        /^ {2}outages +0$/,
      ]);
    } finally {
      for (const client of wss.clients) client.terminate();
      await new Promise((resolve) => wss.close(resolve));
    }
  }, 40_000);

  it('--live-view serves the live view and relays the run to it; Ctrl-C ends it with exit code 0', async () => {
    if (!existsSync(join(root, 'visualizations', 'page', 'serve.ts'))) {
      throw new Error('visualizations/page/serve.ts is missing: the live view is not in this checkout');
    }
    const { child, output } = startDemo(['--fast', '--live-view']);
    const exited = once(child, 'close') as Promise<[number | null, NodeJS.Signals | null]>;
    let page: string | undefined;
    try {
      const deadline = Date.now() + 45_000;
      while (!output.stdout.includes('Ctrl-C to quit')) {
        if (child.exitCode !== null || Date.now() > deadline) {
          throw new Error(`the demo did not reach the live view prompt\n--- stdout\n${output.stdout}\n--- stderr\n${output.stderr}`);
        }
        await sleep(100);
      }
      expect(output.stdout).toMatch(/^Summary$/m);
      page = /live view {2}(http:\/\/127\.0\.0\.1:\d+\/live-view\.html\?relay=\S+)/.exec(output.stdout)?.[1];
      expect(page, output.stdout).toBeDefined();
      const response = await fetch(page!);
      expect(response.status).toBe(200);
      expect(await response.text()).toMatch(/live view/);

      // What the page gets from the relay: the run's inspection events, replayed.
      const relayUrl = new URL(page!).searchParams.get('relay')!;
      const listener = new WebSocket(relayUrl);
      const received: string[] = [];
      listener.on('message', (data) => received.push(wsText(data)));
      await once(listener, 'open');
      const until = Date.now() + 5_000;
      while (!received.some((m) => m.includes('"closed"')) && Date.now() < until) {
        await sleep(50);
      }
      listener.close();
      const states = received
        .map((message) => JSON.parse(message) as { type: string; snapshot?: { value?: unknown } })
        .filter((event) => event.type === '@xstate.snapshot')
        .map((event) => JSON.stringify(event.snapshot?.value ?? null));
      for (const state of ['connecting', 'awaitingPong', 'closing', 'reconnectWait', 'closed']) {
        expect(states.some((value) => value.includes(`"${state}"`)), `no snapshot in ${state}`).toBe(true);
      }
      // The demo's sockets are watched: their traffic is there too.
      expect(received.some((message) => message.includes('"type":"heartsocket.traffic"'))).toBe(true);
    } finally {
      child.kill('SIGINT');
    }
    // Bounded: a demo that ignores Ctrl-C is killed, and the test fails on its exit code.
    const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
    const [code] = await exited;
    clearTimeout(kill);
    expect(code, output.stdout + output.stderr).toBe(0);
    expect(output.stderr).toBe('');
    // Nothing is left listening: the page's server and its relay ended with the process.
    await expect(fetch(page!)).rejects.toThrow('fetch failed');
  }, 60_000);

  it('--live-view without heartsocket/live-view is an error (exit code 1) that names the entry, not a run without it', async () => {
    // A module hook that makes `import('heartsocket/live-view')` fail, as in a checkout not built yet.
    const hooks = mkdtempSync(join(tmpdir(), 'heartsocket-demo-'));
    try {
      writeFileSync(
        join(hooks, 'hooks.mjs'),
        `export async function resolve(specifier, context, next) {
  if (specifier === 'heartsocket/live-view') throw new Error('not here (hidden by the test)');
  return next(specifier, context);
}
`,
      );
      writeFileSync(join(hooks, 'register.mjs'), "import { register } from 'node:module';\nregister('./hooks.mjs', import.meta.url);\n");
      const run = await runDemo(['--fast', '--live-view'], 30_000, ['--import', join(hooks, 'register.mjs')]);
      expect(run.code, run.stdout + run.stderr).toBe(1);
      expect(run.stderr).toMatch(/^demo: --live-view: heartsocket\/live-view could not be imported \(not here \(hidden by the test\)\)/m);
      expect(run.stdout).not.toMatch(/▶ 1\./);
    } finally {
      rmSync(hooks, { recursive: true, force: true });
    }
  }, 40_000);

  it('explains its flags, and rejects unknown ones with exit code 2', async () => {
    const help = await runDemo(['--help'], 20_000);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--url <ws-url>/);
    const bad = await runDemo(['--no-such-flag'], 20_000);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/Unknown option '--no-such-flag'/);
  }, 40_000);
});
