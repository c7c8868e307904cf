// Runs the CLI from source (tests don't depend on a build in dist/).
import { main } from '../../src/cli/main.js';

process.exitCode = await main(process.argv);
