import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { zipSync } from "fflate";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CodeStore, codeInDirectory, decodeZip } from "../../../../local/lambda/code-store.js";
import { InvalidParameterValueError } from "../../../../local/lambda/errors.js";

const text = (s: string) => new TextEncoder().encode(s);

describe("code store", () => {
  let root: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "powertune-code-"));
  });

  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it("unpacks each zip into a directory of its own, with Lambda's base64 CodeSha256 and size", () => {
    const zip = zipSync({
      "index.mjs": text("export const handler = () => 1;"),
      "lib/": {},
      "lib/a.js": text("a"),
    });
    const store = new CodeStore(root);
    const first = store.storeZip("crud", { ZipFile: Buffer.from(zip).toString("base64") });
    const second = store.storeZip("crud", { ZipFile: zip });
    expect(first.codeDir).not.toBe(second.codeDir);
    expect(first.codeDir.startsWith(join(root, "crud"))).toBe(true);
    expect(readFileSync(join(first.codeDir, "lib", "a.js"), "utf8")).toBe("a");
    expect(first.sha256).toBe(second.sha256);
    expect(first.sha256).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(first.size).toBe(zip.byteLength);
  });

  it("refuses an entry that would land outside the function's directory, writing nothing there", () => {
    const zip = zipSync({ "../../escaped.js": text("x") });
    expect(() => new CodeStore(root).storeZip("crud", { ZipFile: zip })).toThrow(
      "Code.ZipFile entry ../../escaped.js points outside the archive.",
    );
    expect(existsSync(join(root, "escaped.js"))).toBe(false);
  });

  it("refuses S3 and image code, a missing ZipFile and bytes that are not a zip", () => {
    expect(() => decodeZip({ S3Bucket: "b" })).toThrow(/not supported by the local Lambda service/);
    expect(() => decodeZip({ ImageUri: "repo:tag" })).toThrow(InvalidParameterValueError);
    expect(() => decodeZip(undefined)).toThrow("Code.ZipFile is required: send the zipped code.");
    const notZip = (() => {
      try {
        new CodeStore(root).storeZip("crud", { ZipFile: text("nope") });
      } catch (error) {
        return error as Error;
      }
    })();
    expect(notZip?.message).toMatch(/^Code.ZipFile could not be unzipped/);
    expect(notZip?.cause).toBeInstanceOf(Error); // fflate's own error, kept
  });

  it("uses an unpacked directory where it is, its CodeSha256 standing for the path", () => {
    const code = codeInDirectory(`${root}/./app`);
    expect(code).toEqual({ codeDir: join(root, "app"), sha256: expect.any(String), size: 0 });
    expect(codeInDirectory(join(root, "app")).sha256).toBe(code.sha256);
    expect(codeInDirectory(join(root, "other")).sha256).not.toBe(code.sha256);
  });
});
