// The rollout rules' exact violations, and where over an HPA's range each one is first reported.
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { checkRollout, checkRolloutRange } from "../../rules/rollout";

describe("rollout rules: exact values", () => {
    it("every rule broken at once: each violation whole", () => {
        assert.deepEqual(checkRollout({ replicas: 2, maxSurge: 0, maxUnavailable: 0, minAvailable: 3 }), [
            {
                rule: "rollout-keeps-ready-floor",
                fields: ["maxUnavailable", "replicas"],
                message: "maxUnavailable 0 lets ready pods drop to 2 of 2, below the floor of 3",
                fix: "set maxUnavailable to at most 0 (0 keeps full capacity; surge instead)",
            },
            {
                rule: "rollout-can-progress",
                fields: ["maxSurge", "maxUnavailable"],
                message: "maxSurge and maxUnavailable are both 0: the rollout can neither add nor remove a pod",
                fix: 'set maxSurge to 1 or "25%"',
            },
            {
                rule: "disruption-budget-allows-drain",
                fields: ["replicas"],
                message: "a disruption budget of 3 available out of 2 blocks every node drain",
                fix: "run at least 4 replicas",
            },
        ]);
    });

    it("the floor: a number of pods advised, rounded down, for a percentage or a count", () => {
        assert.deepEqual(checkRollout({ replicas: 8, maxSurge: 1, maxUnavailable: "50%", minAvailable: 6 })[0], {
            rule: "rollout-keeps-ready-floor",
            fields: ["maxUnavailable", "replicas"],
            message: "maxUnavailable 50% lets ready pods drop to 4 of 8, below the floor of 6",
            fix: "set maxUnavailable to a number of pods, at most 2 (a percentage grows with the replicas; 0 keeps full capacity: surge instead)",
        });
        assert.equal(
            checkRollout({ replicas: 8, maxSurge: 1, maxUnavailable: 3, minAvailable: 6 })[0].fix,
            "set maxUnavailable to at most 2 (0 keeps full capacity; surge instead)",
        );
    });

    it("no replica, no budget to block a drain", () => {
        assert.deepEqual(checkRollout({ replicas: 0, maxSurge: 1, maxUnavailable: 0, minAvailable: 0 }), []);
    });

    it("over an HPA's range: a percentage that breaks the floor only at the maximum is reported there, with the count", () => {
        // 25 % of 4 to 11 replicas is at most 2 pods; of 12 it is 3.
        assert.deepEqual(checkRolloutRange({ minReplicas: 4, maxReplicas: 12, maxSurge: 1, maxUnavailable: "25%", maxLostPods: 2 }), [
            {
                rule: "rollout-keeps-ready-floor",
                fields: ["maxUnavailable", "replicas"],
                message: "at 12 replicas: maxUnavailable 25% lets ready pods drop to 9 of 12, below the floor of 10",
                fix: "set maxUnavailable to a number of pods, at most 2 (a percentage grows with the replicas; 0 keeps full capacity: surge instead)",
            },
        ]);
    });

    it("a fixed replica count: the message without the count in front", () => {
        assert.equal(
            checkRolloutRange({ minReplicas: 3, maxReplicas: 3, maxSurge: 0, maxUnavailable: 2, maxLostPods: 1 })[0].message,
            "maxUnavailable 2 lets ready pods drop to 1 of 3, below the floor of 2",
        );
    });
});
