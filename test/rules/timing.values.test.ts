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
    meshDrainSeconds: 0,
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
                fields: ["terminationGracePeriodSeconds", "preStopSeconds", "shutdownSeconds", "meshDrainSeconds"],
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

    it("the grace message names the sidecar drain only when there is one", () => {
        const grace = (meshDrainSeconds: number) =>
            checkTiming({ ...BROKEN, meshDrainSeconds }).find((v) => v.rule === "grace-covers-prestop-and-shutdown")?.message;
        assert.equal(
            grace(5),
            "termination grace 13s is shorter than preStop 7s + app shutdown 11s + sidecar drain 5s: the kubelet kills the pod mid-request",
        );
        assert.doesNotMatch(String(grace(0)), /sidecar/);
    });

    it("the budget table: each step with its seconds, the margin taking the sidecar drain off", () => {
        assert.deepEqual(budgetRows({ ...BROKEN, terminationGracePeriodSeconds: 60, meshDrainSeconds: 5 }), [
            { step: "load balancer stops routing (propagation + health checks)", seconds: 33 },
            { step: "preStop sleep", seconds: 7 },
            { step: "app shutdown", seconds: 11 },
            { step: "sidecar drain (Istio terminationDrainDuration)", seconds: 5 },
            { step: "termination grace", seconds: 60 },
            { step: "ALB deregistration delay", seconds: 300 },
            { step: "margin (grace − preStop − shutdown − sidecar drain)", seconds: 60 - 7 - 11 - 5 },
        ]);
    });
});
