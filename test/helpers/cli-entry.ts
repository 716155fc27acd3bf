// Runs the CLI from source in a child process (tests that need a real process: kill -9, another
// uid, a closed pipe), set up as bin/twintune.js sets up the compiled one.
import { main, stopWhenOutputCloses } from "../../src/cli/main.js";

stopWhenOutputCloses();
process.exitCode = await main(process.argv.slice(2));
