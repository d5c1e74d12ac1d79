/**
 * The live view's diagram, as one component: the statechart laid out in the page with the watched
 * socket's real timings, as the six-state view (`flat`) or the full nested chart (`full`), with
 * zoom and pan, the active state highlighted and the transitions just taken marked.
 *
 * Labels are measured in the page before Graphviz (WebAssembly, loaded once) lays them out:
 * Graphviz's own guess of Helvetica's widths is not what the browser draws, and text overflowed
 * its boxes. The integrator mounts it and feeds it:
 *
 * ```ts
 * const diagram = new DiagramView(document.getElementById('diagram')!, model);
 * await diagram.render(snapshot.context.settings ?? null, diagram.mode);
 * diagram.highlight(['heartsocket', 'heartsocket.running', …]);
 * diagram.flash(['t23']);
 * ```
 */
import { Graphviz } from '@hpcc-js/wasm-graphviz';
import { dotFromModel, timingsFromSettings, type LabelMeasure, type MachineModel } from '../../diagram/diagram.js';
import { flatModel, toFlatDot, type FlatModel } from '../../diagram/flatDiagram.js';
import type { DiagramLike } from './view.js';

export type DiagramMode = 'flat' | 'full';

/** What lays out DOT: Graphviz's wasm build by default (a test may hand in one that fails). */
export interface DiagramLayout {
  layout(dot: string, format: 'svg', engine: 'dot'): string;
}

export interface DiagramViewOptions {
  /** Loads the layout engine; by default `Graphviz.load()`, once per page. */
  readonly loadLayout?: () => Promise<DiagramLayout>;
}

/** The font Graphviz writes into the SVG (`fontname="Helvetica"`): labels are measured in it. */
const SVG_FONT = 'Helvetica,sans-Serif';
const SVG_NS = 'http://www.w3.org/2000/svg';
/** Zoom limits, relative to the diagram's natural size (one SVG unit = one CSS pixel). */
const MIN_SCALE = 0.1;
const MAX_SCALE = 4;
/** Fit never enlarges beyond this: a small chart is not blown up to fill a large panel. */
const MAX_FIT = 1.5;
const FIT_PADDING = 8;
const BUTTON_ZOOM = 1.25;

/**
 * The component's styles, scoped to `.hs-diagram`; the constructor adds them to the document once.
 * The highlight classes are the live view's (`g.node.active`, `g.cluster.active`, `g.edge.taken`).
 */
export const DIAGRAM_CSS = `
.hs-diagram { position: relative; display: flex; flex-direction: column; height: 100%; min-height: 360px; }
.hs-diagram-toolbar { display: flex; gap: 6px; align-items: center; padding: 0 0 6px; flex-wrap: wrap; }
.hs-diagram-toolbar button { font: inherit; font-size: 12px; min-width: 28px; padding: 2px 8px; border-radius: 4px;
  border: 1px solid #d1d5db; background: #f9fafb; cursor: pointer; }
.hs-diagram-toolbar button[aria-pressed='true'] { background: #2563eb; border-color: #2563eb; color: white; }
.hs-diagram-timings { font-size: 12px; color: #6b7280; margin-left: auto; }
.hs-diagram-viewport { position: relative; flex: 1; min-height: 0; overflow: hidden; cursor: grab;
  border: 1px solid #e5e7eb; border-radius: 4px; background: white; touch-action: none; }
.hs-diagram-viewport.dragging { cursor: grabbing; }
.hs-diagram-viewport > svg { position: absolute; left: 0; top: 0; transform-origin: 0 0; user-select: none; }
.hs-diagram-error { padding: 12px; color: #b91c1c; font-size: 13px; white-space: pre-wrap; }
.hs-diagram g.cluster.active > path { fill: #eff6ff; stroke: #2563eb; stroke-width: 2px; }
.hs-diagram g.node.active > path, .hs-diagram g.node.active > polygon { fill: #fef3c7; stroke: #d97706; stroke-width: 3px; }
.hs-diagram g.edge.taken > path { stroke: #dc2626; stroke-width: 2.5px; }
.hs-diagram g.edge.taken > polygon { fill: #dc2626; stroke: #dc2626; }
/* Red, not bold: labels are laid out to their measured normal width, and bold would overflow it. */
.hs-diagram g.edge.taken > text, .hs-diagram g.node text.taken { fill: #dc2626; font-weight: normal; }
`;

const STYLE_ID = 'hs-diagram-style';

/** Adds {@link DIAGRAM_CSS} to the document, once. */
export function injectDiagramStyles(document: Document): void {
  if (document.getElementById(STYLE_ID) !== null) return;
  const style = document.createElement('style');
  style.id = STYLE_ID;
  style.textContent = DIAGRAM_CSS;
  document.head.appendChild(style);
}

let sharedGraphviz: Promise<DiagramLayout> | null = null;

/** Graphviz's wasm, loaded once per page and shared; a failed load is tried again next time. */
function loadGraphviz(): Promise<DiagramLayout> {
  sharedGraphviz ??= Graphviz.load().catch((error: unknown) => {
    sharedGraphviz = null;
    throw error;
  });
  return sharedGraphviz;
}

export class DiagramView implements DiagramLike {
  readonly #model: MachineModel;
  readonly #loadLayout: () => Promise<DiagramLayout>;
  readonly #root: HTMLDivElement;
  readonly #viewport: HTMLDivElement;
  readonly #error: HTMLDivElement;
  readonly #timingsNote: HTMLSpanElement;
  readonly #modeButton: HTMLButtonElement;
  readonly #measureCache = new Map<string, { width: number; height: number }>();
  #mode: DiagramMode = 'flat';
  #flat: FlatModel | null = null;
  #svg: SVGSVGElement | null = null;
  #size = { width: 0, height: 0 };
  #view = { scale: 1, x: 0, y: 0 };
  #rendered: string | null = null;
  #renders = 0;
  #settings: unknown = null;
  #active: string[] = [];
  #taken: string[] = [];

  constructor(container: HTMLElement, model: MachineModel, options: DiagramViewOptions = {}) {
    this.#model = model;
    this.#loadLayout = options.loadLayout ?? loadGraphviz;
    const document = container.ownerDocument;
    injectDiagramStyles(document);

    this.#root = document.createElement('div');
    this.#root.className = 'hs-diagram';
    const toolbar = document.createElement('div');
    toolbar.className = 'hs-diagram-toolbar';
    const button = (action: string, text: string, title: string): HTMLButtonElement => {
      const element = document.createElement('button');
      element.type = 'button';
      element.dataset.action = action;
      element.textContent = text;
      element.title = title;
      toolbar.appendChild(element);
      return element;
    };
    this.#modeButton = button('mode', 'Full chart', 'Show the full nested chart');
    button('zoom-in', '+', 'Zoom in').addEventListener('click', () => this.#zoomAtCenter(BUTTON_ZOOM));
    button('zoom-out', '−', 'Zoom out').addEventListener('click', () => this.#zoomAtCenter(1 / BUTTON_ZOOM));
    button('fit', 'Fit', 'Fit the diagram to the panel').addEventListener('click', () => this.fit());
    this.#modeButton.addEventListener('click', () => {
      void this.render(this.#settings, this.#mode === 'flat' ? 'full' : 'flat');
    });
    this.#timingsNote = document.createElement('span');
    this.#timingsNote.className = 'hs-diagram-timings';
    toolbar.appendChild(this.#timingsNote);

    this.#viewport = document.createElement('div');
    this.#viewport.className = 'hs-diagram-viewport';
    this.#error = document.createElement('div');
    this.#error.className = 'hs-diagram-error';
    this.#error.setAttribute('role', 'alert');
    this.#error.hidden = true;
    this.#root.append(toolbar, this.#error, this.#viewport);
    container.replaceChildren(this.#root);
    this.#listen();
    // The panel changes size with the window: an untouched view follows it (a zoomed one stays).
    new ResizeObserver(() => {
      if (!this.#zoomedByUser) this.fit();
    }).observe(this.#viewport);
  }

  /** The person zoomed or panned: resizing the panel no longer refits (Fit does). */
  #zoomedByUser = false;

  /** The view shown: the six states (`flat`) or the full nested chart. */
  get mode(): DiagramMode {
    return this.#mode;
  }

  /** The current zoom: scale (1 = one SVG unit per CSS pixel) and offset in the panel. */
  get view(): { readonly scale: number; readonly x: number; readonly y: number } {
    return { ...this.#view };
  }

  /**
   * Lays the diagram out anew with these settings (the machine context's `settings`, as JSON;
   * `null`: the defaults, and the view says so), in this mode. Nothing is redone when both are
   * as last drawn. Errors are shown in the container, not thrown.
   */
  async render(settings: unknown, mode: DiagramMode): Promise<void> {
    const key = `${mode}\n${JSON.stringify(settings ?? null)}`;
    if (key === this.#rendered) return;
    const run = ++this.#renders;
    this.#settings = settings;
    try {
      const layout = await this.#loadLayout();
      if (run !== this.#renders) return; // a newer render was asked for meanwhile
      const timings = timingsFromSettings(settings);
      const measure = this.#measurer();
      let dot: string;
      if (mode === 'flat') {
        this.#flat = flatModel(this.#model, timings);
        dot = toFlatDot(this.#model, { timings, labelSize: measure });
      } else {
        dot = dotFromModel(this.#model, { timings, readable: true, labelSize: measure });
      }
      const svgText = layout.layout(dot, 'svg', 'dot');
      this.#show(svgText, mode);
      this.#timingsNote.textContent = timings.fromDefaults
        ? 'Timings: the defaults (no socket settings yet)'
        : "Timings: the watched socket's settings";
      this.#rendered = key;
    } catch (error) {
      if (run !== this.#renders) return;
      this.#rendered = null;
      this.#svg?.remove();
      this.#svg = null;
      this.#error.hidden = false;
      this.#error.textContent = `The diagram could not be drawn: ${error instanceof Error ? error.message : String(error)}`;
    }
  }

  /** Lays the diagram out with a socket's settings, in the mode shown (what the live view calls). */
  showSettings(settings: unknown): void {
    void this.render(settings, this.#mode);
  }

  /** Marks the active states: model state ids, root to leaf. The flat view marks their flat state. */
  highlight(activeStateIds: readonly string[]): void {
    this.#active = [...activeStateIds];
    this.#mark('active', this.#elementsOfStates(this.#active));
  }

  /** Marks the edges of the transitions just taken (model ids `t<n>`), until the next call. */
  flash(transitionIds: readonly string[]): void {
    this.#taken = [...transitionIds];
    this.#mark('taken', this.#elementsOfTransitions(this.#taken));
  }

  /** Scales the diagram to the panel (never above 1.5×) and centres it. */
  fit(): void {
    const { width, height } = this.#size;
    if (width === 0 || height === 0) return;
    // The SVG is placed in the padding box: the panel's size without its border.
    const panel = { width: this.#viewport.clientWidth, height: this.#viewport.clientHeight };
    // A panel not laid out yet (hidden, or before the page's first layout) has no size to fit:
    // the ResizeObserver fits again once it has one.
    if (panel.width <= 2 * FIT_PADDING || panel.height <= 2 * FIT_PADDING) return;
    const scale = Math.max(MIN_SCALE, Math.min((panel.width - 2 * FIT_PADDING) / width, (panel.height - 2 * FIT_PADDING) / height, MAX_FIT));
    this.#zoomedByUser = false;
    this.#setView(scale, (panel.width - width * scale) / 2, (panel.height - height * scale) / 2);
  }

  /** Zooms by `factor` keeping the point (`px`, `py`: pixels from the panel's inner top left) where it is. */
  zoomAt(factor: number, px: number, py: number): void {
    const { scale, x, y } = this.#view;
    this.#zoomedByUser = true;
    const next = Math.min(MAX_SCALE, Math.max(Math.min(MIN_SCALE, scale), scale * factor));
    const ratio = next / scale;
    this.#setView(next, px - (px - x) * ratio, py - (py - y) * ratio);
  }

  #zoomAtCenter(factor: number): void {
    this.zoomAt(factor, this.#viewport.clientWidth / 2, this.#viewport.clientHeight / 2);
  }

  #setView(scale: number, x: number, y: number): void {
    this.#view = { scale, x, y };
    if (this.#svg !== null) this.#svg.style.transform = `translate(${x}px, ${y}px) scale(${scale})`;
  }

  #listen(): void {
    this.#viewport.addEventListener(
      'wheel',
      (event) => {
        event.preventDefault();
        const panel = this.#viewport.getBoundingClientRect();
        // deltaMode 1: lines (Firefox); a line is about 16 pixels.
        const delta = event.deltaY * (event.deltaMode === 1 ? 16 : 1);
        const x = event.clientX - panel.left - this.#viewport.clientLeft;
        const y = event.clientY - panel.top - this.#viewport.clientTop;
        this.zoomAt(Math.exp(-delta * 0.0015), x, y);
      },
      { passive: false },
    );
    let drag: { id: number; x: number; y: number } | null = null;
    this.#viewport.addEventListener('pointerdown', (event) => {
      if (event.button !== 0) return;
      drag = { id: event.pointerId, x: event.clientX, y: event.clientY };
      this.#viewport.setPointerCapture(event.pointerId);
      this.#viewport.classList.add('dragging');
    });
    this.#viewport.addEventListener('pointermove', (event) => {
      if (drag === null || event.pointerId !== drag.id) return;
      const { scale, x, y } = this.#view;
      this.#zoomedByUser = true;
      this.#setView(scale, x + event.clientX - drag.x, y + event.clientY - drag.y);
      drag = { id: drag.id, x: event.clientX, y: event.clientY };
    });
    const end = (event: PointerEvent): void => {
      if (drag === null || event.pointerId !== drag.id) return;
      drag = null;
      this.#viewport.classList.remove('dragging');
    };
    this.#viewport.addEventListener('pointerup', end);
    this.#viewport.addEventListener('pointercancel', end);
  }

  /**
   * Measures text as the SVG will draw it: an offscreen `<text>` in the same font, size and
   * weight. Sizes are cached; the probe is removed when the layout is done.
   */
  #measurer(): LabelMeasure {
    const document = this.#root.ownerDocument;
    const probe = document.createElementNS(SVG_NS, 'svg');
    probe.setAttribute('width', '0');
    probe.setAttribute('height', '0');
    probe.setAttribute('aria-hidden', 'true');
    probe.style.cssText = 'position:absolute;left:-10000px;top:0;visibility:hidden';
    const text = document.createElementNS(SVG_NS, 'text');
    text.setAttribute('font-family', SVG_FONT);
    text.style.whiteSpace = 'pre';
    probe.appendChild(text);
    let attached = false;
    return (content, style) => {
      const key = `${style.fontSize}|${style.bold ? 'b' : ''}|${content}`;
      const cached = this.#measureCache.get(key);
      if (cached !== undefined) return cached;
      if (!attached) {
        document.body.appendChild(probe);
        attached = true;
        queueMicrotask(() => probe.remove());
      }
      text.setAttribute('font-size', style.fontSize.toFixed(2));
      text.setAttribute('font-weight', style.bold ? 'bold' : 'normal');
      text.textContent = content;
      const box = text.getBBox();
      const size = { width: Math.max(box.width, text.getComputedTextLength()), height: Math.max(box.height, style.fontSize * 1.2) };
      this.#measureCache.set(key, size);
      return size;
    };
  }

  /** Puts Graphviz's SVG in the panel at one unit per pixel, fitted, with the marks re-applied. */
  #show(svgText: string, mode: DiagramMode): void {
    const holder = this.#root.ownerDocument.createElement('div');
    holder.innerHTML = svgText.slice(svgText.indexOf('<svg'));
    const svg = holder.querySelector('svg');
    if (svg === null) throw new Error('Graphviz returned no SVG');
    const [, , width = 0, height = 0] = (svg.getAttribute('viewBox') ?? '').split(/\s+/).map(Number);
    svg.setAttribute('width', String(width));
    svg.setAttribute('height', String(height));
    // Inline, so that a page's own rules for its SVGs (the live view has `#diagram svg { width: 100% }`) do not resize it.
    svg.style.width = `${width}px`;
    svg.style.height = `${height}px`;
    svg.style.maxWidth = 'none';
    svg.style.maxHeight = 'none';
    svg.dataset.mode = mode;
    this.#svg?.remove();
    this.#viewport.appendChild(svg);
    this.#svg = svg;
    this.#size = { width, height };
    this.#mode = mode;
    this.#error.hidden = true;
    this.#centreNodeNames(svg, mode);
    this.#modeButton.textContent = mode === 'flat' ? 'Full chart' : 'Six states';
    this.#modeButton.title = mode === 'flat' ? 'Show the full nested chart' : 'Show the six-state view';
    this.#root.dataset.mode = mode;
    this.fit();
    this.highlight(this.#active);
    this.flash(this.#taken);
  }

  /**
   * Graphviz writes each label line left-aligned at its cell; a state's name (and in the flat view
   * its description) reads better centred in its box. The box was sized to the measured text, so
   * centring keeps it inside.
   */
  #centreNodeNames(svg: SVGSVGElement, mode: DiagramMode): void {
    for (const node of Array.from(svg.querySelectorAll<SVGGElement>('g.node'))) {
      if (node.id === 'flat-notes') continue; // a list: left-aligned
      const shape = node.querySelector<SVGGraphicsElement>('path, polygon');
      const texts = Array.from(node.querySelectorAll<SVGTextElement>('text'));
      if (shape === null || texts.length === 0) continue;
      const box = shape.getBBox();
      for (const text of mode === 'flat' ? texts : texts.slice(0, 1)) {
        text.setAttribute('text-anchor', 'middle');
        text.setAttribute('x', String(box.x + box.width / 2));
      }
    }
  }

  #elementsOfStates(ids: readonly string[]): Element[] {
    const svg = this.#svg;
    if (svg === null) return [];
    if (this.#mode === 'flat') {
      const flat = this.#flat;
      const name = [...ids].reverse().map((id) => flat?.flatOfState[id] ?? null).find((found) => found !== null);
      const element = name === undefined ? null : svg.querySelector(`[id="flat-state-${name}"]`);
      return element === null ? [] : [element];
    }
    const svgIds = new Map(this.#model.states.map((state) => [state.id, state.svgId]));
    return ids
      .map((id) => svgIds.get(id))
      .map((svgId) => (svgId === undefined ? null : svg.querySelector(`[id="${CSS.escape(svgId)}"]`)))
      .filter((element): element is Element => element !== null);
  }

  #elementsOfTransitions(ids: readonly string[]): Element[] {
    const svg = this.#svg;
    if (svg === null) return [];
    const svgIds =
      this.#mode === 'flat'
        ? ids.flatMap((id) => this.#flat?.edgesOfTransition[id] ?? [])
        : ids.flatMap((id) => this.#model.transitions.find((transition) => transition.id === id)?.svgIds ?? []);
    const edges = [...new Set(svgIds)]
      .map((svgId) => svg.querySelector(`[id="${CSS.escape(svgId)}"]`))
      .filter((element): element is Element => element !== null && element.classList.contains('edge'));
    return [...edges, ...this.#noteLines(svgIds)];
  }

  /** The text lines of the flat view's notes with these ids (the notes box lists them in order, after its title). */
  #noteLines(noteIds: readonly string[]): Element[] {
    const notes = this.#mode === 'flat' ? (this.#flat?.notes ?? []) : [];
    const texts = Array.from(this.#svg?.querySelectorAll('[id="flat-notes"] text') ?? []);
    const found: Element[] = [];
    let index = 1;
    for (const note of notes) {
      if (noteIds.includes(note.id)) found.push(...texts.slice(index, index + note.lines.length));
      index += note.lines.length;
    }
    return found;
  }

  #mark(className: string, elements: readonly Element[]): void {
    for (const element of Array.from(this.#viewport.querySelectorAll(`.${className}`))) element.classList.remove(className);
    for (const element of elements) element.classList.add(className);
  }
}
