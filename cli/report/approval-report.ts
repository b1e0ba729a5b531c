// `powertune approve` changes memory: its own run folder holds memory-summary.md and the record the index lists.
import { writeFile } from "node:fs/promises";
import { hostname, userInfo } from "node:os";
import { join } from "node:path";
import type { PowerStats, Recommendation } from "../../functions/tuner/core/index.js";
import { readRunRecords, writeIndex } from "./history-index.js";
import { renderMemorySummary } from "./memory-summary.js";
import type { ApproveRecord } from "./records.js";
import { makeRunFolder } from "./run-folder.js";

/** "alice@build-host": who ran the approval, as far as this machine can tell. */
export function approver(): string {
  let user = process.env.USER ?? "unknown";
  try {
    user = userInfo().username;
  } catch {
    // no passwd entry (a container's arbitrary uid): keep $USER
  }
  return `${user}@${hostname()}`;
}

export async function writeApprovalReport(
  reportsDir: string,
  approval: {
    functionArn: string;
    runId: string;
    recommendation: Recommendation;
    applyTo: string;
    at: Date;
    /** Who decided. @default the user and host running the command */
    approvedBy?: string;
    /** The tuning's per-power figures. @default those of its report, when it is in this reports directory */
    stats?: PowerStats[];
  },
): Promise<string> {
  const { functionArn, runId, recommendation, applyTo, at } = approval;
  const approvedBy = approval.approvedBy ?? approver();
  const tune = approval.stats
    ? undefined
    : (await readRunRecords(reportsDir))
        .map((run) => run.record)
        .find((record) => record.kind === "tune" && record.executionArn.endsWith(`:${runId}`));
  const stats = approval.stats ?? (tune?.kind === "tune" ? tune.output.stats : undefined);
  const dir = await makeRunFolder(reportsDir, at, "approve", functionArn);
  const record: ApproveRecord = {
    kind: "approve",
    functionArn,
    startedAt: at.toISOString(),
    finishedAt: new Date().toISOString(),
    runId,
    beforeMb: recommendation.currentPower,
    afterMb: recommendation.winnerPower,
    appliedTo: applyTo === "$LATEST" ? `${functionArn}:$LATEST` : `${functionArn}:${applyTo}`,
    approvedBy,
  };
  await Promise.all([
    writeFile(join(dir, "result.json"), `${JSON.stringify(record, null, 2)}\n`),
    writeFile(
      join(dir, "memory-summary.md"),
      renderMemorySummary({
        functionArn,
        beforeMb: record.beforeMb,
        afterMb: record.afterMb,
        appliedTo: record.appliedTo,
        decidedBy: `\`powertune approve\`, run by ${approvedBy} (the tuning had "approval": "manual")`,
        decidedAt: at,
        runId,
        recommendation,
        ...(stats ? { stats } : {}),
      }),
    ),
  ]);
  await writeIndex(reportsDir);
  return dir;
}
