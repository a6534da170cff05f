import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { STACKS, only, synth } from "../harness";

const VPC = "awsx:ec2:Vpc";

describe("network", () => {
    for (const stack of STACKS) {
        it(`${stack}: public and private subnets carry the load balancer controller's tags`, async () => {
            const result = await synth(stack);
            const specs = only(result, VPC).inputs.subnetSpecs as { type: string; tags: Record<string, string> }[];
            const clusterTag = `kubernetes.io/cluster/${String(result.outputs.clusterName)}`;
            const byType = Object.fromEntries(specs.map((s) => [s.type, s.tags]));
            assert.deepEqual(Object.keys(byType).sort(), ["Private", "Public"]);
            assert.equal(byType.Public["kubernetes.io/role/elb"], "1");
            assert.equal(byType.Private["kubernetes.io/role/internal-elb"], "1");
            assert.equal(byType.Public[clusterTag], "shared");
            assert.equal(byType.Private[clusterTag], "shared");
            assert.equal(byType.Public["kubernetes.io/role/internal-elb"], undefined, "internal role only on private subnets");
            assert.equal(byType.Private["kubernetes.io/role/elb"], undefined, "internet-facing role only on public subnets");
        });
    }

    const NAT_CASES = [
        { stack: "dev", azs: 2, strategy: "Single" },
        { stack: "prod", azs: 3, strategy: "OnePerAz" },
    ];
    for (const c of NAT_CASES) {
        it(`${c.stack}: ${c.azs} AZs, NAT strategy ${c.strategy}`, async () => {
            const vpc = only(await synth(c.stack), VPC).inputs;
            assert.equal(vpc.numberOfAvailabilityZones, c.azs);
            assert.deepEqual(vpc.natGateways, { strategy: c.strategy });
            assert.equal(vpc.enableDnsHostnames, true);
        });
    }

    it("config reaches the VPC: CIDR, AZ count and NAT mode", async () => {
        const result = await synth("dev", {
            "zero-downtime-eks:network": { cidrBlock: "10.42.0.0/16", availabilityZoneCount: 3, natGateways: "onePerAz" },
        });
        const vpc = only(result, VPC).inputs;
        assert.equal(vpc.cidrBlock, "10.42.0.0/16");
        assert.equal(vpc.numberOfAvailabilityZones, 3);
        assert.deepEqual(vpc.natGateways, { strategy: "OnePerAz" });
        assert.equal((result.outputs.privateSubnetIds as string[]).length, 3);
    });
});
