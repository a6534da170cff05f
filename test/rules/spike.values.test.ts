// The spike and rollout models' exact steps: every step named, each node case with its note, the
// ALB step's note behind the mesh, and the rounding of surge (up) and unavailable (down) in waves.
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { SpikeIntervals, rolloutSeconds, spikeToServing } from "../../rules/spike";

const I: SpikeIntervals = {
    metricResolutionSeconds: 15,
    hpaSyncSeconds: 14,
    nodeBatchSeconds: 10,
    nodeLaunchSeconds: 60,
    startupPeriodSeconds: 3,
    readinessPeriodSeconds: 2,
    albIntervalSeconds: 5,
    albHealthyThreshold: 2,
};

describe("spike model: exact values", () => {
    // What sets each step's floor on EKS: the synth report's column, each naming the fact it stands on.
    const FLOOR_SET_BY = {
        metrics: "metrics-server refuses --metric-resolution below 10 s",
        hpa: "EKS's kube-controller-manager: --horizontal-pod-autoscaler-sync-period 15 s, not settable",
        node: 'Karpenter\'s batch window (1 s idle) and an EC2 launch (EKS: "in under a minute")',
        image: "image size and registry",
        probe: "kubelet: probe periodSeconds ≥ 1",
        alb: "ELB API: HealthCheckIntervalSeconds ≥ 5, HealthyThresholdCount ≥ 2",
    };
    const NODE_STEP = "node for the new pods (Karpenter batch + launch)";
    const ALB_STEP = "ALB routes to it (interval × healthy threshold)";

    it("a node to launch: every step, in order, with its seconds and what sets its floor", () => {
        assert.deepEqual(spikeToServing(I, "launch"), {
            steps: [
                { step: "fresh CPU metrics (metrics-server resolution)", seconds: 15, floorSetBy: FLOOR_SET_BY.metrics },
                { step: "HPA acts (controller sync period)", seconds: 14, floorSetBy: FLOOR_SET_BY.hpa },
                { step: NODE_STEP, seconds: 70, note: undefined, floorSetBy: FLOOR_SET_BY.node },
                { step: "image pull", seconds: 0, note: "not modeled: no documented figure (measure it)", floorSetBy: FLOOR_SET_BY.image },
                { step: "started (startup probe, one success)", seconds: 3, floorSetBy: FLOOR_SET_BY.probe },
                { step: "Ready (readiness probe, one success)", seconds: 2, floorSetBy: FLOOR_SET_BY.probe },
                { step: ALB_STEP, seconds: 10, note: undefined, floorSetBy: FLOOR_SET_BY.alb },
            ],
            total: 114,
        });
    });

    it("room on the running nodes, or nothing to add one: the node step and its note", () => {
        assert.deepEqual(spikeToServing(I, "room").steps[2], {
            step: NODE_STEP,
            seconds: 0,
            note: "the first step fits the nodes running",
            floorSetBy: FLOOR_SET_BY.node,
        });
        assert.equal(spikeToServing(I, "room").total, 15 + 14 + 0 + 0 + 3 + 2 + 10);
        const never = spikeToServing(I, "never");
        assert.deepEqual(never.steps[2], {
            step: NODE_STEP,
            seconds: undefined,
            note: "nothing adds nodes: the pods stay Pending",
            floorSetBy: FLOOR_SET_BY.node,
        });
        assert.equal(never.total, undefined);
    });

    it("behind the mesh gateway: no ALB step of its own, and it says so", () => {
        assert.deepEqual(spikeToServing({ ...I, albIntervalSeconds: 0 }, "room").steps[6], {
            step: ALB_STEP,
            seconds: 0,
            note: "behind the mesh gateway: no ALB target of its own",
            floorSetBy: FLOOR_SET_BY.alb,
        });
    });

    it("rollout waves: a surge percentage rounds up, an unavailable percentage down (as the Deployment controller)", () => {
        const shape = { replicas: 10, minReadySeconds: 5, terminationSeconds: 40 };
        // 25 % of 10: surge 3 (up), so 3 pods a wave: 4 waves of 3 + 2 + 10 + 5 = 20 s.
        assert.deepEqual(rolloutSeconds({ ...shape, maxSurge: "25%", maxUnavailable: 0 }, I), {
            waves: 4,
            untilAvailable: 80,
            untilOldGone: 120,
        });
        // 1 surge + 25 % of 10 unavailable, 2 (down): 3 pods a wave, 4 waves.
        assert.equal(rolloutSeconds({ ...shape, maxSurge: 1, maxUnavailable: "25%" }, I).waves, 4);
    });
});
