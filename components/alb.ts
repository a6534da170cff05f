// ALB Ingress annotations shared by every Ingress the program creates. Pure: no Pulumi import.
// Keys: kubernetes-sigs/aws-load-balancer-controller docs/guide/ingress/annotations.md.

import { NAME_RULES, checkAwsName, hashOf } from "../rules/aws-names";
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
    /** A fixed ALB name, so alarms and dashboards can find it (`load-balancer-name`; applied only at creation). */
    loadBalancerName?: string;
}

/**
 * The longest ALB name the controller accepts (`load-balancer-name`: "maximum length of 32",
 * aws-load-balancer-controller docs/guide/ingress/annotations.md, v3.5.0; ELB CreateLoadBalancer Name).
 */
export const MAX_LOAD_BALANCER_NAME = NAME_RULES.loadBalancer.maxLength;

/**
 * A stable ALB name from the cluster's (unique per account and region) and a role. ELB takes at
 * most 32 letters, digits and hyphens, not starting or ending with a hyphen nor starting with
 * `internal-` (CreateLoadBalancer Name; rules/aws-names.ts), while an EKS cluster name may be 100
 * characters and carry `_`. A name ELB accepts as it is stays; any other is cut to fit, its other
 * characters made hyphens and a leading `internal-` dropped, and given a hash of the whole, so two
 * stacks never share one (`a_b` and `a-b` differ by their hashes).
 */
export function loadBalancerNameFor(clusterName: string, role: string): string {
    const whole = `${clusterName}-${role}`;
    if (checkAwsName({ resource: whole, kind: "loadBalancer", name: whole }).length === 0) {
        return whole;
    }
    const hash = hashOf(whole);
    const keep = MAX_LOAD_BALANCER_NAME - hash.length - role.length - 2;
    let head = clusterName
        .replace(/[^A-Za-z0-9-]/g, "-")
        .slice(0, keep)
        .replace(/-+$/, "");
    // The head is followed by a hyphen, so a head of `internal` would start the name with `internal-` too.
    while (/^internal(-|$)/i.test(head)) {
        head = head.replace(/^internal-*/i, "");
    }
    return head === "" ? `${hash}-${role}` : `${head}-${hash}-${role}`;
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
        ...(t.loadBalancerName === undefined ? {} : { [`${PREFIX}load-balancer-name`]: t.loadBalancerName }),
        [`${PREFIX}tags`]: Object.entries(t.tags)
            .map(([k, v]) => `${k}=${v}`)
            .join(","),
    };
}

/**
 * The TLS policy of the HTTPS listener: AWS's recommendation, "AWS recommends implementing the new
 * post-quantum TLS (PQ-TLS) based security policy ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09"
 * (Elastic Load Balancing user guide, "Security policies"); TLS 1.3 and 1.2 only. Without the
 * annotation the controller uses ELBSecurityPolicy-2016-08, which still allows TLS 1.0 and 1.1.
 */
export const TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09";

/**
 * HTTPS on 443 with the certificate, HTTP on 80 answering 301 to HTTPS (annotations.md, v3.5.0:
 * `ssl-redirect` needs its port among `listen-ports`, so both are always set together).
 */
export function httpsAnnotations<T>(certificateArn: T): Record<string, T | string> {
    return {
        [`${PREFIX}certificate-arn`]: certificateArn,
        [`${PREFIX}listen-ports`]: '[{"HTTP": 80}, {"HTTPS": 443}]',
        [`${PREFIX}ssl-redirect`]: "443",
        [`${PREFIX}ssl-policy`]: TLS_POLICY,
    };
}
