// How long a traffic spike waits for new capacity, and how long a rolling update takes: modeled
// from the intervals each step waits for, each with its source. Pure: no Pulumi import. The synth
// report prints it for three columns: this stack's settings, the plain Kubernetes/ALB defaults,
// and the floor (every interval at its documented minimum). Worst case within each step: a step
// that polls every N seconds may take up to N to notice. `npm run verify` measures the real thing.
import { resolveIntOrPercent } from "./rollout";
import { DEREGISTRATION_PROPAGATION_SECONDS } from "./timing";

/** The intervals one column uses. */
export interface SpikeIntervals {
    /** metrics-server `--metric-resolution`: how often fresh CPU numbers reach the metrics API. */
    metricResolutionSeconds: number;
    /** kube-controller-manager `--horizontal-pod-autoscaler-sync-period`. */
    hpaSyncSeconds: number;
    /** Karpenter's batch window before it launches for pending pods (BATCH_MAX_DURATION / BATCH_IDLE_DURATION). */
    nodeBatchSeconds: number;
    /** Documented bound on a Karpenter launch: "in under a minute". */
    nodeLaunchSeconds: number;
    /** Startup probe period (one success starts the container); 0 without a startup probe. */
    startupPeriodSeconds: number;
    /** Readiness probe period (one success makes the pod Ready). */
    readinessPeriodSeconds: number;
    /** ALB health-check interval × healthy threshold, or 0 when the pod is no ALB target (behind the mesh gateway). */
    albIntervalSeconds: number;
    albHealthyThreshold: number;
}

/**
 * The three columns' intervals for the steps every stack shares. Sources:
 * - metrics-server: chart 3.13.1 values.yaml `defaultArgs: --metric-resolution=15s` (this platform sets
 *   no args); floor 10 s (cmd/metrics-server/app/options/options.go: "at least 10s"; its FAQ advises
 *   not below 15 s, the kubelet's own resolution).
 * - HPA sync: 15 s (Kubernetes docs, "Horizontal Pod Autoscaling": "the default interval is 15
 *   seconds"); floor 10 s, settable only on an EKS Provisioned Control Plane (EKS user guide,
 *   "Advanced Kubernetes control plane configuration": 10s to 15s).
 * - Karpenter: batch max 10 s, idle 1 s (kubernetes-sigs/karpenter v1.14.1 pkg/operator/options/
 *   options.go; chart settings.batchMaxDuration/batchIdleDuration); launch "in under a minute" (EKS
 *   user guide, autoscaling.adoc), no documented floor, so 60 s in every column.
 * - Probes: periodSeconds default 10, minimum 1 (k8s.io/api core/v1 types.go Probe); no startup probe by default.
 * - ALB: the load balancer controller's defaults 15 s × 2 (docs/guide/ingress/annotations.md, v3.5.0);
 *   ELB floor 5 s × 2 (botocore elbv2 CreateTargetGroup ranges). AWS's ALB guide says a newly
 *   registered target "must pass one health check", so one interval may be enough: the model keeps
 *   the threshold (conservative) and says so.
 */
export const PLAIN_DEFAULTS: Omit<SpikeIntervals, "albIntervalSeconds" | "albHealthyThreshold"> & { alb: [number, number] } = {
    metricResolutionSeconds: 15,
    hpaSyncSeconds: 15,
    nodeBatchSeconds: 10,
    nodeLaunchSeconds: 60,
    startupPeriodSeconds: 0,
    readinessPeriodSeconds: 10,
    alb: [15, 2],
};

export const FLOOR: Omit<SpikeIntervals, "albIntervalSeconds" | "albHealthyThreshold"> & { alb: [number, number] } = {
    metricResolutionSeconds: 10,
    hpaSyncSeconds: 10,
    nodeBatchSeconds: 1,
    nodeLaunchSeconds: 60,
    startupPeriodSeconds: 1,
    readinessPeriodSeconds: 1,
    alb: [5, 2],
};

/** Whether the first scale-out step needs a new node, and whether anything can add one. */
export type NodeNeed = "room" | "launch" | "never";

export interface SpikeStep {
    step: string;
    seconds: number | undefined;
    // `| undefined`: a step says "no note" explicitly (exactOptionalPropertyTypes, the package's build).
    note?: string | undefined;
}

/** From a load step to a new pod receiving traffic, step by step; `undefined` seconds: it never happens. */
export function spikeToServing(i: SpikeIntervals, nodes: NodeNeed): { steps: SpikeStep[]; total: number | undefined } {
    const steps: SpikeStep[] = [
        { step: "fresh CPU metrics (metrics-server resolution)", seconds: i.metricResolutionSeconds },
        { step: "HPA acts (controller sync period)", seconds: i.hpaSyncSeconds },
        {
            step: "node for the new pods (Karpenter batch + launch)",
            seconds: nodes === "room" ? 0 : nodes === "launch" ? i.nodeBatchSeconds + i.nodeLaunchSeconds : undefined,
            note:
                nodes === "room"
                    ? "the first step fits the nodes running"
                    : nodes === "never"
                      ? "nothing adds nodes: the pods stay Pending"
                      : undefined,
        },
        { step: "image pull", seconds: 0, note: "not modeled: no documented figure (measure it)" },
        { step: "started (startup probe, one success)", seconds: i.startupPeriodSeconds },
        { step: "Ready (readiness probe, one success)", seconds: i.readinessPeriodSeconds },
        {
            step: "ALB routes to it (interval × healthy threshold)",
            seconds: i.albIntervalSeconds * i.albHealthyThreshold,
            note: i.albIntervalSeconds === 0 ? "behind the mesh gateway: no ALB target of its own" : undefined,
        },
    ];
    const total = steps.every((s) => s.seconds !== undefined) ? steps.reduce((sum, s) => sum + (s.seconds ?? 0), 0) : undefined;
    return { steps, total };
}

export interface RolloutShape {
    replicas: number;
    maxSurge: number | string;
    maxUnavailable: number | string;
    minReadySeconds: number;
    /** What one old pod takes to go once replaced: preStop + shutdown (≤ its grace period; a native sidecar adds nothing). */
    terminationSeconds: number;
}

/**
 * A rolling update of `replicas` pods: waves of (surge + unavailable) pods, each new pod started,
 * Ready (with the ALB's readiness gate: only once its target is healthy) and available after
 * minReadySeconds; the last old pods then take their termination. Image pulls are not counted.
 */
export function rolloutSeconds(r: RolloutShape, i: SpikeIntervals): { waves: number; untilAvailable: number; untilOldGone: number } {
    const surge = resolveIntOrPercent(r.maxSurge, r.replicas, true);
    const unavailable = resolveIntOrPercent(r.maxUnavailable, r.replicas, false);
    const waves = Math.ceil(r.replicas / Math.max(1, surge + unavailable));
    const perWave = i.startupPeriodSeconds + i.readinessPeriodSeconds + i.albIntervalSeconds * i.albHealthyThreshold + r.minReadySeconds;
    const untilAvailable = waves * perWave;
    return { waves, untilAvailable, untilOldGone: untilAvailable + r.terminationSeconds };
}

/** The least a terminating pod must keep serving at the floor: propagation + the floor ALB's failure detection. */
export function floorTerminationSeconds(behindAlb: boolean): number {
    return behindAlb ? DEREGISTRATION_PROPAGATION_SECONDS + FLOOR.alb[0] * 2 : DEREGISTRATION_PROPAGATION_SECONDS;
}
