// verify/ must start fast and never load Pulumi: checked on the module graph itself, not only the
// direct imports the lint rule sees.
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_DIR } from "../../stacks/stack-file";
import { startProcess } from "../harness";

const VERIFY = path.join(PROJECT_DIR, "verify");
/** In a fresh process (this one has loaded Pulumi already), started when the file loads (see startProcess). */
const loadedBy = (files: string[]) =>
    startProcess(
        [
            "--import",
            "tsx",
            "-e",
            `for (const f of ${JSON.stringify(files)}) require(f);
             const loaded = Object.keys(require.cache);
             const count = (m) => loaded.filter((k) => k.includes(m)).length;
             console.log(JSON.stringify({ pulumi: count("@pulumi"), kube: count("@kubernetes/client-node"), aws: count("@aws-sdk") }));`,
        ],
        { cwd: PROJECT_DIR },
    );
const cli = loadedBy([path.join(VERIFY, "main.ts")]);
// Every module, the ones main.ts loads only when a cluster is needed (kube.ts, elb.ts, report.ts...) too.
const all = loadedBy(
    fs
        .readdirSync(VERIFY)
        .filter((f) => f.endsWith(".ts"))
        .map((f) => path.join(VERIFY, f)),
);

const counts = async (run: ReturnType<typeof loadedBy>) => {
    const r = await run;
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout.trim().split("\n").at(-1) ?? "{}") as { pulumi: number; kube: number; aws: number };
};

describe("verify's module graph", () => {
    it("loading the CLI loads no @pulumi module, nor @kubernetes/client-node or the AWS SDK before a cluster is needed", async () => {
        assert.deepEqual(await counts(cli), { pulumi: 0, kube: 0, aws: 0 });
    });

    it("[#14] no verify module, the lazily loaded ones included, loads any @pulumi module", async () => {
        const loaded = await counts(all);
        assert.equal(loaded.pulumi, 0);
        assert.ok(loaded.kube > 0, "kube.ts was really loaded");
        // elb.ts imports the AWS SDK only inside openElb, when a run has a target group to read.
        assert.equal(loaded.aws, 0);
    });
});
