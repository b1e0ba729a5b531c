#!/usr/bin/env node
// CDK app entry: `cdk synth` runs this through tsx (see cdk.json). No lookups: synth works offline.
import { App } from "aws-cdk-lib";
import { STACKS } from "../contract/index.js";
import { parseStage } from "./config.js";
import { CrudServiceStack } from "./crud-service-stack.js";
import { GitHubAccessStack, parseGitHubAccessContext } from "./github-access-stack.js";
import { parsePayloadS3Context } from "./payload-s3-context.js";
import { PowerTunerStack } from "./power-tuner-stack.js";
import { parseWeeklyTuningContext } from "./weekly-tuning-context.js";

const app = new App();
const env = {
  account: process.env.CDK_DEFAULT_ACCOUNT ?? "000000000000",
  region: process.env.CDK_DEFAULT_REGION ?? "us-east-1",
};
const stage = parseStage(app.node.tryGetContext("stage"));
// Read before any stack is built, so a bad value fails at once.
const github = parseGitHubAccessContext((key) => app.node.tryGetContext(key));
const weekly = parseWeeklyTuningContext((key) => app.node.tryGetContext(key));
const payloadS3 = parsePayloadS3Context((key) => app.node.tryGetContext(key));

const crud = new CrudServiceStack(app, STACKS.crud, { env, stage });
const tuner = new PowerTunerStack(app, STACKS.tuner, {
  env,
  stage,
  defaultTarget: crud.crudFunction,
  defaultTargetTable: crud.table,
  ...weekly,
  ...payloadS3,
});
if (github) {
  new GitHubAccessStack(app, STACKS.githubAccess, {
    env,
    github,
    stateMachine: tuner.stateMachine,
    historyTable: tuner.historyTable,
    tunedFunction: crud.crudFunction,
  });
}

app.synth();
