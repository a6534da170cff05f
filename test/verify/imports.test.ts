// verify/ must start fast and never load Pulumi: checked on the module graph itself, not only the
// direct imports the lint rule sees.
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as path from "node:path";
import { PROJECT_DIR } from "../../stacks/stack-file";
import { startProcess } from "../harness";

// A fresh process (this one has loaded Pulumi already), started when the file loads (see startProcess).
const script = `require(${JSON.stringify(path.join(PROJECT_DIR, "verify", "main.ts"))});
    const loaded = Object.keys(require.cache);
    console.log(JSON.stringify({ pulumi: loaded.filter((k) => k.includes("@pulumi")).length, kube: loaded.filter((k) => k.includes("@kubernetes/client-node")).length }));`;
const loading = startProcess(["--import", "tsx", "-e", script], { cwd: PROJECT_DIR });

describe("verify's module graph", () => {
    it("loading the CLI loads no @pulumi module (nor @kubernetes/client-node before a cluster is needed)", async () => {
        const run = await loading;
        assert.equal(run.status, 0, run.stderr);
        assert.deepEqual(JSON.parse(run.stdout.trim().split("\n").at(-1) ?? "{}"), { pulumi: 0, kube: 0 });
    });
});
