// The timing models of a stack, from its settings alone: what `npm run verify` compares its
// measurements with, without synthesizing the program. The synth report computes the same numbers
// from the resources it synthesized; test/stacks/models.test.ts holds the two equal for every stack.
import { METRIC_RESOLUTION_SECONDS, PLAIN_DEFAULTS, SpikeIntervals, SpikeStep, rolloutSeconds, spikeToServing } from "../rules/spike";
import { DEREGISTRATION_PROPAGATION_SECONDS, requiredPreStopSeconds } from "../rules/timing";
import { LOCUST } from "../components/footprints";
import { firstScaleOutNeed, rolloutNeed } from "./capacity";
import type { Settings } from "./settings";

export interface StackModels {
    /** From a load step to the first new pod serving: the stack column of the synth report's spike table. */
    spike: { steps: SpikeStep[]; total: number | undefined };
    /** A rolling update at the HPA minimum: the stack column of the synth report's rollout table. */
    rollout: { waves: number; untilAvailable: number | undefined; untilOldGone: number | undefined };
    /**
     * The pods the ALB targets (the app's own with its own ALB, the ingress gateway's behind the mesh):
     * what the timing rules assume one of them needs to leave and join the target group, and what the
     * stack gives it.
     */
    termination: {
        albTargets: "app" | "gateway";
        /** rules/timing.ts: controller + ELB propagation of a deregistration. */
        propagationSeconds: number;
        /** Propagation + the ALB's failure detection (interval × unhealthy threshold): the preStop the rules ask for. */
        requiredPreStopSeconds: number;
        preStopSeconds: number;
        /** ALB health-check interval × unhealthy threshold. */
        detectionSeconds: number;
        /** ALB health-check interval × healthy threshold: a new target turning healthy (rules/spike.ts's ALB step). */
        registrationSeconds: number;
    };
}

export function stackModels(settings: Settings): StackModels {
    const { app, addons, cluster } = settings;
    // With Istio the ALB's targets are the gateway's pods: a new app pod has no health check of its own to pass.
    const ownAlb = !addons.istio.enabled;
    const intervals: SpikeIntervals = {
        ...PLAIN_DEFAULTS,
        // The platform's metrics-server runs at its floor (components/addons/metrics-server.ts).
        metricResolutionSeconds: METRIC_RESOLUTION_SECONDS,
        startupPeriodSeconds: app.probes.startupPeriodSeconds,
        readinessPeriodSeconds: app.probes.readinessPeriodSeconds,
        albIntervalSeconds: ownAlb ? app.timing.healthCheckIntervalSeconds : 0,
        albHealthyThreshold: ownAlb ? app.timing.healthyThreshold : 0,
    };
    const spike = spikeToServing(intervals, firstScaleOutNeed(cluster, addons, app));
    const rollout = rolloutSeconds(
        {
            replicas: app.replicas,
            maxSurge: app.rollout.maxSurge,
            maxUnavailable: app.rollout.maxUnavailable,
            minReadySeconds: app.rollout.minReadySeconds,
            // A native sidecar exits at once when the app has (rules/timing.ts): it adds nothing here.
            terminationSeconds: app.timing.preStopSeconds + app.timing.shutdownSeconds,
        },
        intervals,
        rolloutNeed(cluster, addons, app),
    );
    // The gateway's timing is a platform constant (stacks/defaults.ts GATEWAY_TIMING), the app's its settings.
    const targets = ownAlb ? app.timing : addons.istio.gatewayTiming;
    return {
        spike,
        rollout,
        termination: {
            albTargets: ownAlb ? "app" : "gateway",
            propagationSeconds: DEREGISTRATION_PROPAGATION_SECONDS,
            requiredPreStopSeconds: requiredPreStopSeconds(targets),
            preStopSeconds: targets.preStopSeconds,
            detectionSeconds: targets.healthCheckIntervalSeconds * targets.unhealthyThreshold,
            registrationSeconds: targets.healthCheckIntervalSeconds * targets.healthyThreshold,
        },
    };
}

/**
 * What `npm run verify`'s scale-out step must reach and may use: the app's HPA target, and the Locust
 * pods the capacity model leaves it. The model budgets `addons.locust.maxWorkers` Locust workers at their
 * peak (stacks/capacity.ts); verify's Jobs run the same pod (components/footprints.ts LOCUST.worker
 * requests), beside the chart's own workers at their minimum and the phase's base-load Job. Undefined
 * without an HPA or without Locust.
 */
export function scaleOutBudget(settings: Settings): { targetCpuUtilization: number; maxPods: number } | undefined {
    const { app, addons } = settings;
    if (!app.autoscaling.enabled || !addons.locust.enabled) {
        return undefined;
    }
    return {
        targetCpuUtilization: app.autoscaling.targetCpuUtilization,
        maxPods: Math.max(0, addons.locust.maxWorkers - LOCUST.worker.minReplicas - 1),
    };
}
