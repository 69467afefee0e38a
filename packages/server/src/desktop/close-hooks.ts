/** What must finish before a desktop lets go of its display (a recording writing its last frames). */
export class CloseHooks {
  private readonly hooks = new Set<() => Promise<void>>();

  add(hook: () => Promise<void>): void {
    this.hooks.add(hook);
  }

  /** Runs every hook once; one that fails does not keep the others (or the close) from running. */
  async run(): Promise<void> {
    const hooks = [...this.hooks];
    this.hooks.clear();
    await Promise.allSettled(hooks.map((hook) => hook()));
  }
}
