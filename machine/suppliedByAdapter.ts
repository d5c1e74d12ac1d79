/**
 * An implementation the adapter must supply: the machine does no I/O of its own. Using the bare
 * machine without providing it fails loudly instead of sitting in `connecting` forever.
 */
export function suppliedByAdapter(name: string): () => never {
  return () => {
    throw new Error(
      `heartsocket: socketMachine needs "${name}" from its adapter; run it with createSocketActor() or ` +
        `provide it: socketMachine.provide({ ${name === 'socket' ? 'actors' : 'actions'}: { ${name} } }).`,
    );
  };
}
