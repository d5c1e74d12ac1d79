/**
 * `npm run viz` and `npm run viz:serve`, through `visualizations/viz.mjs` (which compiles this
 * file with esbuild, as the repository has no TypeScript runtime).
 *
 * - `generate` (the default): writes the diagrams (`socket-machine.mmd`, `.dot`, `.svg`, `.json`,
 *   and the diagram in docs/internals.md) and the live view's script (`build/live-view.js`).
 * - `serve [--port N]`: serves the live view on 127.0.0.1 (default port 8090) with the relay for
 *   Node processes, until Ctrl-C. Pages of other origins may not use the relay: each refusal is printed.
 */
import { buildLiveView, writeLiveView } from './page/build.js';
import { writeDiagrams } from './diagram/generate.js';
import { startLiveViewServer } from './page/serve.js';

export async function main(argv: readonly string[], root: string): Promise<void> {
  const [command = 'generate', ...rest] = argv;
  if (command === 'generate') {
    const written = [...(await writeDiagrams(root)), await writeLiveView(root)];
    for (const path of written) console.log(`wrote ${path}`);
    return;
  }
  if (command === 'serve') {
    const portFlag = rest.indexOf('--port');
    const port = portFlag === -1 ? 8090 : Number(rest[portFlag + 1]);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`viz serve: bad --port ${rest[portFlag + 1]}`);
    const server = await startLiveViewServer({
      root,
      port,
      bundle: await buildLiveView(root),
      onRefused: (_origin, reason) => console.error(`refused a connection: ${reason}`),
    });
    console.log(`live view:  ${server.url}/live-view.html`);
    console.log(`relay:      ${server.relayUrl}`);
    console.log('');
    console.log('In a Node process (Node 20 needs ws; browsers and Node 22+ omit it):');
    console.log(`  import { createLiveViewInspector } from 'heartsocket/live-view';`);
    console.log(`  const live = createLiveViewInspector('${server.relayUrl}', { WebSocket });`);
    console.log(`  new HeartSocket(url, [], { WebSocket, inspect: live.inspect });`);
    console.log('');
    console.log('Ctrl-C to stop.');
    const stop = (): void => {
      server.close().then(() => process.exit(0), () => process.exit(1));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    return;
  }
  throw new Error(`viz: unknown command ${command}; use "generate" or "serve [--port N]"`);
}
