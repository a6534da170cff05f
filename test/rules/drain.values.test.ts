// The drain rules' exact values: the NodePool CRD's patterns at their edges (karpenter.sh_nodepools.yaml,
// v1.14.1), CPU quantities, and each violation whole (rule, fields, message, fix).
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import {
    BUDGET_DURATION,
    BUDGET_NODES,
    BUDGET_SCHEDULE,
    NODE_POOL_DURATION,
    TERMINATION_GRACE_PERIOD,
    checkDisruptionAllowed,
    checkDisruptionRange,
    checkGraceWithinDrain,
    checkNodePoolLimit,
    checkUnhealthyEviction,
    cpuMillicores,
} from "../../rules/drain";

/** Each pattern's verdict on each text, all at once. */
function verdicts(pattern: RegExp, table: [string, boolean][]): void {
    assert.deepEqual(
        table.map(([s]) => [s, pattern.test(s)]),
        table,
    );
}

describe("drain rules: exact values", () => {
    it("NodePool durations: digits and s/m/h, repeated, or Never; the grace period without Never", () => {
        verdicts(NODE_POOL_DURATION, [
            ["720h", true],
            ["1h30m", true],
            ["Never", true],
            ["h", false],
            ["x1h", false],
            ["1hx", false],
        ]);
        verdicts(TERMINATION_GRACE_PERIOD, [
            ["15m", true],
            ["1h30m", true],
            ["Never", false],
            ["x1h", false],
            ["1hx", false],
        ]);
    });

    it("budget nodes: a count or a percentage up to 100%", () => {
        verdicts(BUDGET_NODES, [
            ["0", true],
            ["10", true],
            ["5%", true],
            ["50%", true],
            ["100%", true],
            ["101%", false],
            ["x5", false],
            ["5x", false],
        ]);
    });

    it("budget duration: hours or minutes, or hours and minutes, an optional 0s", () => {
        verdicts(BUDGET_DURATION, [
            ["8h", true],
            ["10h", true],
            ["30m", true],
            ["1h30m", true],
            ["10h30m", true],
            ["8h0s", true],
            ["8s", false],
            ["x8h", false],
            ["8hx", false],
        ]);
    });

    it("budget schedule: a cron macro or five fields (the CRD's own pattern, unanchored cron branch included)", () => {
        verdicts(BUDGET_SCHEDULE, [
            ["@daily", true],
            ["0 9 * * mon-fri", true],
            ["0 10 1 1 1", true],
            ["0 1 10 1 1", true],
            ["0 1 1 10 1", true],
            ["0 1 1 1 10", true],
            ["x@daily", false],
            ["0 9 * *", false],
            ["0 9 * * x\n", false],
        ]);
    });

    it("CPU quantities: cores or millicores, decimals, surrounding spaces", () => {
        assert.deepEqual(["16", "250m", "1.25", " 2 ", "x16", "16x", "1.5.5"].map(cpuMillicores), [
            16000,
            250,
            1250,
            2000,
            undefined,
            undefined,
            undefined,
        ]);
    });

    it("a PDB that allows no eviction: the fix for maxUnavailable, and for minAvailable the replicas it needs", () => {
        assert.deepEqual(checkDisruptionAllowed({ workload: "web/web", replicas: 2, maxUnavailable: 0 }), [
            {
                rule: "pdb-allows-one-eviction",
                fields: ["replicas"],
                message:
                    "web/web: its PDB allows no eviction at 2 replicas, so a node drain, a node group update or Karpenter's consolidation blocks on it until it times out",
                fix: "set the PDB's maxUnavailable to at least 1",
            },
        ]);
        assert.equal(
            checkDisruptionAllowed({ workload: "web/web", replicas: 2, minAvailable: 2 })[0].fix,
            "run at least 3 replicas at the HPA minimum, or lower the PDB's minAvailable",
        );
        assert.deepEqual(checkDisruptionAllowed({ workload: "web/web", replicas: 2, minAvailable: 1 }), []);
    });

    it("unhealthyPodEvictionPolicy other than AlwaysAllow: the policy named, or that it is unset", () => {
        const fix = 'set unhealthyPodEvictionPolicy: AlwaysAllow (Kubernetes docs, "Unhealthy Pod Eviction Policy")';
        assert.deepEqual(checkUnhealthyEviction("web/web", undefined), [
            {
                rule: "pdb-evicts-unhealthy-pods",
                fields: ["unhealthyPodEvictionPolicy"],
                message:
                    "web/web: unhealthyPodEvictionPolicy is unset (IfHealthyBudget), so a crash-looping pod counts against the budget and a drain waits on it",
                fix,
            },
        ]);
        assert.equal(
            checkUnhealthyEviction("web/web", "IfHealthyBudget")[0].message,
            "web/web: unhealthyPodEvictionPolicy is IfHealthyBudget, so a crash-looping pod counts against the budget and a drain waits on it",
        );
        assert.deepEqual(checkUnhealthyEviction("web/web", "AlwaysAllow"), []);
    });

    it("a grace period past the node update's 15 minutes and past the NodePool's terminationGracePeriod", () => {
        assert.deepEqual(checkGraceWithinDrain({ workload: "web/web", terminationGracePeriodSeconds: 901 }, 600), [
            {
                rule: "grace-within-node-update",
                fields: ["terminationGracePeriodSeconds"],
                message:
                    "web/web: a grace period of 901 s outlasts the 900 s an EKS managed node update waits for pods to leave (it then fails with PodEvictionFailure)",
                fix: "set terminationGracePeriodSeconds to at most 900",
            },
            {
                rule: "grace-within-node-pool",
                fields: ["terminationGracePeriodSeconds", "terminationGracePeriod"],
                message:
                    "web/web: a grace period of 901 s is longer than the NodePool's terminationGracePeriod (600 s): Karpenter deletes such pods before their grace ends",
                fix: "raise the NodePool's terminationGracePeriod above 901s, or shorten the workload's grace period",
            },
        ]);
        assert.deepEqual(checkGraceWithinDrain({ workload: "web/web", terminationGracePeriodSeconds: 900 }, 900), []);
    });

    it("a NodePool limit below its workloads' peak: the limit to set, in whole cores", () => {
        assert.deepEqual(checkNodePoolLimit("workloads", 16000, 17500), [
            {
                rule: "node-pool-holds-peak",
                fields: ["maxNodes"],
                message:
                    "NodePool workloads: its workloads at their HPA maxima, with a rolling update's surge, request 17500m CPU, above its limit of 16000m, so Karpenter stops launching before the spike is served",
                fix: "raise the NodePool's limits.cpu to at least 18, or lower the HPA maxima",
            },
        ]);
        assert.deepEqual(checkNodePoolLimit("workloads", 16000, 16000), []);
    });

    it("a PDB too loose at the top of the HPA's range: the violation whole, at the top's replica count", () => {
        assert.deepEqual(checkDisruptionRange({ workload: "shop/web", replicas: 2, maxReplicas: 6, minAvailable: 1 }, 1), [
            {
                rule: "pdb-bounded-across-range",
                fields: ["maxReplicas"],
                message: "shop/web: its PDB allows 5 evictions at once at 6 replicas, more than the 1 ready pod a rollout may take away",
                fix: "set the PDB to maxUnavailable: 1",
            },
        ]);
    });
});
