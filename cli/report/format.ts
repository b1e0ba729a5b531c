// How every report prints a number: always with its unit.

export function formatUsd(value: number): string {
  if (value === 0) return "0 USD";
  return value >= 0.01 ? `${value.toFixed(2)} USD` : `${value.toPrecision(3)} USD`;
}

export function formatMs(value: number): string {
  return `${value.toFixed(value >= 100 ? 0 : 2)} ms`;
}

export function formatRps(value: number): string {
  return `${value.toFixed(value >= 100 ? 0 : 1)} req/s`;
}

/** A ratio for people: "3.1×"; one decimal, two below 1.1 so that 1.04× does not read as 1.0×. */
export function formatRatio(value: number): string {
  if (!Number.isFinite(value)) return "∞×";
  return `${value.toFixed(value < 1.1 ? 2 : 1)}×`;
}

/** `2026-11-22 10:04:05 UTC`: a time in reports, the same wherever they are read. */
export function formatTime(iso: string | Date): string {
  const date = typeof iso === "string" ? new Date(iso) : iso;
  if (Number.isNaN(date.getTime())) return String(iso);
  return `${date.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}
