import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { parseSettings, todayUtc } from "../../stacks";
import { stackModels } from "../../stacks/models";
import { buildReport } from "../../synth/report";
import { projectName, readStackConfig } from "../../synth/engine";
import { OWN_ALB, STACKS, synth } from "../harness";

/** The settings of `stack` with config sections replaced, as `npm run synth` and `npm run verify` read them. */
function settingsOf(stack: string, overrides: Record<string, unknown>) {
    const config = readStackConfig(stack);
    for (const [k, v] of Object.entries(overrides)) {
        config[k] = JSON.stringify(v);
    }
    return parseSettings({ project: projectName(), stack, config, today: todayUtc() });
}

describe("[#14] the timing models verify measures against, from the settings alone", () => {
    const variants: { stack: string; overrides: Record<string, unknown> }[] = [
        ...STACKS.map((stack) => ({ stack, overrides: {} })),
        { stack: "dev", overrides: OWN_ALB },
        { stack: "dev", overrides: { "zero-downtime-eks:addons": { karpenter: { enabled: false } } } },
    ];
    for (const { stack, overrides } of variants) {
        it(`${stack} ${Object.keys(overrides).join(", ") || "as configured"}: the spike model equals the synth report's stack column`, async () => {
            const settings = settingsOf(stack, overrides);
            const report = buildReport(stack, settings, (await synth(stack, overrides)).resources);
            const web = report.workloads[0];
            const model = stackModels(settings).spike;
            assert.deepEqual(
                model.steps.map((s) => s.seconds),
                web.spike.rows.map((r) => r.seconds[0]),
            );
            assert.equal(model.total, web.spike.totals[0]);
        });
        it(`${stack} ${Object.keys(overrides).join(", ") || "as configured"}: the rollout model equals the synth report's stack column`, async () => {
            const settings = settingsOf(stack, overrides);
            const report = buildReport(stack, settings, (await synth(stack, overrides)).resources);
            const { waves, untilAvailable, untilOldGone } = report.workloads[0].rollout.columns[0];
            assert.deepEqual(stackModels(settings).rollout, { waves, untilAvailable, untilOldGone });
        });
    }

    it("behind the mesh the ALB targets the gateway: its platform timing (25 s preStop; 5 s × 2 checks), exactly the rules' 15 + 10 s", () => {
        assert.deepEqual(stackModels(settingsOf("dev", {})).termination, {
            albTargets: "gateway",
            propagationSeconds: 15,
            requiredPreStopSeconds: 25,
            preStopSeconds: 25,
            detectionSeconds: 10,
            registrationSeconds: 10,
        });
    });

    it("with its own ALB the app's timing counts, as the stack sets it", () => {
        const settings = settingsOf("dev", {
            ...OWN_ALB,
            "zero-downtime-eks:app": {
                ...(OWN_ALB["zero-downtime-eks:app"] ?? {}),
                timing: { preStopSeconds: 45, healthCheckIntervalSeconds: 10 },
            },
        });
        assert.deepEqual(stackModels(settings).termination, {
            albTargets: "app",
            propagationSeconds: 15,
            requiredPreStopSeconds: 15 + 10 * 2,
            preStopSeconds: 45,
            detectionSeconds: 20,
            registrationSeconds: 20,
        });
    });
});
