// The deployer's own errors: a template it cannot deploy as written. CloudFormation answers such a template
// with ValidationError, and so does the local cloud.
import { LocalServiceError } from "../shared/errors.js";

export class InvalidTemplateError extends LocalServiceError {
  constructor(message: string, options: ErrorOptions = {}) {
    super("ValidationError", message, options);
  }
}
