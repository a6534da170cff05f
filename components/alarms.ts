// The 5xx the platform promises to keep at zero, watched where field report 001 counted them: the
// entrypoint ALB's CloudWatch metrics (AWS/ApplicationELB). The ALB is the controller's, not
// Pulumi's, so it is found by the fixed name its Ingress gives it (`load-balancer-name`) once the
// Ingress has an address, and its target group as the one that ALB's traffic listener forwards to
// (components/entrypoint.ts): what the controller really has at `pulumi up`, never a region-wide
// search by tag that fails while two target groups match.
//
// Those are still read once per `up`. When the controller later replaces the target group or the ALB
// (a recreated Service, a scheme change), alarms on the old dimensions would see no data and, with
// missing data not breaching, never fire. So one more alarm watches a metric that must exist while
// they are current: HealthyHostCount is "Reported if health checks are enabled" (ALB user guide,
// CloudWatch metrics; target groups of `target-type: ip` always health-check), so missing data is
// breaching: it fires when no target is healthy, and when the ALB or target group the alarms,
// the dashboard and the DNS record point at is gone. The fix for the second is a `pulumi up`.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { ALB_METRIC_INTERVAL_SECONDS, checkAlarmWindow } from "../rules/aws-limits";
import { entrypointLoadBalancer, forwardedTargetGroupArn, targetGroupDimension } from "./entrypoint";

export interface EntrypointAlarmsArgs {
    /** The entrypoint ALB's fixed name (its Ingress's `load-balancer-name`). */
    loadBalancerName: string;
    /** The Ingress's address: the lookups wait for it, so the ALB exists when they run. */
    ingressHostname: pulumi.Input<string>;
    /** The ALB listener requests arrive on (entrypoint.ts trafficListenerPort): its default action names the target group. */
    listenerPort: number;
    /** Name of the CloudWatch dashboard (unique per account: derived from the cluster's name). */
    dashboardName: string;
    /** AWS region, for the dashboard's widgets. */
    region: string;
    /** Seconds each alarm period sums over: a multiple of 60 (rules/aws-limits.ts checkAlarmWindow). Default in stacks/defaults.ts: 60. */
    periodSeconds: number;
    /** Consecutive periods with a 5xx (or an unhealthy target) before the alarm fires; times periodSeconds at most a day (periods under an hour) or seven days. Default: 1. */
    evaluationPeriods: number;
    /** Tags for the topic and the alarms. */
    tags: Record<string, string>;
}

interface AlarmSpec {
    metric: string;
    statistic: "Sum" | "Maximum" | "Minimum";
    byTargetGroup: boolean;
    /** Fires above 0 (a count of failures), or below 1 (no healthy target). */
    fires: "above zero" | "below one";
    /** breaching: the metric must always exist, so its absence is a fault; notBreaching: reported only while requests flow. */
    missingData: "breaching" | "notBreaching";
    means: string;
}

/** The alarms (AWS/ApplicationELB metric names and reporting criteria, ALB user guide). */
export const ENTRYPOINT_ALARMS: AlarmSpec[] = [
    {
        metric: "HTTPCode_ELB_5XX_Count",
        statistic: "Sum",
        byTargetGroup: false,
        fires: "above zero",
        missingData: "notBreaching",
        means: "the ALB itself answered 5xx (no healthy target, a target reset the connection)",
    },
    {
        metric: "HTTPCode_Target_5XX_Count",
        statistic: "Sum",
        byTargetGroup: false,
        fires: "above zero",
        missingData: "notBreaching",
        means: "a target (the gateway or the app) answered 5xx",
    },
    {
        metric: "UnHealthyHostCount",
        statistic: "Maximum",
        byTargetGroup: true,
        fires: "above zero",
        missingData: "notBreaching",
        means: "a registered target failed its health checks",
    },
    {
        metric: "HealthyHostCount",
        statistic: "Minimum",
        byTargetGroup: true,
        fires: "below one",
        missingData: "breaching",
        means: "no healthy target, or the ALB or target group these alarms, the dashboard and the DNS record watch is gone (the controller replaced it): run `pulumi up` to follow the new one",
    },
];

/** 5xx and unhealthy-target alarms on the entrypoint ALB, an SNS topic they notify, and a dashboard. */
export class EntrypointAlarms extends pulumi.ComponentResource {
    /** The SNS topic the alarms notify; teams subscribe to it. */
    readonly topicArn: pulumi.Output<string>;
    readonly dashboardName: pulumi.Output<string>;

    constructor(name: string, args: EntrypointAlarmsArgs, opts?: pulumi.ComponentResourceOptions) {
        // The alarms read AWS/ApplicationELB metrics, reported every 60 s: the same rules as settings validation.
        const problems = checkAlarmWindow(args, ALB_METRIC_INTERVAL_SECONDS).map((v) => ({
            propertyPath: v.fields[0],
            reason: `${v.message}; fix: ${v.fix} [rule ${v.rule}]`,
        }));
        if (problems.length > 0) {
            throw new pulumi.InputPropertiesError({ message: `EntrypointAlarms ${name}: invalid arguments`, errors: problems });
        }
        super("zero-downtime-eks:alarms:EntrypointAlarms", name, {}, opts);

        const topic = new aws.sns.Topic(`${name}-topic`, { tags: args.tags }, { parent: this });
        // Looked up once the Ingress has an address (its hostname is an input): the ALB exists then.
        const loadBalancer = entrypointLoadBalancer(args.loadBalancerName, args.ingressHostname, { parent: this });
        const listener = aws.lb.getListenerOutput({ loadBalancerArn: loadBalancer.arn, port: args.listenerPort }, { parent: this });
        const targetGroup = listener.defaultActions.apply((actions) => targetGroupDimension(forwardedTargetGroupArn(actions)));

        for (const alarm of ENTRYPOINT_ALARMS) {
            new aws.cloudwatch.MetricAlarm(
                `${name}-${alarm.metric.toLowerCase().replace(/_/g, "-")}`,
                {
                    alarmDescription: `${alarm.metric} ${alarm.fires === "above zero" ? "> 0" : "< 1"} on ${args.loadBalancerName}: ${alarm.means}`,
                    namespace: "AWS/ApplicationELB",
                    metricName: alarm.metric,
                    statistic: alarm.statistic,
                    dimensions: alarm.byTargetGroup
                        ? { LoadBalancer: loadBalancer.arnSuffix, TargetGroup: targetGroup }
                        : { LoadBalancer: loadBalancer.arnSuffix },
                    period: args.periodSeconds,
                    evaluationPeriods: args.evaluationPeriods,
                    threshold: alarm.fires === "above zero" ? 0 : 1,
                    comparisonOperator: alarm.fires === "above zero" ? "GreaterThanThreshold" : "LessThanThreshold",
                    // The request metrics are reported only while requests flow (no data is no error);
                    // HealthyHostCount always is while what it names exists (see the header).
                    treatMissingData: alarm.missingData,
                    alarmActions: [topic.arn],
                    okActions: [topic.arn],
                    tags: args.tags,
                },
                { parent: this },
            );
        }

        const dashboard = new aws.cloudwatch.Dashboard(
            `${name}-dashboard`,
            {
                dashboardName: args.dashboardName,
                dashboardBody: pulumi
                    .all([loadBalancer.arnSuffix, targetGroup])
                    .apply(([lb, tg]) => JSON.stringify({ widgets: dashboardWidgets(args.region, lb, tg, args.periodSeconds) })),
            },
            { parent: this },
        );

        this.topicArn = topic.arn;
        this.dashboardName = dashboard.dashboardName;
        this.registerOutputs({ topicArn: this.topicArn, dashboardName: this.dashboardName });
    }
}

/** Requests, 5xx, response time and healthy hosts of the entrypoint ALB. Pure. */
export function dashboardWidgets(region: string, loadBalancer: string, targetGroup: string, period: number): object[] {
    const metric = (title: string, metrics: unknown[][], stat: string, y: number) => ({
        type: "metric",
        x: 0,
        y,
        width: 24,
        height: 6,
        properties: { title, region, stat, period, metrics },
    });
    const lb = ["LoadBalancer", loadBalancer];
    return [
        metric("Requests", [["AWS/ApplicationELB", "RequestCount", ...lb]], "Sum", 0),
        metric(
            "5xx (ELB and targets)",
            [
                ["AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", ...lb],
                ["AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", ...lb],
            ],
            "Sum",
            6,
        ),
        metric("Target response time (p99)", [["AWS/ApplicationELB", "TargetResponseTime", ...lb]], "p99", 12),
        metric(
            "Healthy and unhealthy targets",
            [
                ["AWS/ApplicationELB", "HealthyHostCount", "TargetGroup", targetGroup, ...lb],
                ["AWS/ApplicationELB", "UnHealthyHostCount", "TargetGroup", targetGroup, ...lb],
            ],
            "Maximum",
            18,
        ),
    ];
}
