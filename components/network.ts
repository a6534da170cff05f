import * as pulumi from "@pulumi/pulumi";
// The ec2 module of awsx only: its package root also loads awsx's ECS, load balancer and classic
// modules and the AWS SDK's ECS client (about 0.4 s at every start), which this program never uses.
import * as awsxEc2 from "@pulumi/awsx/ec2";
import type * as awsxTypes from "@pulumi/awsx/types";
import { awsProviderOf } from "./providers";
import type { NatGatewayMode } from "./choices";

/** The subnet roles the AWS Load Balancer Controller discovers subnets by. */
export type SubnetRole = "public" | "private";

/**
 * Tags the AWS Load Balancer Controller reads to pick subnets: `elb` for internet-facing load
 * balancers, `internal-elb` for internal ones, and the cluster tag (seed 004: without these the
 * controller finds no subnets). kubernetes-sigs/aws-load-balancer-controller docs/deploy/subnet_discovery.md
 */
/** Tag Karpenter's EC2NodeClass selects subnets and security groups by (Karpenter getting-started, "discovery"). */
export const KARPENTER_DISCOVERY_TAG = "karpenter.sh/discovery";

export function subnetTags(role: SubnetRole, clusterName: string): Record<string, string> {
    const roleTag = role === "public" ? "kubernetes.io/role/elb" : "kubernetes.io/role/internal-elb";
    // Private subnets also carry Karpenter's discovery tag: its EC2NodeClass launches nodes only in
    // subnets that have it (addons/karpenter.ts). The tag alone grants nothing when Karpenter is off.
    const discovery: Record<string, string> = role === "private" ? { [KARPENTER_DISCOVERY_TAG]: clusterName } : {};
    return { [roleTag]: "1", [`kubernetes.io/cluster/${clusterName}`]: "shared", ...discovery };
}

/** Every NAT mode mapped, so a new mode cannot fall through to the wrong strategy. */
const NAT_STRATEGY: Record<NatGatewayMode, awsxTypes.enums.ec2.NatGatewayStrategy> = {
    single: awsxEc2.NatGatewayStrategy.Single,
    onePerAz: awsxEc2.NatGatewayStrategy.OnePerAz,
};

export interface NetworkArgs {
    /** Name of the EKS cluster that will use the subnets; goes into the cluster subnet tag. */
    clusterName: string;
    /** IPv4 CIDR block of the VPC. */
    cidrBlock: string;
    /** How many availability zones get a public and a private subnet. */
    availabilityZoneCount: number;
    /** `single`: one NAT gateway for the VPC; `onePerAz`: one per availability zone. */
    natGateways: NatGatewayMode;
    /** Tags for every taggable resource. */
    tags: Record<string, string>;
}

/** A VPC with public and private subnets per AZ, tagged for the AWS Load Balancer Controller. */
export class Network extends pulumi.ComponentResource {
    /** ID of the VPC. */
    readonly vpcId: pulumi.Output<string>;
    /** Public subnets: internet-facing load balancers and NAT gateways. */
    readonly publicSubnetIds: pulumi.Output<string[]>;
    /** Private subnets: nodes, pods and internal load balancers. */
    readonly privateSubnetIds: pulumi.Output<string[]>;

    constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        super("zero-downtime-eks:network:Network", name, {}, opts);

        const vpc = new awsxEc2.Vpc(
            `${name}-vpc`,
            {
                cidrBlock: args.cidrBlock,
                numberOfAvailabilityZones: args.availabilityZoneCount,
                // EKS requires DNS hostnames and resolution in the VPC (docs.aws.amazon.com/eks/latest/userguide/network-reqs.html).
                enableDnsHostnames: true,
                enableDnsSupport: true,
                subnetStrategy: awsxEc2.SubnetAllocationStrategy.Auto,
                natGateways: { strategy: NAT_STRATEGY[args.natGateways] },
                subnetSpecs: [
                    { type: awsxEc2.SubnetType.Public, tags: { ...args.tags, ...subnetTags("public", args.clusterName) } },
                    { type: awsxEc2.SubnetType.Private, tags: { ...args.tags, ...subnetTags("private", args.clusterName) } },
                ],
                tags: args.tags,
            },
            // A remote component: it gets the stack's AWS provider only when handed it (providers.ts).
            { parent: this, ...awsProviderOf(this) },
        );

        this.vpcId = vpc.vpcId;
        this.publicSubnetIds = vpc.publicSubnetIds;
        this.privateSubnetIds = vpc.privateSubnetIds;
        this.registerOutputs({ vpcId: this.vpcId, publicSubnetIds: this.publicSubnetIds, privateSubnetIds: this.privateSubnetIds });
    }
}
