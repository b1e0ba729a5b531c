/**
 * Ctrl-C (or SIGTERM) while a command holds a local cloud: stop it cleanly (function processes, cgroups,
 * DynamoDB's store) before exiting, rather than leaving that to the next start's sweep.
 */
export function closeOnInterrupt(close: () => Promise<void>, log: (line: string) => void): () => void {
  const onSignal = (signal: NodeJS.Signals) => {
    log(`${signal}: stopping the local cloud…`);
    close()
      .catch((error: unknown) => log(`stopping the local cloud failed: ${(error as Error).message ?? error}`))
      .finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  return () => {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  };
}

/**
 * Ctrl-C (or SIGTERM) while a command follows an execution that runs elsewhere (a running local cloud, AWS):
 * the execution goes on without it; say so, and where, before exiting.
 */
export function explainOnInterrupt(explanation: string): () => void {
  const onSignal = (signal: NodeJS.Signals) => {
    process.stderr.write(`\n${signal}: stopped following; ${explanation}\n`);
    process.exit(signal === "SIGINT" ? 130 : 143);
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  return () => {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  };
}
