// An application team's program on the platform, as it lives in the team's own repository (docs/teams.md): it reads the platform's stack outputs, reaches the cluster with the
// platform's kubeconfig and the team's own AWS credentials, gets an IAM role for its service account
// (IRSA), and deploys its service into the namespace the platform made for the team, with the
// platform's zero-downtime settings, through the shared Istio gateway at the path the platform gave it
// (or on an ALB of its own when the platform runs no mesh).
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { ZeroDowntimeService, nodePoolPlacement, serviceArgs } from "zero-downtime-eks-service";
import { ServiceAccountRole } from "zero-downtime-eks-service/irsa";

/** One team in the platform's `teams` output: its namespace and, behind the mesh, where it is reached. */
interface TeamPlacement {
    namespace: string;
    hosts?: string[];
    pathPrefix?: string;
}

/** The platform outputs this program needs (docs/teams.md "Stack outputs"). */
const REQUIRED_OUTPUTS = ["kubeconfig", "kubernetesVersion", "oidcProviderArn", "oidcProviderUrl", "ingressHost", "teams"];

export = async () => {
    const config = new pulumi.Config();
    const platformStack = config.require("platformStack");
    const platform = new pulumi.StackReference(platformStack);
    const name = config.require("name");
    // The team's namespace on the platform (its key under the platform's zero-downtime-eks:teams).
    const team = config.get("team") ?? name;

    // Checked first, all of them, so a renamed or removed output fails the program here, naming it,
    // before anything is created.
    for (const output of REQUIRED_OUTPUTS) {
        const details = await platform.getOutputDetails(output);
        if (details.value === undefined && details.secretValue === undefined) {
            throw new Error(`Required output '${output}' does not exist on stack '${platformStack}'.`);
        }
    }
    const teams = (await platform.getOutputValue("teams")) as Record<string, TeamPlacement>;
    const placement = teams[team];
    if (placement === undefined) {
        throw new Error(
            `The platform stack '${platformStack}' has no team '${team}' (it has: ${Object.keys(teams).join(", ")}): ` +
                `the platform team adds it under zero-downtime-eks:teams, which creates the namespace and the team's access.`,
        );
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
        namespace: placement.namespace,
        serviceAccount: name,
        policyArns: { s3read: "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess" },
        createServiceAccount: false,
    });

    const service = new ZeroDowntimeService(
        name,
        serviceArgs({
            name,
            namespace: placement.namespace,
            image: config.require("image"),
            port: config.requireNumber("port"),
            kubernetesVersion,
            mesh: gateway !== undefined,
            sidecarInboundDrainSeconds,
            exposure:
                gateway !== undefined
                    ? {
                          kind: "istio-gateway",
                          gateway,
                          ...(placement.hosts !== undefined ? { hosts: placement.hosts } : {}),
                          ...(placement.pathPrefix !== undefined ? { pathPrefix: placement.pathPrefix } : {}),
                      }
                    : { kind: "alb", scheme: "internet-facing" },
            serviceAccount: { name, roleArn: role.roleArn },
            // The platform's NodePool: its label, and a toleration of the taint that keeps other pods off it.
            ...(nodePool !== undefined ? nodePoolPlacement(nodePool) : {}),
        }),
        { provider },
    );

    // Without the mesh, the service's own ALB (never the platform app's); behind it, the team's own host
    // (its DNS record points at the platform's entrypoint) or else the entrypoint, at the service's path.
    const ownHost = service.route?.hosts.find((h) => !h.startsWith("*"));
    const url =
        service.ingress !== undefined
            ? service.ingress.status.loadBalancer.ingress.apply((ingress) => `http://${ingress[0]?.hostname ?? ""}/`)
            : pulumi.interpolate`http://${ownHost ?? platform.requireOutput("ingressHost")}${service.route?.pathPrefix ?? "/"}`;

    return { namespace: service.namespace, roleArn: role.roleArn, url };
};
