// ALB Ingress annotations shared by every Ingress the program creates. Pure: no Pulumi import.
// Keys: kubernetes-sigs/aws-load-balancer-controller docs/guide/ingress/annotations.md.

import type { LoadBalancerScheme } from "./choices";

const PREFIX = "alb.ingress.kubernetes.io/";

export interface AlbTargetGroup {
    /** `internet-facing` or `internal`. */
    scheme: LoadBalancerScheme;
    /** Path the ALB health-checks. */
    healthCheckPath: string;
    /** Port the ALB health-checks; the traffic port when absent. */
    healthCheckPort?: number;
    /** HTTP codes the health check accepts. */
    successCodes: string;
    /** Health check interval, seconds. */
    healthCheckIntervalSeconds: number;
    /**
     * Health check timeout, seconds; below the interval (rules/aws-limits.ts). Always set: when it is
     * absent the controller sends its default, 5 (pkg/ingress/model_build_target_group.go), which the
     * ELB API refuses with a 5 s interval.
     */
    healthCheckTimeoutSeconds: number;
    /** Consecutive successes before a target is healthy. */
    healthyThreshold: number;
    /** Consecutive failures before a target is unhealthy. */
    unhealthyThreshold: number;
    /** deregistration_delay.timeout_seconds (ALB default 300). */
    deregistrationDelaySeconds: number;
    /** Tags for the ALB and its target groups. */
    tags: Record<string, string>;
}

/** Annotations for an ALB whose targets are pod IPs (the only mode readiness gates work with). */
export function albAnnotations(t: AlbTargetGroup): Record<string, string> {
    return {
        [`${PREFIX}scheme`]: t.scheme,
        [`${PREFIX}target-type`]: "ip",
        ...(t.healthCheckPort === undefined ? {} : { [`${PREFIX}healthcheck-port`]: String(t.healthCheckPort) }),
        [`${PREFIX}healthcheck-path`]: t.healthCheckPath,
        [`${PREFIX}healthcheck-interval-seconds`]: String(t.healthCheckIntervalSeconds),
        [`${PREFIX}healthcheck-timeout-seconds`]: String(t.healthCheckTimeoutSeconds),
        [`${PREFIX}healthy-threshold-count`]: String(t.healthyThreshold),
        [`${PREFIX}unhealthy-threshold-count`]: String(t.unhealthyThreshold),
        [`${PREFIX}success-codes`]: t.successCodes,
        [`${PREFIX}target-group-attributes`]: `deregistration_delay.timeout_seconds=${t.deregistrationDelaySeconds}`,
        [`${PREFIX}tags`]: Object.entries(t.tags)
            .map(([k, v]) => `${k}=${v}`)
            .join(","),
    };
}
