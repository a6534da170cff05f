// The exact values the timing rules hand out: the annotation names Istio and the policy pack read,
// each violation whole (rule, the fields it names, message and fix with their numbers) and the
// budget table. timing.test.ts checks which rule fires at which boundary; these pin what a user reads.
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { PROXY_CONFIG_ANNOTATION, SHUTDOWN_ANNOTATION, TimingBudget, budgetRows, checkTiming } from "../../rules/timing";

// Every rule broken at once, with numbers that differ from each other so each one's place shows.
const BROKEN: TimingBudget = {
    preStopSeconds: 7,
    shutdownSeconds: 11,
    terminationGracePeriodSeconds: 13,
    deregistrationDelaySeconds: 300,
    healthCheckIntervalSeconds: 6,
    unhealthyThreshold: 3,
    readinessPeriodSeconds: 4,
    readinessFailureThreshold: 5,
    minReadySeconds: 9,
};

describe("timing rules: exact values", () => {
    it("the annotations: Istio's per-pod ProxyConfig (istio.io docs, Annotations) and the workload's own shutdown seconds", () => {
        assert.equal(PROXY_CONFIG_ANNOTATION, "proxy.istio.io/config");
        assert.equal(SHUTDOWN_ANNOTATION, "zero-downtime-eks.io/shutdown-seconds");
    });

    it("each violation names its fields, the numbers that break it and the value that fixes it", () => {
        assert.deepEqual(checkTiming(BROKEN), [
            {
                rule: "prestop-covers-deregistration",
                fields: ["preStopSeconds", "healthCheckIntervalSeconds", "unhealthyThreshold"],
                message:
                    "preStop sleep 7s is shorter than the 33s the ALB may keep routing to a terminating pod " +
                    "(15s deregistration propagation + 6s × 3 health checks)",
                fix: "set preStopSeconds to at least 33",
            },
            {
                rule: "grace-covers-prestop-and-shutdown",
                fields: ["terminationGracePeriodSeconds", "preStopSeconds", "shutdownSeconds"],
                message: "termination grace 13s is shorter than preStop 7s + app shutdown 11s: the kubelet kills the pod mid-request",
                fix: "set terminationGracePeriodSeconds to at least 18",
            },
            {
                rule: "deregistration-within-grace",
                fields: ["deregistrationDelaySeconds", "terminationGracePeriodSeconds"],
                message:
                    "ALB deregistration delay 300s outlasts the pod's 13s grace: the ALB keeps in-flight requests on a pod that is already gone",
                fix: "set deregistrationDelaySeconds to at most 13 (the ALB default is 300)",
            },
            {
                rule: "readiness-detects-before-rollout-step",
                fields: ["readinessPeriodSeconds", "readinessFailureThreshold", "minReadySeconds"],
                message:
                    "a failing new pod is noticed after 20s (readiness 4s × 5), later than the rollout's 9s step: the rollout replaces old pods with a broken one",
                fix: "set minReadySeconds to at least 20, or shorten the readiness period or threshold",
            },
        ]);
    });

    it("a meshed pod: the preStop its path needs (istiod's debounce + push) and its sidecar's inbound drain, each with its numbers", () => {
        assert.deepEqual(checkTiming({ ...BROKEN, reachedThrough: "mesh", sidecarInboundDrainSeconds: 14 }).slice(0, 3), [
            {
                rule: "prestop-covers-deregistration",
                fields: ["preStopSeconds", "healthCheckIntervalSeconds", "unhealthyThreshold"],
                message:
                    "preStop sleep 7s is shorter than the 15s the mesh's Envoys may keep routing to a terminating pod " +
                    "(10s istiod debounce (PILOT_DEBOUNCE_MAX) + 5s for the push to the Envoys)",
                fix: "set preStopSeconds to at least 15",
            },
            {
                rule: "grace-covers-prestop-and-shutdown",
                fields: ["terminationGracePeriodSeconds", "preStopSeconds", "shutdownSeconds"],
                message: "termination grace 13s is shorter than preStop 7s + app shutdown 11s: the kubelet kills the pod mid-request",
                fix: "set terminationGracePeriodSeconds to at least 18",
            },
            {
                rule: "sidecar-inbound-covers-deregistration",
                fields: ["sidecarInboundDrainSeconds", "healthCheckIntervalSeconds", "unhealthyThreshold"],
                message:
                    "the Istio sidecar closes its inbound listeners 14s after the pod starts terminating (drainDuration), " +
                    "before the 15s callers may still route to it: their requests in between are refused",
                fix: "set the sidecar's drainDuration to at least 15s, or shorten the load balancer's failure detection (interval × unhealthy threshold)",
            },
        ]);
    });

    it("the sidecar's inbound drain passes at exactly the preStop its path needs, and adds nothing to the grace", () => {
        const rules = (t: Partial<TimingBudget>) => checkTiming({ ...BROKEN, ...t }).map((v) => v.rule);
        assert.ok(!rules({ sidecarInboundDrainSeconds: 33 }).includes("sidecar-inbound-covers-deregistration"));
        assert.ok(rules({ sidecarInboundDrainSeconds: 32 }).includes("sidecar-inbound-covers-deregistration"));
        assert.ok(
            !rules({ terminationGracePeriodSeconds: 18, deregistrationDelaySeconds: 18, sidecarInboundDrainSeconds: 45 }).includes(
                "grace-covers-prestop-and-shutdown",
            ),
        );
    });

    it("the budget table: each step with its seconds, the sidecar's inbound drain when there is one, the margin", () => {
        assert.deepEqual(budgetRows({ ...BROKEN, terminationGracePeriodSeconds: 60, sidecarInboundDrainSeconds: 45 }), [
            { step: "load balancer stops routing (propagation + health checks)", seconds: 33 },
            { step: "preStop sleep", seconds: 7 },
            { step: "app shutdown", seconds: 11 },
            { step: "sidecar stops accepting inbound (Istio drainDuration, from termination)", seconds: 45 },
            { step: "termination grace", seconds: 60 },
            { step: "ALB deregistration delay", seconds: 300 },
            { step: "margin (grace − preStop − shutdown)", seconds: 60 - 7 - 11 },
        ]);
        assert.deepEqual(
            budgetRows({ ...BROKEN, reachedThrough: "mesh" })
                .map((r) => [r.step, r.seconds])
                .slice(0, 1),
            [["the mesh stops routing (istiod debounce + push to the Envoys)", 15]],
        );
    });
});
