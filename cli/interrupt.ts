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
