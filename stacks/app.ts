#!/usr/bin/env node
// CDK app entry: `cdk synth` runs this through tsx (see cdk.json).
import { App } from "aws-cdk-lib";

const app = new App();
app.synth();
