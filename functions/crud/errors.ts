// Named errors of the crud function. Callers branch on the class; users read `code` and `message`.

/** A request the service refuses. Always a 4xx: bad input never becomes a 5xx. */
export class CrudRequestError extends Error {
  override readonly name = "CrudRequestError";
  constructor(
    readonly status: 400 | 403 | 404 | 405 | 409 | 412 | 413,
    /** Stable SCREAMING_SNAKE name, documented in docs/api.md. */
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** The function's environment lacks a setting it needs; raised once, at cold start. */
export class CrudConfigError extends Error {
  override readonly name = "CrudConfigError";
}
