// Each CLI README names, started through npm as README types it (issue 21.1: verify crashed past its
// argument parsing while every in-process test passed). verify's own paths: test/verify/npm-run-verify.test.ts.
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PROJECT_DIR } from "../../stacks/stack-file";
import { startNpmScript } from "../harness";

const env = { ...process.env, npm_config_update_notifier: "false" };
const out = fs.mkdtempSync(path.join(os.tmpdir(), "zde-npm-run-synth-"));
/** Started when this file loads (see startProcess). */
const runs = {
    synth: startNpmScript("synth", ["--stack", "dev", "--out", out], { cwd: PROJECT_DIR, env }),
    // The benchmark's real run takes minutes (it runs the synth 10 times): its --help reaches its main().
    bench: startNpmScript("bench", ["--help"], { cwd: PROJECT_DIR, env }),
    benchBadArgument: startNpmScript("bench", ["--stack", "dev"], { cwd: PROJECT_DIR, env }),
};

describe("issue 21.1: the npm scripts README types start and reach their work", () => {
    it("issue 21.1: npm run synth -- --stack dev writes the stack's files and exits 0, no error on stderr", async () => {
        const run = await runs.synth;
        assert.doesNotMatch(run.stderr, /error|\n\s+at /i, run.stderr);
        // issue 25: dev has no domain, Istio and alarms on: no output is exported undefined, so Pulumi's
        // runtime has no "Undefined value (httpsUrl) will not show as a stack output" to print, here or in `pulumi up`.
        assert.doesNotMatch(run.stdout + run.stderr, /Undefined value|warning/, run.stdout + run.stderr);
        assert.equal(run.status, 0, run.stdout);
        assert.deepEqual(fs.readdirSync(out).sort(), ["manifests.yaml", "outputs.json", "report.json", "report.md", "resources.json"]);
    });

    it("issue 21.1: npm run bench -- --help prints what it measures and exits 0; an argument it does not take is one line, exit 2", async () => {
        const help = await runs.bench;
        assert.equal(help.stderr, "");
        assert.equal(help.status, 0);
        assert.match(help.stdout, /^usage: npm run bench$/m);
        const bad = await runs.benchBadArgument;
        assert.equal(bad.status, 2);
        assert.equal(bad.stderr, 'bench: unexpected argument "--stack": npm run bench takes none (npm run bench -- --help)\n');
    });
});
