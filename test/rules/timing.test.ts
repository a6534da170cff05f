import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { DEREGISTRATION_PROPAGATION_SECONDS, TimingBudget, budgetRows, checkTiming, requiredPreStopSeconds } from "../../rules/timing";
import { APP_DEFAULTS, GATEWAY_TIMING } from "../../stacks/defaults";

const SAFE: TimingBudget = {
    preStopSeconds: 40,
    shutdownSeconds: 20,
    terminationGracePeriodSeconds: 70,
    meshDrainSeconds: 0,
    deregistrationDelaySeconds: 30,
    healthCheckIntervalSeconds: 5,
    unhealthyThreshold: 2,
    readinessPeriodSeconds: 5,
    readinessFailureThreshold: 2,
    minReadySeconds: 10,
};

// Each rule: a budget that passes at the boundary and one that breaks it, with the fix's value.
const CASES: { rule: string; pass: Partial<TimingBudget>; fail: Partial<TimingBudget>; fix: RegExp }[] = [
    { rule: "prestop-covers-deregistration", pass: { preStopSeconds: 25 }, fail: { preStopSeconds: 24 }, fix: /at least 25/ },
    {
        rule: "prestop-covers-deregistration",
        pass: { preStopSeconds: 40, unhealthyThreshold: 5 },
        fail: { preStopSeconds: 39, unhealthyThreshold: 5 },
        fix: /at least 40/,
    },
    {
        rule: "grace-covers-prestop-and-shutdown",
        pass: { terminationGracePeriodSeconds: 60 },
        fail: { terminationGracePeriodSeconds: 59 },
        fix: /at least 60/,
    },
    {
        rule: "grace-covers-prestop-and-shutdown",
        pass: { terminationGracePeriodSeconds: 80, meshDrainSeconds: 20 },
        fail: { terminationGracePeriodSeconds: 79, meshDrainSeconds: 20 },
        fix: /at least 80/,
    },
    {
        rule: "deregistration-within-grace",
        pass: { deregistrationDelaySeconds: 70 },
        fail: { deregistrationDelaySeconds: 300 },
        fix: /at most 70/,
    },
    { rule: "readiness-detects-before-rollout-step", pass: { minReadySeconds: 10 }, fail: { minReadySeconds: 9 }, fix: /at least 10/ },
    {
        rule: "readiness-detects-before-rollout-step",
        pass: { readinessPeriodSeconds: 3, minReadySeconds: 6 },
        fail: { readinessPeriodSeconds: 4, minReadySeconds: 6 },
        fix: /at least 8/,
    },
];

describe("timing rules", () => {
    for (const c of CASES) {
        it(`${c.rule}: passes ${JSON.stringify(c.pass)}, fails ${JSON.stringify(c.fail)}`, () => {
            assert.deepEqual(
                checkTiming({ ...SAFE, ...c.pass }).map((v) => v.rule),
                [],
            );
            const violations = checkTiming({ ...SAFE, ...c.fail });
            const hit = violations.find((v) => v.rule === c.rule);
            assert.ok(hit, `expected ${c.rule}, got ${violations.map((v) => v.rule).join(", ")}`);
            assert.match(hit.fix, c.fix);
        });
    }

    it("seed 003's broken setup (no preStop, 30 s grace, ALB default 300 s delay) breaks three rules", () => {
        const rules = checkTiming({
            ...SAFE,
            preStopSeconds: 0,
            terminationGracePeriodSeconds: 30,
            shutdownSeconds: 31,
            deregistrationDelaySeconds: 300,
        }).map((v) => v.rule);
        assert.deepEqual(rules.sort(), [
            "deregistration-within-grace",
            "grace-covers-prestop-and-shutdown",
            "prestop-covers-deregistration",
        ]);
    });

    it("[#11.10] seed 001's 40 s preStop, 20 s shutdown and 70 s grace break the rule once the sidecar drains 20 s", () => {
        const v = checkTiming({ ...SAFE, meshDrainSeconds: 20 }).find((x) => x.rule === "grace-covers-prestop-and-shutdown");
        assert.ok(v);
        assert.match(v.message, /sidecar drain 20s/);
        assert.match(v.fix, /at least 80/);
    });

    it("[#11.10] the shipped defaults pass: the app's in the mesh (sidecar drain included), and the ingress gateway's termination", () => {
        const app = APP_DEFAULTS;
        assert.deepEqual(
            checkTiming({
                ...app.timing,
                ...app.probes,
                minReadySeconds: app.rollout.minReadySeconds,
                meshDrainSeconds: GATEWAY_TIMING.drainSeconds,
            }),
            [],
        );
        const gateway = checkTiming({
            ...GATEWAY_TIMING,
            // The gateway is Envoy itself: no app shutdown, then its drain.
            shutdownSeconds: 0,
            meshDrainSeconds: GATEWAY_TIMING.drainSeconds,
            readinessPeriodSeconds: 1,
            readinessFailureThreshold: 1,
            minReadySeconds: 1,
        });
        assert.deepEqual(gateway, []);
    });

    it("required preStop is propagation plus ALB health-check detection", () => {
        assert.equal(
            requiredPreStopSeconds({ healthCheckIntervalSeconds: 10, unhealthyThreshold: 3 }),
            DEREGISTRATION_PROPAGATION_SECONDS + 30,
        );
    });

    it("the budget table ends with the margin left in the grace period", () => {
        const rows = budgetRows(SAFE);
        assert.equal(rows.at(-1)?.seconds, 70 - 40 - 20);
    });
});
