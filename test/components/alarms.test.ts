import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { EntrypointAlarms } from "../../components/alarms";
import { MAX_LOAD_BALANCER_NAME, loadBalancerNameFor } from "../../components/alb";
import { validAlarmPeriod } from "../../rules/aws-limits";
import { DOMAIN, only, synth, waitsFor } from "../harness";
import { forwardedTargetGroupArn, targetGroupDimension } from "../../components/entrypoint";
import { MOCK_ACCOUNT, mockInvoke } from "../../synth/engine";

const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";

/** Index of the TargetGroup dimension's value in the host-count widget's first metric. */
const m3 = (widgets: any[]) => widgets[3].properties.metrics[0].indexOf("TargetGroup") + 1;

describe("entrypoint alarms", () => {
    it("dev: any ELB or target 5xx, and any unhealthy target, in a minute notifies the stack's topic", async () => {
        const result = await synth("dev");
        const alarms = result.resources.filter((r) => r.type === ALARM);
        assert.deepEqual(alarms.map((a) => [a.inputs.metricName, a.inputs.statistic]).sort(), [
            ["HTTPCode_ELB_5XX_Count", "Sum"],
            ["HTTPCode_Target_5XX_Count", "Sum"],
            ["HealthyHostCount", "Minimum"],
            ["UnHealthyHostCount", "Maximum"],
        ]);
        const topic = only(result, "aws:sns/topic:Topic");
        const ingress = only(result, "kubernetes:networking.k8s.io/v1:Ingress");
        for (const a of alarms.filter((x) => x.inputs.metricName !== "HealthyHostCount")) {
            const i = a.inputs as any;
            assert.deepEqual(
                [i.namespace, i.threshold, i.comparisonOperator, i.treatMissingData, i.period, i.evaluationPeriods],
                ["AWS/ApplicationELB", 0, "GreaterThanThreshold", "notBreaching", 60, 1],
            );
        }
        for (const a of alarms) {
            const i = a.inputs as any;
            assert.match(i.dimensions.LoadBalancer, /^app\/zero-downtime-eks-dev-edge\/[0-9a-f]{16}$/);
            assert.deepEqual(i.alarmActions, [result.outputs.alarmTopicArn]);
            // The lookups run once the Ingress has an address, so the ALB exists.
            assert.ok(waitsFor(result, a.name, ingress.name), `${a.name} does not wait for the entrypoint Ingress`);
        }
        assert.match(String(result.outputs.alarmTopicArn), new RegExp(`:${topic.name}`));
        const unhealthy = alarms.find((a) => a.inputs.metricName === "UnHealthyHostCount")?.inputs as any;
        assert.match(unhealthy.dimensions.TargetGroup, /^targetgroup\/k8s-/);
        // The entrypoint ALB carries the name the alarms look it up by.
        assert.equal(
            (ingress.inputs as any).metadata.annotations["alb.ingress.kubernetes.io/load-balancer-name"],
            "zero-downtime-eks-dev-edge",
        );
        const dashboard = only(result, "aws:cloudwatch/dashboard:Dashboard").inputs as any;
        assert.equal(dashboard.dashboardName, "zero-downtime-eks-dev-entrypoint");
        const widgets = JSON.parse(dashboard.dashboardBody).widgets;
        assert.deepEqual(
            widgets.map((w: any) => w.properties.title),
            ["Requests", "5xx (ELB and targets)", "Target response time (p99)", "Healthy and unhealthy targets"],
        );
        // Every widget reads the entrypoint ALB; the host counts read its target group too.
        for (const w of widgets) {
            for (const m of w.properties.metrics) {
                assert.equal(m[m.indexOf("LoadBalancer") + 1], unhealthy.dimensions.LoadBalancer);
            }
        }
        assert.equal(widgets[3].properties.metrics[0][m3(widgets)], unhealthy.dimensions.TargetGroup);
    });

    it("Istio off: the alarms watch the app's own ALB, its target group picked by the app's Ingress", async () => {
        const result = await synth("dev", { "zero-downtime-eks:addons": { istio: { enabled: false } } });
        const ingress = only(result, "kubernetes:networking.k8s.io/v1:Ingress").inputs as any;
        assert.equal(ingress.metadata.annotations["alb.ingress.kubernetes.io/load-balancer-name"], "zero-downtime-eks-dev-edge");
        assert.equal(result.resources.filter((r) => r.type === ALARM).length, 4);
    });

    for (const [variant, overrides, port] of [
        ["HTTP", {}, 80],
        ["HTTPS", DOMAIN, 443],
        ["the app's own ALB", { "zero-downtime-eks:addons": { istio: { enabled: false } } }, 80],
    ] as const) {
        it(`issue 22.11 (${variant}): the target group is the one the ALB's listener on ${port} forwards to, and an alarm fires when what the alarms watch is gone`, async () => {
            const result = await synth("dev", overrides);
            const alarms = result.resources.filter((r) => r.type === ALARM).map((r) => r.inputs as any);
            const loadBalancer = alarms[0].dimensions.LoadBalancer;
            // What the ALB routes to, as ELB answers for this ALB and port (the mocks return the provider's shape).
            const region = String(result.outputs.region);
            const lbArn = `arn:aws:elasticloadbalancing:${region}:${MOCK_ACCOUNT}:loadbalancer/${loadBalancer}`;
            const listener = mockInvoke("aws:lb/getListener:getListener", { loadBalancerArn: lbArn, port }, region) as any;
            const forwarded = targetGroupDimension(listener.defaultActions[0].targetGroupArn);
            for (const a of alarms.filter((x) => x.dimensions.TargetGroup !== undefined)) {
                assert.equal(a.dimensions.TargetGroup, forwarded, a.metricName);
            }
            const widgets = JSON.parse((only(result, "aws:cloudwatch/dashboard:Dashboard").inputs as any).dashboardBody).widgets;
            assert.equal(widgets[3].properties.metrics[0][m3(widgets)], forwarded);
            // HealthyHostCount is reported whenever health checks run: its absence means the ALB or the
            // target group above is gone (replaced by the controller), so missing data alarms.
            const healthy = alarms.find((a) => a.metricName === "HealthyHostCount");
            assert.deepEqual(
                [healthy.statistic, healthy.comparisonOperator, healthy.threshold, healthy.treatMissingData],
                ["Minimum", "LessThanThreshold", 1, "breaching"],
            );
            assert.match(healthy.alarmDescription, /pulumi up/);
        });
    }

    it("issue 22.11: the listener's target group is read from TargetGroupArn or ForwardConfig, and anything but one forward is refused", () => {
        const arn = "arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:targetgroup/k8s-web-web-0123456789/fedcba9876543210";
        const forward = { type: "forward", targetGroupArn: "", forwards: [{ targetGroups: [{ arn }] }] };
        assert.equal(forwardedTargetGroupArn([forward]), arn);
        assert.equal(forwardedTargetGroupArn([{ ...forward, targetGroupArn: arn, forwards: [] }]), arn);
        assert.equal(targetGroupDimension(arn), "targetgroup/k8s-web-web-0123456789/fedcba9876543210");
        assert.throws(
            () => forwardedTargetGroupArn([{ type: "fixed-response", targetGroupArn: "", forwards: [] }]),
            /0 target groups \(actions: fixed-response\)/,
        );
        const two = { ...forward, forwards: [{ targetGroups: [{ arn }, { arn: arn.replace("fedcba", "abcdef") }] }] };
        assert.throws(() => forwardedTargetGroupArn([two]), /2 target groups/);
        assert.throws(() => targetGroupDimension("arn:aws:elasticloadbalancing:r:1:loadbalancer/app/x/1"), /not a target group ARN/);
    });

    it("off: no alarm, no topic, no dashboard, no outputs", async () => {
        const result = await synth("dev", { "zero-downtime-eks:alarms": { enabled: false } });
        assert.ok(
            !result.resources.some(
                (r) => r.type === ALARM || r.type === "aws:sns/topic:Topic" || r.type === "aws:cloudwatch/dashboard:Dashboard",
            ),
        );
        assert.equal(result.outputs.alarmTopicArn, undefined);
    });

    it("the component refuses a period CloudWatch refuses and no evaluation period, naming both", () => {
        assert.throws(
            () =>
                new EntrypointAlarms("x", {
                    loadBalancerName: "lb",
                    ingressHostname: "h",
                    listenerPort: 80,
                    dashboardName: "d",
                    region: "ap-northeast-2",
                    periodSeconds: 45,
                    evaluationPeriods: 0,
                    tags: {},
                }),
            (err: unknown) => {
                assert.ok(pulumi.InputPropertiesError.isInstance(err));
                assert.deepEqual(err.errors?.map((e) => e.propertyPath).sort(), ["evaluationPeriods", "periodSeconds"]);
                return true;
            },
        );
    });

    for (const [seconds, valid] of [
        [10, true],
        [20, true],
        [30, true],
        [45, false],
        [60, true],
        [90, false],
        [120, true],
    ] as const) {
        it(`a period of ${seconds} s is ${valid ? "accepted" : "refused"} (PutMetricAlarm: 10, 20, 30 or a multiple of 60)`, () => {
            assert.equal(validAlarmPeriod(seconds), valid);
        });
    }
});

describe("the entrypoint ALB's name", () => {
    it("is the cluster's name and its role when that fits 32 characters", () => {
        assert.equal(loadBalancerNameFor("zero-downtime-eks-staging", "edge"), "zero-downtime-eks-staging-edge");
    });

    it("is shortened with a hash of the whole when it does not, so two long names never meet", () => {
        const a = loadBalancerNameFor("zero-downtime-eks-performance-a", "edge");
        const b = loadBalancerNameFor("zero-downtime-eks-performance-b", "edge");
        for (const name of [a, b]) {
            assert.ok(name.length <= MAX_LOAD_BALANCER_NAME, name);
            assert.match(name, /^[a-z0-9][a-z0-9-]*-[0-9a-f]{8}-edge$/);
        }
        assert.notEqual(a, b);
    });
});
