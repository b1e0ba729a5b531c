// Admission control: the CPU shares of busy environments never add up to more than the machine's cores, so
// invocations that run side by side are measured as if each ran alone. Excess invocations wait, first come
// first served. An invocation is always admitted when nothing else holds CPU budget, so a share larger than
// the machine (e.g. 3008 MB on a 1-core box) cannot deadlock.

/** Tag that exempts a function from CPU admission (orchestrators that wait on the invocations they make). */
export const CPU_ADMISSION_TAG = "powertune:cpu-admission";

interface Waiter {
  share: number;
  admit: () => void;
}

export class CpuAdmission {
  private busyShare = 0;
  private holders = 0;
  private readonly queue: Waiter[] = [];

  constructor(readonly cores: number) {}

  /** CPU budget (in cores) held by running invocations. */
  get inUse(): number {
    return this.busyShare;
  }

  get waiting(): number {
    return this.queue.length;
  }

  /**
   * Waits until `share` cores are free, then holds them until the returned release function is called.
   * A share of 0 (orchestration functions that mostly wait on other invocations) is admitted at once.
   */
  async acquire(share: number): Promise<() => void> {
    if (share <= 0) return () => {};
    if (this.queue.length === 0 && this.fits(share)) {
      this.take(share);
    } else {
      await new Promise<void>((resolve) => {
        this.queue.push({ share, admit: resolve });
      });
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.busyShare -= share;
      this.holders -= 1;
      if (this.holders === 0) this.busyShare = 0; // no drift from floating-point sums
      this.drain();
    };
  }

  private fits(share: number): boolean {
    return this.holders === 0 || this.busyShare + share <= this.cores + 1e-9;
  }

  private take(share: number): void {
    this.busyShare += share;
    this.holders += 1;
  }

  private drain(): void {
    while (this.queue.length > 0) {
      const head = this.queue[0];
      if (!head || !this.fits(head.share)) return;
      this.queue.shift();
      this.take(head.share);
      head.admit();
    }
  }
}
