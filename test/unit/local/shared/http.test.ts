import type { IncomingMessage, ServerResponse } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import {
  type LoopbackServer,
  listenOnLoopback,
  readBody,
  sendJson,
  sendText,
} from "../../../../local/shared/http.js";

describe("shared HTTP helpers", () => {
  let server: LoopbackServer | undefined;

  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function serve(
    handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
  ): Promise<string> {
    server = await listenOnLoopback((req, res) => {
      handle(req, res).catch((error: Error) => sendJson(res, 413, { message: error.message }));
    });
    return server.url;
  }

  it("reads a body within its limit, and refuses a larger one with the error it is given", async () => {
    const url = await serve(async (req, res) => {
      const body = await readBody(req, { maxBytes: 8, tooLarge: () => new Error("at most 8 bytes") });
      sendText(res, 200, body.toString("utf8"), {}, "text/plain");
    });
    const small = await fetch(url, { method: "POST", body: "12345678" });
    expect(await small.text()).toBe("12345678");
    const large = await fetch(url, { method: "POST", body: "123456789" }).then(
      async (res) => `${res.status} ${await res.text()}`,
      () => "connection closed",
    );
    // The request is destroyed, so the client sees either the error answer or the connection close.
    expect(['413 {"message":"at most 8 bytes"}', "connection closed"]).toContain(large);
  });

  it("answers an undefined JSON body with an empty one, and sends text as it is", async () => {
    const url = await serve(async (req, res) => {
      if (req.url === "/empty") return sendJson(res, 204, undefined);
      sendText(res, 200, '{"already":"json"}', { "x-extra": "1" });
    });
    const empty = await fetch(`${url}/empty`);
    expect(empty.status).toBe(204);
    expect(await empty.text()).toBe("");
    const text = await fetch(`${url}/text`);
    expect(text.headers.get("content-type")).toBe("application/json");
    expect(text.headers.get("x-extra")).toBe("1");
    expect(text.headers.get("x-amzn-requestid")).toMatch(/^[0-9a-f-]{36}$/);
    expect(await text.text()).toBe('{"already":"json"}');
  });
});
