// The node-drain phase: what a managed node group update, a Karpenter consolidation or `kubectl drain`
// does to the app. A node that runs app pods is cordoned and every pod on it evicted through the
// Eviction API, so PodDisruptionBudgets decide, as `kubectl drain --ignore-daemonsets` does; once the
// pods run elsewhere the node is uncordoned. With --node-replace the node's NodeClaim is deleted
// instead, and Karpenter drains the node (the same Eviction API) and terminates it.
//
// Never a node someone else cordoned: verify would uncordon it afterwards. And, like kubectl drain
// without --force, never a pod that declares no controller: nothing recreates it, so in a shared
// cluster it is gone for good (issue 21). Both are checked before anything changes.
import { NODE_POOL_LABEL } from "../components/addons/names";
import type { ClusterClient, NodeClaimState, PodState } from "./cluster-client";
import type { Target } from "./discover";
import type { PhaseRun } from "./phase-run";
import { JOB_LABELS, JOB_NAMESPACE } from "./job";
import { InputError, SETTLE_TIMEOUT_S } from "./plan";
import type { PhaseName } from "./phases";

/** kubectl drain waits this long after a 429 before asking again (kubectl v1.36 pkg/cmd/drain/drain.go EvictErrorRetryDelay). */
export const EVICT_RETRY_MS = 5_000;

/** Pods a drain takes off the node: not DaemonSet pods, mirror pods, finished or terminating ones (evictable says why). */
function drained(pods: PodState[]): PodState[] {
    return pods.filter(
        (p) =>
            p.ownerKind !== "DaemonSet" &&
            !p.mirror &&
            p.deletionTimestamp === undefined &&
            p.phase !== "Succeeded" &&
            p.phase !== "Failed",
    );
}

/**
 * Running pods that declare no controller (no ownerReference with controller: true): `kubectl drain`
 * refuses to delete them unless --force, "Pods that declare no controller (use --force to override)",
 * since nothing would recreate them (kubernetes/kubectl v0.36.3, i.e. Kubernetes v1.36,
 * pkg/drain/filters.go unreplicatedFilter; finished pods are exempt there, as here).
 */
export function unreplicated(pods: PodState[]): PodState[] {
    return drained(pods).filter((p) => p.ownerKind === undefined);
}

/**
 * The pods `kubectl drain --ignore-daemonsets --delete-emptydir-data` evicts: every pod on the node
 * except DaemonSet pods (the DaemonSet would recreate them on the cordoned node), mirror pods and pods
 * that already finished (kubectl v1.36 pkg/drain/filters.go); pods that declare no controller only
 * with --force (unreplicated). Pods already terminating are left to finish: kubectl would evict them
 * again, which the API server lets through without a budget check.
 */
export function evictable(pods: PodState[], force = false): PodState[] {
    return drained(pods).filter((p) => force || p.ownerKind !== undefined);
}

/** "ns/pod (node n), ...": the pods a drain refuses, for one line. */
function named(pods: PodState[]): string {
    return pods.map((p) => `${p.namespace}/${p.name}${p.nodeName === undefined ? "" : ` (node ${p.nodeName})`}`).join(", ");
}

/** Why a drain that would take pods nothing recreates is refused, and how to go on. */
function unreplicatedRefusal(pods: PodState[]): string {
    return (
        `node-drain would evict ${pods.length} pod(s) that declare no controller, which nothing recreates: ${named(pods)}; ` +
        "kubectl drain refuses them too unless --force (kubectl v1.36 pkg/drain/filters.go): pass --force to evict them anyway, or leave node-drain out of --phases"
    );
}

/** What the checks before a drain read of the cluster, and nothing else. */
export type NodeReader = Pick<ClusterClient, "getNode" | "listPods">;

/**
 * The nodes node-drain may pick among those running app pods: schedulable ones only (a node cordoned
 * before verify stays as its owner left it: verify would uncordon it afterwards), and with
 * --node-replace only Karpenter's (label karpenter.sh/nodepool).
 */
export async function eligibleNodes(client: NodeReader, appPods: PodState[], nodeReplace: boolean): Promise<Set<string>> {
    const candidates = [...new Set(appPods.flatMap((p) => (p.nodeName === undefined ? [] : [p.nodeName])))];
    const nodes = await Promise.all(candidates.map((n) => client.getNode(n)));
    return new Set(
        nodes.flatMap((node) =>
            node !== undefined && !node.unschedulable && (!nodeReplace || node.labels[NODE_POOL_LABEL] !== undefined) ? [node.name] : [],
        ),
    );
}

/**
 * Before anything changes, when node-drain is planned without --force: refuses (InputError, exit 2)
 * when a node it may pick runs pods that declare no controller, naming every one of them.
 */
export async function checkDrainable(
    client: NodeReader,
    target: Pick<Target, "namespace" | "selector">,
    nodeReplace: boolean,
): Promise<void> {
    const appPods = await client.listPods({ namespace: target.namespace, selector: target.selector });
    const nodes = [...(await eligibleNodes(client, appPods, nodeReplace))].sort();
    const bare = (await Promise.all(nodes.map((node) => client.listPods({ nodeName: node })))).flatMap(unreplicated);
    if (bare.length > 0) {
        throw new InputError(`${unreplicatedRefusal(bare)}; nothing was changed`);
    }
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
 * name. Only `eligible` nodes qualify (eligibleNodes: schedulable, Karpenter's with --node-replace).
 */
export function pickNode(appPods: PodState[], loadNodes: Set<string>, eligible: Set<string>): string | undefined {
    const counts = new Map<string, number>();
    for (const p of appPods) {
        if (p.nodeName !== undefined && p.deletionTimestamp === undefined && !loadNodes.has(p.nodeName) && eligible.has(p.nodeName)) {
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
    const node = pickNode(appPods, loadNodes, await eligibleNodes(client, appPods, run.plan.nodeReplace));
    if (node === undefined) {
        const which = run.plan.nodeReplace ? "schedulable Karpenter node (label karpenter.sh/nodepool)" : "schedulable node";
        throw new Error(`${phase}: no ${which} runs app pods without also running verify's Locust Job; nothing to drain`);
    }
    // Checked before the run started (checkDrainable); a pod that declares no controller may have come since.
    const bare = unreplicated(await client.listPods({ nodeName: node }));
    if (bare.length > 0 && !run.plan.force) {
        throw new Error(`${phase}: ${unreplicatedRefusal(bare)}; node ${node} was left as it was`);
    }
    if (bare.length > 0) {
        run.deps.log(
            `  [${phase}] --force: evicting ${bare.length} pod(s) that declare no controller, which nothing recreates: ${named(bare)}`,
        );
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
    let pending = evictable(await client.listPods({ nodeName: node }), run.plan.force);
    let evicted = 0;
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
                evicted++;
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
    return `drained node ${node}: evicted ${evicted} pods (${onNode} of the app's)${waited}, then uncordoned it`;
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
