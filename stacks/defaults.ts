// Every default of the program lives here, per environment. A stack file overrides any of them;
// nothing else in the code base supplies a fallback value.

export const ENVIRONMENTS = ["dev", "staging", "prod"] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

export const NAT_GATEWAY_MODES = ["single", "onePerAz"] as const;
export type NatGatewayMode = (typeof NAT_GATEWAY_MODES)[number];

export interface EnvironmentDefaults {
    network: {
        cidrBlock: string;
        availabilityZoneCount: number;
        natGateways: NatGatewayMode;
    };
    cluster: {
        version: string;
        instanceType: string;
        minSize: number;
        desiredSize: number;
        maxSize: number;
    };
}

const shared = {
    cidrBlock: "10.0.0.0/16",
    // EKS standard support for 1.34 runs to Dec 2026 (docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html).
    version: "1.34",
    // The seeds' clusters (001, 004) ran on m5.large: 2 vCPU, 8 GiB, 29 pods with the VPC CNI.
    instanceType: "m5.large",
};

export const DEFAULTS: Record<Environment, EnvironmentDefaults> = {
    dev: {
        // One NAT gateway: cheaper, and an AZ outage taking dev's egress down is acceptable.
        network: { cidrBlock: shared.cidrBlock, availabilityZoneCount: 2, natGateways: "single" },
        cluster: { version: shared.version, instanceType: shared.instanceType, minSize: 2, desiredSize: 2, maxSize: 4 },
    },
    staging: {
        network: { cidrBlock: shared.cidrBlock, availabilityZoneCount: 2, natGateways: "single" },
        cluster: { version: shared.version, instanceType: shared.instanceType, minSize: 2, desiredSize: 2, maxSize: 6 },
    },
    prod: {
        // A NAT gateway per AZ so one AZ failing does not cut the others' egress (ECR pulls, AWS APIs).
        network: { cidrBlock: shared.cidrBlock, availabilityZoneCount: 3, natGateways: "onePerAz" },
        // Three nodes so every AZ has one and zone topology spread can be satisfied.
        cluster: { version: shared.version, instanceType: shared.instanceType, minSize: 3, desiredSize: 3, maxSize: 12 },
    },
};
