// Everything README and docs/ say that is derived from the code is what `npm run docs` writes today:
// README's figures, dev's sample synth report and the addon versions (the configuration reference:
// test/scripts/config-reference.test.ts).
// A stale file fails here with the command that rewrites it (the verify sample: test/verify/sample.test.ts).
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_DIR, readStackConfig } from "../../synth/engine";
import { renderMarkdown } from "../../synth/report";
import { VERSIONS } from "../../components/versions";
import {
    ADDON_PURPOSES,
    GENERATED,
    REGENERATE,
    SAMPLE_STACK,
    addonVersions,
    blockIn,
    generatedBlock,
    policyTable,
    readmeFigures,
    reportOf,
    testFileCount,
    withBlock,
} from "../../scripts/docs";
import { synth } from "../harness";

const read = (relative: string) => fs.readFileSync(path.join(PROJECT_DIR, relative), "utf8");
const stale = (what: string) => `${what} is stale: run \`${REGENERATE}\` and commit it`;

/** The sample stack as `npm run synth` synthesizes it (the suite's cached evaluation) and its report. */
const sample = synth(SAMPLE_STACK).then((result) => ({
    result,
    report: reportOf(SAMPLE_STACK, result.resources, readStackConfig(SAMPLE_STACK)),
}));

describe("docs generated from the code are current", () => {
    it(`${GENERATED.report} is the report \`npm run synth -- --stack ${SAMPLE_STACK}\` writes`, async () => {
        const { report } = await sample;
        assert.ok(read(GENERATED.report) === renderMarkdown(report), stale(GENERATED.report));
    });

    it("README's figures are dev's report's (cost at rest and at peak, capacity, timing) and the tree's", async () => {
        const { result, report } = await sample;
        const expected = generatedBlock("figures", readmeFigures(report, result.resources, testFileCount()));
        assert.equal(blockIn(read(GENERATED.readme), "figures"), expected, stale("README's figures block"));
    });

    it("the addon versions table is components/versions.ts's", () => {
        assert.equal(
            blockIn(read(GENERATED.addons), "addon-versions"),
            generatedBlock("addon-versions", addonVersions()),
            stale(GENERATED.addons),
        );
        assert.deepEqual(Object.keys(ADDON_PURPOSES).sort(), Object.keys(VERSIONS).sort(), "every pinned addon has a row");
    });

    it("the policy table is policy/checks.ts's policies", () => {
        assert.equal(
            blockIn(read(GENERATED.development), "policies"),
            generatedBlock("policies", policyTable()),
            stale(GENERATED.development),
        );
    });

    it("a block is replaced between its markers, and a missing marker is named", () => {
        const text = `a\n${generatedBlock("x", "old")}\nb`;
        assert.equal(withBlock(text, "x", "new"), `a\n${generatedBlock("x", "new")}\nb`);
        assert.throws(() => blockIn("no markers", "x"), /no generated block "x"/);
    });

    it("the figures name what they are: cost from the price table with its date, the models as models", async () => {
        const { report } = await sample;
        assert.ok(!("unavailable" in report.cost));
        const block = blockIn(read(GENERATED.readme), "figures");
        assert.match(block, new RegExp(`\\$${report.cost.monthlyTotal.toFixed(2)} a month at rest`));
        assert.match(block, /at peak \(Karpenter's NodePool at \d+ nodes all month\)/);
        assert.match(block, new RegExp(`as of ${report.cost.asOf}`));
        assert.match(block, /models, not measurements/);
    });
});
