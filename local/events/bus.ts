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

export function createEventBus(
  deliver: (target: RuleTarget, input: string) => Promise<string>,
  log: (line: string) => void,
): EventBus {
  const rules = new Map<string, EventRule>();
  const underWay = new Set<Promise<void>>();
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
          const delivery = deliver(target, targetInput(target, event)).then(
            (done) => log(`rule ${rule.name}: ${done}`),
            (error: Error) => log(`rule ${rule.name}: target ${target.arn} failed: ${error.message}`),
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
