import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import * as k8s from "@pulumi/kubernetes";

/** Every control-plane log type EKS can ship to CloudWatch (docs.aws.amazon.com/eks/latest/userguide/control-plane-logs.html). */
export const CONTROL_PLANE_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"];

/** AWS managed policies a managed node's instance role needs (docs.aws.amazon.com/eks/latest/userguide/create-node-role.html). */
const NODE_POLICIES = [
    aws.iam.ManagedPolicy.AmazonEKSWorkerNodePolicy,
    aws.iam.ManagedPolicy.AmazonEKS_CNI_Policy,
    aws.iam.ManagedPolicy.AmazonEC2ContainerRegistryReadOnly,
];

export interface ClusterArgs {
    /** Physical EKS cluster name (unique per account and region: derived from project and stack). */
    clusterName: string;
    /** Kubernetes minor version, e.g. "1.34". */
    version: string;
    /** EC2 instance type of the managed nodes. */
    instanceType: string;
    /** Fewest nodes the node group may shrink to. */
    minSize: number;
    /** Nodes the node group starts with. */
    desiredSize: number;
    /** Most nodes the node group may grow to. */
    maxSize: number;
    /** CIDRs allowed to reach the public API endpoint. */
    publicAccessCidrs: string[];
    /** VPC the cluster lives in. */
    vpcId: pulumi.Input<string>;
    /** Public subnets, for internet-facing load balancers. */
    publicSubnetIds: pulumi.Input<string[]>;
    /** Private subnets, for nodes and pods. */
    privateSubnetIds: pulumi.Input<string[]>;
    /** Tags for every taggable resource. */
    tags: Record<string, string>;
}

/**
 * An EKS cluster with an IRSA OIDC provider, KMS-encrypted secrets, control-plane logs, access
 * entries auth, and one managed node group in the private subnets; exposes a Kubernetes provider.
 */
export class Cluster extends pulumi.ComponentResource {
    /** Physical cluster name. */
    readonly clusterName: pulumi.Output<string>;
    /** Kubeconfig (JSON) that authenticates with the caller's AWS credentials; secret. */
    readonly kubeconfig: pulumi.Output<string>;
    /** ARN of the IAM OIDC provider, the federated principal for IRSA roles. */
    readonly oidcProviderArn: pulumi.Output<string>;
    /** Issuer URL of the OIDC provider without `https://`, the prefix of IRSA condition keys. */
    readonly oidcProviderUrl: pulumi.Output<string>;
    /** Security group EKS attaches to managed nodes (the EKS-created cluster security group). */
    readonly nodeSecurityGroupId: pulumi.Output<string>;
    /** The managed node group: Kubernetes workloads wait for it. */
    readonly nodeGroup: eks.ManagedNodeGroup;
    /** Provider for Kubernetes resources in this cluster. */
    readonly provider: k8s.Provider;

    constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("zero-downtime-eks:cluster:Cluster", name, {}, opts);

        const secretsKey = new aws.kms.Key(
            `${name}-secrets`,
            {
                description: `Envelope encryption of Kubernetes secrets in EKS cluster ${args.clusterName}`,
                enableKeyRotation: true,
                tags: args.tags,
            },
            { parent: this },
        );

        const nodeRole = new aws.iam.Role(
            `${name}-node-role`,
            {
                assumeRolePolicy: aws.iam.assumeRolePolicyForPrincipal({ Service: "ec2.amazonaws.com" }),
                tags: args.tags,
            },
            { parent: this },
        );
        NODE_POLICIES.forEach(
            (policyArn, i) =>
                new aws.iam.RolePolicyAttachment(`${name}-node-policy-${i}`, { role: nodeRole.name, policyArn }, { parent: this }),
        );

        const cluster = new eks.Cluster(
            `${name}-eks`,
            {
                name: args.clusterName,
                version: args.version,
                vpcId: args.vpcId,
                publicSubnetIds: args.publicSubnetIds,
                privateSubnetIds: args.privateSubnetIds,
                // Access entries instead of the deprecated aws-auth ConfigMap; managed node groups get theirs from EKS.
                authenticationMode: eks.AuthenticationMode.Api,
                createOidcProvider: true,
                skipDefaultNodeGroup: true,
                // Managed nodes use the EKS-created cluster security group, so pulumi-eks's own groups would sit unused.
                skipDefaultSecurityGroups: true,
                nodeAssociatePublicIpAddress: false,
                endpointPrivateAccess: true,
                endpointPublicAccess: true,
                publicAccessCidrs: args.publicAccessCidrs,
                encryptionConfigKeyArn: secretsKey.arn,
                enabledClusterLogTypes: CONTROL_PLANE_LOG_TYPES,
                tags: args.tags,
            },
            { parent: this },
        );

        this.nodeGroup = new eks.ManagedNodeGroup(
            `${name}-nodes`,
            {
                cluster,
                nodeRole,
                instanceTypes: [args.instanceType],
                subnetIds: args.privateSubnetIds,
                scalingConfig: { minSize: args.minSize, desiredSize: args.desiredSize, maxSize: args.maxSize },
                // IMDSv2 only, hop limit 2 so pods on the node network can still reach it (pulumi-eks nodegroup.ts).
                enableIMDSv2: true,
                tags: args.tags,
            },
            { parent: this },
        );

        // The kubeconfig embeds no credentials (it runs `aws eks get-token`), but it names the
        // endpoint; keep it secret so it never lands in logs or plain state.
        this.kubeconfig = pulumi.secret(cluster.kubeconfigJson);
        this.provider = new k8s.Provider(
            `${name}-k8s`,
            {
                kubeconfig: this.kubeconfig,
                // Server-side apply: field ownership shared cleanly with controllers (HPA owns replicas).
                enableServerSideApply: true,
            },
            { parent: this },
        );

        this.clusterName = pulumi.output(cluster.eksCluster).apply((c) => c.name);
        this.oidcProviderArn = cluster.oidcProviderArn;
        this.oidcProviderUrl = cluster.oidcProviderUrl;
        this.nodeSecurityGroupId = pulumi.output(cluster.eksCluster).apply((c) => c.vpcConfig.clusterSecurityGroupId);
        this.registerOutputs({
            clusterName: this.clusterName,
            kubeconfig: this.kubeconfig,
            oidcProviderArn: this.oidcProviderArn,
            oidcProviderUrl: this.oidcProviderUrl,
            nodeSecurityGroupId: this.nodeSecurityGroupId,
        });
    }
}
