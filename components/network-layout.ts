// The subnets awsx's Vpc lays out for this program's arguments (components/network.ts:
// subnetStrategy "Auto", subnetSpecs [Public, Private] with no cidrMask or size). awsx computes them
// inside its provider, where no test can see them; this replica lets the preflight compare them with
// what a previous `up` left in the account, and the day-2 model show which subnets a config change
// replaces. Pure: no Pulumi import.
//
// Source: pulumi-awsx awsx/ec2/subnetDistributorNew.ts (tag v3.8.0; identical at e60adf3c, the source
// line of the installed 3.9.0): allocateSubnetCidrBlocks gives each AZ a block of
// `vpc prefix + newBits(AZ count)` bits (newBits(n) = ceil(log2 n)), starting at the VPC's base, one
// after the other; inside it each spec, in order, a block of `AZ prefix + newBits(spec count)` bits.
// Subnets are named `<vpc name>-<type>-<AZ number>` whatever the tagging strategy (subnetNaming.ts
// subnetNames: `resourceName` is always the index-based name), and the AZs are the region's first N
// (vpc.ts getDefaultAzs: `result.names.slice(0, desiredCount)`). So the layout depends on the AZ
// count: 2 AZs of a /16 get /17 blocks and /18 subnets, 3 AZs /18 blocks and /19 subnets, and every
// subnet's CIDR (ForceNew on aws_subnet) changes with the count.

/** The subnet types this program asks awsx for, in the order of its subnetSpecs. */
export const SUBNET_TYPES = ["Public", "Private"] as const;
export type SubnetType = (typeof SUBNET_TYPES)[number];

/** One subnet as awsx would create it. */
export interface PlannedSubnet {
    /** The Pulumi resource name awsx gives it: `<vpc name>-<public|private>-<AZ number>`. */
    resourceName: string;
    type: SubnetType;
    /** Index of its AZ among the region's AZs, from 0. */
    azIndex: number;
    cidrBlock: string;
}

/** ceil(log2(count)): the bits that number `count` blocks (awsx subnetDistributorNew.ts newBits). */
function newBits(count: number): number {
    return count === 0 ? 0 : Math.ceil(Math.log2(count));
}

function toAddress(ip: string): number {
    return ip.split(".").reduce((acc, octet) => acc * 256 + Number(octet), 0);
}

function toIp(address: number): string {
    return [24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256).join(".");
}

/** The public and private subnet of each AZ awsx lays out in `cidrBlock` (an IPv4 CIDR settings validated). */
export function subnetLayout(vpcName: string, cidrBlock: string, availabilityZoneCount: number): PlannedSubnet[] {
    const [base, prefix] = cidrBlock.split("/");
    const azPrefix = Number(prefix) + newBits(availabilityZoneCount);
    const subnetPrefix = azPrefix + newBits(SUBNET_TYPES.length);
    const azSize = 2 ** (32 - azPrefix);
    const subnetSize = 2 ** (32 - subnetPrefix);
    return Array.from({ length: availabilityZoneCount }, (_, azIndex) =>
        SUBNET_TYPES.map((type, specIndex) => ({
            resourceName: `${vpcName}-${type.toLowerCase()}-${azIndex + 1}`,
            type,
            azIndex,
            cidrBlock: `${toIp(toAddress(base) + azIndex * azSize + specIndex * subnetSize)}/${subnetPrefix}`,
        })),
    ).flat();
}
