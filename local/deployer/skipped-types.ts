// The resource types of the templates that the local cloud does not emulate, counted for the deploy summary.

/** Type → how many resources of it the templates hold, in the order the types were first met. */
export type SkippedTypes = Record<string, number>;

export function countSkipped(skipped: SkippedTypes, type: string): void {
  skipped[type] = (skipped[type] ?? 0) + 1;
}

/** The summary line a deploy logs, e.g. `not emulated (skipped): AWS::IAM::Role ×8`; none when nothing was skipped. */
export function skippedSummary(skipped: SkippedTypes): string | undefined {
  const entries = Object.entries(skipped).map(([type, count]) => `${type} ×${count}`);
  return entries.length > 0 ? `not emulated (skipped): ${entries.join(", ")}` : undefined;
}
