/**
 * One global queue for input actions (mouse, keyboard, scroll): actions from every connection
 * run one at a time in arrival order, so two agents never interleave keystrokes.
 */
export class InputQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    // The queue waits for the task to settle, whatever its outcome.
    this.tail = result.catch(() => undefined);
    return result;
  }
}
