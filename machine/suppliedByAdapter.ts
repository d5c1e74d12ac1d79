/**
 * What the statechart names and the adapter implements (the socket, the queue, the network
 * signal, the session's socket): nothing, in the machine's setup. The adapters provide the real
 * ones; the exported machines are provided with {@link suppliedByAdapter}'s loud stand-ins
 * (`withStandIns`), so that an app's bundle carries neither the stand-ins nor their messages.
 */
export function implementedByAdapter(): void {}

/**
 * The exported machines' stand-in for an implementation the adapter must supply: the machine does
 * no I/O of its own. Using the bare machine without providing it fails loudly instead of sitting
 * in `connecting` forever.
 */
export function suppliedByAdapter(name: string): () => never {
  return () => {
    throw new Error(
      `heartsocket: socketMachine needs "${name}" from its adapter; run it with createSocketActor() or ` +
        `provide it: socketMachine.provide({ ${name === 'socket' ? 'actors' : 'actions'}: { ${name} } }).`,
    );
  };
}
