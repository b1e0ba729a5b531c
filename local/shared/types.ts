import type { IncomingMessage, ServerResponse } from "node:http";

/** What every local service hands the edge router: a request handler and a way to stop. */
export interface LocalService {
  handle(req: IncomingMessage, res: ServerResponse): void;
  close(): Promise<void>;
}
