// scripts/mutate.ts: how it scores a scope and reads the list of equivalent mutants, and the list
// itself (each row names a scope's file and a line it has). Stryker itself runs in `npm run mutate`.
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_DIR } from "../../stacks/stack-file";
import { EQUIVALENTS_FILE, SCOPES, mutantKey, parseArgs, readEquivalents, scoreOf, staleEntries, usage } from "../../scripts/mutate";
import { startNpmScript } from "../harness";

/** Started when this file loads, so npm's start-up overlaps the in-process tests (harness.ts startProcess). */
const help = startNpmScript("mutate", ["--help"], { cwd: PROJECT_DIR, env: { ...process.env, npm_config_update_notifier: "false" } });

const at = (line: number, column: number) => ({ start: { line, column }, end: { line, column: column + 1 } });

describe("npm run mutate", () => {
    it("arguments: the scopes asked for (all without one), --force, --only with its glob; a typo is refused", () => {
        assert.deepEqual(parseArgs(["verify"]), { names: ["verify"], force: false });
        assert.deepEqual(parseArgs([]), { names: Object.keys(SCOPES), force: false });
        assert.deepEqual(parseArgs(["--force", "rules", "--only", "rules/timing.ts"]), {
            names: ["rules"],
            force: true,
            only: "rules/timing.ts",
        });
        assert.equal(parseArgs(["rules", "--only"]), "--only needs a glob, e.g. --only rules/timing.ts");
        assert.equal(parseArgs(["rule"]), "unknown scope(s) rule; expected any of rules, stacks, verify, components");
    });

    it("--help and -h: the usage, wherever they stand; npm run mutate -- --help prints it (scopes with their files, --force, --only) and exits 0", async () => {
        assert.deepEqual(parseArgs(["--help"]), { help: true });
        assert.deepEqual(parseArgs(["rules", "-h", "--force"]), { help: true });
        const text = usage();
        assert.match(text, /^usage: npm run mutate \[-- <scope>\.\.\.\] \[--force\] \[--only <glob>\[,<glob>\.\.\.\]\]$/m);
        assert.match(text, /^ {2}--force /m);
        assert.match(text, /^ {2}--only <glob> /m);
        for (const [name, scope] of Object.entries(SCOPES)) {
            assert.ok(text.split("\n").includes(`  ${name.padEnd(12)} ${scope.mutate.join(" ")}`), `${name}: ${scope.mutate.join(" ")}`);
        }
        const run = await help;
        assert.equal(run.stderr, "");
        assert.equal(run.status, 0);
        assert.ok(run.stdout.includes(`${text}\n`), run.stdout);
    });

    it("names a mutant by file, line and column (1-based, as Stryker reports them), mutator and its replacement on one line", () => {
        const key = mutantKey({
            fileName: path.join(PROJECT_DIR, "rules", "timing.ts"),
            location: at(86, 22),
            mutatorName: "ArrayDeclaration",
            replacement: "[\n  ]",
        });
        assert.equal(key, "rules/timing.ts:86:22 ArrayDeclaration [ ]");
    });

    it("reads the rows of the list, code spans and escaped pipes included, and refuses a row without a reason", () => {
        const listed = readEquivalents(
            [
                "| Location | Mutator | Replacement | Why |",
                "|---|---|---|---|",
                '| rules/a.ts:1:2 | StringLiteral | `""` | unused |',
                "| rules/a.ts:3:4 | StringLiteral | ``` `` ``` | empty template |",
                "| rules/a.ts:5:6 | LogicalOperator | `a \\|\\| b` | same |",
            ].join("\n"),
        );
        assert.deepEqual(
            [...listed],
            [
                ['rules/a.ts:1:2 StringLiteral ""', "unused"],
                ["rules/a.ts:3:4 StringLiteral ``", "empty template"],
                ["rules/a.ts:5:6 LogicalOperator a || b", "same"],
            ],
        );
        assert.throws(() => readEquivalents("| rules/a.ts:1:2 | StringLiteral | `x` |  |"), /rules\/a.ts:1:2 StringLiteral has no reason/);
    });

    it("scores as Stryker does (detected over detected and undetected; compile errors left out), and without the listed ones", () => {
        const m = (status: string, line: number) => ({
            fileName: "rules/a.ts",
            location: at(line, 1),
            mutatorName: "StringLiteral",
            replacement: '""',
            status: status as "Killed",
        });
        const results = [m("Killed", 1), m("Timeout", 2), m("Survived", 3), m("NoCoverage", 4), m("CompileError", 5)];
        const listed = new Map([['rules/a.ts:3:1 StringLiteral ""', "why"]]);
        assert.deepEqual(scoreOf(results, listed), {
            detected: 2,
            undetected: 2,
            score: 50,
            scoreWithoutEquivalents: 66.67,
            unjudged: ['rules/a.ts:4:1 StringLiteral ""'],
            equivalent: ['rules/a.ts:3:1 StringLiteral ""'],
        });
        assert.deepEqual(staleEntries(listed, new Set(), new Set(["rules/a.ts"])), ['rules/a.ts:3:1 StringLiteral ""']);
        assert.deepEqual(staleEntries(listed, new Set(), new Set(["rules/b.ts"])), []);
    });

    it(`${EQUIVALENTS_FILE}: every row names a line its file has, with a reason`, () => {
        const listed = readEquivalents(fs.readFileSync(path.join(PROJECT_DIR, EQUIVALENTS_FILE), "utf8"));
        assert.ok(listed.size > 0);
        for (const key of listed.keys()) {
            const [file, line] = key.split(" ")[0].split(":");
            const lines = fs.readFileSync(path.join(PROJECT_DIR, file), "utf8").split("\n");
            assert.ok(Number(line) <= lines.length, `${key}: ${file} has ${lines.length} lines`);
        }
    });
});
