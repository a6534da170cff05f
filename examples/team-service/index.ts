// An application team's program on the platform: it reads the platform's stack outputs, reaches the
// cluster with the platform's kubeconfig, gets an IAM role for its own service account (IRSA), and
// deploys its service with the platform's zero-downtime settings through the shared Istio gateway
// (or its own ALB when the platform runs no mesh). README, "For application teams".
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { ZeroDowntimeService, nodePoolPlacement, serviceArgs } from "zero-downtime-eks/service";
import { ServiceAccountRole } from "zero-downtime-eks/irsa";

export = async () => {
    const config = new pulumi.Config();
    const platformStack = config.require("platformStack");
    const platform = new pulumi.StackReference(platformStack);
    const name = config.require("name");

    // The platform outputs this program needs (README, "Stack outputs"): all of them checked first, so a
    // renamed or removed output fails the program here, naming it, before anything is created.
    for (const output of ["kubeconfig", "kubernetesVersion", "oidcProviderArn", "oidcProviderUrl", "ingressHost"]) {
        const details = await platform.getOutputDetails(output);
        if (details.value === undefined && details.secretValue === undefined) {
            throw new Error(`Required output '${output}' does not exist on stack '${platformStack}'.`);
        }
    }
    // Plain values decide what is created: the preStop form, and the way in.
    const kubernetesVersion = String(await platform.getOutputValue("kubernetesVersion"));
    const gateway = (await platform.getOutputValue("sharedGateway")) as string | undefined;
    const sidecarInboundDrainSeconds = Number((await platform.getOutputValue("sidecarInboundDrainSeconds")) ?? 0);
    const nodePool = (await platform.getOutputValue("nodePoolName")) as string | undefined;

    const provider = new k8s.Provider("platform", { kubeconfig: platform.requireOutput("kubeconfig"), enableServerSideApply: true });

    // Read-only S3 for the service's pods, through IRSA; the ServiceAccount is the service's own (below).
    const role = new ServiceAccountRole(`${name}-irsa`, {
        oidcProviderArn: platform.requireOutput("oidcProviderArn"),
        oidcIssuer: platform.requireOutput("oidcProviderUrl"),
        namespace: name,
        serviceAccount: name,
        policyArns: { s3read: "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess" },
        createServiceAccount: false,
    });

    const service = new ZeroDowntimeService(
        name,
        serviceArgs({
            name,
            image: config.require("image"),
            port: config.requireNumber("port"),
            kubernetesVersion,
            mesh: gateway !== undefined,
            sidecarInboundDrainSeconds,
            exposure: gateway !== undefined ? { kind: "istio-gateway", gateway } : { kind: "alb", scheme: "internet-facing" },
            serviceAccount: { name, roleArn: role.roleArn },
            // The platform's NodePool: its label, and a toleration of the taint that keeps other pods off it.
            ...(nodePool !== undefined ? nodePoolPlacement(nodePool) : {}),
        }),
        { provider },
    );

    return {
        namespace: service.namespace,
        roleArn: role.roleArn,
        url: pulumi.interpolate`http://${platform.requireOutput("ingressHost")}`,
    };
};
