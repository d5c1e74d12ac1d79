// The live view's diagram component (visualizations/page/live-view/diagramView.ts) in headless
// Chromium at 1280×800, in an 800 px panel as the live view gives it: the real machine model laid
// out by Graphviz's wasm in the page, with the socket's timings, labels measured in the page's
// fonts. Everything is measured in the page: text boxes, on-screen font sizes, zoom.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleForPage } from '../../visualizations/page/build.js';
import { launchChromium } from './chromium.js';

const root = new URL('../..', import.meta.url).pathname;
const ARTIFACTS = join(root, 'test-artifacts');

const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><style>
  body { margin: 0; font: 13px/1.4 system-ui, sans-serif; }
  #panel { width: 800px; height: 760px; padding: 12px; box-sizing: border-box; }
</style></head><body><div id="panel"></div></body></html>`;

let browser: Awaited<ReturnType<typeof launchChromium>> | null = null;
let page: Page | null = null;
const errors: string[] = [];

beforeAll(async () => {
  const bundle = await bundleForPage(root, 'tests/browser/diagramHarness.ts');
  browser = await launchChromium({ viewport: { width: 1280, height: 800 } });
  page = await browser.context.newPage();
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  await page.setContent(PAGE);
  await page.addScriptTag({ content: bundle });
}, 60_000);

afterAll(async () => {
  await page?.close();
  await browser?.close();
});

/** Renders in the page and waits for it. */
async function render(settings: unknown, mode: 'flat' | 'full'): Promise<void> {
  await page!.evaluate(([s, m]) => (window as any).harness.view.render(s, m) as Promise<void>, [settings, mode] as const);
}

const svgText = (): Promise<string> => page!.evaluate(() => document.querySelector('#panel svg')!.textContent ?? '');

/** Geometry measured in the page: node texts outside their shape, overlapping edge labels, font sizes on screen. */
function measureLabels(): Promise<{
  nodeOverflows: string[];
  edgeOverlaps: string[];
  edgeOnNode: string[];
  smallestFontOnScreen: number;
  texts: number;
}> {
  return page!.evaluate(() => {
    const svg = document.querySelector<SVGSVGElement>('#panel svg')!;
    const onScreen = svg.getBoundingClientRect().width / Number(svg.getAttribute('width'));
    const inside = (inner: DOMRect, outer: DOMRect, slack = 0.5) =>
      inner.x >= outer.x - slack &&
      inner.y >= outer.y - slack &&
      inner.x + inner.width <= outer.x + outer.width + slack &&
      inner.y + inner.height <= outer.y + outer.height + slack;
    const overlap = (a: DOMRect, b: DOMRect) =>
      a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
    const nodeOverflows: string[] = [];
    const shapes: { id: string; box: DOMRect }[] = [];
    for (const node of Array.from(svg.querySelectorAll('g.node'))) {
      const shape = node.querySelector<SVGGraphicsElement>('path, polygon');
      if (shape === null) continue;
      const box = shape.getBBox();
      shapes.push({ id: node.id, box });
      for (const text of Array.from(node.querySelectorAll('text'))) {
        if (!inside(text.getBBox(), box)) nodeOverflows.push(`${node.id}: "${text.textContent}"`);
      }
    }
    const labels: { id: string; text: string; box: DOMRect }[] = [];
    for (const edge of Array.from(svg.querySelectorAll('g.edge'))) {
      for (const text of Array.from(edge.querySelectorAll('text'))) labels.push({ id: edge.id, text: text.textContent ?? '', box: text.getBBox() });
    }
    const edgeOverlaps: string[] = [];
    for (let i = 0; i < labels.length; i += 1) {
      for (let j = i + 1; j < labels.length; j += 1) {
        if (labels[i]!.id !== labels[j]!.id && overlap(labels[i]!.box, labels[j]!.box)) {
          edgeOverlaps.push(`"${labels[i]!.text}" (${labels[i]!.id}) × "${labels[j]!.text}" (${labels[j]!.id})`);
        }
      }
    }
    const edgeOnNode: string[] = [];
    for (const label of labels) {
      for (const shape of shapes) if (overlap(label.box, shape.box)) edgeOnNode.push(`"${label.text}" on ${shape.id}`);
    }
    const sizes = Array.from(svg.querySelectorAll('text')).map((text) => Number(text.getAttribute('font-size')) * onScreen);
    return { nodeOverflows, edgeOverlaps, edgeOnNode, smallestFontOnScreen: Math.min(...sizes), texts: sizes.length };
  });
}

const view = (): Promise<{ scale: number; x: number; y: number }> => page!.evaluate(() => (window as any).harness.view.view);

describe('the live view diagram in Chromium at 1280×800', () => {
  it('labels the flat view with the socket’s own timings, and follows new settings', async () => {
    await render({ heartbeat: { enabled: true, interval: 1234, timeout: 567 }, reconnect: { delay: 890 }, closeTimeout: 321 }, 'flat');
    const text = await svgText();
    expect(text).toContain('silent 1234 ms');
    expect(text).toContain('no pong in 567 ms');
    expect(text).toContain('retry after 890 ms');
    expect(text).toContain('no close in 321 ms');
    expect(text).not.toContain('3000 ms');
    expect(await page!.textContent('.hs-diagram-timings')).toMatch(/watched socket/);

    await render({ heartbeat: { enabled: true, interval: 4321, timeout: 765 } }, 'flat');
    const after = await svgText();
    expect(after).toContain('silent 4321 ms');
    expect(after).toContain('no pong in 765 ms');
    expect(after).not.toContain('1234');

    await render(null, 'flat');
    expect(await svgText()).toContain('silent 3000 ms');
    expect(await page!.textContent('.hs-diagram-timings')).toMatch(/defaults/);
    expect(errors).toEqual([]);
  });

  it('draws the six states, with every label inside its box and readable at fit (≥ 11 px)', async () => {
    await render({ heartbeat: { enabled: true, interval: 1234, timeout: 567 } }, 'flat');
    const ids = await page!.$$eval('#panel svg g.node', (nodes) => nodes.map((node) => node.id));
    expect(ids.filter((id) => id.startsWith('flat-state-')).sort()).toEqual(
      ['awaitingPong', 'closed', 'closing', 'connecting', 'open', 'reconnectWait'].map((name) => `flat-state-${name}`),
    );
    mkdirSync(ARTIFACTS, { recursive: true });
    await page!.screenshot({ path: join(ARTIFACTS, 'live-view-diagram-flat.png') });
    const labels = await measureLabels();
    expect(labels.texts).toBeGreaterThan(20);
    expect(labels.nodeOverflows).toEqual([]);
    expect(labels.edgeOverlaps).toEqual([]);
    expect(labels.edgeOnNode).toEqual([]);
    expect(labels.smallestFontOnScreen).toBeGreaterThanOrEqual(11);

    // Longer wording (a backoff, long timeouts) still fits and stays readable.
    await render(
      { heartbeat: { enabled: true, interval: 25000, timeout: 10000 }, reconnect: { delay: 1000, factor: 2, maxDelay: 30000, jitter: 0.5 }, connectTimeout: 15000 },
      'flat',
    );
    expect(await svgText()).toContain('×2 each retry');
    const long = await measureLabels();
    expect(long.nodeOverflows).toEqual([]);
    expect(long.edgeOverlaps).toEqual([]);
    expect(long.edgeOnNode).toEqual([]);
    expect(long.smallestFontOnScreen).toBeGreaterThanOrEqual(11);
    await page!.screenshot({ path: join(ARTIFACTS, 'live-view-diagram-flat-backoff.png') });
  });

  it('draws the full nested chart with every label inside its box, and switches back', async () => {
    await render({ heartbeat: { enabled: true, interval: 1234, timeout: 567 } }, 'flat');
    await page!.click('.hs-diagram button[data-action="mode"]');
    await page!.waitForFunction(() => (window as any).harness.view.mode === 'full' && document.querySelector('#panel svg[data-mode="full"]'));
    const text = await svgText();
    expect(text).toContain('no pong in 567 ms');
    expect(text).toContain('retry allowed');
    expect(text).not.toMatch(/mayReconnect|resetRetries|notePingSent/);
    await page!.screenshot({ path: join(ARTIFACTS, 'live-view-diagram-full.png') });
    const labels = await measureLabels();
    expect(labels.nodeOverflows).toEqual([]);
    expect(labels.edgeOverlaps).toEqual([]);
    // Zoomed in, as a reader of the full chart would look at it.
    for (let i = 0; i < 4; i += 1) await page!.click('.hs-diagram button[data-action="zoom-in"]');
    await page!.screenshot({ path: join(ARTIFACTS, 'live-view-diagram-full-zoomed.png') });

    await page!.click('.hs-diagram button[data-action="mode"]');
    await page!.waitForFunction(() => document.querySelector('#panel svg[data-mode="flat"]') !== null);
    expect(await page!.evaluate(() => (window as any).harness.view.mode)).toBe('flat');
  });

  it('zooms with the wheel around the pointer, pans by dragging, and Fit restores the fit', async () => {
    await render({ heartbeat: { enabled: true, interval: 1234, timeout: 567 } }, 'flat');
    await page!.click('.hs-diagram button[data-action="fit"]');
    const fitted = await view();
    const panel = (await page!.$('.hs-diagram-viewport'))!;
    const box = (await panel.boundingBox())!;
    const pointer = { x: Math.round(box.x + box.width / 3), y: Math.round(box.y + box.height / 2) }; // whole pixels, as events carry them
    /** The diagram point (SVG units) under the pointer, measured from where the page draws the SVG. */
    const underPointer = () =>
      page!.evaluate((at) => {
        const svg = document.querySelector('#panel svg')!;
        const rect = svg.getBoundingClientRect();
        const scale = rect.width / Number(svg.getAttribute('width'));
        return [(at.x - rect.left) / scale, (at.y - rect.top) / scale];
      }, pointer);
    await page!.mouse.move(pointer.x, pointer.y);
    const before = await underPointer();
    await page!.mouse.wheel(0, -400);
    await page!.waitForFunction((scale) => (window as any).harness.view.view.scale > scale * 1.2, fitted.scale);
    const zoomed = await view();
    expect(zoomed.scale).toBeGreaterThan(fitted.scale * 1.2);
    // Around the pointer: the diagram point under it stays under it.
    const after = await underPointer();
    expect(after[0]).toBeCloseTo(before[0]!, 1);
    expect(after[1]).toBeCloseTo(before[1]!, 1);
    const screen = await page!.evaluate(() => document.querySelector('#panel svg')!.getBoundingClientRect().width);
    expect(screen).toBeGreaterThan(0);

    await page!.mouse.down();
    await page!.mouse.move(pointer.x + 60, pointer.y + 30, { steps: 3 });
    await page!.mouse.up();
    const panned = await view();
    expect(panned.x - zoomed.x).toBeCloseTo(60, 0);
    expect(panned.y - zoomed.y).toBeCloseTo(30, 0);

    await page!.click('.hs-diagram button[data-action="zoom-out"]');
    expect((await view()).scale).toBeCloseTo(zoomed.scale / 1.25, 5);
    await page!.click('.hs-diagram button[data-action="fit"]');
    expect(await view()).toEqual(fitted);

    // Limits: no further than 4× in, 0.1× out.
    await page!.mouse.move(pointer.x, pointer.y);
    for (let i = 0; i < 8; i += 1) await page!.mouse.wheel(0, -2000);
    await page!.waitForFunction(() => (window as any).harness.view.view.scale === 4);
    for (let i = 0; i < 8; i += 1) await page!.mouse.wheel(0, 4000);
    await page!.waitForFunction(() => (window as any).harness.view.view.scale === 0.1);
    await page!.click('.hs-diagram button[data-action="fit"]');
    expect(await view()).toEqual(fitted);
  });

  it('highlights the active state and marks the transitions taken, in both views', async () => {
    const open = [
      'heartsocket',
      'heartsocket.running',
      'heartsocket.running.live',
      'heartsocket.running.live.connected',
      'heartsocket.running.live.connected.awaitingPong',
      'heartsocket.running.live.connected.awaitingPong.forBufferedInput',
    ];
    const marks = () =>
      page!.evaluate(() => ({
        active: Array.from(document.querySelectorAll('#panel .active')).map((element) => element.id),
        taken: Array.from(document.querySelectorAll('#panel .taken')).map((element) => element.id),
      }));
    await render({ heartbeat: { enabled: true, interval: 1234, timeout: 567 } }, 'flat');
    await page!.evaluate((ids) => {
      const view = (window as any).harness.view;
      view.highlight(ids);
      view.flash(['t30', 't28']); // forPong → forBufferedInput stays in awaitingPong; open → awaitingPong does not (the handshake's transitions come before these in the numbering)
    }, open);
    const flat = await marks();
    expect(flat.active).toEqual(['flat-state-awaitingPong']);
    const flatEdge = await page!.evaluate(
      () => Array.from(document.querySelectorAll('#panel g.edge.taken')).map((edge) => edge.querySelector('title')!.textContent),
    );
    expect(flatEdge).toEqual(['open->awaitingPong']);
    await page!.screenshot({ path: join(ARTIFACTS, 'live-view-diagram-flat-marked.png') });

    // The marks carry over to the other view, on its own elements.
    await render({ heartbeat: { enabled: true, interval: 1234, timeout: 567 } }, 'full');
    const full = await marks();
    expect(full.active).toEqual(open.map((id) => `state-${id}`));
    expect(full.taken.sort()).toEqual(['t28', 't30']);
    const classes = await page!.evaluate(() => ({
      leaf: document.getElementById('state-heartsocket.running.live.connected.awaitingPong.forBufferedInput')!.getAttribute('class'),
      cluster: document.getElementById('state-heartsocket.running.live.connected')!.getAttribute('class'),
    }));
    expect(classes.leaf).toBe('node active');
    expect(classes.cluster).toBe('cluster active');
  });

  it('does not lay out again when nothing changed', async () => {
    const marked = () => page!.evaluate(() => (document.querySelector<SVGSVGElement>('#panel svg')!.dataset.marked ?? '') === 'yes');
    await render({ heartbeat: { interval: 1000 } }, 'flat');
    await page!.evaluate(() => {
      document.querySelector<SVGSVGElement>('#panel svg')!.dataset.marked = 'yes';
    });
    await render({ heartbeat: { interval: 1000 } }, 'flat');
    expect(await marked()).toBe(true); // the same SVG element: nothing was redone
    await render({ heartbeat: { interval: 1001 } }, 'flat');
    expect(await marked()).toBe(false);
  });

  it('shows a readable message when Graphviz cannot be loaded', async () => {
    const shown = await page!.evaluate(async () => {
      const { DiagramView, model } = (window as any).harness;
      const box = document.createElement('div');
      box.style.cssText = 'width:400px;height:300px';
      document.body.appendChild(box);
      const failing = new DiagramView(box, model, { loadLayout: () => Promise.reject(new Error('wasm blocked')) });
      await failing.render(null, 'flat');
      const message = box.querySelector('.hs-diagram-error') as HTMLElement;
      const result = { text: message.textContent, hidden: message.hidden, svg: box.querySelector('svg') !== null };
      box.remove();
      return result;
    });
    expect(shown).toEqual({ text: 'The diagram could not be drawn: wasm blocked', hidden: false, svg: false });
  });
});
