// CDK tests: a construct that refuses its props throws the stacks' ValidationError naming the prop.
import { expect } from "vitest";
import { ValidationError } from "../../stacks/errors.js";

/** `build` throws a ValidationError for `prop` whose message matches `text`; returns it for more checks. */
export function expectValidationError(
  build: () => unknown,
  prop: string,
  text: string | RegExp,
): ValidationError {
  let error: unknown;
  try {
    build();
  } catch (caught) {
    error = caught;
  }
  expect(error).toBeInstanceOf(ValidationError);
  const refused = error as ValidationError;
  expect(refused.prop).toBe(prop);
  expect(refused.message).toMatch(text);
  return refused;
}
