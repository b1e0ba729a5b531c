// What undoing a run reports, from the optimizer's cleanup mode and from the cleanup of a stopped run alike.
import type { CleanupSummary } from "../tuner/aws/index.js";

export interface CleanupResult extends CleanupSummary {
  runId: string | null;
  /** Another handler of the run held the lease past the wait: that handler undoes the run itself. */
  busy?: boolean;
  note: string;
}
