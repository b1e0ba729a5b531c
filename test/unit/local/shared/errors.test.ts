import { describe, expect, it } from "vitest";
import { LambdaApiError, ResourceNotFoundError } from "../../../../local/lambda/errors.js";
import { internalFailure, LocalServiceError } from "../../../../local/shared/errors.js";
import { InvalidArnError } from "../../../../local/stepfunctions/errors.js";

describe("LocalServiceError, the one error base of the local services", () => {
  it("is named for its AWS error code and answers 400 unless told otherwise", () => {
    const error = new LocalServiceError("ValidationException", "bad field");
    expect(error.name).toBe("ValidationException");
    expect(error.code).toBe("ValidationException");
    expect(error.statusCode).toBe(400);
  });

  it("keeps the cause it was given", () => {
    const cause = new Error("disk full");
    const error = new LocalServiceError("InternalFailure", "could not write", { statusCode: 500, cause });
    expect(error.cause).toBe(cause);
    expect(error.statusCode).toBe(500);
  });

  it("is the base of every service's errors, with one argument order", () => {
    expect(new ResourceNotFoundError("gone")).toBeInstanceOf(LocalServiceError);
    expect(new ResourceNotFoundError("gone").statusCode).toBe(404);
    expect(new InvalidArnError("stateMachineArn", "x")).toBeInstanceOf(LocalServiceError);
    const lambdaError = new LambdaApiError("ServiceException", "boom", {
      statusCode: 500,
      errorType: "Service",
    });
    expect(lambdaError.errorType).toBe("Service");
  });

  it("turns any thrown value into a 500 that keeps it as the cause, and passes service errors through", () => {
    const thrown = new TypeError("x is undefined");
    const failure = internalFailure(thrown);
    expect(failure.statusCode).toBe(500);
    expect(failure.code).toBe("InternalFailure");
    expect(failure.cause).toBe(thrown);
    const known = new LocalServiceError("ThrottlingException", "slow down");
    expect(internalFailure(known)).toBe(known);
  });
});
