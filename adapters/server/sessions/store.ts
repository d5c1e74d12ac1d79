/**
 * Where a server keeps its sessions, by id: a small interface, in memory by default. A store for
 * several nodes (Redis Streams, say) is described in docs/server.md, "Sessions"; not built.
 */
import type { Session } from './session.js';

/**
 * The sessions of one server, by id. The server calls `set` for a new session, `get` on a resume
 * (one lookup), `delete` when a session has expired or its end has been remembered for `ttl`,
 * and `values()` at each sweep (acks and expiry).
 *
 * @example
 * ```ts
 * class CountingStore extends MemorySessionStore {
 *   override set(session: Session): void {
 *     metrics.increment('sessions_created');
 *     super.set(session);
 *   }
 * }
 * acceptHeartbeats(wss, { sessions: { store: new CountingStore() } });
 * ```
 */
export interface SessionStore {
  /** The session with this id (already checked to be 22 base64url characters), if kept. */
  get(id: string): Session | undefined;
  /** Keeps a new session, by its `id`. */
  set(session: Session): void;
  /** Forgets a session. */
  delete(id: string): void;
  /** Every session kept (deleting while iterating must be allowed, as a `Map`'s iterator allows it). */
  values(): IterableIterator<Session>;
}

/**
 * The default {@link SessionStore}: a `Map` in this process.
 *
 * @example
 * ```ts
 * const store = new MemorySessionStore();
 * acceptHeartbeats(wss, { sessions: { store } });
 * console.log(store.size, 'sessions kept');
 * ```
 */
export class MemorySessionStore implements SessionStore {
  readonly #sessions = new Map<string, Session>();

  /** How many sessions are kept (ended ones waiting out their `ttl` included). */
  get size(): number {
    return this.#sessions.size;
  }

  /** The session with this id, if kept. */
  get(id: string): Session | undefined {
    return this.#sessions.get(id);
  }

  /** Keeps a session, by its `id`. */
  set(session: Session): void {
    this.#sessions.set(session.id, session);
  }

  /** Forgets a session. */
  delete(id: string): void {
    this.#sessions.delete(id);
  }

  /** Every session kept. */
  values(): IterableIterator<Session> {
    return this.#sessions.values();
  }
}
