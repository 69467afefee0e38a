import type { NodeRef } from './atspi-client.js';

/** Ids live this long in number: past it the least recently seen are forgotten (then stale). */
const MAX_IDS = 100_000;

/**
 * Short ids (`e1`, `e2`, …) for accessible objects, the same id each time an object is seen, for
 * the server's lifetime: an agent can read a tree, then act on an id from it many steps later.
 */
export class ElementIds {
  private readonly byKey = new Map<string, string>();
  private readonly byId = new Map<string, NodeRef>();
  private next = 1;

  constructor(private readonly maxIds = MAX_IDS) {}

  idOf(ref: NodeRef): string {
    const key = `${ref.bus}\u0000${ref.path}`;
    let id = this.byKey.get(key);
    if (id === undefined) {
      id = `e${this.next++}`;
      this.byId.set(id, ref);
    } else {
      // Seen again: moves to the young end of both maps.
      this.byKey.delete(key);
      this.byId.delete(id);
      this.byId.set(id, ref);
    }
    this.byKey.set(key, id);
    if (this.byKey.size > this.maxIds) {
      const [oldKey, oldId] = this.byKey.entries().next().value!;
      this.byKey.delete(oldKey);
      this.byId.delete(oldId);
    }
    return id;
  }

  refOf(id: string): NodeRef | undefined {
    return this.byId.get(id);
  }

  get size(): number {
    return this.byKey.size;
  }
}
