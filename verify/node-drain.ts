// The node-drain phase: what a managed node group update, a Karpenter consolidation or `kubectl drain`
// does to the app. A node that runs app pods is cordoned and every pod on it evicted through the
// Eviction API, so PodDisruptionBudgets decide, as `kubectl drain --ignore-daemonsets` does; once the
// pods run elsewhere the node is uncordoned. With --node-replace the node's NodeClaim is deleted
// instead, and Karpenter drains the node (the same Eviction API) and terminates it.
import { NODE_POOL_LABEL } from "../components/addons/names";
import type { NodeClaimState, PodState } from "./cluster-client";
import type { PhaseRun } from "./phase-run";
import { JOB_LABELS, JOB_NAMESPACE } from "./job";
import { SETTLE_TIMEOUT_S } from "./plan";
import type { PhaseName } from "./phases";

/** kubectl drain waits this long after a 429 before asking again (kubectl v1.36 pkg/cmd/drain/drain.go EvictErrorRetryDelay). */
export const EVICT_RETRY_MS = 5_000;

/**
 * The pods `kubectl drain --ignore-daemonsets --delete-emptydir-data` evicts: every pod on the node
 * except DaemonSet pods (the DaemonSet would recreate them on the cordoned node), mirror pods and pods
 * that already finished (kubectl v1.36 pkg/drain/filters.go). Pods already terminating are left to
 * finish: kubectl would evict them again, which the API server lets through without a budget check.
 */
export function evictable(pods: PodState[]): PodState[] {
    return pods.filter(
        (p) =>
            p.ownerKind !== "DaemonSet" &&
            !p.mirror &&
            p.deletionTimestamp === undefined &&
            p.phase !== "Succeeded" &&
            p.phase !== "Failed",
    );
}

/** Nodes running verify's load: a finished Job's pod stays until the Job is deleted, but no longer loads anything. */
export function loadNodesOf(jobPods: PodState[]): Set<string> {
    return new Set(
        jobPods
            .filter((p) => p.phase === "Running" || p.phase === "Pending")
            .flatMap((p) => (p.nodeName === undefined ? [] : [p.nodeName])),
    );
}

/**
 * The node to drain: the one running the most app pods (the worst case a node update meets), never one
 * running verify's own load (evicting Locust would end the measurement, not test the app); ties by
 * name. With --node-replace only Karpenter's nodes qualify.
 */
export function pickNode(appPods: PodState[], loadNodes: Set<string>, karpenterNodes?: Set<string>): string | undefined {
    const counts = new Map<string, number>();
    for (const p of appPods) {
        if (
            p.nodeName !== undefined &&
            p.deletionTimestamp === undefined &&
            !loadNodes.has(p.nodeName) &&
            (karpenterNodes?.has(p.nodeName) ?? true)
        ) {
            counts.set(p.nodeName, (counts.get(p.nodeName) ?? 0) + 1);
        }
    }
    return [...counts].sort(([a, n], [b, m]) => m - n || a.localeCompare(b))[0]?.[0];
}

export async function nodeDrain(run: PhaseRun, phase: PhaseName): Promise<string> {
    const { client } = run.deps;
    const app = run.target;
    const appPods = await client.listPods({ namespace: app.namespace, selector: app.selector });
    const loadNodes = loadNodesOf(await client.listPods({ namespace: JOB_NAMESPACE, selector: JOB_LABELS }));
    let karpenterNodes: Set<string> | undefined;
    if (run.plan.nodeReplace) {
        const candidates = [...new Set(appPods.flatMap((p) => (p.nodeName === undefined ? [] : [p.nodeName])))];
        const labelled = await Promise.all(
            candidates.map(async (n) => ((await client.getNode(n))?.labels[NODE_POOL_LABEL] !== undefined ? n : "")),
        );
        karpenterNodes = new Set(labelled.filter((n) => n !== ""));
    }
    const node = pickNode(appPods, loadNodes, karpenterNodes);
    if (node === undefined) {
        const which = run.plan.nodeReplace ? "Karpenter node (label karpenter.sh/nodepool)" : "node";
        throw new Error(`${phase}: no ${which} runs app pods without also running verify's Locust Job; nothing to drain`);
    }
    const onNode = appPods.filter((p) => p.nodeName === node).length;
    return run.plan.nodeReplace ? replace(run, phase, node, onNode) : drain(run, phase, node, onNode);
}

/** Waits until none of the app's pods is left on the node and the app is at rest again. */
async function appMovedOff(run: PhaseRun, phase: PhaseName, node: string): Promise<void> {
    const app = run.target;
    await run.poll(phase, `the app's pods to leave ${node}`, SETTLE_TIMEOUT_S, async () => {
        const left = (await run.deps.client.listPods({ namespace: app.namespace, selector: app.selector })).filter(
            (p) => p.nodeName === node,
        );
        return left.length === 0 ? { done: undefined } : { status: `${left.length} app pod(s) still on ${node}` };
    });
    await run.settle(phase, "the app's pods to run elsewhere", () => true);
}

async function drain(run: PhaseRun, phase: PhaseName, node: string, onNode: number): Promise<string> {
    const { client, log } = run.deps;
    run.guard();
    // Recorded before the call: if the call lands and its answer is lost, the restore still uncordons.
    run.restorer.cordoned.add(node);
    await client.setUnschedulable(node, true);
    run.event(phase, "node-cordoned", `cordoned node ${node} (${onNode} app pods on it)`);
    let pending = evictable(await client.listPods({ nodeName: node }));
    const evicted: string[] = [];
    const refused = new Set<string>();
    const asked = new Map<string, number>();
    const now = () => run.deps.clock.now();
    await run.poll(phase, `the pods on ${node} to be evicted`, SETTLE_TIMEOUT_S, async () => {
        const left: PodState[] = [];
        for (const p of pending) {
            if (now() - (asked.get(p.name) ?? -Infinity) < EVICT_RETRY_MS) {
                left.push(p);
                continue;
            }
            asked.set(p.name, now());
            run.guard();
            const answer = await client.evictPod(p.namespace, p.name);
            if (answer === "blocked") {
                left.push(p);
                if (!refused.has(p.name)) {
                    refused.add(p.name);
                    log(`  [${phase}] eviction of ${p.namespace}/${p.name} refused by its PodDisruptionBudget for now; retrying`);
                }
            } else if (answer === "evicted") {
                evicted.push(`${p.namespace}/${p.name}`);
            }
        }
        pending = left;
        return left.length === 0 ? { done: undefined } : { status: `${left.length} eviction(s) waiting for a PodDisruptionBudget` };
    });
    await appMovedOff(run, phase, node);
    await client.setUnschedulable(node, false);
    run.restorer.cordoned.delete(node);
    run.event(phase, "node-uncordoned", `uncordoned node ${node}`);
    const waited = refused.size > 0 ? `, ${refused.size} of them after waiting for their PodDisruptionBudget` : "";
    return `drained node ${node}: evicted ${evicted.length} pods (${onNode} of the app's)${waited}, then uncordoned it`;
}

async function replace(run: PhaseRun, phase: PhaseName, node: string, onNode: number): Promise<string> {
    const { client } = run.deps;
    const claims = await client.listNodeClaims();
    const claim = claims.find((c) => c.nodeName === node);
    if (claim === undefined) {
        throw new Error(
            `${phase}: node ${node} has no Karpenter NodeClaim (karpenter.sh/v1, status.nodeName); --node-replace needs a node Karpenter launched`,
        );
    }
    const before = new Set(claims.map((c) => c.name));
    run.guard();
    await client.deleteNodeClaim(claim.name);
    run.event(phase, "nodeclaim-deleted", `deleted NodeClaim ${claim.name} of node ${node} (${onNode} app pods on it)`);
    await run.poll(phase, `Karpenter to drain and remove node ${node}`, SETTLE_TIMEOUT_S, async () =>
        (await client.getNode(node)) === undefined ? { done: undefined } : { status: `node ${node} draining` },
    );
    // Karpenter launches a node only for pods that fit nowhere else; when it did, wait until that node is Ready.
    const launched = await run.poll<NodeClaimState[]>(phase, "Karpenter's new node to be Ready", SETTLE_TIMEOUT_S, async () => {
        const fresh = (await client.listNodeClaims()).filter((c) => !before.has(c.name));
        const waiting = fresh.filter((c) => !c.ready);
        return waiting.length === 0 ? { done: fresh } : { status: `NodeClaim ${waiting[0].name} not Ready yet` };
    });
    await appMovedOff(run, phase, node);
    const outcome =
        launched.length > 0
            ? `Karpenter launched ${launched.map((c) => c.nodeName ?? c.name).join(", ")}`
            : "the pods fit the remaining nodes, so Karpenter launched none";
    return `replaced node ${node}: deleted NodeClaim ${claim.name}, Karpenter drained it; ${outcome}`;
}
