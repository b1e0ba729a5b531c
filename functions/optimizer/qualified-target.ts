// Applying the winner to a version or alias target. The run's versions were published from $LATEST because it
// ran the target's code (the initializer checked); the winner's version is published from $LATEST too, so the
// code is checked again: a deploy to $LATEST during the run would otherwise put new code behind the alias.
import { type LambdaApi, readTargetConfig } from "../tuner/aws/index.js";
import type { TuningContext } from "../tuner/core/index.js";

/** The alias a winner goes behind: the target alias itself, else the input's autoOptimizeAlias; none for $LATEST. */
export function applyTargetOf(tuning: Pick<TuningContext, "target" | "input">): string | undefined {
  const { qualifier } = tuning.target;
  if (qualifier !== undefined && !/^\d+$/.test(qualifier)) return qualifier;
  return tuning.input.autoOptimizeAlias;
}

/** Why the winner cannot be published from $LATEST for this target, or undefined when it can. */
export async function servedCodeChanged(
  lambda: LambdaApi,
  tuning: Pick<TuningContext, "target">,
): Promise<string | undefined> {
  const { codeSha256, qualifier, version } = tuning.target;
  if (qualifier === undefined || codeSha256 === undefined) return undefined;
  const latest = await readTargetConfig(lambda, tuning.target.functionArn);
  if (latest.runSettings.codeSha256 === codeSha256) return undefined;
  return (
    `$LATEST's code changed during the run (CodeSha256 ${latest.runSettings.codeSha256}, was ${codeSha256}, ` +
    `the code of version ${version ?? qualifier}), so a version published from it would not run the code tuned; tune again`
  );
}
