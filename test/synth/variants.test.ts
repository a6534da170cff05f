// Every configuration a user can choose synthesizes, passes every policy (the same checks as the
// CrossGuard pack and the webhook model), and fits its nodes at rest.
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { parseSettings, todayUtc } from "../../stacks";
import { buildReport } from "../../synth/report";
import { projectName, readStackConfig } from "../../synth/engine";
import { VARIANTS, synth } from "../harness";

describe("every configuration variant", () => {
    for (const v of VARIANTS) {
        it(`${v.name}: no policy finding, every pod at rest fits`, async () => {
            const result = await synth(v.stack, v.overrides);
            const config = readStackConfig(v.stack);
            for (const [k, value] of Object.entries(v.overrides)) {
                config[k] = JSON.stringify(value);
            }
            const settings = parseSettings({ project: projectName(), stack: v.stack, config, today: todayUtc() });
            const report = buildReport(v.stack, settings, result.resources);
            assert.deepEqual(report.findings, []);
            assert.equal(report.capacity.atMinimum.fits, true, report.capacity.atMinimum.summary);
            assert.ok(report.workloads.every((w) => w.verdict === "safe"));
        });
    }
});
