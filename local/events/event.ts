// An event as EventBridge hands it to a rule's targets: the envelope every AWS service's events share.

export interface BusEvent {
  version: "0";
  id: string;
  "detail-type": string;
  source: string;
  account: string;
  /** ISO time, to the second. */
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
}
