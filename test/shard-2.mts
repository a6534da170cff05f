// Half of the test files (test/files.mts says which), for `npm run test:unit` on two cores.
import { inShard, runTests } from "./files.mjs";

await runTests((file) => inShard(file, 2));
