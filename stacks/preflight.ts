// What settings cannot see offline: who runs this `pulumi up`, and what a previous `up` left in the
// account. Read-only lookups, run at preview and at up before anything is created (index.ts makes
// the stack's AWS provider wait for them); a problem fails the deployment with the same report as
// bad settings. Two defects need them:
//
// - The principal that creates the cluster is its admin already: pulumi-eks always creates it with
//   bootstrapClusterCreatorAdminPermissions true (nodejs/eks/cluster/cluster.ts, v4.3.0; not
//   overridable, pulumi-eks#2373), and EKS refuses a second access entry for that principal
//   (CreateAccessEntry: 409 ResourceInUseException), half-way through the first `up`.
// - `network.cidrBlock` and `network.availabilityZoneCount` are create-only (stacks/create-only.ts):
//   changed on a deployed stack, awsx re-lays every subnet and EKS refuses the result.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { samePrincipal } from "../components/cluster-access";
import { subnetLayout } from "../components/network-layout";
import { subnetTags } from "../components/network";
import { CREATE_ONLY_KEYS } from "./create-only";
import type { Settings } from "./settings";
import { Problem, SettingsError, show } from "./validate";

/**
 * The refusal, as a RunError (printed without a stack trace) whose message and stack stay the
 * report. The same rejection reaches every resource and lookup that waits for the stack's provider:
 * the SDK prefixes the message of an error it rethrows from an input's serialization, in place, once
 * per property on the way (`error serializing property "region": …`, @pulumi/pulumi
 * runtime/rpc.js), and logs a lookup's failed arguments with the error's stack (runtime/invoke.js).
 */
export class PreflightError extends pulumi.RunError {
    constructor(report: string) {
        super(report);
        for (const property of ["message", "stack"]) {
            Object.defineProperty(this, property, { get: () => report, set: () => undefined, configurable: true });
        }
    }
}

/** What the lookups found. */
export interface DeployedState {
    /** The caller (STS GetCallerIdentity). */
    callerArn: string;
    /** The IAM role or user behind it (an assumed role's session mapped to its role, with the role's path). */
    principalArn: string;
    /** Whether the region already has an EKS cluster of the stack's name. */
    clusterExists: boolean;
    /** The stack's private subnets already in the account (tagged for its cluster and internal load balancers). */
    privateSubnetIds: string[];
    /** Those of them whose CIDR is one this configuration lays out. */
    privateSubnetIdsInLayout: string[];
}

/** The private subnets' CIDRs the configured network lays out (components/network-layout.ts). */
export function privateSubnetCidrs(network: Settings["network"]): string[] {
    return subnetLayout("", network.cidrBlock, network.availabilityZoneCount)
        .filter((s) => s.type === "Private")
        .map((s) => s.cidrBlock);
}

/** The configuration problems the deployed state reveals, every one at once. Pure. */
export function preflightProblems(settings: Settings, deployed: DeployedState): Problem[] {
    const key = (k: string) => `${settings.project}:${k}`;
    const problems: Problem[] = [];
    if (!deployed.clusterExists) {
        settings.cluster.access.forEach((grant, i) => {
            if (samePrincipal(grant.principalArn, deployed.principalArn)) {
                const via = deployed.callerArn === deployed.principalArn ? "" : ` as ${deployed.callerArn}`;
                problems.push({
                    key: key(`cluster.access[${i}].principalArn`),
                    given: `${show(grant.principalArn)}, the principal running this deployment (${deployed.principalArn}${via}), which will create cluster ${settings.cluster.name}`,
                    expected:
                        "no access entry for the cluster's creator: EKS makes it a cluster admin by itself (pulumi-eks always sets bootstrapClusterCreatorAdminPermissions, pulumi-eks#2373) and refuses a second entry for it (CreateAccessEntry 409 ResourceInUseException); remove this entry, or create the cluster as another principal",
                });
            }
        });
    }
    const deployedAzs = deployed.privateSubnetIds.length;
    if (deployedAzs > 0 && deployedAzs !== settings.network.availabilityZoneCount) {
        problems.push({
            key: key("network.availabilityZoneCount"),
            given: `${settings.network.availabilityZoneCount}, but the stack's VPC already has private subnets in ${deployedAzs} AZs`,
            expected: `${deployedAzs}, the count the stack was created with: it is create-only, changing it ${CREATE_ONLY_KEYS["network.availabilityZoneCount"]}`,
        });
    } else if (deployedAzs > 0 && deployed.privateSubnetIdsInLayout.length !== deployedAzs) {
        problems.push({
            key: key("network.cidrBlock"),
            given: `${show(settings.network.cidrBlock)}, whose private subnets would be ${privateSubnetCidrs(settings.network).join(", ")}, but the stack's private subnets have other ranges`,
            expected: `the CIDR block the stack was created with: it is create-only, changing it ${CREATE_ONLY_KEYS["network.cidrBlock"]}`,
        });
    }
    return problems;
}

/**
 * Looks the deployed state up through `provider` (the credentials and region the stack deploys
 * with) and resolves once it holds no problem; otherwise rejects with the settings report
 * (a RunError: printed without a stack trace).
 */
export function preflight(settings: Settings, provider: aws.Provider): pulumi.Output<void> {
    const opts = { provider };
    const caller = aws.getCallerIdentityOutput({}, opts);
    // terraform-provider-aws internal/service/iam/session_context_data_source.go: an assumed-role
    // session ARN becomes its role's ARN (looked up with iam:GetRole, so with the role's path); the
    // same data source terraform-aws-modules/terraform-aws-eks uses for the creator's access entry.
    const session = aws.iam.getSessionContextOutput({ arn: caller.arn }, opts);
    const clusters = aws.eks.getClustersOutput({}, opts);
    // The stack's private subnets carry its cluster's tags (components/network.ts subnetTags).
    const tags = subnetTags("private", settings.cluster.name);
    const roleTag = "kubernetes.io/role/internal-elb";
    const clusterTag = `kubernetes.io/cluster/${settings.cluster.name}`;
    const mine = { [clusterTag]: tags[clusterTag], [roleTag]: tags[roleTag] };
    const privateSubnets = aws.ec2.getSubnetsOutput({ tags: mine }, opts);
    // ec2:DescribeSubnets filter `cidr-block` matches a subnet's exact CIDR (EC2 API reference, DescribeSubnets).
    const inLayout = aws.ec2.getSubnetsOutput(
        { tags: mine, filters: [{ name: "cidr-block", values: privateSubnetCidrs(settings.network) }] },
        opts,
    );
    return pulumi
        .all([caller.arn, session.issuerArn, clusters.names, privateSubnets.ids, inLayout.ids])
        .apply(([callerArn, principalArn, names, privateSubnetIds, privateSubnetIdsInLayout]) => {
            const problems = preflightProblems(settings, {
                callerArn,
                principalArn,
                clusterExists: names.includes(settings.cluster.name),
                privateSubnetIds,
                privateSubnetIdsInLayout,
            });
            if (problems.length > 0) {
                throw new PreflightError(`${new SettingsError(problems).message}\n(found in the AWS account before anything was created)`);
            }
        });
}
