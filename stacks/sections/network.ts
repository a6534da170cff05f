// `zero-downtime-eks:network`.
import { NAT_GATEWAY_MODES } from "../../components/choices";
import { DEFAULTS, Environment } from "../defaults";
import type { NetworkSettings } from "../settings";
import { Section } from "../validate";

export function readNetwork(section: Section, env: Environment): NetworkSettings {
    const d = DEFAULTS[env].network;
    const settings: NetworkSettings = {
        // /16 to /20: each AZ gets a public and a private subnet, and the VPC CNI gives every pod a VPC address.
        cidrBlock: section.cidr("cidrBlock", d.cidrBlock, 16, 20),
        // EKS needs subnets in at least two AZs; the regions this targets have at least three.
        availabilityZoneCount: section.int("availabilityZoneCount", d.availabilityZoneCount, 2, 3),
        natGateways: section.oneOf("natGateways", d.natGateways, NAT_GATEWAY_MODES),
    };
    return settings;
}
