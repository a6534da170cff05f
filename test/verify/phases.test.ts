import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { PHASES, PhaseName, StackFacts, selectPhases, whyNot } from "../../verify/phases";

const NONE: StackFacts = { autoscaling: false, istio: false, blueGreen: false, karpenter: false };
const ALL: StackFacts = { autoscaling: true, istio: true, blueGreen: true, karpenter: true };

describe("[#14] phases: which apply to a stack", () => {
    // The setting each phase needs, by the config key a user sets (docs/verify.md's phase table).
    const needs: Record<PhaseName, string | undefined> = {
        baseline: undefined,
        "rollout-restart": undefined,
        "scale-in": undefined,
        "scale-out": "app.autoscaling.enabled",
        "node-drain": undefined,
        "gateway-restart": "addons.istio.enabled",
        "blue-green": "app.blueGreen.enabled",
    };
    for (const phase of PHASES) {
        it(`${phase}: ${needs[phase] === undefined ? "runs on every stack" : `needs ${needs[phase]}`}`, () => {
            assert.equal(whyNot(phase, NONE), needs[phase] === undefined ? undefined : `needs ${needs[phase]}`);
            assert.equal(whyNot(phase, ALL), undefined);
        });
    }

    it("each fact opens its own phase only", () => {
        assert.deepEqual(selectPhases({ ...NONE, autoscaling: true }), [
            "baseline",
            "rollout-restart",
            "scale-in",
            "scale-out",
            "node-drain",
        ]);
        assert.deepEqual(selectPhases({ ...NONE, istio: true }), [
            "baseline",
            "rollout-restart",
            "scale-in",
            "node-drain",
            "gateway-restart",
        ]);
        assert.deepEqual(selectPhases({ ...NONE, blueGreen: true }), [
            "baseline",
            "rollout-restart",
            "scale-in",
            "node-drain",
            "blue-green",
        ]);
        assert.deepEqual(selectPhases(ALL), [...PHASES]);
    });

    it("named phases run in the run's order, whatever the order named", () => {
        assert.deepEqual(selectPhases(NONE, ["node-drain", "baseline"]), ["baseline", "node-drain"]);
    });
});
