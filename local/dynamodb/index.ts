// DynamoDB for the local cloud: dynalite's request handler, mounted on the edge (no port of its own).
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { LocalService } from "../shared/types.js";

// dynalite ships no type declarations; this is the slice of its API used here.
type DynaliteFactory = (options: {
  path?: string;
  createTableMs?: number;
  deleteTableMs?: number;
  updateTableMs?: number;
}) => Server;

const require = createRequire(import.meta.url);
const dynalite = require("dynalite") as DynaliteFactory;

export interface DynamoDbServiceOptions {
  /** Tables persist in LevelDB under `<dataDir>/dynamodb`; omitted = in memory (tests). */
  dataDir?: string;
  /** How long a new table stays CREATING, like DynamoDB's short delay. @default 0 ms */
  tableTransitionMs?: number;
}

export interface DynamoDbService extends LocalService {
  /** Where the tables live on disk, or undefined when in memory. */
  readonly storagePath: string | undefined;
}

export function createDynamoDbService(options: DynamoDbServiceOptions = {}): DynamoDbService {
  const storagePath = options.dataDir === undefined ? undefined : join(options.dataDir, "dynamodb");
  const transition = options.tableTransitionMs ?? 0;
  // LevelDB appends every write to its log file before answering, so data survives a kill -9 of the process.
  const server = dynalite({
    ...(storagePath !== undefined ? { path: storagePath } : {}),
    createTableMs: transition,
    deleteTableMs: transition,
    updateTableMs: transition,
  });
  const listener = server.listeners("request")[0] as (req: IncomingMessage, res: ServerResponse) => void;
  let closing: Promise<void> | undefined;

  return {
    storagePath,
    handle(req, res) {
      listener(req, res);
    },
    close() {
      // dynalite closes its database only from its server's close(), which refuses a server that never
      // listened: bind an ephemeral loopback port for the instant of shutdown so the store closes cleanly.
      closing ??= new Promise<void>((resolve, reject) => {
        server.listen(0, "127.0.0.1", () => {
          server.close((err) => (err ? reject(err) : resolve()));
        });
      });
      return closing;
    },
  };
}
