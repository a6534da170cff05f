// scripts/config-reference.ts and what it generates: docs/configuration.md's reference is what the
// section readers read today (keys, bounds, choices, defaults per environment, create-only), and
// every key has a meaning written for it. The committed page is the reviewed contract a user reads, so
// a reader that changes a key, a bound or a default without the page changing fails here.
// `npm run mutate` runs this file for stacks/ (SCOPES in scripts/mutate.ts): it loads only the
// settings code, not the synth engine (scripts/generated-blocks.ts says why).
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_DIR } from "../../stacks/stack-file";
import { CREATE_ONLY_KEYS } from "../../stacks/create-only";
import { DESCRIPTIONS, REQUIRED_KEYS, configurationKeys, renderReference } from "../../scripts/config-reference";
import { GENERATED, REGENERATE, blockIn, generatedBlock } from "../../scripts/generated-blocks";

const read = (relative: string) => fs.readFileSync(path.join(PROJECT_DIR, relative), "utf8");
const stale = (what: string) => `${what} is stale: run \`${REGENERATE}\` and commit it`;

describe("docs/configuration.md's reference is current", () => {
    it("the configuration reference is the section readers' own keys, bounds and defaults", () => {
        const expected = generatedBlock("configuration-reference", renderReference());
        assert.ok(blockIn(read(GENERATED.configuration), "configuration-reference") === expected, stale(GENERATED.configuration));
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
