// Boots the local cloud with the app of an already synthesized assembly, as `powertune up` does after its
// synth, and prints what `up` prints. Usage: app-cloud-main.ts <dataDir> <cdkOutDir>
import { expireInterruptedRuns } from "../../cli/demo-steps.js";
import { bootLocalCloudWithApp } from "../../local/cloud.js";

const [dataDir, cdkOutDir] = process.argv.slice(2);
if (dataDir === undefined || cdkOutDir === undefined) {
  throw new Error("usage: app-cloud-main.ts <dataDir> <cdkOutDir>");
}
const log = (line: string) => process.stderr.write(`${line}\n`);
const cloud = await bootLocalCloudWithApp({ port: 0, dataDir, cdkOutDir, skipSynth: true, log });
await expireInterruptedRuns(cloud, log);
process.stdout.write(`endpoint: ${cloud.endpoint}\nrunning\n`);
const stop = () => {
  void cloud.close().then(() => process.exit(0));
};
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
