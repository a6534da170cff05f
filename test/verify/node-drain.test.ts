import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import type { PodState } from "../../verify/cluster-client";
import { EVICT_RETRY_MS, evictable, loadNodesOf, pickNode, unreplicated } from "../../verify/node-drain";
import { InputError, exitCode } from "../../verify/run";
import { HPA, allJobsDeleted, appState, harness, plan } from "./run-harness";

const DRAIN = plan({ phases: ["node-drain"] });

const pod = (name: string, extra: Partial<PodState> = {}): PodState => ({
    namespace: "web",
    name,
    nodeName: "node-a",
    phase: "Running",
    labels: {},
    createdAt: 0,
    readinessGates: [],
    conditions: {},
    ownerKind: "ReplicaSet",
    mirror: false,
    ...extra,
});

describe("[#14] node-drain: which pods and which node", () => {
    it("issue 21.4: evicts what kubectl drain --ignore-daemonsets evicts: not DaemonSet pods, mirror pods, finished or terminating ones, and a pod that declares no controller only with --force", () => {
        const pods = [
            pod("app"),
            pod("daemon", { ownerKind: "DaemonSet" }),
            pod("static", { mirror: true }),
            pod("done", { phase: "Succeeded" }),
            pod("failed", { phase: "Failed" }),
            pod("going", { deletionTimestamp: 1 }),
            pod("bare", { ownerKind: undefined }),
            pod("bare-done", { ownerKind: undefined, phase: "Succeeded" }),
        ];
        // kubectl v1.36 pkg/drain/filters.go unreplicatedFilter: "Pods that declare no controller (use --force to override)".
        assert.deepEqual(
            evictable(pods).map((p) => p.name),
            ["app"],
        );
        assert.deepEqual(
            unreplicated(pods).map((p) => p.name),
            ["bare"],
        );
        assert.deepEqual(
            evictable(pods, true).map((p) => p.name),
            ["app", "bare"],
        );
    });

    const picks: { name: string; pods: PodState[]; load: string[]; eligible?: string[]; node: string | undefined }[] = [
        {
            name: "the node with the most app pods",
            pods: [pod("a1"), pod("b1", { nodeName: "node-b" }), pod("a2")],
            load: [],
            node: "node-a",
        },
        {
            name: "never the node running verify's Locust Job",
            pods: [pod("a1"), pod("a2"), pod("b1", { nodeName: "node-b" })],
            load: ["node-a"],
            node: "node-b",
        },
        { name: "ties by name", pods: [pod("b1", { nodeName: "node-b" }), pod("a1")], load: [], node: "node-a" },
        {
            name: "terminating pods do not count",
            pods: [pod("a1", { deletionTimestamp: 1 }), pod("a2", { deletionTimestamp: 1 }), pod("b1", { nodeName: "node-b" })],
            load: [],
            node: "node-b",
        },
        {
            name: "with --node-replace only Karpenter's nodes",
            pods: [pod("a1"), pod("a2"), pod("s1", { nodeName: "system-a" })],
            load: [],
            eligible: ["system-b"],
            node: undefined,
        },
        {
            name: "only eligible nodes (issue 21.3: never one cordoned before verify)",
            pods: [pod("a1"), pod("a2"), pod("b1", { nodeName: "node-b" })],
            load: [],
            eligible: ["node-b"],
            node: "node-b",
        },
        { name: "nothing left", pods: [pod("a1")], load: ["node-a"], node: undefined },
    ];
    it("the load's nodes: where a verify Job's pod is running or about to, not where one finished", () => {
        const load = [
            pod("verify-node-drain-x", { namespace: "locust", nodeName: "node-c" }),
            pod("verify-step-x", { namespace: "locust", nodeName: "node-b", phase: "Pending" }),
            pod("verify-baseline-x", { namespace: "locust", nodeName: "node-a", phase: "Succeeded" }),
            pod("verify-unscheduled-x", { namespace: "locust", nodeName: undefined, phase: "Pending" }),
        ];
        assert.deepEqual([...loadNodesOf(load)].sort(), ["node-b", "node-c"]);
    });

    for (const c of picks) {
        it(`picks ${c.name}`, () => {
            const everyNode = new Set(c.pods.flatMap((p) => (p.nodeName === undefined ? [] : [p.nodeName])));
            assert.equal(pickNode(c.pods, new Set(c.load), new Set(c.eligible ?? everyNode)), c.node);
        });
    }
});

describe("[#14] node-drain against the fake cluster", () => {
    it("cordons the node with the most app pods, evicts through the Eviction API and waits for the PodDisruptionBudget, then uncordons", async () => {
        const h = harness({ hpa: HPA });
        const before = appState(h.cluster);
        const outcome = await h.run(DRAIN);
        assert.equal(exitCode(outcome), 0, outcome.verdict.problems.join("; ") + (outcome.error ?? ""));
        // Four app pods over node-a, node-b, node-c; the Locust Job runs on node-c: node-a has two.
        const nodeCalls = h.cluster.calls.filter((c) => c.method === "setUnschedulable").map((c) => c.args);
        assert.deepEqual(nodeCalls, [
            ["node-a", true],
            ["node-a", false],
        ]);
        const ev = h.cluster.evictions;
        assert.ok(
            ev.every((e) => e.pod.startsWith("web-")),
            "the DaemonSet's pod on the node is left alone",
        );
        // The PDB allows one pod unavailable: the second eviction is refused until the first pod's replacement is Ready.
        const second = ev.filter((e) => e.pod === ev.at(-1)?.pod);
        assert.deepEqual(
            second.map((e) => e.answer),
            ["blocked", "blocked", "blocked", "evicted"],
        );
        for (let i = 1; i < second.length; i++) {
            assert.ok(second[i].at - second[i - 1].at >= EVICT_RETRY_MS, "retries no faster than kubectl drain's 5 s");
        }
        assert.equal(ev.filter((e) => e.answer === "evicted").length, 2);
        assert.equal(
            h.cluster.pods.filter((p) => p.node === "node-a" && p.owner !== undefined && p.deletedAt === undefined).length,
            0,
            "no app pod left on the drained node",
        );
        assert.match(
            outcome.results[0].disruption?.summary ?? "",
            /^drained node node-a: evicted 2 pods \(2 of the app's\), 1 of them after waiting for their PodDisruptionBudget, then uncordoned it$/,
        );
        assert.deepEqual(
            outcome.events.filter((e) => e.kind !== "pod-deleted").map((e) => e.kind),
            ["node-cordoned", "node-uncordoned"],
        );
        assert.deepEqual(appState(h.cluster), before);
        assert.ok(allJobsDeleted(h.cluster));
    });

    // `n`: the how-many-th call of that method with that second argument since the cordon; `evicted`: evictions done.
    const failures: { name: string; fail: (method: string, args: unknown[], n: number, evicted: number) => boolean }[] = [
        { name: "the first eviction", fail: (m) => m === "evictPod" },
        { name: "listing the node's pods after the cordon", fail: (m, args) => m === "listPods" && "nodeName" in (args[0] as object) },
        {
            name: "the uncordon itself (the restore retries it)",
            fail: (m, args, n) => m === "setUnschedulable" && args[1] === false && n === 1,
        },
        {
            name: "waiting for the app to move off",
            fail: (m, args, _n, evicted) => m === "listPods" && "selector" in (args[0] as object) && evicted === 2,
        },
    ];
    for (const f of failures) {
        it(`a drain that fails at ${f.name} leaves the node uncordoned and fails the run`, async () => {
            const h = harness({ hpa: HPA });
            const counts = new Map<string, number>();
            let cordoned = false;
            h.cluster.failWith = (method, args) => {
                cordoned ||= method === "setUnschedulable" && args[1] === true;
                if (!cordoned) {
                    return undefined;
                }
                const key = `${method}:${JSON.stringify(args[1])}`;
                const n = (counts.get(key) ?? 0) + 1;
                counts.set(key, n);
                const evicted = h.cluster.evictions.filter((e) => e.answer === "evicted").length;
                return f.fail(method, args, n, evicted) ? new Error(`${method} failed`) : undefined;
            };
            const outcome = await h.run(DRAIN);
            assert.equal(exitCode(outcome), 1);
            assert.ok(outcome.error !== undefined || outcome.restoreProblems.length > 0);
            assert.deepEqual(
                [...h.cluster.nodes.values()].filter((n) => n.unschedulable),
                [],
                "node-a is uncordoned",
            );
            assert.ok(allJobsDeleted(h.cluster));
        });
    }

    it("Ctrl-C right after the cordon: the node is uncordoned, nothing is evicted, exit 130", async () => {
        const h = harness({ hpa: HPA });
        h.cluster.after = (method, args) => {
            if (method === "setUnschedulable" && args[1] === true) {
                h.interrupt();
            }
        };
        const outcome = await h.run(DRAIN);
        assert.equal(exitCode(outcome), 130);
        assert.equal(h.cluster.nodes.get("node-a")?.unschedulable, false);
        assert.deepEqual(h.cluster.evictions, []);
    });

    it("issue 21.3: a node cordoned before verify is never picked for drain and is still cordoned after the run", async () => {
        const h = harness({ hpa: HPA });
        // node-a runs the most app pods (two), but its owner cordoned it: verify must not uncordon it afterwards.
        h.cluster.nodes.get("node-a")!.unschedulable = true;
        const outcome = await h.run(DRAIN);
        assert.equal(exitCode(outcome), 0, outcome.error);
        assert.deepEqual(
            h.cluster.calls.filter((c) => c.method === "setUnschedulable").map((c) => c.args),
            [
                ["node-b", true],
                ["node-b", false],
            ],
        );
        assert.equal(h.cluster.nodes.get("node-a")?.unschedulable, true, "node-a stays as its owner left it");
        assert.match(outcome.results[0].disruption?.summary ?? "", /^drained node node-b: /);
    });

    it("issue 21.3: every node with app pods cordoned before verify: nothing to drain, and none of them touched", async () => {
        const h = harness({ hpa: HPA });
        for (const node of ["node-a", "node-b"]) {
            h.cluster.nodes.get(node)!.unschedulable = true;
        }
        const outcome = await h.run(DRAIN);
        assert.equal(exitCode(outcome), 1);
        assert.match(outcome.error ?? "", /^node-drain: no schedulable node runs app pods without also running verify's Locust Job/);
        assert.deepEqual(
            h.cluster.calls.filter((c) => c.method === "setUnschedulable"),
            [],
        );
    });

    it("issue 21.4: a pod that declares no controller on a node node-drain may pick: refused with exit 2 before anything changes, naming it", async () => {
        const h = harness({ hpa: HPA });
        h.cluster.addBarePod("default", "debug-shell", "node-b");
        await assert.rejects(
            h.run(DRAIN),
            (err: Error) =>
                err instanceof InputError &&
                err.message ===
                    "node-drain would evict 1 pod(s) that declare no controller, which nothing recreates: default/debug-shell (node node-b); " +
                        "kubectl drain refuses them too unless --force (kubectl v1.36 pkg/drain/filters.go): pass --force to evict them anyway, or leave node-drain out of --phases; nothing was changed",
        );
        assert.deepEqual(h.cluster.mutations(), []);
        assert.ok(h.cluster.pods.some((p) => p.name === "debug-shell" && p.deletedAt === undefined));
    });

    it("issue 21.4: with --force the pod that declares no controller is evicted too, and the run says so", async () => {
        const h = harness({ hpa: HPA });
        h.cluster.addBarePod("default", "debug-shell", "node-a");
        const outcome = await h.run(plan({ phases: ["node-drain"], force: true }));
        assert.equal(exitCode(outcome), 0, outcome.error);
        assert.ok(h.cluster.evictions.some((e) => e.pod === "debug-shell" && e.answer === "evicted"));
        assert.ok(
            h.lines.includes(
                "  [node-drain] --force: evicting 1 pod(s) that declare no controller, which nothing recreates: default/debug-shell (node node-a)",
            ),
            h.lines.join("\n"),
        );
    });

    it("issue 21.4: such a pod arriving on the picked node after the check: the phase fails and the node is left as it was", async () => {
        const h = harness({ hpa: HPA });
        h.cluster.after = (method) => {
            if (method === "createJob" && !h.cluster.pods.some((p) => p.name === "debug-shell")) {
                h.cluster.addBarePod("default", "debug-shell", "node-a");
            }
        };
        const outcome = await h.run(DRAIN);
        assert.equal(exitCode(outcome), 1);
        assert.match(
            outcome.error ?? "",
            /^node-drain: node-drain would evict 1 pod\(s\) .*default\/debug-shell \(node node-a\).*; node node-a was left as it was$/,
        );
        assert.deepEqual(
            h.cluster.mutations().filter((c) => c.method !== "createJob" && c.method !== "deleteJob"),
            [],
        );
    });

    it("refuses when every node with app pods also runs the Locust Job", async () => {
        const h = harness({ replicas: 1, loadNode: "node-a" });
        const outcome = await h.run(DRAIN);
        assert.equal(exitCode(outcome), 1);
        assert.match(
            outcome.error ?? "",
            /^node-drain: no schedulable node runs app pods without also running verify's Locust Job; nothing to drain$/,
        );
        assert.deepEqual(
            h.cluster.mutations().filter((c) => c.method !== "createJob" && c.method !== "deleteJob"),
            [],
        );
    });

    it("--node-replace deletes the node's NodeClaim, waits for Karpenter to drain and remove it, and names the new node", async () => {
        const h = harness({ hpa: HPA });
        const outcome = await h.run(plan({ phases: ["node-drain"], nodeReplace: true }));
        assert.equal(exitCode(outcome), 0, outcome.error);
        assert.deepEqual(
            h.cluster.mutations().filter((c) => !/Job$/.test(c.method)),
            [{ method: "deleteNodeClaim", args: ["workloads-node-a"] }],
        );
        assert.equal(h.cluster.nodes.has("node-a"), false);
        assert.match(
            outcome.results[0].disruption?.summary ?? "",
            /^replaced node node-a: deleted NodeClaim workloads-node-a, Karpenter drained it; Karpenter launched node-d$/,
        );
        assert.deepEqual(
            outcome.events.filter((e) => e.kind !== "pod-deleted").map((e) => e.kind),
            ["nodeclaim-deleted"],
        );
    });
});
