#!/usr/bin/env node
// CDK app entry: `cdk synth` runs this through tsx (see cdk.json). No lookups: synth works offline.
import { App } from "aws-cdk-lib";
import { STACKS } from "../contract/index.js";
import { parseStage } from "./config.js";
import { CrudServiceStack } from "./crud-service-stack.js";
import { PowerTunerStack } from "./power-tuner-stack.js";

const app = new App();
const env = {
  account: process.env.CDK_DEFAULT_ACCOUNT ?? "000000000000",
  region: process.env.CDK_DEFAULT_REGION ?? "us-east-1",
};
const stage = parseStage(app.node.tryGetContext("stage"));

const crud = new CrudServiceStack(app, STACKS.crud, { env, stage });
new PowerTunerStack(app, STACKS.tuner, {
  env,
  stage,
  defaultTarget: crud.crudFunction,
  defaultTargetTable: crud.table,
});

app.synth();
