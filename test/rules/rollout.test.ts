import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { RolloutPlan, checkRollout, checkRolloutRange, resolveIntOrPercent } from "../../rules/rollout";

const SAFE: RolloutPlan = { replicas: 4, maxSurge: "25%", maxUnavailable: 0, minAvailable: 3 };

const CASES: { case: string; plan: Partial<RolloutPlan>; rules: string[] }[] = [
    { case: "surge-only rollout", plan: {}, rules: [] },
    { case: "one unavailable of four with floor 3", plan: { maxUnavailable: 1 }, rules: [] },
    { case: "half unavailable (seed 000's 50%)", plan: { maxUnavailable: "50%" }, rules: ["rollout-keeps-ready-floor"] },
    { case: "Recreate-like 100% unavailable", plan: { maxUnavailable: "100%", maxSurge: 0 }, rules: ["rollout-keeps-ready-floor"] },
    { case: "no surge and no unavailability", plan: { maxSurge: 0 }, rules: ["rollout-can-progress"] },
    {
        case: "25% of 3 rounds down to 0 unavailable",
        plan: { replicas: 3, maxUnavailable: "25%", minAvailable: 2, maxSurge: 0 },
        rules: ["rollout-can-progress"],
    },
    { case: "budget as large as the replicas", plan: { replicas: 2, minAvailable: 2 }, rules: ["disruption-budget-allows-drain"] },
];

describe("rollout rules", () => {
    for (const c of CASES) {
        it(c.case, () => {
            assert.deepEqual(
                checkRollout({ ...SAFE, ...c.plan })
                    .map((v) => v.rule)
                    .sort(),
                c.rules,
            );
        });
    }

    it("percentages resolve like the Deployment controller: surge up, unavailable down", () => {
        assert.equal(resolveIntOrPercent("25%", 3, true), 1);
        assert.equal(resolveIntOrPercent("25%", 3, false), 0);
        assert.equal(resolveIntOrPercent(2, 3, false), 2);
    });
});

describe("rollout rules across the HPA's range", () => {
    const RANGE = { minReplicas: 4, maxReplicas: 12, maxSurge: "25%", maxUnavailable: 0, maxLostPods: 1 };

    it("surge-only is safe at every count", () => {
        assert.deepEqual(checkRolloutRange(RANGE), []);
    });

    it("[#11.19] 25% unavailable is 1 pod at 4 but 2 at 8: refused, naming the first count that breaks", () => {
        const v = checkRolloutRange({ ...RANGE, maxUnavailable: "25%" });
        assert.deepEqual(
            v.map((x) => x.rule),
            ["rollout-keeps-ready-floor"],
        );
        assert.match(v[0].message, /^at 8 replicas:/);
        assert.match(v[0].fix, /a number of pods, at most 1/);
    });

    it("25% unavailable within 4 to 7 replicas is safe (never more than one pod)", () => {
        assert.deepEqual(checkRolloutRange({ ...RANGE, maxReplicas: 7, maxUnavailable: "25%" }), []);
    });

    it("a fixed count of one pod is safe across the range", () => {
        assert.deepEqual(checkRolloutRange({ ...RANGE, maxUnavailable: 1 }), []);
    });
});
