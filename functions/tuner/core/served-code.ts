// A version or alias target is tuned through versions published from $LATEST (Lambda publishes nothing else),
// so $LATEST must run exactly what the target serves: the same code and every setting that changes how it
// runs, memory aside (the tuner sets that). These are the settings compared. A container image's digest is its
// CodeSha256.

/** What a function configuration runs, memory aside: equal on two configurations means the same code, run alike. */
export interface RunSettings {
  codeSha256: string | undefined;
  handler: string | undefined;
  runtime: string | undefined;
  architectures: string[];
  layers: string[];
  environment: Record<string, string>;
  timeoutSeconds: number | undefined;
  ephemeralStorageMb: number | undefined;
}

const SETTING_NAMES: Record<keyof RunSettings, string> = {
  codeSha256: "code (CodeSha256)",
  handler: "handler",
  runtime: "runtime",
  architectures: "architecture",
  layers: "layers",
  environment: "environment variables",
  timeoutSeconds: "timeout",
  ephemeralStorageMb: "ephemeral storage",
};

const canonical = (value: unknown): string =>
  JSON.stringify(
    value !== null && typeof value === "object" && !Array.isArray(value)
      ? Object.entries(value).sort(([a], [b]) => a.localeCompare(b))
      : value,
  );

/** The settings in which `latest` differs from `served`, named for a message; empty when $LATEST runs the same. */
export function runSettingDifferences(latest: RunSettings, served: RunSettings): string[] {
  return (Object.keys(SETTING_NAMES) as (keyof RunSettings)[])
    .filter((key) => canonical(latest[key]) !== canonical(served[key]))
    .map((key) => SETTING_NAMES[key]);
}
