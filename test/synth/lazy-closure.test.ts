// synth/lazy-closure.cjs defers Pulumi's closure serializer: it must stand in for exactly what
// @pulumi/pulumi's runtime/index.js takes from it, and a program that does serialize a function must
// still get the real serializer.
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_DIR } from "../../stacks/stack-file";
import { startProcess } from "../harness";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { DEFERRED } = require("../../synth/lazy-closure.cjs") as { DEFERRED: Record<string, string[]> };

/** What runtime/index.js of the installed SDK copies from each closure module at import. */
function takenFromClosure(): Record<string, string[]> {
    const text = fs.readFileSync(require.resolve("@pulumi/pulumi/runtime/index.js"), "utf8");
    const taken: Record<string, string[]> = {};
    for (const [, alias, request] of text.matchAll(/var (\w+) = require\("(\.\/closure\/[\w/]+)"\);/g)) {
        taken[request] = [...text.matchAll(new RegExp(`exports\\.(\\w+) = ${alias}\\.(\\w+);`, "g"))].map(([, , name]) => name);
    }
    return taken;
}

// In a fresh process (this one has the whole SDK loaded already): import with the hook, check that
// TypeScript and arborist stayed out, then serialize a function, which must load the real serializer.
const probe = startProcess(
    [
        "--require",
        path.join(PROJECT_DIR, "synth", "lazy-closure.cjs"),
        "-e",
        `const loaded = (m) => Object.keys(require.cache).some((k) => k.includes("/node_modules/" + m + "/"));
         const pulumi = require("@pulumi/pulumi");
         const before = { typescript: loaded("typescript"), arborist: loaded("@npmcli/arborist") };
         pulumi.runtime.serializeFunction(() => 42).then((s) => console.log(JSON.stringify({ before, after: loaded("typescript"), text: s.text.includes("42") })));`,
    ],
    { cwd: PROJECT_DIR },
);

describe("the synth's deferred closure serializer", () => {
    it("stands in for exactly the functions runtime/index.js takes from the closure modules", () => {
        const sorted = (m: Record<string, string[]>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, [...v].sort()]));
        assert.deepEqual(sorted(takenFromClosure()), sorted(DEFERRED));
    });

    it("keeps TypeScript and npm's arborist out of the import, and serializes a function when asked", async () => {
        const run = await probe;
        assert.equal(run.status, 0, run.stderr);
        assert.deepEqual(JSON.parse(run.stdout.trim().split("\n").pop() ?? "{}"), {
            before: { typescript: false, arborist: false },
            after: true,
            text: true,
        });
    });
});
