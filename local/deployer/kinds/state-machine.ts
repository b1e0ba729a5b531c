// Step Functions state machines: created with the template's definition, intrinsics resolved into it; a
// redeploy updates the definition.
import {
  CreateStateMachineCommand,
  DescribeStateMachineCommand,
  StateMachineDoesNotExist,
  UpdateStateMachineCommand,
} from "@aws-sdk/client-sfn";
import { z } from "zod";
import { iamRoleArn } from "../../shared/identity.js";
import { InvalidTemplateError } from "../errors.js";
import type { LocalCloudTarget, ResourceKind } from "../kind.js";
import { exists } from "./exists.js";

export interface StateMachinePlan {
  stack: string;
  logicalId: string;
  name: string;
  arn: string;
  /** The definition as Step Functions takes it: ASL JSON text. */
  definition: string;
}

/** A state machine's definition comes as text (DefinitionString) or as a JSON object (Definition). */
const definitionProperties = z.object({
  DefinitionString: z.string().optional(),
  Definition: z.unknown().optional(),
});

async function createOrUpdate(cloud: LocalCloudTarget, machine: StateMachinePlan): Promise<void> {
  const { arn, name, definition } = machine;
  const found = await exists(
    () => cloud.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: arn })),
    StateMachineDoesNotExist,
  );
  if (found) {
    await cloud.sfn.send(new UpdateStateMachineCommand({ stateMachineArn: arn, definition }));
  } else {
    await cloud.sfn.send(new CreateStateMachineCommand({ name, definition, roleArn: iamRoleArn(name) }));
  }
}

export const stateMachineKind: ResourceKind<StateMachinePlan, number> = {
  type: "AWS::StepFunctions::StateMachine",
  covers: [],
  plan(resource, stack) {
    const { DefinitionString, Definition } = stack.read(resource, definitionProperties);
    const definition =
      DefinitionString ?? (Definition === undefined ? undefined : JSON.stringify(Definition));
    if (definition === undefined) {
      throw new InvalidTemplateError(`${stack.where(resource)}: DefinitionString or Definition is required`);
    }
    return {
      stack: stack.stackName,
      logicalId: resource.logicalId,
      name: stack.attribute(resource.logicalId, "Name"),
      arn: stack.ref(resource.logicalId),
      definition,
    };
  },
  async apply(machines, cloud) {
    for (const machine of machines) {
      await createOrUpdate(cloud, machine);
      cloud.log(`  state machine ${machine.name}`);
    }
    return machines.length;
  },
};
