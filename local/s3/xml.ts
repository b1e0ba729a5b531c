// S3's XML: the error body and the listing answers, in the 2006-03-01 namespace.
import type { S3Error } from "./errors.js";

export const S3_NAMESPACE = "http://s3.amazonaws.com/doc/2006-03-01/";
const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

export function escapeXml(text: string): string {
  return text.replace(
    /[<>&'"]/g,
    (c) => `&${{ "<": "lt", ">": "gt", "&": "amp", "'": "apos", '"': "quot" }[c]};`,
  );
}

export function element(name: string, value: string | number | boolean): string {
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

export function document(root: string, inner: string, namespace = true): string {
  return `${DECLARATION}<${root}${namespace ? ` xmlns="${S3_NAMESPACE}"` : ""}>${inner}</${root}>`;
}

/** `<Error><Code>…</Code><Message>…</Message>…<RequestId>…</RequestId></Error>`, as S3 answers errors. */
export function errorXml(error: S3Error, requestId: string): string {
  const details = Object.entries(error.details).map(([name, value]) => element(name, value));
  return document(
    "Error",
    element("Code", error.code) +
      element("Message", error.message) +
      details.join("") +
      element("RequestId", requestId),
    false,
  );
}
