// Every pod a stack runs, from its settings, with the source of each request; and whether they fit
// the node group at `desiredSize` (nothing scales it: see rules/capacity.ts).
import { CapacityVerdict, PodGroup, checkCapacity } from "../rules/capacity";
import {
    COREDNS,
    EKS_DAEMONSETS,
    ISTIO,
    LOAD_BALANCER_CONTROLLER,
    LOCUST,
    METRICS_SERVER,
    NO_REQUESTS,
    Requests,
    plus,
} from "../components/footprints";
import { GATEWAY_NAME, GATEWAY_NAMESPACE, ISTIO_NAMESPACE, LOCUST_NAMESPACE } from "../components/addons/names";
import type { AddonsSettings, AppSettings, ClusterSettings } from "./settings";

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
    if (meshed) {
        pods.push(
            { name: `${ISTIO_NAMESPACE}/istiod`, ...ISTIO.istiod },
            { name: `${GATEWAY_NAMESPACE}/${GATEWAY_NAME}`, ...ISTIO.gateway },
        );
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
                name: `${LOCUST_NAMESPACE}/locust-worker`,
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

export interface StackCapacity {
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
    const atRest = (nodes: number) => stackPods({ ...cluster, desiredSize: nodes }, addons, app, app.replicas);
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
    return { atMinimum, atPeak: judge(cluster.desiredSize, scaleOut), nodesNeeded, pods: atRest(cluster.desiredSize) };
}
