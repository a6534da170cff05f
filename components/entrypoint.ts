// The entrypoint ALB belongs to the load balancer controller, not to Pulumi: the program finds it
// by the fixed name its Ingress gives it (`load-balancer-name`, components/alb.ts), once the
// Ingress has an address. Shared by the alarms and the HTTPS alias record.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

/**
 * The ALB named `loadBalancerName`, looked up after `ingressHostname` resolves (it is an input of the
 * lookup), so the ALB exists when the lookup runs.
 */
export function entrypointLoadBalancer(
    loadBalancerName: string,
    ingressHostname: pulumi.Input<string>,
    opts: pulumi.InvokeOutputOptions,
): pulumi.Output<aws.lb.GetLoadBalancerResult> {
    return aws.lb.getLoadBalancerOutput({ name: pulumi.output(ingressHostname).apply(() => loadBalancerName) }, opts);
}

/**
 * The listener the entrypoint's requests arrive on: 443 with a certificate (httpsAnnotations in alb.ts
 * lists HTTP 80 and HTTPS 443 and turns 80 into a redirect to 443), otherwise 80, the controller's
 * default `listen-ports` without `certificate-arn` (aws-load-balancer-controller
 * docs/guide/ingress/annotations.md, v3.5.0: "defaults to '[{"HTTP": 80}]' or '[{"HTTPS": 443}]'").
 */
export function trafficListenerPort(https: boolean): number {
    return https ? 443 : 80;
}

/** A listener action as pulumi-aws `lb.getListener` returns it (outputs.lb.GetListenerDefaultAction), the fields read here. */
export interface ListenerAction {
    type: string;
    targetGroupArn: string;
    forwards: { targetGroups: { arn: string }[] }[];
}

/**
 * The one target group a listener's default actions forward to: the controller makes an Ingress's
 * `defaultBackend` the listener's default action (pkg/ingress/model_build_listener.go
 * buildListenerDefaultActions, v3.5.0), so this is the target group the ALB really routes to, found
 * without searching the region's target groups by tag. ELB reports a single-target-group forward as
 * `TargetGroupArn` and/or a `ForwardConfig` (API reference, Action); either is read. Anything else
 * (no forward, or several target groups) is refused, naming what the listener does. Pure.
 */
export function forwardedTargetGroupArn(actions: ListenerAction[]): string {
    const forward = actions.filter((a) => a.type === "forward");
    const arns = [
        ...new Set(
            forward.flatMap((a) => (a.targetGroupArn ? [a.targetGroupArn] : a.forwards.flatMap((f) => f.targetGroups.map((t) => t.arn)))),
        ),
    ];
    if (arns.length !== 1) {
        throw new Error(
            `the entrypoint listener's default action forwards to ${arns.length} target groups (actions: ${actions.map((a) => a.type).join(", ") || "none"}); the alarms expect the Ingress's defaultBackend, one target group`,
        );
    }
    return arns[0];
}

/**
 * The CloudWatch `TargetGroup` dimension of a target group ARN: "targetgroup/target-group-name/
 * 1234567890123456 (the final portion of the target group ARN)" (Elastic Load Balancing user guide,
 * "CloudWatch metrics for your Application Load Balancer", metric dimensions). Pure.
 */
export function targetGroupDimension(arn: string): string {
    const suffix = arn.split(":").slice(5).join(":");
    if (!suffix.startsWith("targetgroup/")) {
        throw new Error(
            `${arn} is not a target group ARN (arn:<partition>:elasticloadbalancing:<region>:<account>:targetgroup/<name>/<id>)`,
        );
    }
    return suffix;
}
