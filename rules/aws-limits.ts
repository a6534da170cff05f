// The ranges and cross-field constraints the AWS APIs enforce on every number this program hands to
// AWS, directly or through the AWS Load Balancer Controller. AWS refuses a bad value only at
// `pulumi up`, minutes in (an ALB health check whose interval is not above its timeout leaves the
// Ingress without status until pulumi-kubernetes gives up after 10 minutes), so settings
// validation, the components and the policy pack check them first, through these functions.
// Pure: plain numbers in, violations out; no Pulumi import.
import { Violation } from "./timing";

/** An inclusive range of whole numbers an API accepts. */
export interface Range {
    min: number;
    max: number;
}

/**
 * Elastic Load Balancing v2 target group limits (API reference, CreateTargetGroup and
 * ModifyTargetGroupAttributes; "Health checks for your target groups"):
 * HealthCheckIntervalSeconds 5-300, HealthCheckTimeoutSeconds 2-120, HealthyThresholdCount 2-10,
 * UnhealthyThresholdCount 2-10, deregistration_delay.timeout_seconds 0-3600.
 */
export const ELBV2_TARGET_GROUP: Record<keyof AlbHealthCheck, Range> = {
    healthCheckIntervalSeconds: { min: 5, max: 300 },
    healthCheckTimeoutSeconds: { min: 2, max: 120 },
    healthyThreshold: { min: 2, max: 10 },
    unhealthyThreshold: { min: 2, max: 10 },
    deregistrationDelaySeconds: { min: 0, max: 3600 },
};

/** What an ALB Ingress asks of its target group, in the controller's annotation units (seconds, counts). */
export interface AlbHealthCheck {
    /** `alb.ingress.kubernetes.io/healthcheck-interval-seconds`. */
    healthCheckIntervalSeconds: number;
    /** `alb.ingress.kubernetes.io/healthcheck-timeout-seconds`; the controller sends 5 when it is absent. */
    healthCheckTimeoutSeconds: number;
    /** `alb.ingress.kubernetes.io/healthy-threshold-count`. */
    healthyThreshold: number;
    /** `alb.ingress.kubernetes.io/unhealthy-threshold-count`. */
    unhealthyThreshold: number;
    /** `deregistration_delay.timeout_seconds` in `alb.ingress.kubernetes.io/target-group-attributes`. */
    deregistrationDelaySeconds: number;
}

/**
 * The controller's defaults for the annotations an Ingress leaves out
 * (kubernetes-sigs/aws-load-balancer-controller docs/guide/ingress/annotations.md: interval 15,
 * timeout 5, healthy 2, unhealthy 2; deregistration delay: the ELB default, 300).
 */
export const CONTROLLER_DEFAULTS: AlbHealthCheck = {
    healthCheckIntervalSeconds: 15,
    healthCheckTimeoutSeconds: 5,
    healthyThreshold: 2,
    unhealthyThreshold: 2,
    deregistrationDelaySeconds: 300,
};

function outOfRange(field: string, value: number, range: Range, api: string): Violation | undefined {
    if (Number.isInteger(value) && value >= range.min && value <= range.max) {
        return undefined;
    }
    return {
        rule: "aws-api-range",
        fields: [field],
        message: `${field} ${value} is outside what ${api} accepts (${range.min} to ${range.max}): AWS refuses it at deploy time`,
        fix: `set ${field} to a whole number from ${range.min} to ${range.max}`,
    };
}

/** Every way the ELB API would refuse this target group. */
export function checkAlbHealthCheck(h: AlbHealthCheck): Violation[] {
    const violations: Violation[] = [];
    for (const field of Object.keys(ELBV2_TARGET_GROUP) as (keyof AlbHealthCheck)[]) {
        const v = outOfRange(field, h[field], ELBV2_TARGET_GROUP[field], "the ELB API");
        if (v) {
            violations.push(v);
        }
    }
    // CreateTargetGroup: "the timeout must be smaller than the interval" (ValidationError otherwise).
    if (h.healthCheckTimeoutSeconds >= h.healthCheckIntervalSeconds) {
        violations.push({
            rule: "alb-timeout-below-interval",
            fields: ["healthCheckTimeoutSeconds", "healthCheckIntervalSeconds"],
            message:
                `health check timeout ${h.healthCheckTimeoutSeconds}s is not below the ${h.healthCheckIntervalSeconds}s interval: ` +
                "the ELB API refuses the target group, and the Ingress never gets an address",
            fix: `set healthCheckTimeoutSeconds to at most ${h.healthCheckIntervalSeconds - 1}, or raise healthCheckIntervalSeconds`,
        });
    }
    return violations;
}

/**
 * EKS managed node group scaling (API reference, NodegroupScalingConfig: minSize ≥ 0,
 * maxSize ≥ 1, desiredSize ≥ 0, min ≤ desired ≤ max; service quota: 450 nodes per managed node group).
 */
export const NODE_GROUP_SCALING = { min: 0, maxNodes: 450 };

export interface NodeGroupScaling {
    minSize: number;
    desiredSize: number;
    maxSize: number;
}

/** Every way the EKS API would refuse this scaling configuration. */
export function checkNodeGroupScaling(s: NodeGroupScaling): Violation[] {
    const violations: Violation[] = [];
    const range = { min: NODE_GROUP_SCALING.min, max: NODE_GROUP_SCALING.maxNodes };
    for (const field of ["minSize", "desiredSize", "maxSize"] as const) {
        const v = outOfRange(field, s[field], field === "maxSize" ? { ...range, min: 1 } : range, "EKS (NodegroupScalingConfig)");
        if (v) {
            violations.push(v);
        }
    }
    if (s.minSize > s.desiredSize) {
        violations.push({
            rule: "node-group-min-le-desired",
            fields: ["minSize", "desiredSize"],
            message: `minSize ${s.minSize} is above desiredSize ${s.desiredSize}: EKS refuses the node group`,
            fix: `set minSize to at most ${s.desiredSize}`,
        });
    }
    if (s.desiredSize > s.maxSize) {
        violations.push({
            rule: "node-group-desired-le-max",
            fields: ["desiredSize", "maxSize"],
            message: `desiredSize ${s.desiredSize} is above maxSize ${s.maxSize}: EKS refuses the node group`,
            fix: `set desiredSize to at most ${s.maxSize}`,
        });
    }
    return violations;
}

/**
 * Longest physical name AWS accepts, by resource (IAM role 64, IAM policy 128: IAM API
 * CreateRole / CreatePolicy; EKS cluster 100: CreateCluster; CloudWatch log group 512: CreateLogGroup).
 */
export const NAME_LIMITS = { iamRole: 64, iamPolicy: 128, eksCluster: 100, logGroup: 512 };

/**
 * Characters pulumi-aws adds to a logical name to make a physical one: the separator `-` and 7
 * random hex characters (pulumi-terraform-bridge pkg/tfbridge/names.go AutoName, Randlen 7). A
 * logical name longer than the limit minus this suffix fails the preview (pulumi/pulumi
 * sdk/go/common/resource/resource_id.go NewUniqueName); per-type limits: rules/aws-names.ts.
 */
export const AUTONAME_SUFFIX_LENGTH = 8;

/** A violation when a name (autonamed or literal) is longer than AWS accepts. */
export function checkNameLength(kind: keyof typeof NAME_LIMITS, name: string, autonamed: boolean): Violation[] {
    const length = name.length + (autonamed ? AUTONAME_SUFFIX_LENGTH : 0);
    const limit = NAME_LIMITS[kind];
    if (length <= limit) {
        return [];
    }
    return [
        {
            rule: "aws-name-length",
            fields: ["name"],
            message: `${kind} name ${JSON.stringify(name)}${autonamed ? " plus Pulumi's 8-character suffix" : ""} is ${length} characters; AWS accepts ${limit}`,
            fix: `shorten it to at most ${limit - (autonamed ? AUTONAME_SUFFIX_LENGTH : 0)} characters`,
        },
    ];
}

/**
 * CloudWatch Logs retention values PutRetentionPolicy accepts (API reference, retentionInDays).
 */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

/**
 * CloudWatch PutMetricAlarm (API reference, `Period` and `EvaluationPeriods`; the AWS SDKs' generated
 * docs carry the same text, e.g. the SDK for Kotlin's PutMetricAlarmRequest.period):
 * - Period: "Valid values are 10, 20, 30, and any multiple of 60". "Be sure to specify 10, 20, or 30
 *   only for metrics that are stored by a PutMetricData call with a StorageResolution of 1": on a
 *   coarser metric the alarm "does not receive data for the attempts that do not correspond to a
 *   one-minute data resolution".
 * - "Period multiplied by EvaluationPeriods can't be more than 604,800 seconds. For alarms with a
 *   period of less than one hour (3,600 seconds), the total evaluation period can't be longer than
 *   one day (86,400 seconds)." PutMetricAlarm refuses the alarm otherwise, at `pulumi up`.
 */
export const CLOUDWATCH_ALARM = {
    highResolutionPeriods: [10, 20, 30],
    periodMultiple: 60,
    /** Below this period the shorter window applies. */
    shortPeriodBelowSeconds: 3_600,
    maxShortWindowSeconds: 86_400,
    maxWindowSeconds: 604_800,
};

/**
 * How often the ALB reports its metrics: "If there are requests flowing through the load balancer,
 * Elastic Load Balancing measures and sends its metrics in 60-second intervals" (Elastic Load
 * Balancing user guide, "CloudWatch metrics for your Application Load Balancer").
 */
export const ALB_METRIC_INTERVAL_SECONDS = 60;

/** CloudWatch periods PutMetricAlarm accepts, whatever the metric: 10, 20, 30 or a multiple of 60. */
export function validAlarmPeriod(seconds: number): boolean {
    return (
        CLOUDWATCH_ALARM.highResolutionPeriods.includes(seconds) ||
        (Number.isInteger(seconds) && seconds > 0 && seconds % CLOUDWATCH_ALARM.periodMultiple === 0)
    );
}

/** An alarm's window: one period and how many of them are evaluated. */
export interface AlarmWindow {
    /** `Period`, seconds. */
    periodSeconds: number;
    /** `EvaluationPeriods`. */
    evaluationPeriods: number;
}

/** The longest total evaluation window PutMetricAlarm accepts for this period. */
export function maxAlarmWindowSeconds(periodSeconds: number): number {
    return periodSeconds < CLOUDWATCH_ALARM.shortPeriodBelowSeconds
        ? CLOUDWATCH_ALARM.maxShortWindowSeconds
        : CLOUDWATCH_ALARM.maxWindowSeconds;
}

/**
 * Every way PutMetricAlarm would refuse this window, and a period finer than the metric is
 * reported (which CloudWatch accepts, but which leaves the alarm without data: it never fires).
 */
export function checkAlarmWindow(w: AlarmWindow, metricIntervalSeconds: number): Violation[] {
    const violations: Violation[] = [];
    const fix = `set periodSeconds to a multiple of ${Math.max(metricIntervalSeconds, CLOUDWATCH_ALARM.periodMultiple)} (the metric is reported every ${metricIntervalSeconds} s)`;
    if (!validAlarmPeriod(w.periodSeconds)) {
        violations.push({
            rule: "alarm-period-accepted",
            fields: ["periodSeconds"],
            message: `periodSeconds ${w.periodSeconds} is not one CloudWatch accepts (PutMetricAlarm Period: 10, 20, 30 or a multiple of 60)`,
            fix,
        });
    } else if (w.periodSeconds % metricIntervalSeconds !== 0) {
        violations.push({
            rule: "alarm-period-matches-metric",
            fields: ["periodSeconds"],
            message: `periodSeconds ${w.periodSeconds} is shorter than the ${metricIntervalSeconds} s the metric is reported at: most periods get no datapoint, and with missing data not breaching the alarm never fires`,
            fix,
        });
    }
    if (!Number.isInteger(w.evaluationPeriods) || w.evaluationPeriods < 1) {
        violations.push({
            rule: "alarm-evaluation-periods",
            fields: ["evaluationPeriods"],
            message: `evaluationPeriods ${w.evaluationPeriods} is not a whole number from 1`,
            fix: "set evaluationPeriods to 1 or more",
        });
    } else if (validAlarmPeriod(w.periodSeconds)) {
        const limit = maxAlarmWindowSeconds(w.periodSeconds);
        const window = w.periodSeconds * w.evaluationPeriods;
        if (window > limit) {
            const span = limit === CLOUDWATCH_ALARM.maxShortWindowSeconds ? "one day (periods under an hour)" : "seven days";
            violations.push({
                rule: "alarm-window-within-limit",
                fields: ["evaluationPeriods", "periodSeconds"],
                message: `${w.evaluationPeriods} periods of ${w.periodSeconds} s span ${window} s, more than the ${limit} s (${span}) PutMetricAlarm accepts: AWS refuses the alarm at deploy time`,
                fix: `set evaluationPeriods to at most ${Math.floor(limit / w.periodSeconds)}, or shorten periodSeconds`,
            });
        }
    }
    return violations;
}
