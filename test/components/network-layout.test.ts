import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { subnetLayout } from "../../components/network-layout";

// Worked from pulumi-awsx awsx/ec2/subnetDistributorNew.ts (v3.8.0) by hand: an AZ block of
// prefix + ceil(log2 AZs) bits, then one block of AZ prefix + 1 bit per subnet spec, public first.
const CASES = [
    {
        cidr: "10.0.0.0/16",
        azs: 2,
        subnets: ["public-1 10.0.0.0/18", "private-1 10.0.64.0/18", "public-2 10.0.128.0/18", "private-2 10.0.192.0/18"],
    },
    {
        cidr: "10.0.0.0/16",
        azs: 3,
        subnets: [
            "public-1 10.0.0.0/19",
            "private-1 10.0.32.0/19",
            "public-2 10.0.64.0/19",
            "private-2 10.0.96.0/19",
            "public-3 10.0.128.0/19",
            "private-3 10.0.160.0/19",
        ],
    },
    {
        cidr: "10.42.0.0/20",
        azs: 2,
        subnets: ["public-1 10.42.0.0/22", "private-1 10.42.4.0/22", "public-2 10.42.8.0/22", "private-2 10.42.12.0/22"],
    },
];

describe("the subnets awsx lays out (components/network-layout.ts)", () => {
    for (const c of CASES) {
        it(`${c.cidr} over ${c.azs} AZs`, () => {
            const layout = subnetLayout("v", c.cidr, c.azs);
            assert.deepEqual(
                layout.map((s) => `${s.resourceName.slice(2)} ${s.cidrBlock}`),
                c.subnets,
            );
            assert.deepEqual(
                layout.map((s) => s.azIndex),
                Array.from({ length: c.azs }, (_, i) => [i, i]).flat(),
            );
        });
    }

    it("adding an AZ moves every existing subnet (why availabilityZoneCount is create-only): no CIDR of the 2-AZ layout survives in the 3-AZ one", () => {
        const two = subnetLayout("v", "10.0.0.0/16", 2).map((s) => s.cidrBlock);
        const three = new Set(subnetLayout("v", "10.0.0.0/16", 3).map((s) => s.cidrBlock));
        assert.deepEqual(
            two.filter((c) => three.has(c)),
            [],
        );
    });
});
