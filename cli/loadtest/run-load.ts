// One autocannon run (its programmatic API), with a live count of responses and a way to stop it early.
import autocannon from "autocannon";

export interface LoadOptions {
  /** The API's origin; the requests carry absolute paths. */
  url: string;
  requests: autocannon.Request[];
  connections: number;
  /** Seconds; ignored when `amount` is given. */
  durationS?: number;
  /** Stop after this many responses. */
  amount?: number;
  /** Requests per second across all connections. */
  rate?: number;
  /** Aborting stops the load; the result then covers what ran until then. */
  signal?: AbortSignal;
  /** About once a second. */
  onTick?: (progress: LoadProgress) => void;
}

export interface LoadProgress {
  elapsedS: number;
  responses: number;
  non2xx: number;
  errors: number;
  /** Responses in the last second. */
  lastSecond: number;
}

export function runLoad(options: LoadOptions): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const progress: LoadProgress = { elapsedS: 0, responses: 0, non2xx: 0, errors: 0, lastSecond: 0 };
    const instance = autocannon(
      {
        url: options.url,
        requests: options.requests,
        connections: options.connections,
        ...(options.amount !== undefined
          ? { amount: options.amount }
          : { duration: options.durationS ?? 10 }),
        ...(options.rate !== undefined && { overallRate: options.rate }),
      },
      (error, result) => {
        options.signal?.removeEventListener("abort", stop);
        if (error) reject(error);
        else resolve(result);
      },
    );
    const stop = () => instance.stop();
    if (options.signal?.aborted) stop();
    options.signal?.addEventListener("abort", stop, { once: true });
    instance.on("response", (_client, statusCode) => {
      progress.responses += 1;
      if (statusCode < 200 || statusCode > 299) progress.non2xx += 1;
    });
    instance.on("reqError", () => {
      progress.errors += 1;
    });
    // The types declare the tick listener without its argument ({counter, bytes} for the past second).
    instance.on("tick", (...args: unknown[]) => {
      const tick = args[0] as { counter?: number } | undefined;
      progress.elapsedS = (Date.now() - started) / 1000;
      progress.lastSecond = tick?.counter ?? 0;
      options.onTick?.({ ...progress });
    });
  });
}
