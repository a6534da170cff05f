// Pulumi's rule for the file a Node.js project runs (synth/entry.ts), on this repository's projects
// and on small projects built for each branch of the rule.
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { EntryError, resolvePulumiEntry } from "../../synth/entry";
import { PROJECT_DIR } from "../../synth/engine";

const EXAMPLE = path.join(PROJECT_DIR, "examples", "team-service");

/** A throwaway tree: file path → contents, under a fresh temporary directory. */
function tree(files: Record<string, string>): string {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "zde-entry-"));
    for (const [file, text] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
        fs.writeFileSync(path.join(root, file), text);
    }
    return root;
}

const PROJECT = "name: p\nruntime: nodejs\n";

describe("Pulumi's entry rule (synth/entry.ts)", () => {
    it("issue 23.4: `pulumi up` in examples/team-service runs the example's own index.ts, not the platform program", () => {
        const entry = resolvePulumiEntry(EXAMPLE);
        assert.equal(entry.file, path.join(EXAMPLE, "index.ts"));
        assert.equal(entry.pwd, EXAMPLE);
        // Its own package root: `npm install` there gives the program its own node_modules.
        assert.equal(entry.packageRoot, EXAMPLE);
    });

    it("issue 23.4: without the example's Pulumi.yaml main and package.json, the rule finds the repository's package and its index.ts", () => {
        // The example as it was: a Pulumi.yaml without main, no package.json of its own, under a
        // package whose exports["."] is the platform's index.ts.
        const root = tree({
            "package.json": JSON.stringify({ name: "zero-downtime-eks", main: "index.ts", exports: { ".": "./index.ts" } }),
            "index.ts": "",
            "examples/team-service/Pulumi.yaml": PROJECT,
            "examples/team-service/index.ts": "",
        });
        const entry = resolvePulumiEntry(path.join(root, "examples", "team-service"));
        assert.equal(entry.file, path.join(root, "index.ts"));
        assert.equal(entry.via, "package.json exports");
    });

    it("the platform project runs the repository's index.ts (package.json main)", () => {
        const entry = resolvePulumiEntry(PROJECT_DIR);
        assert.equal(entry.file, path.join(PROJECT_DIR, "index.ts"));
        assert.equal(entry.via, "package.json main");
    });

    const cases: { name: string; files: Record<string, string>; file: string; pwd: string; via: string }[] = [
        {
            name: "Pulumi.yaml main names a file: that file, in its directory",
            files: {
                "Pulumi.yaml": `${PROJECT}main: src/app.ts\n`,
                "src/app.ts": "",
                "package.json": '{"main":"other.js"}',
                "other.js": "",
            },
            file: "src/app.ts",
            pwd: "src",
            via: "Pulumi.yaml main",
        },
        {
            name: "Pulumi.yaml main names a directory: it is the working directory, and its index runs",
            files: { "Pulumi.yaml": `${PROJECT}main: bin/\n`, "bin/index.js": "" },
            file: "bin/index.js",
            pwd: "bin",
            via: "directory index",
        },
        {
            name: "exports (a string) before main",
            files: { "Pulumi.yaml": PROJECT, "package.json": '{"main":"m.js","exports":"./e.js"}', "m.js": "", "e.js": "" },
            file: "e.js",
            pwd: "",
            via: "package.json exports",
        },
        {
            name: "exports['.'] as conditions: default, then require, then import",
            files: { "Pulumi.yaml": PROJECT, "package.json": '{"exports":{".":{"require":"./r.js","import":"./i.mjs"}}}', "r.js": "" },
            file: "r.js",
            pwd: "",
            via: "package.json exports",
        },
        {
            name: "a main that does not exist is skipped (Pulumi warns) and the directory's index runs",
            files: { "Pulumi.yaml": PROJECT, "package.json": '{"main":"missing.js"}', "index.ts": "" },
            file: "index.ts",
            pwd: "",
            via: "directory index",
        },
        {
            name: "index.js before index.ts in a directory",
            files: { "Pulumi.yaml": PROJECT, "index.ts": "", "index.js": "" },
            file: "index.js",
            pwd: "",
            via: "directory index",
        },
    ];
    for (const c of cases) {
        it(c.name, () => {
            const root = tree(c.files);
            const entry = resolvePulumiEntry(root);
            assert.deepEqual([entry.file, entry.pwd, entry.via], [path.join(root, c.file), path.join(root, c.pwd), c.via]);
        });
    }

    it("a Pulumi.yaml main that does not exist fails as the CLI does", () => {
        const root = tree({ "Pulumi.yaml": `${PROJECT}main: nowhere.ts\n` });
        assert.throws(
            () => resolvePulumiEntry(root),
            (err: unknown) => err instanceof EntryError && /project 'main' could not be read/.test(err.message),
        );
    });
});
