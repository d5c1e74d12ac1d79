/**
 * heartsocket/resume — resumable sessions (docs/resume.md, docs/protocol.md): every message
 * delivered exactly once and in order across reconnects, with a server that keeps sessions
 * (`heartsocket/server`). An entry of its own, so that an app without it ships none of it.
 *
 * @module heartsocket/resume
 */
import type { ResumeOption } from '../session.js';
import { resolveResumeSettings, type ResumableOptions } from './options.js';
import { sessionMachines } from './machine.js';
import { Session } from './session.js';
import { SessionLink } from './sessionLink.js';

/**
 * Turns resumable sessions on, for the `resume` option of `HeartSocket`, `createSocketActor` or
 * `useHeartSocket`. Each connection keeps one session for as long as it lives.
 *
 * @param options The bound of the unacknowledged messages (`maxMessages` 1000, `maxBytes` 1 MiB),
 *   `ackEvery` (64) and the handshake's `timeout` (5000 ms). A bad one throws TypeError/RangeError.
 * @example
 * ```ts
 * import { HeartSocket } from 'heartsocket';
 * import { resumable } from 'heartsocket/resume';
 *
 * const socket = new HeartSocket('wss://example.com/feed', [], { resume: resumable({ maxMessages: 500 }) });
 * socket.onopen = (event) => {
 *   if (!event.resumed) subscribe(); // a resumed session still has its subscriptions
 * };
 * socket.addEventListener('resume', (event) => {
 *   if (!event.resumed && event.reason !== null) resyncFromServer();
 * });
 * ```
 */
export function resumable(options?: ResumableOptions): ResumeOption {
  const settings = resolveResumeSettings(options);
  return Object.freeze<ResumeOption>({
    handshakeTimeout: settings.timeout,
    machines: sessionMachines,
    createLink: (queueMax, hooks, now, heartbeat) => new SessionLink(queueMax, hooks, now, new Session(settings, hooks, heartbeat)),
  });
}

export { RESUME_DEFAULTS, type ResumableOptions, type ResumeSettings } from './options.js';
export type { ResumeOption, SessionInfo } from '../session.js';
