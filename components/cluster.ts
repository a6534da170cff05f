import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import * as k8s from "@pulumi/kubernetes";
import { AccessGrant, accessPolicyArn, principalSlug } from "./cluster-access";
import { awsProviderOf } from "./providers";

export { AccessGrant };

/** Every control-plane log type EKS can ship to CloudWatch (docs.aws.amazon.com/eks/latest/userguide/control-plane-logs.html). */
export const CONTROL_PLANE_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"];

/** AWS managed policies a managed node's instance role needs (docs.aws.amazon.com/eks/latest/userguide/create-node-role.html). */
const NODE_POLICIES = [
    aws.iam.ManagedPolicy.AmazonEKSWorkerNodePolicy,
    aws.iam.ManagedPolicy.AmazonEKS_CNI_Policy,
    aws.iam.ManagedPolicy.AmazonEC2ContainerRegistryReadOnly,
];

/** The log group EKS writes control-plane logs to (docs.aws.amazon.com/eks/latest/userguide/control-plane-logs.html). */
export function controlPlaneLogGroupName(clusterName: string): string {
    return `/aws/eks/${clusterName}/cluster`;
}

/**
 * The root volume of every node: AL2023's root device (EKS optimized AMIs: /dev/xvda), gp3,
 * encrypted, and gone with the instance so no volume outlives a node.
 */
const ROOT_VOLUME_GIB = 20;

export interface ClusterArgs {
    /** Physical EKS cluster name (unique per account and region: derived from project and stack). */
    clusterName: string;
    /** Kubernetes minor version, e.g. "1.36"; components/versions.ts says which are accepted. */
    version: string;
    /** EC2 instance type of the managed nodes. */
    instanceType: string;
    /** Fewest nodes the node group may shrink to. */
    minSize: number;
    /** Nodes the node group runs: nothing scales it, so this is the capacity the pods get. */
    desiredSize: number;
    /** Most nodes the node group may grow to. */
    maxSize: number;
    /** CIDRs allowed to reach the public API endpoint. */
    publicAccessCidrs: string[];
    /** IAM principals given Kubernetes access besides the one that creates the cluster. */
    access: AccessGrant[];
    /** Days CloudWatch keeps the control-plane logs (a PutRetentionPolicy value). */
    logRetentionDays: number;
    /** Protect the stateful pieces (cluster, secrets key, log group) from deletion. */
    protect: boolean;
    /** VPC the cluster lives in. */
    vpcId: pulumi.Input<string>;
    /** Public subnets, for internet-facing load balancers. */
    publicSubnetIds: pulumi.Input<string[]>;
    /** Private subnets, for nodes and pods. */
    privateSubnetIds: pulumi.Input<string[]>;
    /** Tags for every taggable resource, the nodes' instances and volumes included. */
    tags: Record<string, string>;
}

/**
 * An EKS cluster with an IRSA OIDC provider, KMS-encrypted secrets, control-plane logs with a
 * retention, access entries, one managed node group in the private subnets (IMDSv2, hop limit 1)
 * and the EKS add-ons; exposes a Kubernetes provider.
 */
export class Cluster extends pulumi.ComponentResource {
    /** Physical cluster name. */
    readonly clusterName: pulumi.Output<string>;
    /** Kubeconfig (JSON) that authenticates with the caller's AWS credentials; embeds no credentials, so not secret. */
    readonly kubeconfig: pulumi.Output<string>;
    /** ARN of the IAM OIDC provider, the federated principal for IRSA roles. */
    readonly oidcProviderArn: pulumi.Output<string>;
    /**
     * Issuer of the OIDC provider without `https://`, the prefix of IRSA condition keys. From
     * pulumi-eks's `oidcIssuer` (its `oidcProviderUrl` keeps the scheme: nodejs/eks/cluster/cluster.ts, v4.3.0).
     */
    readonly oidcIssuer: pulumi.Output<string>;
    /** Security group EKS attaches to managed nodes (the EKS-created cluster security group). */
    readonly nodeSecurityGroupId: pulumi.Output<string>;
    /** The managed node group: Kubernetes workloads wait for it. */
    readonly nodeGroup: eks.ManagedNodeGroup;
    /** CoreDNS as an EKS add-on: in-cluster DNS, so workloads wait for it as well. */
    readonly coreDns: aws.eks.Addon;
    /** Provider for Kubernetes resources in this cluster. */
    readonly provider: k8s.Provider;

    constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("zero-downtime-eks:cluster:Cluster", name, {}, opts);
        // Stateful in prod: the cluster holds every team's Kubernetes objects, the key decrypts its
        // secrets (deleting it makes any copy of them unreadable), and the log group is the audit trail.
        const stateful = { parent: this, protect: args.protect };

        const secretsKey = new aws.kms.Key(
            `${name}-secrets`,
            {
                description: `Envelope encryption of Kubernetes secrets in EKS cluster ${args.clusterName}`,
                enableKeyRotation: true,
                tags: args.tags,
            },
            stateful,
        );

        // EKS creates this log group on first write, with no retention, and `destroy` never deletes
        // it; created here first, it has a retention and leaves with the stack.
        const logGroup = new aws.cloudwatch.LogGroup(
            `${name}-control-plane-logs`,
            { name: controlPlaneLogGroupName(args.clusterName), retentionInDays: args.logRetentionDays, tags: args.tags },
            stateful,
        );

        const nodeRole = new aws.iam.Role(
            `${name}-node-role`,
            {
                assumeRolePolicy: aws.iam.assumeRolePolicyForPrincipal({ Service: "ec2.amazonaws.com" }),
                tags: args.tags,
            },
            { parent: this },
        );
        const nodePolicies = NODE_POLICIES.map((policyArn, i) => {
            const policyName = policyArn.slice(policyArn.lastIndexOf("/") + 1);
            return new aws.iam.RolePolicyAttachment(
                `${name}-node-${policyName}`,
                { role: nodeRole.name, policyArn },
                // Named by the policy, not the list index; the alias keeps existing stacks' attachments in place.
                { parent: this, aliases: [{ name: `${name}-node-policy-${i}` }] },
            );
        });

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
                // pulumi-eks creates kube-proxy and vpc-cni as EKS add-ons by default, at the most recent
                // version (cluster.ts, v4.3.0); pin them to EKS's default for this Kubernetes version so
                // a `pulumi up` changes them only when the cluster version changes.
                kubeProxyAddonOptions: { enabled: true, version: addonVersion("kube-proxy", args.version, this) },
                vpcCniOptions: { addonVersion: addonVersion("vpc-cni", args.version, this) },
                tags: args.tags,
            },
            // The log group exists before the control plane first writes to it (or EKS creates its own, unmanaged).
            { ...stateful, ...awsProviderOf(this), dependsOn: [logGroup] },
        );

        // Hop limit 1: a pod (outside the host network) cannot reach the instance metadata service,
        // so it cannot take the node role's credentials (EKS best practices, security, "Restrict access
        // to the instance profile"). pulumi-eks's `enableIMDSv2` sets hop limit 2 (nodes/nodegroup.ts).
        // Nothing here needs IMDS from a pod: the controller gets region and VPC ID as values, IRSA
        // supplies credentials, and aws-node runs in the host network.
        const launchTemplate = new aws.ec2.LaunchTemplate(
            `${name}-nodes`,
            {
                description: `Managed nodes of EKS cluster ${args.clusterName}`,
                metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
                blockDeviceMappings: [
                    {
                        deviceName: "/dev/xvda",
                        ebs: { volumeSize: ROOT_VOLUME_GIB, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" },
                    },
                ],
                tagSpecifications: ["instance", "volume", "network-interface"].map((resourceType) => ({ resourceType, tags: args.tags })),
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
                // AL2023: EKS optimized AL2 AMIs end with Kubernetes 1.32 (EKS user guide, "AMI deprecation").
                amiType: "AL2023_x86_64_STANDARD",
                // With a launch template pulumi-eks leaves the version unset (nodes/nodegroup.ts), and the nodes
                // would keep their first version through cluster upgrades; named, they follow the control plane.
                version: args.version,
                subnetIds: args.privateSubnetIds,
                scalingConfig: { minSize: args.minSize, desiredSize: args.desiredSize, maxSize: args.maxSize },
                // A new template version (its latestVersion) rolls the nodes through EKS's managed update, PDBs honoured.
                launchTemplate: { id: launchTemplate.id, version: pulumi.interpolate`${launchTemplate.latestVersion}` },
                tags: args.tags,
            },
            // The role's policies are attached before the nodes join and detached only after the node
            // group is gone; without them nodes cannot join, and a destroy that detaches first strands
            // instances and ENIs (terraform-provider-aws eks_node_group docs, "depends_on").
            { parent: this, ...awsProviderOf(this), dependsOn: nodePolicies },
        );

        // CoreDNS is not created by pulumi-eks without a default node group (cluster.ts, v4.3.0), so the
        // self-managed copy EKS bootstraps would never be upgraded. As an add-on it follows the cluster
        // version; it waits for nodes because an add-on whose pods cannot schedule never turns ACTIVE.
        this.coreDns = new aws.eks.Addon(
            `${name}-coredns`,
            {
                clusterName: cluster.eksCluster.name,
                addonName: "coredns",
                addonVersion: addonVersion("coredns", args.version, this),
                // Take over the bootstrapped Deployment on create (CreateAddon: OVERWRITE), keep user edits on update.
                resolveConflictsOnCreate: "OVERWRITE",
                resolveConflictsOnUpdate: "PRESERVE",
                tags: args.tags,
            },
            // Pods need nodes to schedule on (see above).
            { parent: this, dependsOn: [this.nodeGroup] },
        );

        for (const grant of args.access) {
            const slug = principalSlug(grant.principalArn);
            const entry = new aws.eks.AccessEntry(
                `${name}-access-${slug}`,
                { clusterName: cluster.eksCluster.name, principalArn: grant.principalArn, type: "STANDARD", tags: args.tags },
                { parent: this },
            );
            const namespaces = grant.namespaces ?? [];
            new aws.eks.AccessPolicyAssociation(
                `${name}-access-${slug}-${grant.policy}`,
                {
                    clusterName: cluster.eksCluster.name,
                    principalArn: entry.principalArn,
                    policyArn: accessPolicyArn(grant.policy),
                    accessScope: namespaces.length > 0 ? { type: "namespace", namespaces } : { type: "cluster" },
                },
                // A new scope replaces the association (access_scope is ForceNew, there is no Update), but
                // its identity stays cluster#principal#policy: created first, the new one would be the old
                // one rewritten (AssociateAccessPolicy), then removed by the old one's delete
                // (DisassociateAccessPolicy), leaving the principal without access. Deleted first, the
                // principal lacks the policy only for the seconds between the two calls.
                // terraform-provider-aws internal/service/eks/access_policy_association.go; rules/replacement.ts.
                { parent: this, deleteBeforeReplace: true },
            );
        }

        // Not secret: it embeds no credentials (it runs `aws eks get-token` with the reader's own), only
        // the endpoint and the cluster's CA certificate. As a secret, a team's StackReference could read it
        // only with the platform's secrets provider (a shared passphrase decrypts every platform secret);
        // otherwise Pulumi elides it (pulumi/pulumi#19533) and the team's program finds no `kubeconfig`.
        this.kubeconfig = cluster.kubeconfigJson;
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
        this.oidcIssuer = cluster.oidcIssuer;
        this.nodeSecurityGroupId = pulumi.output(cluster.eksCluster).apply((c) => c.vpcConfig.clusterSecurityGroupId);
        this.registerOutputs({
            clusterName: this.clusterName,
            kubeconfig: this.kubeconfig,
            oidcProviderArn: this.oidcProviderArn,
            oidcIssuer: this.oidcIssuer,
            nodeSecurityGroupId: this.nodeSecurityGroupId,
        });
    }
}

/** EKS's default version of an add-on for a Kubernetes version (DescribeAddonVersions, `defaultVersion`). */
function addonVersion(addonName: string, kubernetesVersion: string, parent: pulumi.Resource): pulumi.Output<string> {
    return aws.eks.getAddonVersionOutput({ addonName, kubernetesVersion, mostRecent: false }, { parent }).version;
}
