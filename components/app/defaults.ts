// The app's defaults: the settings that took 5xx during rollout and scale-in to zero in the field
// reports (docs/architecture.md, "The field reports the defaults come from"). One place: the platform's config
// (stacks/defaults.ts re-exports them) and teams calling ZeroDowntimeService from their own program
// (serviceArgs in zero-downtime-service.ts) both start from them. Pure: no Pulumi import.
import type { LoadBalancerScheme } from "../choices";
import type { Color } from "./labels";

// Seed 000 ran 4 replicas: a rollout or a lost node still leaves 3 serving.
const REPLICAS = 4;

/**
 * The app's defaults: the settings that took 5xx during rollout and scale-in to zero in the seeds.
 * docs/zero-downtime.md "Timing" explains each number; rules/ checks them (and any override) at config time.
 */
export const APP_DEFAULTS = {
    enabled: true,
    name: "web",
    namespace: "web",
    // nginxinc/nginx-unprivileged: official nginx build that runs as UID 101 on port 8080; pinned to a patch release.
    image: "nginxinc/nginx-unprivileged:1.29.4-alpine",
    port: 8080,
    replicas: REPLICAS,
    resources: { cpuMillicores: 250, memoryMiB: 128, memoryLimitMiB: 256 },
    probes: {
        path: "/",
        // Empty: liveness is a TCP check (is the process accepting?), not the readiness path, so a
        // dependency outage marks pods unready instead of restarting all of them.
        livenessPath: "",
        // Startup: up to 1 s × 60 = 60 s to come up before liveness takes over (seed 003's window). The
        // period is the kubelet's minimum (k8s.io/api core/v1 Probe: periodSeconds minimum 1): a
        // started container is noticed within 1 s on the spike path (rules/spike.ts).
        startupPeriodSeconds: 1,
        startupFailureThreshold: 60,
        // 2 s: a new pod is Ready within 2 s of serving, and a failing one is noticed after 2 × 2 = 4 s,
        // inside minReadySeconds (rule readiness-detects-before-rollout-step). 1 s would save one more
        // second at twice the probe load on every pod; 2 s keeps the spike target (≤ 30 s) with room.
        readinessPeriodSeconds: 2,
        readinessFailureThreshold: 2,
        livenessPeriodSeconds: 10,
        livenessFailureThreshold: 3,
    },
    rollout: {
        // Never take a ready pod away before its replacement is ready (seed 002), and surge the whole HPA
        // minimum in one wave: Karpenter's NodePool has room for it (stacks/capacity.ts rolloutNeed; the
        // NodePool limit counts the surge at the HPA maximum). A count, not a percentage: at the HPA
        // maximum (12) it stays 4 pods per wave, 3 waves, instead of doubling the pods.
        maxSurge: REPLICAS as number | string,
        maxUnavailable: 0 as number | string,
        // Seed 002: a new pod must stay ready 10 s before the next old one goes.
        minReadySeconds: 10,
        // Seed 002: kubectl rollout undo needs the old ReplicaSets.
        revisionHistoryLimit: 10,
    },
    autoscaling: {
        enabled: true,
        maxReplicas: 12,
        // Seed 003 scaled at 60% CPU.
        targetCpuUtilization: 60,
    },
    timing: {
        // preStop: the least an ALB target needs, 15 s propagation + 5 s × 2 failed health checks = 25 s
        // (rules/timing.ts requiredPreStopSeconds; seed 001 ran 40 s with zero 5xx). A meshed app the stack
        // does not give its own preStop gets the mesh path's 15 s instead (stacks/settings.ts). The grace
        // covers preStop + shutdown = 45 s; a native sidecar adds nothing (it drains from the start of
        // termination and exits at once once the app has: rules/timing.ts); 90 s leaves 45 s of margin
        // for an app slower to shut down than it declares (the grace only caps: a pod that exits is gone).
        preStopSeconds: 25,
        shutdownSeconds: 20,
        terminationGracePeriodSeconds: 90,
        // The ALB default is 300 s; 30 s is enough for the requests this app serves (LBC docs example).
        deregistrationDelaySeconds: 30,
        // Seed 001 asked for 3 s, but the ELB API accepts 5-300 s (CreateTargetGroup HealthCheckIntervalSeconds).
        healthCheckIntervalSeconds: 5,
        // Below the interval, as the ELB API requires (the controller sends 5 when unset: refused with
        // a 5 s interval), and above the readiness probe's 2 s timeout so the ALB is no stricter than the kubelet.
        healthCheckTimeoutSeconds: 3,
        healthyThreshold: 2,
        unhealthyThreshold: 2,
    },
    ingress: { scheme: "internet-facing" as LoadBalancerScheme },
    // Seed 000: eject a pod after 3 consecutive 5xx, checked every 10 s, for 30 s.
    outlierDetection: { consecutive5xxErrors: 3, intervalSeconds: 10, baseEjectionSeconds: 30, maxEjectionPercent: 50 },
    blueGreen: { enabled: false, activeColor: "blue" as Color },
};
