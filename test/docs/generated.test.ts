// Everything README and docs/ say that is derived from the code is what `npm run docs` writes today:
// README's figures, dev's sample synth report, the configuration reference and the addon versions.
// A stale file fails here with the command that rewrites it (the verify sample: test/verify/sample.test.ts).
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_DIR, readStackConfig } from "../../synth/engine";
import { renderMarkdown } from "../../synth/report";
import { VERSIONS } from "../../components/versions";
import { CREATE_ONLY_KEYS } from "../../stacks/create-only";
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
import { DESCRIPTIONS, REQUIRED_KEYS, configurationKeys, renderReference } from "../../scripts/config-reference";
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

    it("the configuration reference is the section readers' own keys, bounds and defaults", () => {
        const expected = generatedBlock("configuration-reference", renderReference());
        assert.ok(blockIn(read(GENERATED.configuration), "configuration-reference") === expected, stale(GENERATED.configuration));
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

describe("the configuration reference covers every key the readers ask for, and only those", () => {
    const keys = configurationKeys();
    const names = keys.map((k) => k.key);

    it("every key has a meaning, and every meaning is for a key a reader asks for", () => {
        assert.deepEqual(
            names.filter((k) => DESCRIPTIONS[k] === undefined),
            [],
            "keys without a meaning in scripts/config-reference.ts",
        );
        assert.deepEqual(
            Object.keys(DESCRIPTIONS).filter((k) => !names.includes(k)),
            [],
            "meanings for keys no reader asks for",
        );
    });

    it("a hand-written type only where the reader reads the key raw; a hand-written default only where the minimal stack does not read it", () => {
        for (const k of keys) {
            const doc = DESCRIPTIONS[k.key];
            // Raw reads and generic lists are the only places the reader's arguments say too little.
            const generic = k.accepts === "" || /^list of (strings|objects)$/.test(k.accepts);
            assert.equal(
                doc.accepts !== undefined,
                generic,
                `${k.key}: ${generic ? "say what it accepts" : "the reader says what it accepts"}`,
            );
            assert.ok(doc.default === undefined || !k.readByMinimal, `${k.key}: its default comes from the settings, not from the text`);
        }
        for (const key of REQUIRED_KEYS) {
            assert.ok(names.includes(key), `${key} is required but no reader asks for it`);
        }
    });

    it("every create-only key is a key, marked create-only in the reference", () => {
        const reference = read(GENERATED.configuration);
        for (const key of Object.keys(CREATE_ONLY_KEYS)) {
            assert.ok(names.includes(key), `${key} is create-only but no reader asks for it`);
            const row = reference.split("\n").find((line) => line.startsWith(`| \`${key}\` |`) && line.includes("create-only"));
            assert.ok(row, `${GENERATED.configuration} does not mark ${key} create-only`);
        }
    });

    it("defaults per environment come from the settings (prod's three AZs, dev's four nodes at most, the mesh's 15 s preStop)", () => {
        const byKey = Object.fromEntries(keys.map((k) => [k.key, k.defaults]));
        assert.deepEqual(byKey["network.availabilityZoneCount"], { dev: "2", staging: "2", prod: "3" });
        assert.deepEqual(byKey["cluster.maxSize"], { dev: "4", staging: "6", prod: "12" });
        assert.equal(byKey["app.timing.preStopSeconds"].dev, "15");
        assert.equal(byKey["cluster.name"].prod, "zero-downtime-eks-<stack>");
    });
});
