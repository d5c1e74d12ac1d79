/**
 * The timeline: the last minutes of one socket as a strip of state spans, its outages as a band
 * below (each marked with its cause), and the list of outages, newest first.
 */
import { duration, time } from './format.js';
import type { History, Outage } from './history.js';

/** Where `[from, to)` falls in the window ending at `now`, in percent; null when outside. */
function place(from: number, to: number, now: number, windowMs: number): { left: number; width: number } | null {
  const start = now - windowMs;
  const left = Math.max(from, start);
  const right = Math.min(to, now);
  if (right <= left) return null;
  return { left: ((left - start) / windowMs) * 100, width: Math.max(((right - left) / windowMs) * 100, 0.15) };
}

function bar(className: string, at: { left: number; width: number }, title: string): HTMLDivElement {
  const element = document.createElement('div');
  element.className = className;
  element.style.left = `${at.left}%`;
  element.style.width = `${at.width}%`;
  element.title = title;
  return element;
}

export function describeOutage(outage: Outage, now: number): string {
  const length = duration((outage.to ?? now) - outage.from);
  const span = outage.to === null ? `since ${time(outage.from)} (${length}${outage.ended ? ', ended for good' : ', ongoing'})` : `${time(outage.from)}, ${length}`;
  const attempts = outage.failedAttempts === 0 ? '' : ` · ${outage.failedAttempts} failed attempt${outage.failedAttempts === 1 ? '' : 's'}${outage.lastFailure !== null && outage.lastFailure !== outage.detail ? `, last: ${outage.lastFailure}` : ''}`;
  return `${span} · ${outage.detail}${attempts}`;
}

export function renderTimeline(strip: HTMLElement, list: HTMLOListElement, history: History, now: number, windowMs: number): void {
  const states = history.spans.flatMap((span) => {
    const at = place(span.from, span.to ?? now, now, windowMs);
    if (at === null) return [];
    const element = bar('span', at, `${span.state} ${time(span.from)}, ${duration((span.to ?? now) - span.from)}`);
    element.dataset.state = span.state;
    return [element];
  });
  const outages = history.outages.flatMap((outage) => {
    const at = place(outage.from, outage.to ?? now, now, windowMs);
    if (at === null) return [];
    const element = bar('outage', at, describeOutage(outage, now));
    element.dataset.cause = outage.cause;
    return [element];
  });
  const axis = document.createElement('div');
  axis.className = 'axis';
  axis.textContent = `${duration(windowMs)} ago`;
  const nowLabel = document.createElement('div');
  nowLabel.className = 'axis now';
  nowLabel.textContent = 'now';
  strip.replaceChildren(...states, ...outages, axis, nowLabel);

  const items = history.outages
    .slice()
    .reverse()
    .map((outage) => {
      const item = document.createElement('li');
      item.dataset.cause = outage.cause;
      if (outage.to === null) item.classList.add('ongoing');
      item.textContent = describeOutage(outage, now);
      return item;
    });
  if (items.length === 0) {
    const item = document.createElement('li');
    item.className = 'none';
    item.textContent = 'no outage so far';
    items.push(item);
  }
  list.replaceChildren(...items);
}
