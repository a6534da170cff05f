// Day 2 under the engine: what a `pulumi up` would replace when a stack's configuration changes,
// from two synths of the same stack (before and after the change). The remote components are one
// resource each under mocks; here they are opened into the AWS resources their sources create from
// the same inputs (the ones a change can replace), so the plan covers the VPC, the subnets, the
// cluster and the node group too. The rules of replacement are rules/replacement.ts.
import { subnetLayout } from "../components/network-layout";
import { Plan, PlanResource, planUpdate } from "../rules/replacement";
import { RecordedResource, SynthResult, mockState } from "./engine";

/** The resource types whose replacement is never a routine `pulumi up` (docs/configuration.md, create-only keys). */
export const CRITICAL_TYPES = ["aws:ec2/vpc:Vpc", "aws:ec2/subnet:Subnet", "aws:eks/cluster:Cluster", "aws:eks/nodeGroup:NodeGroup"];

/** What AWS refuses although the provider would try it as an update. */
export interface Refusal {
    name: string;
    reason: string;
}

export interface Day2 extends Plan {
    refusals: Refusal[];
    /** Critical resources replaced (CRITICAL_TYPES), as `type name`. */
    critical: string[];
}

/** Strings in a mocked state that the program did not give: the IDs, ARNs and names AWS computes. */
function computedTokens(state: unknown, inputs: unknown): string[] {
    const given = new Set<string>();
    const collect = (v: unknown, into: Set<string>) => {
        if (typeof v === "string") {
            into.add(v);
        } else if (typeof v === "object" && v !== null) {
            Object.values(v).forEach((x) => collect(x, into));
        }
    };
    collect(inputs, given);
    const all = new Set<string>();
    collect(state, all);
    return [...all].filter((s) => !given.has(s) && s.length >= 8);
}

/** The mock ID the engine gives every custom resource (synth/engine.ts newResource). */
function mockId(name: string): string {
    return `${name}-id`;
}

function direct(r: RecordedResource, region: string): PlanResource {
    return {
        type: r.type,
        name: r.name,
        inputs: r.inputs,
        ...(r.deleteBeforeReplace ? { deleteBeforeReplace: true } : {}),
        tokens: [mockId(r.name), ...computedTokens(mockState(r.type, r.name, r.inputs, region), r.inputs)],
    };
}

type Inputs = Record<string, unknown>;

/**
 * awsx:ec2:Vpc: the VPC and its subnets (pulumi-awsx awsx/ec2/vpc.ts at v3.8.0, identical at e60adf3c:
 * `new aws.ec2.Vpc(name, { cidrBlock, … })`, then per AZ and spec `new aws.ec2.Subnet(spec.resourceName,
 * { vpcId, availabilityZone, mapPublicIpOnLaunch, cidrBlock, tags })`, neither with deleteBeforeReplace).
 * AZs are the region's first N, so an index names the same AZ before and after. Route tables, NAT
 * gateways and their EIPs follow their subnet and are not modelled.
 */
function openVpc(r: RecordedResource, region: string): PlanResource[] {
    const state = mockState(r.type, r.name, r.inputs, region) as {
        vpcId: string;
        publicSubnets: { id: string }[];
        privateSubnets: { id: string }[];
    };
    const specs = r.inputs.subnetSpecs as { type: string; tags: Inputs }[];
    const subnets = subnetLayout(r.name, String(r.inputs.cidrBlock), Number(r.inputs.numberOfAvailabilityZones)).map((s) => ({
        type: "aws:ec2/subnet:Subnet",
        name: s.resourceName,
        inputs: {
            vpcId: state.vpcId,
            availabilityZone: `${region}#${s.azIndex}`,
            cidrBlock: s.cidrBlock,
            mapPublicIpOnLaunch: s.type === "Public",
            tags: specs.find((spec) => spec.type === s.type)?.tags ?? {},
        },
        tokens: [(s.type === "Public" ? state.publicSubnets : state.privateSubnets)[s.azIndex].id],
    }));
    const vpc = {
        type: "aws:ec2/vpc:Vpc",
        name: r.name,
        inputs: {
            cidrBlock: r.inputs.cidrBlock,
            enableDnsHostnames: r.inputs.enableDnsHostnames,
            enableDnsSupport: r.inputs.enableDnsSupport,
        },
        tokens: [state.vpcId],
    };
    return [vpc, ...subnets];
}

const sorted = (v: unknown) => (Array.isArray(v) ? [...(v as string[])].sort() : v);

/**
 * eks:index:Cluster: the EKS cluster and the two add-ons it creates (pulumi-eks v4.3.0
 * nodejs/eks/cluster/cluster.ts: `new aws.eks.Cluster(`${name}-eksCluster`, { name, roleArn, vpcConfig:
 * { subnetIds: public + private, endpoint access, publicAccessCidrs }, version, enabledClusterLogTypes,
 * encryptionConfig, accessConfig: { authenticationMode, bootstrapClusterCreatorAdminPermissions: true } })`,
 * no deleteBeforeReplace; kube-proxy and vpc-cni as aws.eks.Addon). Its service role and OIDC provider
 * depend on nothing a stack configures and are not modelled.
 */
function openCluster(r: RecordedResource, region: string): PlanResource[] {
    const state = mockState(r.type, r.name, r.inputs, region) as {
        eksCluster: { arn: string; endpoint: string };
        clusterSecurityGroupId: string;
        oidcIssuer: string;
    };
    const i = r.inputs as Inputs & { kubeProxyAddonOptions?: Inputs; vpcCniOptions?: Inputs };
    const cluster = {
        type: "aws:eks/cluster:Cluster",
        name: `${r.name}-eksCluster`,
        inputs: {
            name: i.name,
            version: i.version,
            vpcConfig: {
                subnetIds: sorted([...((i.publicSubnetIds as string[]) ?? []), ...((i.privateSubnetIds as string[]) ?? [])]),
                endpointPrivateAccess: i.endpointPrivateAccess,
                endpointPublicAccess: i.endpointPublicAccess,
                publicAccessCidrs: sorted(i.publicAccessCidrs),
            },
            enabledClusterLogTypes: sorted(i.enabledClusterLogTypes),
            encryptionConfig: { provider: { keyArn: i.encryptionConfigKeyArn }, resources: ["secrets"] },
            accessConfig: { authenticationMode: i.authenticationMode, bootstrapClusterCreatorAdminPermissions: true },
        },
        tokens: [state.clusterSecurityGroupId, state.oidcIssuer.slice(state.oidcIssuer.lastIndexOf("/") + 1), state.eksCluster.endpoint],
    };
    const addon = (addonName: string, version: unknown) => ({
        type: "aws:eks/addon:Addon",
        name: `${r.name}-${addonName}`,
        inputs: { clusterName: i.name, addonName, addonVersion: version },
        tokens: [],
    });
    return [cluster, addon("kube-proxy", i.kubeProxyAddonOptions?.version), addon("vpc-cni", i.vpcCniOptions?.addonVersion)];
}

/**
 * eks:index:ManagedNodeGroup: the EKS node group (pulumi-eks v4.3.0 nodejs/eks/nodes/nodegroup.ts:
 * `new aws.eks.NodeGroup(name, { ...args, amiType, clusterName, nodeRoleArn, scalingConfig, subnetIds,
 * launchTemplate })`; nodeGroupName left to Pulumi's autonaming).
 */
function openNodeGroup(r: RecordedResource, result: SynthResult, region: string): PlanResource[] {
    const byName = (name: unknown) => result.resources.find((x) => x.name === name);
    const cluster = byName(r.inputs.cluster);
    const role = byName(r.inputs.nodeRole);
    const state = mockState(r.type, r.name, r.inputs, region) as { nodeGroup: { arn: string } };
    const roleArn = role ? (mockState(role.type, role.name, role.inputs, region) as { arn: string }).arn : r.inputs.nodeRole;
    return [
        {
            type: "aws:eks/nodeGroup:NodeGroup",
            name: r.name,
            inputs: {
                clusterName: cluster?.inputs.name,
                nodeRoleArn: roleArn,
                subnetIds: sorted(r.inputs.subnetIds),
                instanceTypes: r.inputs.instanceTypes,
                amiType: r.inputs.amiType,
                launchTemplate: r.inputs.launchTemplate,
                scalingConfig: r.inputs.scalingConfig,
                version: r.inputs.version,
            },
            tokens: [state.nodeGroup.arn],
        },
    ];
}

/** Every AWS resource a synth stands for, the remote components opened, in the plan's terms. */
export function physicalResources(result: SynthResult): PlanResource[] {
    const region = String(result.outputs.region);
    return result.resources.flatMap((r) => {
        switch (r.type) {
            case "awsx:ec2:Vpc":
                return openVpc(r, region);
            case "eks:index:Cluster":
                return openCluster(r, region);
            case "eks:index:ManagedNodeGroup":
                return openNodeGroup(r, result, region);
            default:
                // AWS resources only: providers, components and Kubernetes objects follow other rules.
                return r.type.startsWith("aws:") ? [direct(r, region)] : [];
        }
    });
}

/**
 * EKS refuses cluster subnets outside the AZs the cluster was created with, or in another VPC
 * (EKS user guide, network-reqs.adoc: "All subnets that you add must be in the same set of AZs as
 * originally provided when you created the cluster"; API reference, UpdateClusterConfig: "the subnets
 * must be in the same VPC as the subnets that the cluster was created with").
 */
function clusterSubnetRefusals(before: PlanResource[], after: PlanResource[], plan: Plan): Refusal[] {
    const subnetOf = (rs: PlanResource[], token: string) => rs.find((r) => r.type === "aws:ec2/subnet:Subnet" && r.tokens.includes(token));
    const vpcReplaced = plan.replaces.some((r) => r.type === "aws:ec2/vpc:Vpc");
    const refusals: Refusal[] = [];
    for (const now of after.filter((r) => r.type === "aws:eks/cluster:Cluster")) {
        const was = before.find((r) => r.type === now.type && r.name === now.name);
        if (was === undefined || plan.replaces.some((r) => r.type === now.type && r.name === now.name)) {
            continue;
        }
        const azs = (rs: PlanResource[], c: PlanResource) =>
            new Set(((c.inputs.vpcConfig as Inputs).subnetIds as string[]).map((id) => String(subnetOf(rs, id)?.inputs.availabilityZone)));
        const [old, next] = [azs(before, was), azs(after, now)];
        if (old.size !== next.size || [...old].some((az) => !next.has(az))) {
            refusals.push({
                name: now.name,
                reason: `EKS refuses cluster subnets outside the AZs it was created with (${[...old].sort().join(", ")} → ${[...next].sort().join(", ")})`,
            });
        } else if (vpcReplaced) {
            refusals.push({ name: now.name, reason: "EKS refuses cluster subnets from another VPC (UpdateClusterConfig)" });
        }
    }
    return refusals;
}

/** What a `pulumi up` from the `before` synth to the `after` synth creates, updates, replaces and meets. */
export function dayTwo(before: SynthResult, after: SynthResult): Day2 {
    const [was, now] = [physicalResources(before), physicalResources(after)];
    const plan = planUpdate(was, now);
    const refusals = clusterSubnetRefusals(was, now, plan);
    const critical = plan.replaces.filter((r) => CRITICAL_TYPES.includes(r.type)).map((r) => `${r.type} ${r.name}`);
    return { ...plan, refusals, critical };
}
