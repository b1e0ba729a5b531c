// Ctrl-C and SIGTERM: every command registers what must happen before it exits, and one listener runs it all.

type Cleanup = (signal: NodeJS.Signals) => Promise<void> | void;

/** Newest last: a signal runs them newest first, so what was set up last is undone first. */
const cleanups: Cleanup[] = [];

function handle(signal: NodeJS.Signals): void {
  // A second Ctrl-C while cleaning up gets Node's default: exit at once.
  process.off("SIGINT", handle);
  process.off("SIGTERM", handle);
  const pending = cleanups.splice(0).reverse();
  void (async () => {
    for (const cleanup of pending) {
      try {
        await cleanup(signal);
      } catch (error) {
        process.stderr.write(`${signal}: ${(error as Error).message ?? error}\n`);
      }
    }
    process.exit(signal === "SIGINT" ? 130 : 143);
  })();
}

/**
 * Runs `onSignal` on the first Ctrl-C or SIGTERM, then exits 130 or 143; the returned function disarms it.
 * Several may be armed at once: they run one after the other, the most recently armed first (stop the load,
 * then put the memory back, then stop the local cloud it ran on).
 */
export function onInterrupt(onSignal: Cleanup): () => void {
  if (cleanups.length === 0) {
    process.on("SIGINT", handle);
    process.on("SIGTERM", handle);
  }
  cleanups.push(onSignal);
  return () => {
    const index = cleanups.indexOf(onSignal);
    if (index >= 0) cleanups.splice(index, 1);
    if (cleanups.length === 0) {
      process.off("SIGINT", handle);
      process.off("SIGTERM", handle);
    }
  };
}

/**
 * Ctrl-C (or SIGTERM) while a command holds a local cloud: stop it cleanly (function processes, cgroups,
 * DynamoDB's store) before exiting, rather than leaving that to the next start's sweep.
 */
export function closeOnInterrupt(
  close: () => Promise<void>,
  log: (line: string) => void,
  consequence?: string,
): () => void {
  return onInterrupt((signal) => {
    log(`${signal}: stopping the local cloud…${consequence ? ` (${consequence})` : ""}`);
    return close().catch((error: unknown) =>
      log(`stopping the local cloud failed: ${(error as Error).message ?? error}`),
    );
  });
}

/**
 * Ctrl-C (or SIGTERM) while a command follows an execution that runs elsewhere (a running local cloud, AWS):
 * the execution goes on without it; say so, and where, before exiting.
 */
export function explainOnInterrupt(explanation: string): () => void {
  return onInterrupt((signal) => {
    process.stderr.write(`\n${signal}: stopped following; ${explanation}\n`);
  });
}
