// npm run bench:host — is this machine steady enough for bench:lambda's spread target? The benchmark's
// non-allocating workloads in turn in one plain Node process (no service, no quota), and how far each one's
// speed swings between two-second windows. Takes about half a minute; writes nothing.

import { parseBenchArgs } from "../support/cli.js";
import {
  HOST_CALL_MS,
  HOST_KINDS,
  HOST_WINDOW_MS,
  hostContentionTable,
  hostVerdict,
} from "./host-contention.js";
import { checkHost, startMachineProbe } from "./machine-noise.js";

const USAGE = `usage: npm run bench:host [-- --seconds N]

Runs the tight loop, call-heavy recursion, JSON and regex workloads in turn (about ${HOST_CALL_MS} ms of CPU each)
in one plain Node process for N seconds (default 30), and prints how far each one's median CPU time swings
between ${HOST_WINDOW_MS / 1000}-second windows. Where those swing past 1.25×, bench:lambda's spread target cannot be met on
this machine at this time, whatever the service does. Writes nothing.
`;
const { values } = parseBenchArgs(USAGE, { seconds: { type: "string", default: "30" } });
const seconds = Number(values.seconds);
if (!Number.isFinite(seconds) || seconds < (HOST_WINDOW_MS / 1000) * 3) {
  process.stderr.write(
    `--seconds must be a number of at least ${(HOST_WINDOW_MS / 1000) * 3} (three windows); got ${values.seconds}\n`,
  );
  process.exit(2);
}

const probe = await startMachineProbe();
try {
  process.stderr.write(`the host check: ${HOST_KINDS.join(", ")} in turn for ${seconds} s\n`);
  const swings = await checkHost(probe, seconds);
  console.log(`${hostContentionTable(swings)}\n\n${hostVerdict(swings, 1.25)}`);
} finally {
  probe.stop();
}
