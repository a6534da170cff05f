// How long a traffic spike waits for new capacity, and how long a rolling update takes: modeled
// from the intervals each step waits for, each with its source. Pure: no Pulumi import. The synth
// report prints it for three columns: this stack's settings, the plain Kubernetes/ALB defaults,
// and the floor (every interval at its documented minimum). Worst case within each step: a step
// that polls every N seconds may take up to N to notice. `npm run verify` measures the real thing.
import { resolveIntOrPercent } from "./rollout";
import { DEREGISTRATION_PROPAGATION_SECONDS, MESH_PROPAGATION_SECONDS } from "./timing";

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

/** The smallest `--metric-resolution` metrics-server starts with (options.go validate(), below). */
export const METRICS_SERVER_MIN_RESOLUTION_SECONDS = 10;

/**
 * metrics-server `--metric-resolution` this platform runs: its smallest accepted value.
 * kubernetes-sigs/metrics-server cmd/metrics-server/app/options/options.go validate(): "metric-resolution
 * should be a time duration at least 10s" (a smaller value is refused at start-up), and FAQ.md "How often
 * metrics are scraped?": "not recommending setting values below 10s". The same validate() refuses
 * resolution × 9/10 < `--kubelet-request-timeout` (default 10 s: options/kubelet_client.go
 * NewKubeletClientOptions; options_test.go: 10 s resolution passes with a 9 s timeout, fails with 10 s),
 * so at 10 s the timeout must come down to {@link METRICS_KUBELET_REQUEST_TIMEOUT_SECONDS}.
 * Set by components/addons/metrics-server.ts (chart `args`, read after `defaultArgs`).
 */
export const METRIC_RESOLUTION_SECONDS = METRICS_SERVER_MIN_RESOLUTION_SECONDS;

/** metrics-server `--kubelet-request-timeout` at {@link METRIC_RESOLUTION_SECONDS}: the largest validate() accepts (resolution × 9/10). */
export const METRICS_KUBELET_REQUEST_TIMEOUT_SECONDS = (METRIC_RESOLUTION_SECONDS * 9) / 10;

/**
 * What metrics-server's options.go validate() refuses at start-up (the pod then crash-loops and every
 * HPA goes blind): a resolution under 10 s, or one whose 9/10 is below the kubelet request timeout.
 */
export function metricsServerFlagErrors(resolutionSeconds: number, kubeletRequestTimeoutSeconds: number): string[] {
    const errors: string[] = [];
    if (resolutionSeconds < METRICS_SERVER_MIN_RESOLUTION_SECONDS) {
        errors.push(
            `--metric-resolution ${resolutionSeconds}s is below metrics-server's minimum of ${METRICS_SERVER_MIN_RESOLUTION_SECONDS}s`,
        );
    }
    if ((resolutionSeconds * 9) / 10 < kubeletRequestTimeoutSeconds) {
        errors.push(`--metric-resolution ${resolutionSeconds}s × 9/10 is below --kubelet-request-timeout ${kubeletRequestTimeoutSeconds}s`);
    }
    return errors;
}

/**
 * The HorizontalPodAutoscaler's sync period: kube-controller-manager
 * `--horizontal-pod-autoscaler-sync-period`, default 15 s (Kubernetes docs, "Horizontal Pod
 * Autoscaling": "the default interval is 15 seconds"; kube-controller-manager reference). On EKS the
 * control plane's flags are AWS's: the cluster API (CreateCluster) has no field for it, so a stack
 * cannot change it. A constant of the model, never a knob.
 */
export const HPA_SYNC_SECONDS = 15;

/**
 * The three columns' intervals for the steps every stack shares. Sources:
 * - metrics-server: chart 3.13.1 values.yaml `defaultArgs: --metric-resolution=15s`; floor 10 s, which
 *   this platform runs ({@link METRIC_RESOLUTION_SECONDS}).
 * - HPA sync: {@link HPA_SYNC_SECONDS} in every column: EKS runs kube-controller-manager and fixes it.
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
    hpaSyncSeconds: HPA_SYNC_SECONDS,
    nodeBatchSeconds: 10,
    nodeLaunchSeconds: 60,
    startupPeriodSeconds: 0,
    readinessPeriodSeconds: 10,
    alb: [15, 2],
};

export const FLOOR: Omit<SpikeIntervals, "albIntervalSeconds" | "albHealthyThreshold"> & { alb: [number, number] } = {
    metricResolutionSeconds: METRIC_RESOLUTION_SECONDS,
    hpaSyncSeconds: HPA_SYNC_SECONDS,
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
    /** What sets this step's floor on EKS (the synth report's "floor set on EKS by" column). */
    floorSetBy?: string;
}

/** From a load step to a new pod receiving traffic, step by step; `undefined` seconds: it never happens. */
export function spikeToServing(i: SpikeIntervals, nodes: NodeNeed): { steps: SpikeStep[]; total: number | undefined } {
    const steps: SpikeStep[] = [
        {
            step: "fresh CPU metrics (metrics-server resolution)",
            seconds: i.metricResolutionSeconds,
            floorSetBy: `metrics-server refuses --metric-resolution below ${METRIC_RESOLUTION_SECONDS} s`,
        },
        {
            step: "HPA acts (controller sync period)",
            seconds: i.hpaSyncSeconds,
            floorSetBy: `EKS's kube-controller-manager: --horizontal-pod-autoscaler-sync-period ${HPA_SYNC_SECONDS} s, not settable`,
        },
        {
            step: "node for the new pods (Karpenter batch + launch)",
            seconds: nodes === "room" ? 0 : nodes === "launch" ? i.nodeBatchSeconds + i.nodeLaunchSeconds : undefined,
            note:
                nodes === "room"
                    ? "the first step fits the nodes running"
                    : nodes === "never"
                      ? "nothing adds nodes: the pods stay Pending"
                      : undefined,
            floorSetBy: 'Karpenter\'s batch window (1 s idle) and an EC2 launch (EKS: "in under a minute")',
        },
        { step: "image pull", seconds: 0, note: "not modeled: no documented figure (measure it)", floorSetBy: "image size and registry" },
        { step: "started (startup probe, one success)", seconds: i.startupPeriodSeconds, floorSetBy: "kubelet: probe periodSeconds ≥ 1" },
        { step: "Ready (readiness probe, one success)", seconds: i.readinessPeriodSeconds, floorSetBy: "kubelet: probe periodSeconds ≥ 1" },
        {
            step: "ALB routes to it (interval × healthy threshold)",
            seconds: i.albIntervalSeconds * i.albHealthyThreshold,
            note: i.albIntervalSeconds === 0 ? "behind the mesh gateway: no ALB target of its own" : undefined,
            floorSetBy: "ELB API: HealthCheckIntervalSeconds ≥ 5, HealthyThresholdCount ≥ 2",
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
 * minReadySeconds; the last old pods then take their termination. When the surge pods do not fit
 * the nodes running, the first wave waits for Karpenter's batch and launch (`launch`); on a full
 * node group they stay Pending (`never`: the rollout stalls, every old pod still serving).
 * Image pulls are not counted.
 */
export function rolloutSeconds(
    r: RolloutShape,
    i: SpikeIntervals,
    nodes: NodeNeed = "room",
): { waves: number; untilAvailable: number | undefined; untilOldGone: number | undefined } {
    const surge = resolveIntOrPercent(r.maxSurge, r.replicas, true);
    const unavailable = resolveIntOrPercent(r.maxUnavailable, r.replicas, false);
    const waves = Math.ceil(r.replicas / Math.max(1, surge + unavailable));
    if (nodes === "never") {
        return { waves, untilAvailable: undefined, untilOldGone: undefined };
    }
    const nodeWait = nodes === "launch" ? i.nodeBatchSeconds + i.nodeLaunchSeconds : 0;
    const perWave = i.startupPeriodSeconds + i.readinessPeriodSeconds + i.albIntervalSeconds * i.albHealthyThreshold + r.minReadySeconds;
    const untilAvailable = nodeWait + waves * perWave;
    return { waves, untilAvailable, untilOldGone: untilAvailable + r.terminationSeconds };
}

/** The least a terminating pod must keep serving at the floor: the ALB's propagation + its floor failure detection, or the mesh's push. */
export function floorTerminationSeconds(behindAlb: boolean): number {
    return behindAlb ? DEREGISTRATION_PROPAGATION_SECONDS + FLOOR.alb[0] * 2 : MESH_PROPAGATION_SECONDS;
}
