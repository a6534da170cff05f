// docs/mutation-score.md and README's mutation-score block say what the committed reports say: both
// are rendered again from reports/mutation/*.json, reports/mutation/runs.json and the equivalents
// list, and must equal what is committed (`npm run mutate` rewrites them; so does
// `node scripts/launch.cjs scripts/mutation-score.ts`). Also how a scope is counted.
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_DIR } from "../../stacks/stack-file";
import { SCOPES } from "../../scripts/mutate";
import { SCORE_FILE, countsOf, currentBlock, notRun, readInputs, renderPages, withReadmeBlock } from "../../scripts/mutation-score";

const at = (line: number) => ({ start: { line, column: 1 }, end: { line, column: 2 } });
const mutant = (status: string, line: number) => ({
    fileName: "rules/a.ts",
    location: at(line),
    mutatorName: "StringLiteral",
    replacement: '""',
    status: status as "Killed",
});

describe("the mutation score pages", () => {
    it("counts as Stryker scores: timeouts are detected, compile errors count nowhere, listed survivors are the equivalents", () => {
        const results = [
            mutant("Killed", 1),
            mutant("Timeout", 2),
            mutant("Survived", 3),
            mutant("Survived", 4),
            mutant("NoCoverage", 5),
            mutant("CompileError", 6),
        ];
        const listed = new Map([['rules/a.ts:3:1 StringLiteral ""', "why"]]);
        assert.deepEqual(countsOf(results, listed), {
            mutants: 5,
            killed: 2,
            survived: 2,
            noCoverage: 1,
            equivalent: 1,
            score: 40,
            scoreWithoutEquivalents: 50,
        });
    });

    it("a scope measured on part of its files names the files it named one by one that have no result; globs and unrun scopes say nothing", () => {
        const verify = SCOPES.verify.mutate;
        const ran = (files: string[]) => files.map((fileName, i) => ({ ...mutant("Killed", i + 1), fileName }));
        const inputs = (results: Record<string, ReturnType<typeof ran> | undefined>) => ({
            results,
            runs: {},
            listed: new Map<string, string>(),
        });
        assert.deepEqual(notRun(inputs({ verify: ran(verify.slice(1)), rules: ran([]), stacks: undefined })), [`verify: \`${verify[0]}\``]);
        assert.deepEqual(notRun(inputs({ verify: ran(verify) })), []);
    });

    it("README's block is replaced between its markers, and missing markers are an error", () => {
        const readme = "a\n<!-- mutation-score:start -->\nold\n<!-- mutation-score:end -->\nb\n";
        assert.equal(withReadmeBlock(readme, "new"), "a\n<!-- mutation-score:start -->\n\nnew\n\n<!-- mutation-score:end -->\nb\n");
        assert.equal(currentBlock(withReadmeBlock(readme, "new")), "new");
        assert.throws(
            () => withReadmeBlock("a", "new"),
            /README\.md: the markers <!-- mutation-score:start --> and <!-- mutation-score:end --> are missing/,
        );
    });

    it(`${SCORE_FILE} and README's block are what the committed reports say (re-run \`npm run mutate\` or scripts/mutation-score.ts)`, async () => {
        const inputs = readInputs(PROJECT_DIR);
        const { page, block } = await renderPages(inputs);
        assert.equal(fs.readFileSync(path.join(PROJECT_DIR, SCORE_FILE), "utf8"), page);
        assert.equal(currentBlock(fs.readFileSync(path.join(PROJECT_DIR, "README.md"), "utf8")), block);
        for (const scope of Object.keys(SCOPES)) {
            assert.match(block, new RegExp(`^\\| ${scope} +\\|`, "m"), `README names scope ${scope}`);
        }
    });
});
