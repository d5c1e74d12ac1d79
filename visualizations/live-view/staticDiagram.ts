/**
 * The generated statechart SVG (`socket-machine.svg`) as it is committed: the active states and
 * the transitions just taken are marked through the element ids `socket-machine.json` gives.
 */
import type { MachineModel } from '../diagram.js';

/** What the live view asks of a diagram. */
export interface DiagramLike {
  /** Marks the active state nodes: model state ids, root first. */
  highlight(activeStateIds: readonly string[]): void;
  /** Marks the transitions just taken: model transition ids (`t12`). */
  flash(transitionIds: readonly string[]): void;
  /** The shown socket's settings (as its snapshot carries them), or null: for labels with its timings. */
  showSettings(settings: unknown): void;
}

export class StaticDiagram implements DiagramLike {
  readonly #svgIdOfState = new Map<string, string>();
  readonly #svgIdsOfTransition = new Map<string, readonly string[]>();
  #active: Element[] = [];
  #taken: Element[] = [];

  constructor(
    readonly container: HTMLElement,
    model: MachineModel,
    svg: string,
  ) {
    for (const state of model.states) this.#svgIdOfState.set(state.id, state.svgId);
    for (const transition of model.transitions) this.#svgIdsOfTransition.set(transition.id, transition.svgIds);
    container.innerHTML = svg.slice(svg.indexOf('<svg'));
  }

  highlight(activeStateIds: readonly string[]): void {
    for (const element of this.#active) element.classList.remove('active');
    this.#active = this.#elements(activeStateIds.map((id) => this.#svgIdOfState.get(id)));
    for (const element of this.#active) element.classList.add('active');
  }

  flash(transitionIds: readonly string[]): void {
    for (const element of this.#taken) element.classList.remove('taken');
    const svgIds = transitionIds.flatMap((id) => this.#svgIdsOfTransition.get(id) ?? []);
    this.#taken = this.#elements(svgIds).filter((element) => element.classList.contains('edge'));
    for (const element of this.#taken) element.classList.add('taken');
  }

  showSettings(): void {
    // The committed SVG carries the defaults; it cannot show other timings.
  }

  #elements(svgIds: readonly (string | undefined)[]): Element[] {
    return svgIds.flatMap((id) => {
      const element = id === undefined ? null : this.container.querySelector(`[id="${CSS.escape(id)}"]`);
      return element === null ? [] : [element];
    });
  }
}
