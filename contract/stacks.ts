// The app's stack ids and output names. The stacks create themselves and their outputs under these names; the
// CLI, the benchmarks and the tests read outputs back by them, on AWS and on the local cloud alike.

/** Stack ids: what `cdk deploy` takes, and the top-level keys of its `--outputs-file`. */
export const STACKS = {
  crud: "CrudService",
  tuner: "PowerTuner",
  /** Optional: only with `-c githubRepository=owner/repo` (the role GitHub Actions assume). */
  githubAccess: "GitHubAccess",
} as const;

const TUNER_OUTPUTS = {
  stateMachineArn: "StateMachineArn",
  historyTableName: "HistoryTableName",
} as const;

/** Output names per stack: the second-level keys of `--outputs-file` (and of the local cloud's outputs.json). */
export const OUTPUTS = {
  crud: {
    apiUrl: "ApiUrl",
    tableName: "TableName",
    functionArn: "FunctionArn",
    functionName: "FunctionName",
  },
  tuner: TUNER_OUTPUTS,
  /** What the repository's variables are set to (README, CI/CD on GitHub). */
  githubAccess: {
    deployRoleArn: "DeployRoleArn",
    historyTableName: TUNER_OUTPUTS.historyTableName,
    tunedFunctionName: "TunedFunctionName",
  },
} as const;

export type AppStack = keyof typeof STACKS;
export type OutputOf<S extends AppStack> = keyof (typeof OUTPUTS)[S];

/** Stack id → output name → value, as `cdk deploy --outputs-file` writes them. */
export type DeployedOutputs = Readonly<Record<string, Readonly<Record<string, string>>>>;

/** One output of a deployed stack; undefined when the stack or the output is missing. */
export function stackOutput<S extends AppStack>(
  outputs: DeployedOutputs,
  stack: S,
  output: OutputOf<S>,
): string | undefined {
  return outputs[STACKS[stack]]?.[OUTPUTS[stack][output] as string];
}

/** How messages name an output: its stack id, a space, and its output name. */
export function outputLabel<S extends AppStack>(stack: S, output: OutputOf<S>): string {
  return `${STACKS[stack]} ${OUTPUTS[stack][output] as string}`;
}
