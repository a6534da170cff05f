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
