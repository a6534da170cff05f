// The configuration keys a deployed stack cannot change by a routine `pulumi up`: changing one
// replaces the VPC, its subnets, the EKS cluster or its node group, or makes AWS refuse the update.
// Settings see only the new configuration, so they cannot refuse a change by themselves: the
// configuration reference (docs/configuration.md, generated) marks these keys, test/synth/day2.test.ts holds this list to what a change of
// each key really replaces (synth/day2.ts), and stacks/preflight.ts refuses the network ones at
// `pulumi preview`/`up` by comparing them with the subnets the stack already has in the account.

/** Section-relative key (`network.cidrBlock`) → what changing it does on a deployed stack. */
export const CREATE_ONLY_KEYS: Readonly<Record<string, string>> = {
    "network.cidrBlock":
        "replaces the VPC and every subnet, and EKS refuses to move the cluster to subnets of another VPC (UpdateClusterConfig)",
    "network.availabilityZoneCount":
        "re-splits the VPC's range, so every subnet is replaced (CreateSubnet refuses the new, overlapping ranges while the old ones exist), and EKS refuses cluster subnets outside the AZs it was created with",
    "cluster.name": "replaces the EKS cluster (a new, empty cluster: every workload, access entry and add-on with it)",
    "cluster.instanceType":
        "replaces the managed node group (instance_types is ForceNew): a new group joins, then the old one drains and goes",
};
