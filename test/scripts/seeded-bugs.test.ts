// scripts/seeded-bugs.ts without running the study (`npm run seeded-bugs` does): every seeded bug
// still applies to today's source and names test files that exist, and failing tests are read from
// TAP as the study reads them.
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_DIR } from "../../stacks/stack-file";
import { SEEDED_BUGS, applyBug, failingTests } from "../../scripts/seeded-bugs";

describe("npm run seeded-bugs", () => {
    for (const bug of SEEDED_BUGS) {
        it(`${bug.bug}: the patch applies to ${bug.file} once, and its test files (before and now) exist`, () => {
            const source = fs.readFileSync(path.join(PROJECT_DIR, bug.file), "utf8");
            assert.notEqual(applyBug(source, bug), source);
            for (const file of [...bug.before, ...bug.tests]) {
                assert.ok(fs.existsSync(path.join(PROJECT_DIR, file)), file);
            }
        });
    }

    it("a patch whose text is missing or repeated is refused, naming the file", () => {
        const bug = { file: "x.ts", find: "a", replace: "b" };
        assert.throws(() => applyBug("c", bug), /x\.ts: the seeded bug's text "a" must occur exactly once \(found none\)/);
        assert.throws(() => applyBug("aa", bug), /found several/);
        assert.equal(applyBug("cac", bug), "cbc");
    });

    it("reads the failing leaf tests from TAP, not the suites around them", () => {
        const tap = [
            "TAP version 13",
            "    ok 1 - passes",
            "    not ok 2 - fails",
            "not ok 1 - suite",
            "    not ok 1 - first of the next suite",
            "not ok 2 - next suite",
            "not ok 3 - a top-level test",
        ].join("\n");
        assert.deepEqual(failingTests(tap), ["fails", "first of the next suite", "a top-level test"]);
    });
});
