#!/usr/bin/env node
// The `powertune` executable: loads the TypeScript CLI through tsx's ESM loader.
import { register } from "tsx/esm/api";

register();
const { main } = await import("./main.ts");
process.exitCode = await main(process.argv.slice(2));
