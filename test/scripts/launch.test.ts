import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PROJECT_DIR } from "../../stacks/stack-file";
import { startProcess } from "../harness";

const LAUNCHER = path.join(PROJECT_DIR, "scripts", "launch.cjs");

/** Started when this file loads (see startProcess). */
function launch(...args: string[]) {
    return startProcess([LAUNCHER, ...args], { cwd: PROJECT_DIR });
}

/** A throwaway TypeScript entry whose main(argv) runs `body`. */
function entry(body: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zde-launch-"));
    const file = path.join(dir, "entry.ts");
    fs.writeFileSync(file, `export async function main(argv: string[]): Promise<number> {\n${body}\n}\n`);
    return file;
}

const rejecting = entry(`throw new Error("went wrong " + argv.length);`);
// A throw from a timer, outside main()'s promise; and an import that cannot be found, as verify's import("./report.js") was.
const throwingLater = entry(
    `setTimeout(() => { throw new TypeError("late\\nsecond line"); }, 1); return new Promise<number>(() => undefined);`,
);
const badImport = entry(`return (await import("./missing.js")).code as number;`);
const runs = {
    noEntry: launch(),
    twoArgs: launch(entry(`const n: number = argv.length; console.log(argv.join(",")); return n + 4;`), "a", "b"),
    rejects: launch(rejecting),
    throwsLater: launch(throwingLater),
    badImport: launch(badImport),
};

describe("scripts/launch.cjs", () => {
    it("without an entry it prints its usage and exits 2", async () => {
        const run = await runs.noEntry;
        assert.equal(run.status, 2);
        assert.match(run.stderr, /^usage: node scripts\/launch\.cjs <entry\.ts>/);
    });

    it("runs the entry's TypeScript main with the remaining arguments and exits with its status", async () => {
        const run = await runs.twoArgs;
        assert.equal(run.status, 6, run.stderr);
        assert.equal(run.stdout, "a,b\n");
    });

    it("issue 21.1: a main that rejects exits 1 with one line naming the entry and the error, never a stack trace", async () => {
        const run = await runs.rejects;
        assert.equal(run.status, 1);
        assert.equal(run.stderr, `${rejecting}: unexpected error: Error: went wrong 0\n`);
    });

    it("issue 21.1: an error thrown outside main's promise, or a module that cannot be found, is one line too", async () => {
        const later = await runs.throwsLater;
        assert.equal(later.status, 1);
        assert.equal(later.stderr, `${throwingLater}: unexpected error: TypeError: late\n`);
        const missing = await runs.badImport;
        assert.equal(missing.status, 1);
        assert.match(
            missing.stderr,
            /^\S+entry\.ts: unexpected error: Error \[ERR_MODULE_NOT_FOUND\]: Cannot find module '[^']*missing\.js'[^\n]*\n$/,
        );
    });
});
