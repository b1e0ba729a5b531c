// The `powertune` command. Subcommands arrive as the local cloud is built.
const [command] = process.argv.slice(2);

if (command === "demo") {
  process.stderr.write(
    "powertune demo: boots the local cloud, deploys the synthesized app, seeds the table and tunes the crud\n" +
      "function. The local cloud is not built yet, so there is nothing to run; see README.md.\n",
  );
  process.exit(1);
}
process.stderr.write("usage: powertune demo\n");
process.exit(2);
