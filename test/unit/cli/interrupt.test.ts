// Ctrl-C runs every armed cleanup, newest first and one at a time, then exits 130: in a real child process.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const INTERRUPT = join(import.meta.dirname, "../../../cli/interrupt.ts");

function runScript(body: string) {
  const script = `import { onInterrupt } from ${JSON.stringify(INTERRUPT)};
const wait = (ms) => new Promise((r) => setTimeout(r, ms));
${body}`;
  return spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
    encoding: "utf8",
    timeout: 30_000,
  });
}

describe("onInterrupt", () => {
  it("runs the cleanups newest first, each after the previous one finished, then exits 130", () => {
    const result = runScript(`
onInterrupt(async () => { console.log("close the cloud"); });
onInterrupt(async () => { await wait(200); console.log("restore memory"); });
const disarmed = onInterrupt(() => console.log("never"));
onInterrupt(() => { console.log("stop the load"); });
disarmed();
setTimeout(() => process.kill(process.pid, "SIGINT"), 50);
setTimeout(() => {}, 10_000);`);
    expect(result.stdout.trim().split("\n")).toEqual(["stop the load", "restore memory", "close the cloud"]);
    expect(result.status).toBe(130);
  });

  it("exits 143 on SIGTERM, and a failing cleanup does not stop the ones after it", () => {
    const result = runScript(`
onInterrupt(() => { console.log("still ran"); });
onInterrupt(() => { throw new Error("restore failed"); });
setTimeout(() => process.kill(process.pid, "SIGTERM"), 50);
setTimeout(() => {}, 10_000);`);
    expect(result.stdout.trim()).toBe("still ran");
    expect(result.stderr).toContain("restore failed");
    expect(result.status).toBe(143);
  });
});
