// The keys a deployed stack cannot change by a routine `pulumi up`, and what the configuration
// reference tells a user a change of each does.
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { CREATE_ONLY_KEYS } from "../../stacks/create-only";

describe("create-only keys", () => {
    it("are the VPC's range and AZ count, the cluster's name and the node type, each saying what a change replaces", () => {
        const replaced: Record<string, RegExp> = {
            "network.cidrBlock": /replaces the VPC and every subnet/,
            "network.availabilityZoneCount": /every subnet is replaced/,
            "cluster.name": /replaces the EKS cluster/,
            "cluster.instanceType": /replaces the managed node group/,
        };
        assert.deepEqual(Object.keys(CREATE_ONLY_KEYS).sort(), Object.keys(replaced).sort());
        for (const [key, why] of Object.entries(replaced)) {
            assert.match(CREATE_ONLY_KEYS[key], why, key);
        }
    });
});
