// STS's query-protocol answers: XML in the 2011-06-15 namespace, with the request id in ResponseMetadata.
import type { StsError } from "./errors.js";

const NAMESPACE = "https://sts.amazonaws.com/doc/2011-06-15/";

export function escapeXml(text: string): string {
  return text.replace(
    /[<>&'"]/g,
    (c) => `&${{ "<": "lt", ">": "gt", "&": "amp", "'": "apos", '"': "quot" }[c]};`,
  );
}

/** `{ A: "x", B: { C: "y" } }` as `<A>x</A><B><C>y</C></B>`, escaped. */
export function xmlElements(fields: Record<string, string | Record<string, string>>): string {
  return Object.entries(fields)
    .map(([name, value]) =>
      typeof value === "string"
        ? `<${name}>${escapeXml(value)}</${name}>`
        : `<${name}>${xmlElements(value)}</${name}>`,
    )
    .join("");
}

export function actionResponseXml(
  action: string,
  result: Record<string, string | Record<string, string>>,
  requestId: string,
): string {
  return (
    `<${action}Response xmlns="${NAMESPACE}"><${action}Result>${xmlElements(result)}</${action}Result>` +
    `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`
  );
}

export function errorResponseXml(error: StsError, requestId: string): string {
  return (
    `<ErrorResponse xmlns="${NAMESPACE}"><Error><Type>${error.fault}</Type><Code>${escapeXml(error.code)}</Code>` +
    `<Message>${escapeXml(error.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`
  );
}
