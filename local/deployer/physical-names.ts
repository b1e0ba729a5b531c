// The physical names and ARNs the local cloud gives a template's resources: what Ref and Fn::GetAtt return,
// shaped as CloudFormation returns them for each type.
import { createHash } from "node:crypto";
import { iamRoleArn, type LocalIdentity, lambdaFunctionArn, stateMachineArn } from "../shared/identity.js";
import type { CfnResource } from "./assembly.js";

/** What Ref of a resource gives, and its attributes by name. */
export interface PhysicalValues {
  ref: string;
  attributes: Record<string, string>;
}

/** `<stack>-<logicalId>`, shortened with a hash of the whole when a type's names allow fewer characters. */
function physicalName(stack: string, logicalId: string, maxLength: number): string {
  const name = `${stack}-${logicalId}`;
  if (name.length <= maxLength) return name;
  const hash = createHash("sha256").update(name).digest("hex").slice(0, 8);
  return `${name.slice(0, maxLength - 9)}-${hash}`;
}

function apiIdFor(stack: string, logicalId: string): string {
  return createHash("sha256").update(`${stack}/${logicalId}`).digest("hex").slice(0, 10);
}

/** Ref and GetAtt values for one resource: the name its template gives it, or one made from its ids. */
export function physicalValues(
  stackName: string,
  logicalId: string,
  resource: CfnResource,
  identity: LocalIdentity,
): PhysicalValues {
  const { region, accountId } = identity;
  const props = resource.Properties ?? {};
  const given = (key: string) => {
    const value = props[key];
    return typeof value === "string" ? value : undefined;
  };
  const named = (key: string, maxLength: number) =>
    given(key) ?? physicalName(stackName, logicalId, maxLength);
  switch (resource.Type) {
    case "AWS::DynamoDB::Table": {
      const name = named("TableName", 255);
      const arn = `arn:aws:dynamodb:${region}:${accountId}:table/${name}`;
      return { ref: name, attributes: { Arn: arn, StreamArn: `${arn}/stream/1970-01-01T00:00:00.000` } };
    }
    case "AWS::Lambda::Function": {
      const name = named("FunctionName", 64);
      return { ref: name, attributes: { Arn: lambdaFunctionArn(name, undefined, identity) } };
    }
    case "AWS::IAM::Role": {
      const name = named("RoleName", 64);
      return { ref: name, attributes: { Arn: iamRoleArn(name, identity), RoleId: name } };
    }
    case "AWS::ApiGateway::RestApi": {
      const id = apiIdFor(stackName, logicalId);
      return { ref: id, attributes: { RootResourceId: `${id}-root`, RestApiId: id } };
    }
    case "AWS::StepFunctions::StateMachine": {
      const name = named("StateMachineName", 80);
      const arn = stateMachineArn(name, identity);
      return { ref: arn, attributes: { Arn: arn, Name: name } };
    }
    case "AWS::Events::Rule": {
      const name = named("Name", 64);
      return { ref: name, attributes: { Arn: `arn:aws:events:${region}:${accountId}:rule/${name}` } };
    }
    case "AWS::Logs::LogGroup": {
      const name = given("LogGroupName") ?? `/aws/${physicalName(stackName, logicalId, 200)}`;
      return { ref: name, attributes: { Arn: `arn:aws:logs:${region}:${accountId}:log-group:${name}:*` } };
    }
    case "AWS::SQS::Queue": {
      const name = named("QueueName", 80);
      return {
        ref: `http://sqs.${region}.localhost/${accountId}/${name}`,
        attributes: { Arn: `arn:aws:sqs:${region}:${accountId}:${name}`, QueueName: name },
      };
    }
    case "AWS::SNS::Topic": {
      const name = named("TopicName", 256);
      const arn = `arn:aws:sns:${region}:${accountId}:${name}`;
      return { ref: arn, attributes: { TopicArn: arn, TopicName: name } };
    }
    case "AWS::ApiGateway::Stage":
      return { ref: given("StageName") ?? logicalId, attributes: {} };
    default: {
      // Resources only referenced by id (methods, deployments, policies, resources, …): a stable local id.
      const id = physicalName(stackName, logicalId, 128);
      return { ref: id, attributes: { Arn: `arn:aws:local:${region}:${accountId}:${id}` } };
    }
  }
}
