import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { VERSIONS } from "../../components/versions";
import { RELEASE, STACKS, synth } from "../harness";

const EXACT = /^\d+\.\d+\.\d+$/;

describe("pinned versions", () => {
    for (const [name, pin] of Object.entries(VERSIONS)) {
        it(`${name} is an exact version`, () => {
            assert.match(pin.version, EXACT);
        });
    }

    for (const stack of STACKS) {
        it(`${stack}: every Helm release is pinned to a version from versions.ts`, async () => {
            const releases = (await synth(stack)).resources.filter((r) => r.type === RELEASE);
            assert.ok(releases.length >= 6, `expected all addon releases, found ${releases.length}`);
            const pinned = new Set<string>(Object.values(VERSIONS).map((p) => p.version));
            for (const r of releases) {
                const version = String(r.inputs.version);
                assert.match(version, EXACT, `${r.name}: ${version}`);
                assert.ok(pinned.has(version), `${r.name}: ${version} is not in versions.ts`);
                assert.doesNotMatch(JSON.stringify(r.inputs), /:latest"|"latest"/, `${r.name} uses latest`);
            }
        });
    }
});
