// One local cloud per data directory: DynamoDB's files there cannot be opened by two processes at once.
import { readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isProcessAlive } from "./shared/process.js";

export class DataDirInUseError extends Error {
  override readonly name = "DataDirInUseError";
}

/** Data dirs this process holds, to tell its own claim from one a previous process with the same pid left. */
const claimedHere = new Set<string>();

export interface DataDirClaim {
  /** Notes the endpoint, so a second command pointed at this data dir can be told where the cloud is. */
  noteEndpoint(endpoint: string): void;
  release(): void;
}

/**
 * Claims `dataDir` for this process through `<dataDir>/cloud.pid` (pid, then endpoint), or refuses, naming
 * the process that holds it. A file left by a process that is gone (kill -9) is taken over.
 */
export function claimDataDir(dataDir: string): DataDirClaim {
  const file = join(dataDir, "cloud.pid");
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(file, `${process.pid}\n`, { flag: "wx" });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const [pidLine = "", endpoint] = readFileSync(file, "utf8").split("\n");
      const owner = Number.parseInt(pidLine, 10);
      // Our own pid holds it only if this process claimed it (a restarted container reuses low pids).
      const held =
        owner === process.pid ? claimedHere.has(file) : Number.isInteger(owner) && isProcessAlive(owner);
      // A second attempt that finds the file again lost a race with another starter.
      if (held || attempt > 0) {
        const reach = endpoint ? `reach it with --endpoint ${endpoint}, ` : "";
        throw new DataDirInUseError(
          `${dataDir} is in use by another local cloud (pid ${owner}): ${reach}stop it, or give this command another --data-dir`,
        );
      }
      unlinkSync(file); // its process is gone
    }
  }
  claimedHere.add(file);
  const ours = () => {
    try {
      return Number.parseInt(readFileSync(file, "utf8"), 10) === process.pid;
    } catch {
      return false;
    }
  };
  return {
    noteEndpoint(endpoint) {
      if (ours()) writeFileSync(file, `${process.pid}\n${endpoint}\n`);
    },
    release() {
      if (ours()) unlinkSync(file);
      claimedHere.delete(file);
    },
  };
}
