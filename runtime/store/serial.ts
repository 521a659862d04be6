/**
 * Runs async tasks one at a time. The image store serialises everything that changes it (load, remove, tag):
 * "is this blob or snapshot used by another image?" must not change under a running load or remove.
 */
export class Serial {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.catch(() => {});
    return result;
  }
}
