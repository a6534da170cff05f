// Zero-downtime timing rules, written once and used by settings validation, the policy pack and
// the synth report. Pure: plain numbers in, violations out; no Pulumi import.
//
// The failure they prevent (seeds 001 and 003): a pod that stops serving while the ALB still
// routes to it answers 502/503. When a pod starts terminating, the AWS Load Balancer Controller
// sees it leave the Service's ready endpoints and deregisters it from the target group; until the
// ALB has applied that, new requests still arrive. So the pod must keep serving through that
// window (preStop sleep), then finish in-flight work (app shutdown) before the kubelet kills it
// (termination grace), and the ALB must not hold connections to it longer than it lives
// (deregistration delay). Sources: kubernetes-sigs/aws-load-balancer-controller
// docs/deploy/pod_readiness_gate.md; EKS best practices guide, "Load Balancing" (graceful
// shutdown: preStop sleep so the deregistration completes before SIGTERM).
//
// A meshed pod's Istio sidecar is a native sidecar (ENABLE_NATIVE_SIDECARS, components/addons/istio.ts),
// and it drains at the start of termination, not at the end (istio/istio 1.30.3):
// - the injected sidecar's preStop runs `pilot-agent request POST drain` when the pod starts
//   terminating (istio-discovery files/injection-template.yaml); pilot-agent then drains Envoy's
//   inbound listeners gracefully (`drain_listeners?inboundonly&graceful&skip_exit`: pkg/envoy/agent.go
//   DrainNow, admin.go DrainListeners), and Envoy closes them after `--drain-time-s`, the ProxyConfig's
//   `drainDuration` (pkg/envoy/proxy.go; default 45 s, pkg/config/mesh/mesh.go). Until then it still
//   accepts connections; callers are told to reconnect (`--drain-strategy immediate`);
// - the kubelet sends the sidecar SIGTERM only once the app containers have exited, and pilot-agent,
//   already drained, exits at once (pkg/envoy/agent.go Run, case 4; terminate: "already drained,
//   exiting immediately"). `terminationDrainDuration` is never waited for, so it adds nothing to the
//   grace period; the constraint is that the inbound listeners stay open for as long as callers may
//   still route to the pod.

/**
 * Seconds between a pod starting to terminate and the ALB no longer sending it new requests:
 * the controller's reconcile of the endpoint change plus the ELB API applying the deregistration.
 * The controller's docs and the EKS guide give no bound; seed 001 measured zero 5xx with a 40 s
 * preStop, and AWS's own example uses 30 s. 15 s leaves room for a busy controller.
 */
export const DEREGISTRATION_PROPAGATION_SECONDS = 15;

/**
 * Seconds between a meshed pod (one with no ALB target of its own, reached through the gateway)
 * starting to terminate and the last Envoy that routes to it having dropped it. The path:
 * - kube-controller-manager's EndpointSlice controller marks the endpoint not ready as soon as the pod
 *   has a deletionTimestamp (`--endpointslice-updates-batch-period` defaults to 0: no batching; EKS
 *   exposes no control-plane flags);
 * - istiod debounces registry events before it pushes: PILOT_DEBOUNCE_AFTER 100 ms of quiet, at most
 *   PILOT_DEBOUNCE_MAX 10 s when events keep coming, as in a rollout (istio/istio
 *   pilot/pkg/features/tuning.go, release-1.30; EDS included: PILOT_ENABLE_EDS_DEBOUNCE true); this
 *   platform sets neither, so {@link ISTIO_DEBOUNCE_MAX_SECONDS} is the worst case;
 * - the EDS push to every proxy (PILOT_PUSH_THROTTLE: 15 + 5 × cores concurrent pushes, tuning.go) and
 *   Envoy applying it: no documented bound; the margin below covers it.
 * Margin {@link MESH_PUSH_MARGIN_SECONDS} s: half the debounce cap again for the push and a busy istiod
 * (this platform's mesh has a few dozen proxies: one push round, well under a second each at the
 * throttle). `npm run verify` measures the real propagation (verify/calibration.ts).
 */
export const ISTIO_DEBOUNCE_MAX_SECONDS = 10;
export const MESH_PUSH_MARGIN_SECONDS = 5;
export const MESH_PROPAGATION_SECONDS = ISTIO_DEBOUNCE_MAX_SECONDS + MESH_PUSH_MARGIN_SECONDS;

/**
 * Pod-template annotation through which a workload declares its own graceful-shutdown seconds,
 * the one timing a manifest cannot otherwise show; the policy pack reads it.
 */
export const SHUTDOWN_ANNOTATION = "zero-downtime-eks.io/shutdown-seconds";

/** Istio's per-pod proxy config annotation (istio.io docs, "Annotations": proxy.istio.io/config), a ProxyConfig in JSON. */
export const PROXY_CONFIG_ANNOTATION = "proxy.istio.io/config";

/**
 * Istio's default ProxyConfig `drainDuration`, after which a draining Envoy closes its listeners
 * (istio/istio pkg/config/mesh/mesh.go DefaultProxyConfig: 45 s, tag 1.30.3).
 */
export const ISTIO_DEFAULT_INBOUND_DRAIN_SECONDS = 45;

/** The timing of one workload behind an ALB, in seconds. */
export interface TimingBudget {
    /** preStop sleep: the pod keeps serving after it starts terminating. */
    preStopSeconds: number;
    /** The app's own graceful shutdown after SIGTERM (finish in-flight requests). */
    shutdownSeconds: number;
    /**
     * Seconds after the pod starts terminating that its native Istio sidecar keeps accepting inbound
     * connections: the mesh's (or the pod's) ProxyConfig `drainDuration` (see the header). Absent for
     * pods without a sidecar. The sidecar adds nothing to the grace period: it exits at once on SIGTERM.
     */
    sidecarInboundDrainSeconds?: number;
    /** Pod terminationGracePeriodSeconds. */
    terminationGracePeriodSeconds: number;
    /** ALB target group deregistration_delay.timeout_seconds. */
    deregistrationDelaySeconds: number;
    /** ALB health check interval. */
    healthCheckIntervalSeconds: number;
    /** ALB unhealthy threshold count. */
    unhealthyThreshold: number;
    /** Readiness probe period. */
    readinessPeriodSeconds: number;
    /** Readiness probe failure threshold. */
    readinessFailureThreshold: number;
    /** Deployment minReadySeconds: how long a new pod must stay ready before the rollout moves on. */
    minReadySeconds: number;
    /**
     * How callers reach the pod: `alb` (default) when it is an ALB target, `mesh` when it has no ALB
     * of its own and the mesh gateway's Envoys route to it (then its health-check fields do not apply).
     */
    reachedThrough?: "alb" | "mesh";
}

/** One broken rule: which budget fields are involved, what is wrong, and the value that fixes it. */
export interface Violation {
    /** Stable rule identifier (also the policy name in the policy pack). */
    rule: string;
    /** Fields of {@link TimingBudget} (or of the rollout) the rule reads. */
    fields: string[];
    /** What is wrong, with the numbers. */
    message: string;
    /** What to change, to what value. */
    fix: string;
}

/**
 * The seconds a terminating pod must keep serving. An ALB target: the deregistration's propagation
 * plus the ALB noticing failed health checks. A meshed pod: the EndpointSlice → istiod → Envoy push
 * ({@link MESH_PROPAGATION_SECONDS}); no health check of its own stands in between.
 */
export function requiredPreStopSeconds(
    t: Pick<TimingBudget, "healthCheckIntervalSeconds" | "unhealthyThreshold" | "reachedThrough">,
): number {
    return t.reachedThrough === "mesh"
        ? MESH_PROPAGATION_SECONDS
        : DEREGISTRATION_PROPAGATION_SECONDS + t.healthCheckIntervalSeconds * t.unhealthyThreshold;
}

/** How the required preStop is made up, for messages. */
function preStopParts(t: Pick<TimingBudget, "healthCheckIntervalSeconds" | "unhealthyThreshold" | "reachedThrough">): string {
    return t.reachedThrough === "mesh"
        ? `${ISTIO_DEBOUNCE_MAX_SECONDS}s istiod debounce (PILOT_DEBOUNCE_MAX) + ${MESH_PUSH_MARGIN_SECONDS}s for the push to the Envoys`
        : `${DEREGISTRATION_PROPAGATION_SECONDS}s deregistration propagation + ${t.healthCheckIntervalSeconds}s × ${t.unhealthyThreshold} health checks`;
}

/** Every timing rule the budget breaks; empty when it is safe. */
export function checkTiming(t: TimingBudget): Violation[] {
    const violations: Violation[] = [];
    const preStopNeeded = requiredPreStopSeconds(t);
    if (t.preStopSeconds < preStopNeeded) {
        violations.push({
            rule: "prestop-covers-deregistration",
            fields: ["preStopSeconds", "healthCheckIntervalSeconds", "unhealthyThreshold"],
            message:
                `preStop sleep ${t.preStopSeconds}s is shorter than the ${preStopNeeded}s the ${t.reachedThrough === "mesh" ? "mesh's Envoys" : "ALB"} may keep routing to a terminating pod ` +
                `(${preStopParts(t)})`,
            fix: `set preStopSeconds to at least ${preStopNeeded}`,
        });
    }
    const graceNeeded = t.preStopSeconds + t.shutdownSeconds;
    if (t.terminationGracePeriodSeconds < graceNeeded) {
        violations.push({
            rule: "grace-covers-prestop-and-shutdown",
            fields: ["terminationGracePeriodSeconds", "preStopSeconds", "shutdownSeconds"],
            message: `termination grace ${t.terminationGracePeriodSeconds}s is shorter than preStop ${t.preStopSeconds}s + app shutdown ${t.shutdownSeconds}s: the kubelet kills the pod mid-request`,
            fix: `set terminationGracePeriodSeconds to at least ${graceNeeded}`,
        });
    }
    if (t.sidecarInboundDrainSeconds !== undefined && t.sidecarInboundDrainSeconds < preStopNeeded) {
        violations.push({
            rule: "sidecar-inbound-covers-deregistration",
            fields: ["sidecarInboundDrainSeconds", "healthCheckIntervalSeconds", "unhealthyThreshold"],
            message:
                `the Istio sidecar closes its inbound listeners ${t.sidecarInboundDrainSeconds}s after the pod starts terminating (drainDuration), ` +
                `before the ${preStopNeeded}s callers may still route to it: their requests in between are refused`,
            fix: `set the sidecar's drainDuration to at least ${preStopNeeded}s, or shorten the load balancer's failure detection (interval × unhealthy threshold)`,
        });
    }
    if (t.deregistrationDelaySeconds > t.terminationGracePeriodSeconds) {
        violations.push({
            rule: "deregistration-within-grace",
            fields: ["deregistrationDelaySeconds", "terminationGracePeriodSeconds"],
            message: `ALB deregistration delay ${t.deregistrationDelaySeconds}s outlasts the pod's ${t.terminationGracePeriodSeconds}s grace: the ALB keeps in-flight requests on a pod that is already gone`,
            fix: `set deregistrationDelaySeconds to at most ${t.terminationGracePeriodSeconds} (the ALB default is 300)`,
        });
    }
    const detection = t.readinessPeriodSeconds * t.readinessFailureThreshold;
    if (detection > t.minReadySeconds) {
        violations.push({
            rule: "readiness-detects-before-rollout-step",
            fields: ["readinessPeriodSeconds", "readinessFailureThreshold", "minReadySeconds"],
            message: `a failing new pod is noticed after ${detection}s (readiness ${t.readinessPeriodSeconds}s × ${t.readinessFailureThreshold}), later than the rollout's ${t.minReadySeconds}s step: the rollout replaces old pods with a broken one`,
            fix: `set minReadySeconds to at least ${detection}, or shorten the readiness period or threshold`,
        });
    }
    return violations;
}

/** Each row of the budget table the synth report prints, in the order a pod lives through them. */
export function budgetRows(t: TimingBudget): { step: string; seconds: number }[] {
    return [
        {
            step:
                t.reachedThrough === "mesh"
                    ? "the mesh stops routing (istiod debounce + push to the Envoys)"
                    : "load balancer stops routing (propagation + health checks)",
            seconds: requiredPreStopSeconds(t),
        },
        { step: "preStop sleep", seconds: t.preStopSeconds },
        { step: "app shutdown", seconds: t.shutdownSeconds },
        ...(t.sidecarInboundDrainSeconds === undefined
            ? []
            : [{ step: "sidecar stops accepting inbound (Istio drainDuration, from termination)", seconds: t.sidecarInboundDrainSeconds }]),
        { step: "termination grace", seconds: t.terminationGracePeriodSeconds },
        { step: "ALB deregistration delay", seconds: t.deregistrationDelaySeconds },
        { step: "margin (grace − preStop − shutdown)", seconds: t.terminationGracePeriodSeconds - t.preStopSeconds - t.shutdownSeconds },
    ];
}
