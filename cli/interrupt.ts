/** Runs `onSignal` on the first Ctrl-C or SIGTERM, then exits 130 or 143; the returned function disarms it. */
function onInterrupt(onSignal: (signal: NodeJS.Signals) => Promise<void> | void): () => void {
  const handle = (signal: NodeJS.Signals) => {
    Promise.resolve(onSignal(signal)).finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
  };
  process.once("SIGINT", handle);
  process.once("SIGTERM", handle);
  return () => {
    process.off("SIGINT", handle);
    process.off("SIGTERM", handle);
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
