// The local cloud's default event bus: services put their events (Step Functions' execution status changes),
// and each enabled rule whose event pattern matches sends them to its targets.
import type { BusEvent } from "./event.js";
import { transformInput } from "./input-transformer.js";
import { checkEventPattern, matchesEventPattern } from "./pattern.js";
import type { RuleTarget } from "./targets.js";

export interface EventRule {
  name: string;
  eventPattern: Record<string, unknown>;
  enabled: boolean;
  targets: RuleTarget[];
}

export interface EventBus {
  /** Adds or replaces a rule; throws UnsupportedEventPatternError for a pattern the bus cannot match. */
  register(rule: EventRule): void;
  rules(): EventRule[];
  /** Sends the event to every matching rule's targets, without waiting for them. */
  put(event: BusEvent): void;
  /** Waits for deliveries under way, at most `timeoutMs`. */
  drain(timeoutMs: number): Promise<void>;
}

/** What a target receives: its constant input, its transformed input, or the event itself. */
export function targetInput(target: RuleTarget, event: BusEvent): string {
  if (target.input !== undefined) return target.input;
  if (target.inputTransformer !== undefined) return transformInput(target.inputTransformer, event);
  return JSON.stringify(event);
}

/**
 * Waits before each retry of a failed delivery. EventBridge hands a Lambda target the event asynchronously,
 * and Lambda retries a failed asynchronous invocation twice (after about 1 and 2 minutes); the local bus
 * retries twice too, sooner, so a stopped run's cleanup that failed once (a cold start cut short on a busy
 * machine, say) is not left undone for good.
 */
export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [1_000, 2_000];

export function createEventBus(
  deliver: (target: RuleTarget, input: string) => Promise<string>,
  log: (line: string) => void,
  retryDelaysMs: readonly number[] = DEFAULT_RETRY_DELAYS_MS,
): EventBus {
  const rules = new Map<string, EventRule>();
  const underWay = new Set<Promise<void>>();
  const attempts = retryDelaysMs.length + 1;
  /** Delivers, retrying a failure after each of the delays; the last failure is thrown. */
  async function deliverWithRetries(rule: string, target: RuleTarget, input: string): Promise<string> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await deliver(target, input);
      } catch (error) {
        const delay = retryDelaysMs[attempt - 1];
        if (delay === undefined) throw error;
        const message = error instanceof Error ? error.message : String(error);
        log(
          `rule ${rule}: target ${target.arn} failed (attempt ${attempt} of ${attempts}), retrying in ${delay} ms: ${message}`,
        );
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }
  return {
    register(rule) {
      checkEventPattern(rule.eventPattern, `rule ${rule.name}: EventPattern`);
      rules.set(rule.name, rule);
    },
    rules: () => [...rules.values()],
    put(event) {
      for (const rule of rules.values()) {
        if (!rule.enabled || !matchesEventPattern(rule.eventPattern, event)) continue;
        for (const target of rule.targets) {
          const delivery = deliverWithRetries(rule.name, target, targetInput(target, event)).then(
            (done) => log(`rule ${rule.name}: ${done}`),
            (error: Error) =>
              log(
                `rule ${rule.name}: target ${target.arn} failed after ${attempts} attempts: ${error.message}`,
              ),
          );
          underWay.add(delivery);
          void delivery.finally(() => underWay.delete(delivery));
        }
      }
    },
    async drain(timeoutMs) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      });
      await Promise.race([Promise.all([...underWay]), timeout]);
      clearTimeout(timer);
    },
  };
}
