import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import {
    DEREGISTRATION_PROPAGATION_SECONDS,
    ISTIO_DEBOUNCE_MAX_SECONDS,
    MESH_PROPAGATION_SECONDS,
    MESH_PUSH_MARGIN_SECONDS,
    TimingBudget,
    budgetRows,
    checkTiming,
    requiredPreStopSeconds,
} from "../../rules/timing";
import { APP_DEFAULTS, GATEWAY_TIMING, SIDECAR_INBOUND_DRAIN_SECONDS } from "../../stacks/defaults";

const SAFE: TimingBudget = {
    preStopSeconds: 40,
    shutdownSeconds: 20,
    terminationGracePeriodSeconds: 70,
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
    // issue 26: a meshed pod (no ALB target) needs the mesh's push, not the ALB's health checks.
    {
        rule: "prestop-covers-deregistration",
        pass: { reachedThrough: "mesh", preStopSeconds: 15 },
        fail: { reachedThrough: "mesh", preStopSeconds: 14 },
        fix: /at least 15/,
    },
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
        rule: "sidecar-inbound-covers-deregistration",
        pass: { sidecarInboundDrainSeconds: 25 },
        fail: { sidecarInboundDrainSeconds: 24 },
        fix: /drainDuration to at least 25s/,
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

    // Replaces [#11.10]'s "the sidecar drains 20 s after the app exits": a native sidecar's preStop drains
    // its inbound listeners when termination starts and pilot-agent exits at once on SIGTERM
    // (istio/istio 1.30.3 pkg/envoy/agent.go; istiod chart files/injection-template.yaml).
    it("issue 22.13: a native sidecar adds nothing to the grace: 40 s preStop + 20 s shutdown fit 60 s in the mesh", () => {
        assert.deepEqual(checkTiming({ ...SAFE, terminationGracePeriodSeconds: 60, sidecarInboundDrainSeconds: 45 }), []);
        const v = checkTiming({ ...SAFE, terminationGracePeriodSeconds: 59, sidecarInboundDrainSeconds: 45 });
        assert.deepEqual(
            v.map((x) => [x.rule, x.fix]),
            [["grace-covers-prestop-and-shutdown", "set terminationGracePeriodSeconds to at least 60"]],
        );
    });

    it("issue 22.13: the sidecar's inbound listeners close at drainDuration, which must outlast the 25 s callers may still route", () => {
        const v = checkTiming({ ...SAFE, sidecarInboundDrainSeconds: 20 }).find((x) => x.rule === "sidecar-inbound-covers-deregistration");
        assert.ok(v);
        assert.match(v.message, /closes its inbound listeners 20s after the pod starts terminating \(drainDuration\), before the 25s/);
        // Without a sidecar the rule does not apply.
        assert.deepEqual(checkTiming(SAFE), []);
    });

    it("[#11.10] the shipped defaults pass: the app's in the mesh (its sidecar's inbound drain included), and the ingress gateway's termination", () => {
        const app = APP_DEFAULTS;
        assert.deepEqual(
            checkTiming({
                ...app.timing,
                ...app.probes,
                minReadySeconds: app.rollout.minReadySeconds,
                sidecarInboundDrainSeconds: SIDECAR_INBOUND_DRAIN_SECONDS,
            }),
            [],
        );
        const gateway = checkTiming({
            ...GATEWAY_TIMING,
            // The gateway is Envoy itself, not a native sidecar: after SIGTERM its pilot-agent waits the
            // terminationDrainDuration (pkg/envoy/agent.go terminate), which is its shutdown.
            shutdownSeconds: GATEWAY_TIMING.drainSeconds,
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

    it("the budget table ends with the margin left in the grace period; a meshed pod's shows when its sidecar stops accepting", () => {
        const rows = budgetRows(SAFE);
        assert.equal(rows.at(-1)?.seconds, 70 - 40 - 20);
        assert.ok(!rows.some((r) => r.step.startsWith("sidecar")));
        const meshed = budgetRows({ ...SAFE, sidecarInboundDrainSeconds: 45 });
        assert.equal(meshed.find((r) => r.step.startsWith("sidecar stops accepting inbound"))?.seconds, 45);
        assert.equal(meshed.at(-1)?.seconds, 70 - 40 - 20);
    });
});

describe("issue 26: each path's preStop, the smallest its path proves safe, with its source", () => {
    it("the mesh path: istiod's PILOT_DEBOUNCE_MAX 10 s (pilot/pkg/features/tuning.go, 1.30) + 5 s for the push = 15 s", () => {
        assert.deepEqual([ISTIO_DEBOUNCE_MAX_SECONDS, MESH_PUSH_MARGIN_SECONDS, MESH_PROPAGATION_SECONDS], [10, 5, 15]);
        assert.equal(requiredPreStopSeconds({ ...SAFE, reachedThrough: "mesh" }), MESH_PROPAGATION_SECONDS);
    });
    it("the mesh path ignores the ALB health-check fields: no health check of the pod's own stands between", () => {
        assert.equal(requiredPreStopSeconds({ ...SAFE, reachedThrough: "mesh", healthCheckIntervalSeconds: 30 }), MESH_PROPAGATION_SECONDS);
    });
    it("the ALB path stays 15 s propagation + interval × unhealthy threshold (the default)", () => {
        assert.equal(requiredPreStopSeconds(SAFE), DEREGISTRATION_PROPAGATION_SECONDS + 5 * 2);
    });
    it("the app's default preStop is exactly what its own ALB needs (a meshed stack gets the mesh's, stacks/settings.ts)", () => {
        assert.equal(APP_DEFAULTS.timing.preStopSeconds, requiredPreStopSeconds(APP_DEFAULTS.timing));
    });
    it("the gateway's preStop is exactly what an ALB target needs", () => {
        assert.equal(GATEWAY_TIMING.preStopSeconds, requiredPreStopSeconds(GATEWAY_TIMING));
    });
    it("the budget table names the mesh's step for a meshed pod", () => {
        assert.equal(
            budgetRows({ ...SAFE, reachedThrough: "mesh" })[0].step,
            "the mesh stops routing (istiod debounce + push to the Envoys)",
        );
    });
});
