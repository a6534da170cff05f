// loadSettings decides whether a documentation CIDR is refused (a real preview or update) or a
// warning (offline, under mocks) from whether an engine is attached: checked in processes whose
// environment is the one the Pulumi CLI gives a Node program, with and without an engine address.
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as path from "node:path";
import { PROJECT_DIR, projectName, readStackConfig } from "../../synth/engine";
import { startProcess } from "../harness";

const FIXTURE = path.join(PROJECT_DIR, "test", "fixtures", "load-settings.ts");

/** loadSettings for the committed staging stack file, as @pulumi/pulumi cmd/run sets the environment. */
function loadStaging(engine: string | undefined) {
    const env: NodeJS.ProcessEnv = {
        ...process.env,
        PULUMI_NODEJS_PROJECT: projectName(),
        PULUMI_NODEJS_STACK: "staging",
        PULUMI_CONFIG: JSON.stringify(readStackConfig("staging")),
    };
    delete env.PULUMI_NODEJS_ENGINE;
    // An address nothing listens on: the refusal comes before the program logs anything to it.
    return startProcess(["--import", "tsx", FIXTURE], { cwd: PROJECT_DIR, env: engine ? { ...env, PULUMI_NODEJS_ENGINE: engine } : env });
}

const live = loadStaging("127.0.0.1:1");
const offline = loadStaging(undefined);

describe("issue 22.15: loadSettings refuses a documentation CIDR when an engine is attached", () => {
    it("issue 22.15: with an engine (pulumi preview / up), staging's 203.0.113.0/24 is refused, naming the key", async () => {
        const run = await live;
        assert.equal(run.status, 1, run.stderr);
        assert.match(run.stdout, /Invalid stack configuration/);
        assert.match(run.stdout, /zero-downtime-eks:cluster\.publicAccessCidrs\[0\]: got "203\.0\.113\.0\/24"; expected .*TEST-NET-3/);
    });

    it("issue 22.15: without one (npm run synth, verify), it is accepted with the warning", async () => {
        const run = await offline;
        assert.equal(run.status, 0, run.stdout + run.stderr);
        assert.match(run.stdout, /warning: zero-downtime-eks:cluster\.publicAccessCidrs\[0\]: 203\.0\.113\.0\/24 is inside TEST-NET-3/);
    });
});
