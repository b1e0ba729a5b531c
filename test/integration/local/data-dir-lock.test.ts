// One local cloud per data directory: a second is refused with the holder named, and a holder that died
// (kill -9) does not block the next start.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startLocalCloud } from "../../../local/cloud.js";
import { DataDirInUseError } from "../../../local/data-dir-lock.js";

const dataDir = mkdtempSync(join(tmpdir(), "powertune-data-dir-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe("the local cloud's data directory", () => {
  it("is claimed by one cloud at a time and released at close", async () => {
    const first = await startLocalCloud({ port: 0, dataDir });
    try {
      const refused = await startLocalCloud({ port: 0, dataDir }).then(
        () => undefined,
        (error: Error) => error,
      );
      expect(refused).toBeInstanceOf(DataDirInUseError);
      expect(refused?.message).toContain(`pid ${process.pid}`);
      expect(refused?.message).toContain(`--endpoint ${first.endpoint}`);
    } finally {
      await first.close();
    }
    expect(existsSync(join(dataDir, "cloud.pid"))).toBe(false);
  });

  it("is taken over from an earlier process that had this process's pid (a restarted container)", async () => {
    writeFileSync(join(dataDir, "cloud.pid"), `${process.pid}\n`);
    const cloud = await startLocalCloud({ port: 0, dataDir });
    await cloud.close();
    expect(existsSync(join(dataDir, "cloud.pid"))).toBe(false);
  });

  it("is taken over from a process that is gone", async () => {
    // A pid above the kernel's pid_max cannot be alive: the cloud that wrote this was killed.
    writeFileSync(join(dataDir, "cloud.pid"), "4194999\nhttp://127.0.0.1:1\n");
    const cloud = await startLocalCloud({ port: 0, dataDir });
    try {
      expect(readFileSync(join(dataDir, "cloud.pid"), "utf8")).toBe(`${process.pid}\n${cloud.endpoint}\n`);
    } finally {
      await cloud.close();
    }
  });
});
