import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { RolloutPlan, checkRollout, resolveIntOrPercent } from "../../rules/rollout";

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
