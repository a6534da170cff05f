// scripts/stryker-file-checker.mjs: the checker `npm run mutate` uses. A mutant it wrongly passes is
// run as a test (and may be listed as a survivor that no program could contain); one it wrongly
// rejects is never tested. So each verdict is checked on a two-file project in a temporary folder.
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CheckStatus } from "@stryker-mutator/api/check";
import type { Mutant } from "@stryker-mutator/api/core";
import { FileChecker, RELAXED, applyMutant, offsetOf } from "../../scripts/stryker-file-checker.mjs";

/** A project whose importer (b.ts) depends on the type of a.ts's export, with the repo's strict options. */
const FILES: Record<string, string> = {
    "tsconfig.json": JSON.stringify({
        compilerOptions: { strict: true, noUnusedLocals: true, noUnusedParameters: true, noEmit: true, types: [], lib: ["ES2022"] },
        include: ["*.ts"],
    }),
    "a.ts": ["export const one = 1;", "export function twice(x: number): number {", "    const y = x * 2;", "    return y;", "}", ""].join(
        "\n",
    ),
    "b.ts": ['import { one, twice } from "./a";', "export const n: 1 = one;", "export const m: number = twice(n);", ""].join("\n"),
};

function project(files: Record<string, string>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "file-checker-"));
    for (const [name, text] of Object.entries(files)) {
        fs.writeFileSync(path.join(dir, name), text);
    }
    return dir;
}

/** A mutant of a.ts replacing `original` (its first occurrence, on one line) with `replacement`. */
function mutantOf(dir: string, id: string, original: string, replacement: string): Mutant {
    const text = FILES["a.ts"];
    const offset = text.indexOf(original);
    assert.notEqual(offset, -1, `a.ts has no ${original}`);
    const line = text.slice(0, offset).split("\n").length - 1;
    const column = offset - (text.lastIndexOf("\n", offset - 1) + 1);
    return {
        id,
        fileName: path.join(dir, "a.ts"),
        location: { start: { line, column }, end: { line, column: column + original.length } },
        replacement,
        mutatorName: "test",
    };
}

describe("scripts/stryker-file-checker.mjs", () => {
    it("places a mutant by Stryker's 0-based line and column, across lines too", () => {
        const text = "ab\ncd\nef";
        assert.equal(offsetOf(text, { line: 0, column: 1 }), 1);
        assert.equal(offsetOf(text, { line: 2, column: 0 }), 6);
        assert.equal(
            applyMutant(text, { location: { start: { line: 0, column: 1 }, end: { line: 1, column: 1 } }, replacement: "X" }),
            "aXd\nef",
        );
        assert.throws(() => offsetOf(text, { line: 3, column: 0 }), /line 4 is past the end of the file/);
    });

    it("rejects a mutant that breaks its own file or a file that imports it, passes the others, and relaxes only what the official checker relaxes", async () => {
        const dir = project(FILES);
        const checker = new FileChecker({ tsconfigFile: path.join(dir, "tsconfig.json") });
        await checker.init();
        const cases: [Mutant, CheckStatus, RegExp?][] = [
            // Its own file: a string where the signature says number.
            [mutantOf(dir, "own", "return y;", 'return "y";'), CheckStatus.CompileError, /a\.ts\(4,5\): error TS2322/],
            // Only the importer breaks: `one` becomes 2, and b.ts declares it 1.
            [mutantOf(dir, "importer", "one = 1", "one = 2"), CheckStatus.CompileError, /b\.ts\(2,14\): error TS2322/],
            // Valid, and checked against the original a.ts (the last mutant was taken out).
            [mutantOf(dir, "valid", "x * 2", "x / 2"), CheckStatus.Passed],
            // Leaves `y` unused: the tests, not the checker, should notice (RELAXED).
            [mutantOf(dir, "unused", "return y;", "return x;"), CheckStatus.Passed],
        ];
        const results = await checker.check(cases.map(([m]) => m));
        for (const [mutant, status, reason] of cases) {
            const result = results[mutant.id];
            assert.equal(result.status, status, mutant.id);
            if (reason !== undefined) {
                assert.match(result.status === CheckStatus.CompileError ? result.reason : "", reason, mutant.id);
            }
        }
        assert.deepEqual(RELAXED, { allowUnreachableCode: true, noUnusedLocals: false, noUnusedParameters: false });
    });

    it("refuses to start on a project that does not compile before any mutation", async () => {
        const dir = project({ ...FILES, "b.ts": 'import { one } from "./a";\nexport const n: 2 = one;\n' });
        const checker = new FileChecker({ tsconfigFile: path.join(dir, "tsconfig.json") });
        await assert.rejects(checker.init(), /does not type-check before any mutation:\n.*b\.ts\(2,14\): error TS2322/);
    });
});
