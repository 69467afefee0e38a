/**
 * One global queue for input actions (mouse, keyboard, scroll): actions from every connection
 * run one at a time in arrival order, so two agents never interleave keystrokes.
 */
export class InputQueue {
  private tail: Promise<unknown> = Promise.resolve();

  /**
   * The next task starts once this one settles, whatever its outcome, or once it calls
   * `release` (its input is done and only waiting is left, e.g. for the screen to settle).
   */
  run<T>(task: (release: () => void) => Promise<T>): Promise<T> {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const start = () => task(release);
    const result = this.tail.then(start, start);
    this.tail = Promise.race([released, result.catch(() => undefined)]);
    return result;
  }
}
