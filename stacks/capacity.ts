// Every pod a stack runs, from its settings, with the source of each request; and whether they fit
// the node group at `desiredSize` (nothing scales it: see rules/capacity.ts).
import { CapacityVerdict, PodGroup, checkCapacity } from "../rules/capacity";
import {
    COREDNS,
    EKS_DAEMONSETS,
    ISTIO,
    KARPENTER,
    OBSERVABILITY,
    LOAD_BALANCER_CONTROLLER,
    LOCUST,
    METRICS_SERVER,
    NO_REQUESTS,
    Requests,
    plus,
} from "../components/footprints";
import { GATEWAY_NAME, GATEWAY_NAMESPACE, ISTIO_NAMESPACE, KARPENTER_NAMESPACE, LOCUST_NAMESPACE } from "../components/addons/names";
import { INSTANCE_SPECS } from "../rules/capacity";
import { resolveIntOrPercent } from "../rules/rollout";
import type { NodeNeed } from "../rules/spike";
import type { AddonsSettings, AppSettings, ClusterSettings } from "./settings";

const LOCUST_WORKER = `${LOCUST_NAMESPACE}/locust-worker`;

/** With Karpenter, the pods that run on its NodePool (the app and the Locust workers); the rest stay on the system pool. */
export function onNodePool(group: PodGroup): boolean {
    return group.name === LOCUST_WORKER || group.source.startsWith("app.");
}

export interface StackPods {
    daemonSets: PodGroup[];
    pods: PodGroup[];
}

/** Every pod of the stack: the app at `appReplicas` per color, everything else at its fixed or minimum count. */
export function stackPods(cluster: ClusterSettings, addons: AddonsSettings, app: AppSettings, appReplicas: number): StackPods {
    const meshed = addons.istio.enabled;
    const sidecar: Requests = meshed ? ISTIO.sidecar.requests : NO_REQUESTS;
    const sidecarNote = meshed ? ` + sidecar (${ISTIO.sidecar.source})` : "";
    const pods: PodGroup[] = [
        { name: "kube-system/coredns", replicas: COREDNS.replicas, requests: COREDNS.requests, source: COREDNS.source },
    ];
    if (addons.loadBalancerController.enabled) {
        pods.push({
            name: "kube-system/aws-load-balancer-controller",
            replicas: addons.loadBalancerController.replicas,
            requests: LOAD_BALANCER_CONTROLLER.requests,
            source: LOAD_BALANCER_CONTROLLER.source,
        });
    }
    if (addons.metricsServer.enabled) {
        pods.push({ name: "kube-system/metrics-server", ...METRICS_SERVER });
    }
    if (addons.karpenter.enabled) {
        pods.push({ name: `${KARPENTER_NAMESPACE}/karpenter`, ...KARPENTER });
    }
    if (meshed) {
        pods.push(
            { name: `${ISTIO_NAMESPACE}/istiod`, ...ISTIO.istiod },
            { name: `${GATEWAY_NAMESPACE}/${GATEWAY_NAME}`, ...ISTIO.gateway },
        );
    }
    if (addons.observability.enabled) {
        for (const [workload, footprint] of Object.entries(OBSERVABILITY)) {
            pods.push({
                name: `${ISTIO_NAMESPACE}/${workload}`,
                replicas: footprint.replicas,
                requests: footprint.requests,
                source: footprint.source,
            });
        }
    }
    if (addons.locust.enabled) {
        pods.push(
            {
                name: `${LOCUST_NAMESPACE}/locust-master`,
                replicas: 1,
                requests: plus(LOCUST.master.requests, sidecar),
                source: LOCUST.source + sidecarNote,
            },
            {
                name: LOCUST_WORKER,
                replicas: LOCUST.worker.minReplicas,
                requests: plus(LOCUST.worker.requests, sidecar),
                source: LOCUST.source + sidecarNote,
            },
        );
    }
    if (app.enabled) {
        const colors = app.blueGreen.enabled ? ["blue", "green"] : [""];
        for (const color of colors) {
            pods.push({
                name: `${app.namespace}/${app.name}${color ? `-${color}` : ""}`,
                replicas: appReplicas,
                requests: plus({ cpuMillicores: app.resources.cpuMillicores, memoryMiB: app.resources.memoryMiB }, sidecar),
                source: `app.resources${sidecarNote}`,
            });
        }
    }
    const daemonSets = EKS_DAEMONSETS.map((d) => ({
        name: `kube-system/${d.name}`,
        replicas: cluster.desiredSize,
        requests: d.requests,
        source: d.source,
    }));
    return { daemonSets, pods };
}

/** Karpenter's NodePool, sized from the workloads it runs (the app and the Locust workers). */
export interface NodePoolCapacity {
    /** The smallest instance type the NodePool may launch: the model counts nodes of it (the most nodes). */
    instanceType: string;
    /** Nodes the workloads need at their minimum (the app at its HPA minimum, one Locust worker). */
    nodesAtMinimum: number | undefined;
    /** Nodes the workloads need at their maximum (the app at its HPA maximum plus a rolling update's surge, every Locust worker). */
    nodesAtPeak: number | undefined;
    /** The NodePool's limit in nodes: the stack's `maxNodes`, or derived (peak plus one replacement). */
    maxNodes: number;
    /** True when maxNodes was derived, not set. */
    derived: boolean;
    /** CPU (millicores) and memory (MiB) of the largest listed instance type: `maxNodes` of it fit the limits. */
    nodeSize: { cpuMillicores: number; memoryMiB: number };
    /** The workloads at their maximum on `maxNodes` nodes. */
    atPeak: CapacityVerdict;
}

export interface StackCapacity {
    /** Karpenter's NodePool; absent when Karpenter is off (every pod is on the node group then). */
    nodePool?: NodePoolCapacity;
    /** Every pod at its minimum (the app at its HPA minimum) on `desiredSize` nodes: must fit. */
    atMinimum: CapacityVerdict;
    /** The app at its HPA maximum on `desiredSize` nodes: pods beyond it stay Pending until nodes are added. */
    atPeak: CapacityVerdict;
    /** Fewest nodes that hold every pod at its minimum (undefined when none up to the EKS limit does). */
    nodesNeeded?: number;
    /** The pods counted, for the report. */
    pods: StackPods;
}

const MAX_NODES_TRIED = 450;

export function stackCapacity(cluster: ClusterSettings, addons: AddonsSettings, app: AppSettings): StackCapacity {
    const karpenter = addons.karpenter.enabled;
    // With Karpenter the node group holds only the platform's pods; the NodePool holds the rest.
    const onSystemPool = (g: PodGroup) => !karpenter || !onNodePool(g);
    const atRest = (nodes: number): StackPods => {
        const all = stackPods({ ...cluster, desiredSize: nodes }, addons, app, app.replicas);
        return { daemonSets: all.daemonSets, pods: all.pods.filter(onSystemPool) };
    };
    const judge = (nodes: number, later: PodGroup[] = []) => {
        const { daemonSets, pods } = atRest(nodes);
        return checkCapacity({ instanceType: cluster.instanceType, nodes, daemonSets, pods, later });
    };
    // The HPA adds replicas to a running stack: they get what the pods at rest leave free.
    const peakReplicas = app.autoscaling.enabled ? app.autoscaling.maxReplicas : app.replicas;
    const scaleOut = atRest(cluster.desiredSize)
        .pods.filter((g) => app.enabled && g.source.startsWith("app."))
        .map((g) => ({ ...g, replicas: peakReplicas - app.replicas }));
    const atMinimum = judge(cluster.desiredSize);
    let nodesNeeded: number | undefined = atMinimum.fits ? cluster.desiredSize : undefined;
    for (let n = cluster.desiredSize + 1; n <= MAX_NODES_TRIED && nodesNeeded === undefined && atMinimum.allocatable !== undefined; n++) {
        nodesNeeded = judge(n).fits ? n : undefined;
    }
    return {
        atMinimum,
        atPeak: judge(cluster.desiredSize, scaleOut),
        nodesNeeded,
        pods: atRest(cluster.desiredSize),
        ...(karpenter ? { nodePool: nodePoolCapacity(cluster, addons, app, peakReplicas) } : {}),
    };
}

/** The fewest nodes of `instanceType` that hold `pods` (with EKS's DaemonSets on each), up to the EKS limit. */
function nodesToHold(instanceType: string, pods: PodGroup[]): number | undefined {
    for (let n = 1; n <= MAX_NODES_TRIED; n++) {
        const daemonSets = EKS_DAEMONSETS.map((d) => ({
            name: `kube-system/${d.name}`,
            replicas: n,
            requests: d.requests,
            source: d.source,
        }));
        const verdict = checkCapacity({ instanceType, nodes: n, daemonSets, pods });
        if (verdict.allocatable === undefined) {
            return undefined;
        }
        if (verdict.fits) {
            return n;
        }
    }
    return undefined;
}

function nodePoolCapacity(cluster: ClusterSettings, addons: AddonsSettings, app: AppSettings, peakReplicas: number): NodePoolCapacity {
    const { instanceTypes, maxNodes } = addons.karpenter;
    const bySize = [...instanceTypes].sort((a, b) => (INSTANCE_SPECS[a]?.vcpu ?? 0) - (INSTANCE_SPECS[b]?.vcpu ?? 0));
    const smallest = bySize[0];
    const largest = INSTANCE_SPECS[bySize[bySize.length - 1]];
    const workloads = (appReplicas: number, workers: number) =>
        stackPods(cluster, addons, app, appReplicas)
            .pods.filter(onNodePool)
            .map((g) => (g.name === LOCUST_WORKER ? { ...g, replicas: workers } : g));
    const atMinimum = workloads(app.replicas, LOCUST.worker.minReplicas);
    // A rolling update at the HPA maximum runs its surge pods beside the old ones: the limit holds both.
    const atMaximum = workloads(peakReplicas + rolloutSurge(app, peakReplicas), addons.locust.maxWorkers);
    const nodesAtMinimum = atMinimum.length === 0 ? 0 : nodesToHold(smallest, atMinimum);
    const nodesAtPeak = atMaximum.length === 0 ? 0 : nodesToHold(smallest, atMaximum);
    // Derived: every workload at its maximum, plus one node so a drifted or expiring node can be
    // replaced (Karpenter launches the replacement before draining the old one) even at the peak.
    const derived = maxNodes === undefined;
    const limit = maxNodes ?? (nodesAtPeak ?? 0) + 1;
    const daemonSets = EKS_DAEMONSETS.map((d) => ({
        name: `kube-system/${d.name}`,
        replicas: limit,
        requests: d.requests,
        source: d.source,
    }));
    return {
        instanceType: smallest,
        nodesAtMinimum,
        nodesAtPeak,
        maxNodes: limit,
        derived,
        nodeSize: { cpuMillicores: (largest?.vcpu ?? 0) * 1000, memoryMiB: largest?.memoryMiB ?? 0 },
        atPeak: checkCapacity({ instanceType: smallest, nodes: limit, daemonSets, pods: atMaximum }),
    };
}

/**
 * What the HPA's first scale-out step needs: its default and this platform's scale-up policies
 * both add max(100 %, 4 pods) per 15 s (Kubernetes docs, HPA default behavior; the app's HPA keeps
 * them). `room`: the step fits the nodes already running; `launch`: Karpenter must add a node;
 * `never`: nothing adds nodes and the new pods stay Pending.
 */
export function firstScaleOutNeed(cluster: ClusterSettings, addons: AddonsSettings, app: AppSettings): NodeNeed {
    return extraPodsNeed(cluster, addons, app, Math.max(app.replicas, 4));
}

/** Pods a rolling update adds on top of `replicas`: maxSurge resolved as the Deployment controller does (rounded up). */
export function rolloutSurge(app: AppSettings, replicas: number): number {
    return resolveIntOrPercent(app.rollout.maxSurge, replicas, true);
}

/**
 * What a rolling update at the HPA minimum needs: its surge pods either fit the nodes running
 * (`room`), wait for a Karpenter node (`launch`), or, on a full node group, stay Pending (`never`:
 * the rollout stalls with every old pod still serving, it loses nothing but never finishes).
 */
export function rolloutNeed(cluster: ClusterSettings, addons: AddonsSettings, app: AppSettings): NodeNeed {
    return extraPodsNeed(cluster, addons, app, rolloutSurge(app, app.replicas));
}

/**
 * The default surge sized to the capacity that exists: the stack's surge where Karpenter adds nodes
 * (at worst the rollout waits one launch), else the largest surge up to it that fits the node
 * group's free room; at least 1, so the rollout can progress (rule rollout-can-progress).
 */
export function sizedSurge(cluster: ClusterSettings, addons: AddonsSettings, app: AppSettings): number | string {
    if (addons.karpenter.enabled || !app.enabled) {
        return app.rollout.maxSurge;
    }
    for (let surge = rolloutSurge(app, app.replicas); surge > 1; surge--) {
        if (extraPodsNeed(cluster, addons, app, surge) === "room") {
            return surge;
        }
    }
    return 1;
}

function extraPodsNeed(cluster: ClusterSettings, addons: AddonsSettings, app: AppSettings, extra: number): NodeNeed {
    const stepped = { ...app, replicas: app.replicas + extra };
    if (addons.karpenter.enabled) {
        const capacity = stackCapacity(cluster, addons, app).nodePool;
        const smallest = capacity?.instanceType ?? cluster.instanceType;
        const pods = stackPods(cluster, addons, stepped, stepped.replicas)
            .pods.filter(onNodePool)
            .map((g) => (g.name === LOCUST_WORKER ? { ...g, replicas: LOCUST.worker.minReplicas } : g));
        const needed = nodesToHold(smallest, pods);
        return needed !== undefined && capacity?.nodesAtMinimum !== undefined && needed <= capacity.nodesAtMinimum ? "room" : "launch";
    }
    const { daemonSets, pods } = stackPods(cluster, addons, stepped, stepped.replicas);
    return checkCapacity({ instanceType: cluster.instanceType, nodes: cluster.desiredSize, daemonSets, pods }).fits ? "room" : "never";
}
