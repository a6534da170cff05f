// The quiet path (issue 25): the reporter `npm test` uses (test/reporter.mjs), run as scripts/test.sh
// runs it, on a passing and a failing file that both print.
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as path from "node:path";
import { PROJECT_DIR } from "../synth/engine";
import { startProcess } from "./harness";

const FIXTURES = path.join("test", "fixtures", "reporter");
// Without NODE_TEST_CONTEXT: set for this file's own run, it would make the inner runner report to this one.
const { NODE_TEST_CONTEXT: _outer, ...env } = process.env;
const run = (fixture: string) =>
    startProcess(["--test", "--test-reporter=./test/reporter.mjs", path.join(FIXTURES, fixture)], { cwd: PROJECT_DIR, env });
const runs = { passing: run("passing.mjs"), failing: run("failing.mjs"), late: run("late.mjs") };

/** The summary lines the runner ends with, in its order. */
const SUMMARY = ["tests", "suites", "pass", "fail", "cancelled", "skipped", "todo", "duration_ms"];

describe("the test reporter (test/reporter.mjs)", () => {
    it("issue 25: a green run prints the runner's summary and nothing else, not even what the tests printed", async () => {
        const { status, stdout, stderr } = await runs.passing;
        assert.equal(status, 0, stdout + stderr);
        const lines = stdout.trimEnd().split("\n");
        assert.deepEqual(
            lines.map((l) => l.split(" ").slice(0, 2).join(" ")),
            SUMMARY.map((s) => `# ${s}`),
        );
        assert.deepEqual(lines.slice(0, 4), ["# tests 2", "# suites 1", "# pass 2", "# fail 0"]);
        assert.equal(stderr, "");
    });

    it("issue 25: a red run prints each failure in full (suite › name, file:line:column, the assertion's diff) and what the tests printed", async () => {
        const { status, stdout } = await runs.failing;
        assert.equal(status, 1, stdout);
        assert.match(stdout, /printed before the failure/);
        assert.match(stdout, /^✖ a failing suite › compares the wrong object$/m);
        assert.match(
            stdout,
            new RegExp(`^  ${path.join(FIXTURES, "failing.mjs").replace(/[./]/g, "\\$&")}:9:\\d+$`, "m"),
            "the failing assertion's line",
        );
        assert.match(stdout, /AssertionError \[ERR_ASSERTION\]: Expected values to be strictly deep-equal/);
        assert.match(stdout, /^ {2}\+ {3}replicas: 3$/m);
        assert.match(stdout, /^ {2}- {3}replicas: 4$/m);
        // The passing test is not listed; the summary still ends the output.
        assert.doesNotMatch(stdout, /✖ .*› passes/);
        assert.match(stdout, /# tests 2\n# suites 1\n# pass 1\n# fail 1\n/);
    });

    it("issue 25: what the runner itself says (a test that left work behind it) is printed, with what the tests printed, and the run is red", async () => {
        const { status, stdout } = await runs.late;
        assert.equal(status, 1, stdout);
        assert.match(stdout, /^# .*generated asynchronous activity after the test ended.*thrown after the test ended/m);
        // The file counts as a failed test: it exited with status 1.
        assert.match(stdout, new RegExp(`^✖ ${path.join(FIXTURES, "late.mjs").replace(/[./]/g, "\\$&")}$`, "m"));
        assert.match(stdout, /# tests 2\n# suites 0\n# pass 1\n# fail 1\n/);
    });
});
