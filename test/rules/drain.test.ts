import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import {
    MANAGED_NODE_UPDATE_EVICTION_SECONDS,
    checkNodePoolLimit,
    cpuMillicores,
    checkDisruptionAllowed,
    checkDisruptionRange,
    checkGraceWithinDrain,
    checkUnhealthyEviction,
    durationSeconds,
} from "../../rules/drain";

const rules = (v: { rule: string }[]) => v.map((x) => x.rule);

describe("drain rules", () => {
    it("an EKS managed node update waits 15 minutes for pods (managed-node-update-behavior.adoc)", () => {
        assert.equal(MANAGED_NODE_UPDATE_EVICTION_SECONDS, 900);
    });

    const BUDGETS: { case: string; budget: Parameters<typeof checkDisruptionAllowed>[0]; broken: boolean }[] = [
        { case: "maxUnavailable 1", budget: { workload: "w", replicas: 2, maxUnavailable: 1 }, broken: false },
        { case: "maxUnavailable 0", budget: { workload: "w", replicas: 4, maxUnavailable: 0 }, broken: true },
        { case: "minAvailable one below the minimum", budget: { workload: "w", replicas: 4, minAvailable: 3 }, broken: false },
        { case: "minAvailable at the minimum", budget: { workload: "w", replicas: 4, minAvailable: 4 }, broken: true },
        { case: "maxUnavailable 1 at zero replicas", budget: { workload: "w", replicas: 0, maxUnavailable: 1 }, broken: true },
    ];
    for (const c of BUDGETS) {
        it(`PDB ${c.case}: ${c.broken ? "refused" : "allowed"}`, () => {
            assert.deepEqual(rules(checkDisruptionAllowed(c.budget)), c.broken ? ["pdb-allows-one-eviction"] : []);
        });
    }

    for (const [policy, broken] of [
        ["AlwaysAllow", false],
        ["IfHealthyBudget", true],
        [undefined, true],
    ] as const) {
        it(`unhealthyPodEvictionPolicy ${policy ?? "unset"}: ${broken ? "refused" : "allowed"}`, () => {
            assert.deepEqual(rules(checkUnhealthyEviction("w", policy)), broken ? ["pdb-evicts-unhealthy-pods"] : []);
        });
    }

    const GRACE: { grace: number; pool?: number; expected: string[] }[] = [
        { grace: 900, expected: [] },
        { grace: 901, expected: ["grace-within-node-update"] },
        { grace: 90, pool: 90, expected: [] },
        { grace: 91, pool: 90, expected: ["grace-within-node-pool"] },
        { grace: 901, pool: 900, expected: ["grace-within-node-update", "grace-within-node-pool"] },
    ];
    for (const c of GRACE) {
        it(`grace ${c.grace} s${c.pool === undefined ? "" : ` on a NodePool of ${c.pool} s`}: ${c.expected.join(", ") || "fits"}`, () => {
            assert.deepEqual(rules(checkGraceWithinDrain({ workload: "w", terminationGracePeriodSeconds: c.grace }, c.pool)), c.expected);
        });
    }

    for (const [text, seconds] of [
        ["15m", 900],
        ["1h30m", 5400],
        ["90s", 90],
        ["Never", undefined],
        ["15", undefined],
    ] as const) {
        it(`the NodePool duration ${text} is ${seconds ?? "no duration"}`, () => {
            assert.equal(durationSeconds(text), seconds);
        });
    }

    for (const [quantity, millicores] of [
        ["16", 16000],
        ["250m", 250],
        ["1.5", 1500],
        ["16Gi", undefined],
    ] as const) {
        it(`CPU quantity ${quantity} is ${millicores ?? "not a CPU quantity"}`, () => {
            assert.equal(cpuMillicores(quantity), millicores);
        });
    }

    it("a NodePool limit equal to the workloads' peak holds; one millicore less does not", () => {
        assert.deepEqual(checkNodePoolLimit("p", 16000, 16000), []);
        assert.deepEqual(rules(checkNodePoolLimit("p", 15999, 16000)), ["node-pool-holds-peak"]);
    });
});

describe("a PDB over the HPA's range", () => {
    const RANGE: { case: string; budget: { minAvailable?: number; maxUnavailable?: number }; rules: string[] }[] = [
        {
            case: "issue 22.9: minAvailable 1 from 2 to 6 replicas lets five go at once",
            budget: { minAvailable: 1 },
            rules: ["pdb-bounded-across-range"],
        },
        { case: "maxUnavailable 1 lets one go at any count", budget: { maxUnavailable: 1 }, rules: [] },
        { case: "maxUnavailable 0 blocks every drain", budget: { maxUnavailable: 0 }, rules: ["pdb-allows-one-eviction"] },
        { case: "minAvailable 5 is bounded at 6 but blocks at 2", budget: { minAvailable: 5 }, rules: ["pdb-allows-one-eviction"] },
    ];
    for (const c of RANGE) {
        it(c.case, () => {
            assert.deepEqual(rules(checkDisruptionRange({ workload: "w", replicas: 2, maxReplicas: 6, ...c.budget }, 1)), c.rules);
        });
    }
});
