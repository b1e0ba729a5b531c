// How many execution environments may initialise at once: one count for every service sharing a CPU budget
// (identities.ts), since an init runs unthrottled and takes a core while it lasts.

export class InitSlots {
  private used = 0;
  private peakUsed = 0;
  private readonly listeners = new Set<() => void>();

  constructor(readonly limit: number) {}

  /** The most inits that ran at one time. */
  get peak(): number {
    return this.peakUsed;
  }

  get inUse(): number {
    return this.used;
  }

  /** Takes a slot if one is free. */
  tryTake(): boolean {
    if (this.used >= this.limit) return false;
    this.used += 1;
    this.peakUsed = Math.max(this.peakUsed, this.used);
    return true;
  }

  /** Gives a slot back, and tells every pool waiting for one. */
  release(): void {
    this.used -= 1;
    for (const listener of [...this.listeners]) listener();
  }

  /** Calls `listener` whenever a slot frees; returns how to stop. */
  onRelease(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
