// Runs every test file in one process: the Pulumi SDKs load once and each stack variant is
// synthesized once (test/harness.ts caches by stack and config), instead of once per file.
// `npm test` runs this beside the type check and lint (scripts/test.sh); `npm run test:unit` runs
// the two shards (test/shard-1.mts, test/shard-2.mts) on the two cores instead.
// One file alone: `node --import tsx --test test/<dir>/<file>`.
import { runTests } from "./files.mjs";

await runTests();
