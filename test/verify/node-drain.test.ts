import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { NODE_POOL_LABEL } from "../../components/addons/names";
import type { NodeState, PodState } from "../../verify/cluster-client";
import {
    EVICT_RETRY_MS,
    NodeReader,
    checkDrainable,
    eligibleNodes,
    evictable,
    loadNodesOf,
    pickNode,
    unreplicated,
} from "../../verify/node-drain";
import { SETTLE_TIMEOUT_S } from "../../verify/plan";
import { InputError, exitCode } from "../../verify/run";
import type { FakeOptions } from "./fake-cluster";
import { HPA, Harness, allJobsDeleted, appState, harness, plan } from "./run-harness";
import { podState } from "./pod-state";

const DRAIN = plan({ phases: ["node-drain"] });

const pod = podState;

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
        assert.deepEqual(
            h.lines.filter((l) => l.includes("refused by its PodDisruptionBudget")),
            [`  [node-drain] eviction of web/${second[0].pod} refused by its PodDisruptionBudget for now; retrying`],
            "said once per pod, not at every retry",
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

/** A node as the API server reports it; Karpenter's carry its NodePool's label. */
const node = (name: string, extra: Partial<NodeState> = {}): NodeState => ({
    name,
    unschedulable: false,
    labels: name.startsWith("system") ? {} : { [NODE_POOL_LABEL]: "workloads" },
    ...extra,
});

/** The reads the checks before a drain make, answered from a list of nodes and pods; `asked` records each getNode. */
function reader(nodes: NodeState[], pods: PodState[]): NodeReader & { asked: string[] } {
    const asked: string[] = [];
    return {
        asked,
        getNode: (name) => {
            asked.push(name);
            return Promise.resolve(nodes.find((n) => n.name === name));
        },
        listPods: (query) =>
            Promise.resolve(
                "nodeName" in query
                    ? pods.filter((p) => p.nodeName === query.nodeName)
                    : pods.filter((p) => p.namespace === query.namespace && p.ownerKind === "ReplicaSet"),
            ),
    };
}

describe("[#14] node-drain: the checks before anything changes", () => {
    const NODES = [node("node-a"), node("node-b", { unschedulable: true }), node("system-a")];
    // Two app pods on node-a, one each on a cordoned node, the system node, a node already gone, and none yet.
    const APP = [
        pod("a1"),
        pod("a2"),
        pod("b1", { nodeName: "node-b" }),
        pod("s1", { nodeName: "system-a" }),
        pod("g1", { nodeName: "node-gone" }),
        pod("p1", { nodeName: undefined, phase: "Pending" }),
    ];
    const eligible: { name: string; nodeReplace: boolean; nodes: string[] }[] = [
        { name: "schedulable nodes that run app pods", nodeReplace: false, nodes: ["node-a", "system-a"] },
        { name: "with --node-replace, only Karpenter's (label karpenter.sh/nodepool)", nodeReplace: true, nodes: ["node-a"] },
    ];
    for (const c of eligible) {
        it(`eligible: ${c.name}; each node read once, an unscheduled pod's none`, async () => {
            const r = reader(NODES, APP);
            assert.deepEqual([...(await eligibleNodes(r, APP, c.nodeReplace))].sort(), c.nodes);
            assert.deepEqual(r.asked, ["node-a", "node-b", "system-a", "node-gone"]);
        });
    }

    const REFUSAL =
        "kubectl drain refuses them too unless --force (kubectl v1.36 pkg/drain/filters.go): pass --force to evict them anyway, or leave node-drain out of --phases; nothing was changed";
    // The app's pods list system-a before node-a: the refusal still names the nodes in order.
    const app = [pod("s1", { nodeName: "system-a" }), pod("a1")];
    const bare = [
        pod("debug", { namespace: "default", nodeName: "system-a", ownerKind: undefined }),
        pod("shell", { namespace: "default", nodeName: "node-a", ownerKind: undefined }),
        pod("cordoned", { namespace: "default", nodeName: "node-b", ownerKind: undefined }),
    ];
    const drainable: { name: string; nodeReplace: boolean; message: string }[] = [
        {
            name: "every pod that declares no controller on a node it may pick, by node",
            nodeReplace: false,
            message: `node-drain would evict 2 pod(s) that declare no controller, which nothing recreates: default/shell (node node-a), default/debug (node system-a); ${REFUSAL}`,
        },
        {
            name: "with --node-replace, only those on Karpenter's nodes",
            nodeReplace: true,
            message: `node-drain would evict 1 pod(s) that declare no controller, which nothing recreates: default/shell (node node-a); ${REFUSAL}`,
        },
    ];
    for (const c of drainable) {
        it(`refuses naming ${c.name}`, async () => {
            await assert.rejects(
                checkDrainable(reader(NODES, [...app, ...bare]), { namespace: "web", selector: {} }, c.nodeReplace),
                (err: Error) => err instanceof InputError && err.message === c.message,
            );
        });
    }
});

describe("[#14] node-drain: what a run reports", () => {
    /** Adds a pod with the app's labels that no controller owns on `node`, once both evictions are done (the drain is past them). */
    const strayAppPod = (h: Harness, node: string) => {
        h.cluster.after = (method, args) => {
            const evicted = h.cluster.evictions.filter((e) => e.answer === "evicted").length;
            if (
                method === "listPods" &&
                "selector" in (args[0] as object) &&
                evicted === 2 &&
                !h.cluster.pods.some((p) => p.name === "stray")
            ) {
                h.cluster.addBarePod("web", "stray", node, { "app.kubernetes.io/name": "web" });
            }
        };
    };
    const within = `did not happen within ${SETTLE_TIMEOUT_S} s`;
    const stuck: { name: string; options: FakeOptions; nodeReplace?: boolean; setup?: (h: Harness) => void; error: string }[] = [
        {
            name: "a PodDisruptionBudget that never allows an eviction",
            options: { hpa: HPA, pdbMaxUnavailable: 0 },
            error: `node-drain: the pods on node-a to be evicted ${within} (2 eviction(s) waiting for a PodDisruptionBudget)`,
        },
        {
            name: "an app pod that stays on the node",
            options: { hpa: HPA },
            setup: (h) => strayAppPod(h, "node-a"),
            error: `node-drain: the app's pods to leave node-a ${within} (1 app pod(s) still on node-a)`,
        },
        {
            name: "an app that never comes back to rest",
            options: { hpa: HPA },
            setup: (h) => strayAppPod(h, "node-b"),
            error: `node-drain: the app's pods to run elsewhere ${within} (4/4 updated, 4 available, 5 pods)`,
        },
        {
            name: "Karpenter never removing the node (--node-replace)",
            options: { hpa: HPA, pdbMaxUnavailable: 0 },
            nodeReplace: true,
            error: `node-drain: Karpenter to drain and remove node node-a ${within} (node node-a draining)`,
        },
        {
            name: "Karpenter's new node never Ready (--node-replace)",
            options: { hpa: HPA, launch: { nodes: ["node-d"], readyAfterMs: 2 * SETTLE_TIMEOUT_S * 1000 } },
            nodeReplace: true,
            error: `node-drain: Karpenter's new node to be Ready ${within} (NodeClaim workloads-node-d not Ready yet)`,
        },
        {
            name: "--node-replace on a cluster without Karpenter nodes",
            options: { hpa: HPA },
            nodeReplace: true,
            setup: (h) => [...h.cluster.nodes.values()].forEach((n) => (n.labels = {})),
            error: "node-drain: no schedulable Karpenter node (label karpenter.sh/nodepool) runs app pods without also running verify's Locust Job; nothing to drain",
        },
        {
            name: "--node-replace on a Karpenter node whose NodeClaim is gone",
            options: { hpa: HPA },
            nodeReplace: true,
            setup: (h) => h.cluster.nodeClaims.delete("workloads-node-a"),
            error: "node-drain: node node-a has no Karpenter NodeClaim (karpenter.sh/v1, status.nodeName); --node-replace needs a node Karpenter launched",
        },
    ];
    for (const c of stuck) {
        it(`fails naming what it waited for: ${c.name}`, async () => {
            const h = harness(c.options);
            c.setup?.(h);
            const outcome = await h.run(plan({ phases: ["node-drain"], nodeReplace: c.nodeReplace ?? false }));
            assert.equal(exitCode(outcome), 1);
            assert.equal(outcome.error, c.error);
            assert.deepEqual(appState(h.cluster).cordoned, [], "no node left cordoned");
        });
    }

    /** Takes the first pod the drain evicts away just before the Eviction API answers: it answers "gone". */
    const podGoneBeforeEviction = (h: Harness) => {
        let taken = false;
        h.cluster.after = (method, args) => {
            if (method === "evictPod" && !taken) {
                taken = true;
                h.cluster.pods.splice(
                    h.cluster.pods.findIndex((p) => p.name === args[1]),
                    1,
                );
            }
        };
    };
    const reports: {
        name: string;
        options: FakeOptions;
        nodeReplace?: boolean;
        setup?: (h: Harness) => void;
        summary: string;
        events: string[];
    }[] = [
        {
            name: "a budget that lets both evictions through says nothing of waiting",
            options: { hpa: HPA, pdbMaxUnavailable: 2 },
            summary: "drained node node-a: evicted 2 pods (2 of the app's), then uncordoned it",
            events: ["cordoned node node-a (2 app pods on it)", "uncordoned node node-a"],
        },
        {
            name: "the app pods counted are those on the node, not the app's others",
            options: { hpa: { minReplicas: 5, maxReplicas: 12 }, replicas: 5 },
            summary:
                "drained node node-a: evicted 2 pods (2 of the app's), 1 of them after waiting for their PodDisruptionBudget, then uncordoned it",
            events: ["cordoned node node-a (2 app pods on it)", "uncordoned node node-a"],
        },
        {
            name: 'a pod already gone ("gone" from the Eviction API) is not counted as evicted',
            options: { hpa: HPA },
            setup: podGoneBeforeEviction,
            summary:
                "drained node node-a: evicted 1 pods (2 of the app's), 1 of them after waiting for their PodDisruptionBudget, then uncordoned it",
            events: ["cordoned node node-a (2 app pods on it)", "uncordoned node node-a"],
        },
        {
            name: "--node-replace deletes the picked node's own NodeClaim, not the first one",
            options: { hpa: HPA, loadNode: "node-a" },
            nodeReplace: true,
            summary: "replaced node node-b: deleted NodeClaim workloads-node-b, Karpenter drained it; Karpenter launched node-d",
            events: ["deleted NodeClaim workloads-node-b of node node-b (1 app pods on it)"],
        },
        {
            name: "--node-replace where the pods fit the remaining nodes",
            options: { hpa: HPA, launch: { nodes: [], readyAfterMs: 0 } },
            nodeReplace: true,
            summary:
                "replaced node node-a: deleted NodeClaim workloads-node-a, Karpenter drained it; the pods fit the remaining nodes, so Karpenter launched none",
            events: ["deleted NodeClaim workloads-node-a of node node-a (2 app pods on it)"],
        },
        {
            name: "--node-replace waits for every node Karpenter launched to be Ready, and names them",
            options: { hpa: HPA, launch: { nodes: ["node-d", "node-e"], readyAfterMs: 30_000 } },
            nodeReplace: true,
            summary: "replaced node node-a: deleted NodeClaim workloads-node-a, Karpenter drained it; Karpenter launched node-d, node-e",
            events: ["deleted NodeClaim workloads-node-a of node node-a (2 app pods on it)"],
        },
    ];
    for (const c of reports) {
        it(`reports: ${c.name}`, async () => {
            const h = harness(c.options);
            c.setup?.(h);
            const outcome = await h.run(plan({ phases: ["node-drain"], nodeReplace: c.nodeReplace ?? false }));
            assert.equal(exitCode(outcome), 0, outcome.error);
            assert.equal(outcome.results[0].disruption?.summary, c.summary);
            assert.deepEqual(
                outcome.events.filter((e) => e.kind !== "pod-deleted").map((e) => e.text),
                c.events,
            );
        });
    }
});
