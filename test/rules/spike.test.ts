import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import {
    FLOOR,
    HPA_SYNC_SECONDS,
    METRICS_KUBELET_REQUEST_TIMEOUT_SECONDS,
    METRIC_RESOLUTION_SECONDS,
    PLAIN_DEFAULTS,
    metricsServerFlagErrors,
    SpikeIntervals,
    floorTerminationSeconds,
    rolloutSeconds,
    spikeToServing,
} from "../../rules/spike";
// stacks/settings, not stacks/index.ts, which loads @pulumi/pulumi (test/stacks/settings.test.ts says why).
import { PROJECT, parseSettings } from "../../stacks/settings";
import { firstScaleOutNeed, rolloutNeed } from "../../stacks/capacity";
import { APP_DEFAULTS } from "../../components/app/defaults";

// An app behind its own ALB: 15 s metrics, 15 s HPA, Karpenter 10 s batch + 60 s launch, startup 2 s,
// readiness 5 s, ALB 5 s × 2.
const STACK: SpikeIntervals = {
    ...PLAIN_DEFAULTS,
    startupPeriodSeconds: 2,
    readinessPeriodSeconds: 5,
    albIntervalSeconds: 5,
    albHealthyThreshold: 2,
};

describe("spike to serving", () => {
    for (const [nodes, total] of [
        ["room", 15 + 15 + 0 + 2 + 5 + 10],
        ["launch", 15 + 15 + 10 + 60 + 2 + 5 + 10],
        ["never", undefined],
    ] as const) {
        it(`first scale-out step ${nodes}: ${total ?? "never"} s`, () => {
            assert.equal(spikeToServing(STACK, nodes).total, total);
        });
    }

    it("the documented constants: metrics 15 s (floor 10), HPA 15 s (EKS's, in every column), Karpenter batch 10 s (floor 1) + launch 60 s, probes 10 s (floor 1), ALB 15 s × 2 (floor 5 s × 2)", () => {
        assert.deepEqual(
            [
                PLAIN_DEFAULTS.metricResolutionSeconds,
                PLAIN_DEFAULTS.hpaSyncSeconds,
                PLAIN_DEFAULTS.nodeBatchSeconds,
                PLAIN_DEFAULTS.nodeLaunchSeconds,
                PLAIN_DEFAULTS.readinessPeriodSeconds,
                PLAIN_DEFAULTS.alb,
            ],
            [15, 15, 10, 60, 10, [15, 2]],
        );
        assert.deepEqual(
            [
                FLOOR.metricResolutionSeconds,
                FLOOR.hpaSyncSeconds,
                FLOOR.nodeBatchSeconds,
                FLOOR.nodeLaunchSeconds,
                FLOOR.readinessPeriodSeconds,
                FLOOR.alb,
            ],
            [10, 15, 1, 60, 1, [5, 2]],
        );
    });

    it("the platform's metrics-server flags: resolution 10 s, kubelet timeout 9 s, both accepted by metrics-server's validate()", () => {
        assert.deepEqual([METRIC_RESOLUTION_SECONDS, METRICS_KUBELET_REQUEST_TIMEOUT_SECONDS], [10, 9]);
        assert.deepEqual(metricsServerFlagErrors(METRIC_RESOLUTION_SECONDS, METRICS_KUBELET_REQUEST_TIMEOUT_SECONDS), []);
    });

    // metrics-server options.go validate() and options_test.go: below 10 s, or a kubelet timeout above
    // 9/10 of the resolution (its own default is 10 s), and metrics-server does not start.
    for (const [resolution, timeout, refused] of [
        [9, 8, "below metrics-server's minimum"],
        [10, 10, "below --kubelet-request-timeout"],
        [15, 10, undefined],
    ] as const) {
        it(`metrics-server with --metric-resolution=${resolution}s --kubelet-request-timeout=${timeout}s: ${refused ?? "starts"}`, () => {
            const errors = metricsServerFlagErrors(resolution, timeout);
            assert.equal(errors.length, refused === undefined ? 0 : 1);
            if (refused !== undefined) {
                assert.match(errors[0], new RegExp(refused));
            }
        });
    }

    it("the HPA sync period is EKS's 15 s in every column: no stack or floor can change it", () => {
        assert.deepEqual([HPA_SYNC_SECONDS, PLAIN_DEFAULTS.hpaSyncSeconds, FLOOR.hpaSyncSeconds], [15, 15, 15]);
        assert.match(spikeToServing(STACK, "room").steps[1].floorSetBy ?? "", /EKS/);
    });

    it("behind the mesh gateway the ALB step is zero (the gateway's targets do not change)", () => {
        const meshed = { ...STACK, albIntervalSeconds: 0 };
        assert.equal(spikeToServing(meshed, "room").steps.find((s) => s.step.startsWith("ALB"))?.seconds, 0);
    });
});

describe("rolling update duration", () => {
    const shape = { replicas: 4, maxSurge: "25%", maxUnavailable: 0, minReadySeconds: 10, terminationSeconds: 80 };
    it("4 pods, one at a time: 4 waves of (startup 2 + readiness 5 + ALB 10 + minReady 10), then the last pod's 80 s", () => {
        assert.deepEqual(rolloutSeconds(shape, STACK), { waves: 4, untilAvailable: 4 * 27, untilOldGone: 4 * 27 + 80 });
    });
    it("a surge of the whole HPA minimum: one wave", () => {
        assert.deepEqual(rolloutSeconds({ ...shape, maxSurge: 4 }, STACK), { waves: 1, untilAvailable: 27, untilOldGone: 27 + 80 });
    });
    it("surge pods that need a node wait for Karpenter's batch + launch (10 + 60 s) once; on a full node group the rollout never ends", () => {
        assert.equal(rolloutSeconds({ ...shape, maxSurge: 4 }, STACK, "launch").untilAvailable, 10 + 60 + 27);
        assert.deepEqual(rolloutSeconds({ ...shape, maxSurge: 4 }, STACK, "never"), {
            waves: 1,
            untilAvailable: undefined,
            untilOldGone: undefined,
        });
    });
    it("25 % unavailable as well: two pods per wave, 2 waves", () => {
        assert.equal(rolloutSeconds({ ...shape, maxUnavailable: "25%" }, STACK).waves, 2);
    });
    it("the floor's termination: 15 s propagation + 5 s × 2 ALB checks, or propagation alone behind the gateway", () => {
        assert.deepEqual([floorTerminationSeconds(true), floorTerminationSeconds(false)], [25, 15]);
    });
});

/** Dev's settings from a minimal stack file plus `extra` (config keys to values, objects as JSON). */
const devSettings = (extra: Record<string, unknown> = {}) =>
    parseSettings({
        project: PROJECT,
        stack: "dev",
        today: "2026-12-01",
        config: Object.fromEntries(
            Object.entries({
                "aws:region": "ap-northeast-2",
                "zero-downtime-eks:cluster": { publicAccessCidrs: ["0.0.0.0/0"] },
                ...extra,
            }).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]),
        ),
    });
const NO_KARPENTER = { "zero-downtime-eks:addons": { karpenter: { enabled: false } } };

describe("the first scale-out step (max(100 %, 4 pods), the HPA's default and the app's)", () => {
    const cases: [string, Record<string, unknown>, ReturnType<typeof firstScaleOutNeed>][] = [
        ["dev defaults: 4 more app pods (8 × 350m) and a worker (600m) fit the two NodePool nodes (3560m): room", {}, "room"],
        [
            "5 replicas: 10 × 350m + 600m = 4100m exceeds two nodes: Karpenter launches",
            { "zero-downtime-eks:app": { replicas: 5 } },
            "launch",
        ],
        ["without Karpenter, 4 more pods (1400m) do not fit the 1240m the node group has left: never", NO_KARPENTER, "never"],
    ];
    for (const [name, extra, expected] of cases) {
        it(name, () => {
            const s = devSettings(extra);
            assert.equal(firstScaleOutNeed(s.cluster, s.addons, s.app), expected);
        });
    }
});

describe("the app's rollout surge (maxSurge = the HPA minimum: one wave at rest, 3 at the maximum)", () => {
    it("the default surges the default replicas, a count (not a percentage that doubles the pods at the HPA maximum)", () => {
        assert.equal(APP_DEFAULTS.rollout.maxSurge, APP_DEFAULTS.replicas);
    });
    const cases: [string, Record<string, unknown>, ReturnType<typeof rolloutNeed>][] = [
        ["dev: 4 surge pods fit the two NodePool nodes the workloads run on (as the HPA's first step does): room", {}, "room"],
        [
            "5 replicas surging 5: 10 × 350m + a worker exceed two nodes: the rollout waits for a Karpenter node",
            { "zero-downtime-eks:app": { replicas: 5, rollout: { maxSurge: 5 } } },
            "launch",
        ],
        [
            "without Karpenter a surge of 4 set by the stack does not fit the node group: the rollout stalls (never)",
            { ...NO_KARPENTER, "zero-downtime-eks:app": { rollout: { maxSurge: 4 } } },
            "never",
        ],
    ];
    for (const [name, extra, expected] of cases) {
        it(name, () => {
            const s = devSettings(extra);
            assert.equal(rolloutNeed(s.cluster, s.addons, s.app), expected);
        });
    }
    it("without Karpenter the default surge is sized to the node group's room, so the rollout never stalls", () => {
        const s = devSettings(NO_KARPENTER);
        assert.ok(Number(s.app.rollout.maxSurge) >= 1 && Number(s.app.rollout.maxSurge) < 4, String(s.app.rollout.maxSurge));
        assert.equal(rolloutNeed(s.cluster, s.addons, s.app), "room");
    });
});
