// The Sampler on its own, tick by tick, against a scripted cluster: the exact moments it records, when
// it still has something to measure (pending), and the calibration table's exact text.
// calibration.test.ts measures the fake cluster's controllers through whole runs.
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { Sampler, TargetHealth, Timings, Watched, formatCalibration } from "../../verify/calibration";
import type { EndpointState, PodState } from "../../verify/cluster-client";
import { MODELS } from "./run-harness";
import { podState } from "./pod-state";

const ARN = "arn:aws:elasticloadbalancing:ap-northeast-2:111122223333:targetgroup/k8s-web-web/0123456789abcdef";
const APP: Watched = {
    workload: "web/web",
    namespace: "web",
    service: "web",
    selector: { app: "web" },
    binding: { namespace: "web", name: "k8s-web-web", targetGroupArn: ARN, targetType: "ip", service: "web" },
};
const GATEWAY: Watched = {
    workload: "istio-ingress/istio-ingressgateway",
    namespace: "istio-ingress",
    service: "istio-ingressgateway",
    selector: { app: "istio-ingressgateway" },
};

const pod = (name: string, extra: Partial<PodState> = {}): PodState => podState(name, { labels: { app: "web" }, ...extra });

/** What the scripted cluster shows at the next tick; `now` is the sampler's clock (ms). */
interface World {
    now: number;
    pods: PodState[];
    endpoints: EndpointState[];
    targets: TargetHealth[];
    failPods?: boolean;
}

function sampler(watched: Watched[], { elb = true } = {}) {
    const world: World = { now: 0, pods: [], endpoints: [], targets: [] };
    const lines: string[] = [];
    const deleted: string[] = [];
    const s = new Sampler(
        {
            listPods: (q) => {
                if (world.failPods) {
                    return Promise.reject(new Error("HTTP 500\nthe API server's details"));
                }
                const namespace = "namespace" in q ? q.namespace : "";
                return Promise.resolve(world.pods.filter((p) => p.namespace === namespace).map((p) => ({ ...p })));
            },
            listEndpoints: () => Promise.resolve(world.endpoints.map((e) => ({ ...e }))),
        },
        elb ? { describe: () => Promise.resolve(world.targets.map((t) => ({ ...t }))) } : undefined,
        watched,
        "rollout-restart",
        () => world.now,
        (l) => lines.push(l),
        (t) => deleted.push(t.pod),
    );
    /** Sets the world as `change` says at `at` ms, samples, and answers whether the sampler still waits for something. */
    const tickAt = async (at: number, change: (w: World) => void = () => undefined): Promise<boolean> => {
        world.now = at;
        change(world);
        await s.tick();
        return s.pending();
    };
    return { s, world, lines, deleted, tickAt };
}

const IP = "10.0.1.7";
const ready = (ip: string, isReady = true): EndpointState => ({ ip, ready: isReady, terminating: !isReady });

describe("[#14] the sampler: a pod going away", () => {
    it("records the deletion request, the endpoint leaving and the target draining, each once, and waits for all three", async () => {
        const { s, deleted, tickAt } = sampler([APP]);
        assert.equal(
            await tickAt(0, (w) => {
                w.pods = [pod("a", { ip: IP })];
                w.endpoints = [ready(IP)];
                w.targets = [{ id: IP, state: "healthy" }];
            }),
            false,
            "nothing moving yet",
        );
        // Deletion asked at 1 s with a 30 s grace: deletionTimestamp is 31 s (apiserver: now + grace).
        assert.equal(
            await tickAt(1_000, (w) => (w.pods = [pod("a", { ip: IP, deletionTimestamp: 31_000, deletionGracePeriodSeconds: 30 })])),
            true,
        );
        assert.equal(await tickAt(2_000, (w) => (w.endpoints = [ready(IP, false)])), true, "the target has not drained yet");
        assert.equal(await tickAt(3_000), true);
        assert.equal(await tickAt(4_000, (w) => (w.targets = [{ id: IP, state: "draining" }])), false);
        assert.equal(await tickAt(5_000, (w) => (w.endpoints = [])), false);
        assert.deepEqual(s.timings().terminating, [
            {
                phase: "rollout-restart",
                workload: "web/web",
                pod: "a",
                ip: IP,
                node: "node-a",
                deletedAt: 1_000,
                endpointOutAt: 2_000,
                drainingAt: 4_000,
            },
        ]);
        assert.deepEqual(deleted, ["a"], "reported once");
    });

    // ELBv2 TargetHealth.State: deregistration begun (draining, unhealthy.draining), done (unused), or no longer listed.
    const states: { state: string | undefined; draining: boolean }[] = [
        { state: "draining", draining: true },
        { state: "unhealthy.draining", draining: true },
        { state: "unused", draining: true },
        { state: undefined, draining: true },
        { state: "healthy", draining: false },
        { state: "unhealthy", draining: false },
        { state: "initial", draining: false },
    ];
    for (const c of states) {
        it(`a target ${c.state ?? "no longer listed"} is ${c.draining ? "" : "not "}draining`, async () => {
            const { s, tickAt } = sampler([APP]);
            await tickAt(0, (w) => (w.pods = [pod("a", { ip: IP })]));
            await tickAt(1_000, (w) => {
                w.pods = [pod("a", { ip: IP, deletionTimestamp: 1_000 })];
                w.targets = c.state === undefined ? [] : [{ id: IP, state: c.state }];
            });
            assert.equal(s.timings().terminating[0].drainingAt, c.draining ? 1_000 : undefined);
        });
    }

    const settled: { name: string; watched: Watched[]; elb: boolean }[] = [
        { name: "without AWS credentials, the endpoint is all there is to wait for", watched: [APP], elb: false },
        {
            name: "a workload without a target group (behind the mesh): the endpoint is all",
            watched: [{ ...APP, binding: undefined }],
            elb: true,
        },
    ];
    for (const c of settled) {
        it(c.name, async () => {
            const { tickAt } = sampler(c.watched, { elb: c.elb });
            await tickAt(0, (w) => (w.pods = [pod("a", { ip: IP })]));
            await tickAt(1_000, (w) => (w.pods = [pod("a", { ip: IP, deletionTimestamp: 1_000 })]));
            assert.equal(await tickAt(2_000, (w) => (w.pods = [])), false);
        });
    }

    it("the target group is the pod's own workload's: a second workload without one does not hide it", async () => {
        const { tickAt } = sampler([APP, GATEWAY]);
        await tickAt(0, (w) => {
            w.pods = [pod("a", { ip: IP })];
            w.targets = [{ id: IP, state: "healthy" }];
        });
        await tickAt(1_000, (w) => (w.pods = [pod("a", { ip: IP, deletionTimestamp: 1_000 })]));
        assert.equal(await tickAt(2_000), true, "its target has not drained");
    });

    it("a target draining before the endpoint leaves: still waits for the endpoint", async () => {
        const { tickAt } = sampler([APP]);
        await tickAt(0, (w) => {
            w.pods = [pod("a", { ip: IP })];
            w.endpoints = [ready(IP)];
            w.targets = [{ id: IP, state: "healthy" }];
        });
        await tickAt(1_000, (w) => (w.pods = [pod("a", { ip: IP, deletionTimestamp: 1_000 })]));
        assert.equal(await tickAt(2_000, (w) => (w.targets = [{ id: IP, state: "draining" }])), true);
    });

    it("a pod without an IP has nothing to time, and is not waited for", async () => {
        const { s, tickAt } = sampler([APP]);
        await tickAt(0, (w) => (w.pods = [pod("a", { nodeName: undefined, phase: "Pending" })]));
        assert.equal(
            await tickAt(1_000, (w) => (w.pods = [pod("a", { nodeName: undefined, phase: "Pending", deletionTimestamp: 1_000 })])),
            false,
        );
        assert.equal(s.timings().terminating[0].endpointOutAt, undefined);
    });
});

describe("[#14] the sampler: a new pod", () => {
    it("records when it was scheduled, its containers ready, its endpoint ready and its target healthy, each the first time seen, and waits for all", async () => {
        const { s, tickAt } = sampler([APP]);
        await tickAt(0);
        const b = (conditions: PodState["conditions"]) => pod("b", { ip: IP, createdAt: 500, conditions });
        const scheduled = { PodScheduled: { status: true, since: 600 } };
        assert.equal(await tickAt(1_000, (w) => (w.pods = [b(scheduled)])), true);
        const containers = { ...scheduled, ContainersReady: { status: true, since: 1_500 } };
        assert.equal(await tickAt(2_000, (w) => (w.pods = [b(containers)])), true, "not Ready");
        // The readiness gate: Ready only once the target is healthy; the EndpointSlice follows Ready.
        assert.equal(await tickAt(3_000, (w) => (w.targets = [{ id: IP, state: "healthy" }])), true, "not Ready");
        assert.equal(
            await tickAt(4_000, (w) => (w.pods = [b({ ...containers, Ready: { status: true, since: 3_500 } })])),
            true,
            "Ready, its endpoint not yet",
        );
        assert.equal(await tickAt(5_000, (w) => (w.endpoints = [ready(IP)])), false);
        assert.equal(await tickAt(6_000), false);
        assert.deepEqual(s.timings().created, [
            {
                phase: "rollout-restart",
                workload: "web/web",
                pod: "b",
                createdAt: 500,
                ip: IP,
                scheduledAt: 600,
                containersReadyAt: 1_500,
                readyAt: 3_500,
                endpointReadyAt: 5_000,
                healthyAt: 3_000,
            },
        ]);
    });

    it("Ready and its endpoint ready, its ALB target not healthy yet (no readiness gate): still waits for the target", async () => {
        const { tickAt } = sampler([APP]);
        await tickAt(0);
        assert.equal(
            await tickAt(1_000, (w) => {
                w.pods = [pod("b", { ip: IP, conditions: { Ready: { status: true, since: 900 } } })];
                w.endpoints = [ready(IP)];
                w.targets = [{ id: IP, state: "initial" }];
            }),
            true,
        );
    });

    it("an endpoint ready before Ready is reported still waits for Ready", async () => {
        const { tickAt } = sampler([APP], { elb: false });
        await tickAt(0);
        assert.equal(
            await tickAt(1_000, (w) => {
                w.pods = [pod("b", { ip: IP })];
                w.endpoints = [ready(IP)];
            }),
            true,
        );
    });

    it("without AWS credentials, Ready and its endpoint are all there is to wait for", async () => {
        const { tickAt } = sampler([APP], { elb: false });
        await tickAt(0);
        assert.equal(
            await tickAt(1_000, (w) => {
                w.pods = [pod("b", { ip: IP, conditions: { Ready: { status: true, since: 900 } } })];
                w.endpoints = [ready(IP)];
            }),
            false,
        );
    });

    it("the new pods of one workload, first created first", async () => {
        const { s, tickAt } = sampler([APP, GATEWAY]);
        await tickAt(0);
        await tickAt(1_000, (w) => {
            w.pods = [
                pod("late", { createdAt: 900 }),
                pod("early", { createdAt: 100 }),
                pod("gw", { namespace: "istio-ingress", labels: { app: "istio-ingressgateway" }, createdAt: 50 }),
            ];
        });
        assert.deepEqual(
            s.newPods("web/web").map((p) => p.pod),
            ["early", "late"],
        );
    });

    it("a failed read is said once, its first line only, and the sample skipped", async () => {
        const { lines, tickAt } = sampler([APP]);
        await tickAt(0, (w) => (w.failPods = true));
        await tickAt(1_000);
        assert.deepEqual(lines, ["  calibration: cannot read the pods and endpoints of web/web (HTTP 500); those timings are left out"]);
    });
});

describe("[#14] the calibration table's text", () => {
    it("nothing measured: one line says so", () => {
        assert.deepEqual(formatCalibration({ terminating: [], created: [] }, MODELS), [
            "calibration: no pod came or went while sampled; nothing measured",
        ]);
    });

    it("names and measures left-aligned, pods and seconds right-aligned, the assumption as it is", () => {
        const timings: Timings = {
            terminating: [
                { phase: "rollout-restart", workload: "web/web", pod: "a", deletedAt: 0, endpointOutAt: 1_000, drainingAt: 12_500 },
                { phase: "rollout-restart", workload: "web/web", pod: "b", deletedAt: 0, endpointOutAt: 2_000, drainingAt: 4_000 },
            ],
            created: [],
        };
        assert.deepEqual(formatCalibration(timings, MODELS), [
            "phase            measure                         pods  p50     p95     max  rules assume",
            "rollout-restart  deletion → endpoint not ready      2  1 s     2 s     2 s  -",
            "rollout-restart  deletion → ALB target draining     2  4 s  12.5 s  12.5 s  15 s propagation (rules/timing.ts)",
            "preStop these measurements imply: 12.5 s longest deletion → draining + 10 s ALB failure detection = 23 s (the rules ask 25 s; the stack sets 40 s on the app)",
        ]);
    });
});
