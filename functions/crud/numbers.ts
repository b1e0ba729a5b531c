// Numbers read back from the table. The API refuses to write numbers beyond ±(2^53 − 1), but an update
// expression (`SET n = n + :one`) or another writer can store one; reading it must not fail the request.

/** A stored number as JSON can carry it exactly: a JS number within ±(2^53 − 1), else its decimal string. */
export function readStoredNumber(digits: string): number | string {
  const value = Number(digits);
  return Math.abs(value) <= Number.MAX_SAFE_INTEGER ? value : digits;
}
