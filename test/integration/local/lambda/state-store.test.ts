// The Lambda service's state on disk: each function's document is replaced whole or not at all, read back at
// start, refused loudly when it cannot be read, and a change whose write fails is neither answered nor kept.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Aliases } from "../../../../local/lambda/aliases.js";
import { CodeStore } from "../../../../local/lambda/code-store.js";
import { StateNotWrittenError } from "../../../../local/lambda/errors.js";
import { createLambdaService, LambdaStateUnreadableError } from "../../../../local/lambda/index.js";
import { FunctionRegistry } from "../../../../local/lambda/registry.js";
import { FunctionStateFiles, STATE_FORMAT } from "../../../../local/lambda/state-store.js";
import type { FunctionRecord } from "../../../../local/lambda/types.js";
import { zipFixture } from "./support.js";

const dirs: string[] = [];
const closers: Array<() => unknown> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "powertune-state-"));
  dirs.push(dir);
  return dir;
}

const SETTINGS = {
  region: "us-east-1",
  accountId: "000000000000",
  accountConcurrency: 10,
  updateTransitionMs: 5,
};

/** A registry on `<dir>/lambda` with code in `<dir>/functions`, as the service builds it. */
function registryOn(
  dir: string,
  store = new FunctionStateFiles(join(dir, "lambda"), join(dir, "functions")),
) {
  const registry = new FunctionRegistry(SETTINGS, new CodeStore(join(dir, "functions")), () => {}, store);
  closers.push(() => registry.close());
  return registry;
}

const zip = () => Buffer.from(zipFixture("esm")).toString("base64");

describe("the Lambda state files", () => {
  it("read back what was saved, one document per function, with its code where it was", () => {
    const dir = dataDir();
    const first = registryOn(dir);
    first.createFunction({ FunctionName: "one", Handler: "index.handler", Code: { ZipFile: zip() } });
    first.createFunction({
      FunctionName: "two",
      Handler: "index.handler",
      Code: { ZipFile: zip() },
      Publish: true,
    });
    first.putFunctionConcurrency("two", 2);
    expect(readdirSync(join(dir, "lambda")).sort()).toEqual(["one.json", "two.json"]);
    const document = JSON.parse(readFileSync(join(dir, "lambda", "two.json"), "utf8"));
    expect(document).toMatchObject({
      format: STATE_FORMAT,
      name: "two",
      nextVersion: 2,
      reservedConcurrency: 2,
    });
    // Relative to the code root, so the data directory can be moved.
    expect(document.latest.codeDir).toMatch(/^two\/[0-9a-f-]{36}$/);

    const second = registryOn(dir);
    const two = second.getRecord("two");
    expect(two.latest.codeDir).toBe(first.getRecord("two").latest.codeDir);
    expect([...two.versions.keys()]).toEqual(["1"]);
    expect(two.reservedConcurrency).toBe(2);
    expect(second.getRecord("one").latest.config).toEqual(first.getRecord("one").latest.config);
  });

  it("never read a temporary file a kill left mid-write, and remove it", () => {
    const dir = dataDir();
    registryOn(dir).createFunction({
      FunctionName: "kept",
      Handler: "index.handler",
      Code: { ZipFile: zip() },
    });
    const leftover = join(dir, "lambda", ".kept.json.4242.partial");
    writeFileSync(leftover, '{"format":1,"name":"kept","latest":{"conf');
    const again = registryOn(dir);
    expect(again.getRecord("kept").latest.config.FunctionName).toBe("kept");
    expect(readdirSync(join(dir, "lambda"))).toEqual(["kept.json"]);
  });

  it("stop the service from starting when a document cannot be read, naming the file and what to do", () => {
    const dir = dataDir();
    registryOn(dir).createFunction({
      FunctionName: "ok",
      Handler: "index.handler",
      Code: { ZipFile: zip() },
    });
    const cases: Array<[string, string, RegExp]> = [
      ["half.json", '{"format":1,"name":"half","lat', /half\.json: not readable JSON/],
      [
        "newer.json",
        '{"format":2,"name":"newer"}',
        /newer\.json: format 2 is not the one this version reads \(1\)/,
      ],
      [
        "shape.json",
        '{"format":1,"name":"shape","latest":{}}',
        /shape\.json: not a function's state \(latest\.config: /,
      ],
    ];
    for (const [file, content, message] of cases) {
      writeFileSync(join(dir, "lambda", file), content);
      const start = () => createLambdaService({ dataDir: dir, cgroup: "off", warn: () => {} });
      expect(start).toThrow(LambdaStateUnreadableError);
      expect(start).toThrow(message);
      expect(start).toThrow("move it out of the way to start without that function");
      rmSync(join(dir, "lambda", file));
    }
    rmSync(join(dir, "functions", "ok"), { recursive: true });
    expect(() => createLambdaService({ dataDir: dir, cgroup: "off", warn: () => {} })).toThrow(
      /ok\.json: the code of ok:\$LATEST is missing/,
    );
  });

  it("remove the code no kept function uses when the service starts", () => {
    const dir = dataDir();
    const registry = registryOn(dir);
    registry.createFunction({ FunctionName: "fn", Handler: "index.handler", Code: { ZipFile: zip() } });
    const replaced = registry.getRecord("fn").latest.codeDir;
    registry.updateFunctionCode("fn", { ZipFile: zip() });
    const current = registry.getRecord("fn").latest.codeDir;
    mkdirSync(join(dir, "functions", "deleted-long-ago", "0000"), { recursive: true });
    registry.close();
    const service = createLambdaService({ dataDir: dir, cgroup: "off", warn: () => {} });
    closers.push(() => service.close());
    expect(readdirSync(join(dir, "functions")).sort()).toEqual(["fn", "node_modules"]);
    expect(readdirSync(join(dir, "functions", "fn"))).toEqual([current.split("/").at(-1)]);
    expect(replaced).not.toBe(current);
  });
});

/** The real files, with writes that fail on demand: a full or read-only disk, which a test cannot cause. */
class FailingStateFiles extends FunctionStateFiles {
  failing = false;
  override save(record: FunctionRecord): void {
    if (this.failing) throw new Error("ENOSPC: no space left on device");
    super.save(record);
  }
  override remove(name: string): void {
    if (this.failing) throw new Error("EROFS: read-only file system");
    super.remove(name);
  }
}

describe("a change whose state cannot be written (write faults injected)", () => {
  it("is refused with a ServiceException and undone, so what is served is what a restart would find", () => {
    const dir = dataDir();
    const store = new FailingStateFiles(join(dir, "lambda"), join(dir, "functions"));
    const registry = registryOn(dir, store);
    const aliases = new Aliases(registry);
    registry.createFunction({ FunctionName: "fn", Handler: "index.handler", Code: { ZipFile: zip() } });
    registry.publishVersion("fn", {});
    aliases.create("fn", { Name: "live", FunctionVersion: "1" });
    const before = structuredClone(registry.getRecord("fn").latest.config);

    store.failing = true;
    const refusals = [
      () => registry.updateFunctionConfiguration("fn", { MemorySize: 2048 }),
      () => registry.updateFunctionCode("fn", { ZipFile: zip() }),
      () => registry.publishVersion("fn", { Description: "new" }),
      () => aliases.create("fn", { Name: "other", FunctionVersion: "$LATEST" }),
      () => aliases.update("fn", "live", { FunctionVersion: "$LATEST" }),
      () => aliases.delete("fn", "live"),
      () => registry.putFunctionConcurrency("fn", 3),
      () => registry.tagResource("fn", { a: "b" }),
      () => registry.deleteFunction("fn"),
      () =>
        registry.createFunction({ FunctionName: "new", Handler: "index.handler", Code: { ZipFile: zip() } }),
    ];
    for (const refused of refusals) {
      expect(refused).toThrow(StateNotWrittenError);
    }
    expect(refusals[0]).toThrow(/The change to fn could not be saved \(ENOSPC: no space left on device\)/);

    const fn = registry.getRecord("fn");
    expect(fn.latest.config).toEqual(before);
    expect([...fn.versions.keys()]).toEqual(["1"]);
    expect([...fn.aliases.values()].map((a) => [a.Name, a.FunctionVersion])).toEqual([["live", "1"]]);
    expect(fn.reservedConcurrency).toBe(undefined);
    expect(fn.tags).toEqual({});
    expect(fn.updateTimer).toBe(undefined);
    expect(() => registry.getRecord("new")).toThrow("Function not found");

    store.failing = false;
    expect(registry.updateFunctionConfiguration("fn", { MemorySize: 2048 }).MemorySize).toBe(2048);
    expect(registryOn(dir).getRecord("fn").latest.config.MemorySize).toBe(2048);
  });
});
