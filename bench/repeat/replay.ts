// npm run bench:replay -- FILE… — the decision rule as it is now, on runs recorded by `bench:repeat --samples`:
// each run's chosen power, its tie and every power's estimate and exclusion p-value, then how often each power
// was chosen. A change to the rule can so be judged on measured data, not only on synthetic samples.
//
//   npm run bench:replay -- runs.jsonl [more.jsonl …]

import { readFileSync } from "node:fs";
import { decideOn, type PowerSamples, type TuningContext } from "../../functions/tuner/core/index.js";
import { exitWithUsage, parseBenchArgs } from "../support/cli.js";

const USAGE = `usage: npm run bench:replay -- FILE [FILE …]

Replays the tuner's decision rule on runs recorded with \`npm run bench:repeat -- --samples FILE\`
(one JSON line per run: its tuning context and every power's samples) and prints, per run, the chosen
power, the tie and each power's estimate relative to the best with its exclusion p-value.
`;

const { positionals } = parseBenchArgs(USAGE, {}, { allowPositionals: true });
if (positionals.length === 0) {
  exitWithUsage("bench:replay needs at least one file of recorded runs", USAGE);
}

interface RecordedRun {
  tuning: TuningContext;
  samples: PowerSamples[];
}

function readRuns(file: string): RecordedRun[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new Error(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line, i) => {
      let run: Partial<RecordedRun>;
      try {
        run = JSON.parse(line) as Partial<RecordedRun>;
      } catch {
        throw new Error(`${file} line ${i + 1} is not JSON: record runs with bench:repeat --samples`);
      }
      if (!run.tuning || !Array.isArray(run.samples))
        throw new Error(`${file} line ${i + 1} is no recorded run: it needs "tuning" and "samples"`);
      return run as RecordedRun;
    });
}

let runs: RecordedRun[];
try {
  runs = positionals.flatMap(readRuns);
} catch (error) {
  process.stderr.write(`bench:replay: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
}
const chosen = new Map<number, number>();
const rows = runs.map((run, i) => {
  const choice = decideOn(run.tuning, run.samples);
  if (!choice) return `| ${i + 1} | — (no feasible power) | | |`;
  chosen.set(choice.chosenPower, (chosen.get(choice.chosenPower) ?? 0) + 1);
  const best = choice.verdicts.find((v) => v.power === choice.bestPower)?.estimate ?? 1;
  const verdicts = choice.verdicts
    .map(
      (v) =>
        `${v.power}: ×${(v.estimate / best).toFixed(3)} p=${v.exclusionPValue.toFixed(3)}${v.equivalent ? " (tie)" : ""}`,
    )
    .join("; ");
  return `| ${i + 1} | ${choice.chosenPower} MB | ${choice.equivalentPowers.join(", ")} | ${verdicts} |`;
});
process.stdout.write(
  [
    "| Run | Chosen | Tie (MB) | Each power: estimate ÷ the best's, exclusion p-value |",
    "| --- | --- | --- | --- |",
    ...rows,
    "",
    `Chosen over ${runs.length} runs: ${[...chosen.entries()].map(([p, n]) => `${p} MB ${n}`).join(", ")}`,
    "",
  ].join("\n"),
);
