// What EKS receives for the dev stack's access policy associations and its CoreDNS add-on, value by
// value. Only the stack's own synth (shared with the other tests): each level's policy is pinned by the
// pure test (cluster-access.values.test.ts), the grant → association wiring by cluster.test.ts [#11.5].
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { only, synth } from "../harness";

describe("cluster wiring: exact values", () => {
    it("dev's team orders: its role gets AmazonEKSEditPolicy limited to its own namespace, and nothing cluster-wide", async () => {
        const associations = (await synth("dev")).resources
            .filter((r) => r.type === "aws:eks/accessPolicyAssociation:AccessPolicyAssociation")
            .map((r) => r.inputs)
            .filter((a) => a.principalArn === "arn:aws:iam::123456789012:role/team-orders");
        assert.deepEqual(associations, [
            {
                clusterName: "zero-downtime-eks-dev",
                principalArn: "arn:aws:iam::123456789012:role/team-orders",
                policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy",
                accessScope: { type: "namespace", namespaces: ["orders"] },
            },
        ]);
    });

    it("CoreDNS: the add-on takes over the bootstrapped Deployment on create (OVERWRITE) and keeps user edits on update (PRESERVE)", async () => {
        const coredns = only(await synth("dev"), "aws:eks/addon:Addon").inputs;
        // CreateAddon without OVERWRITE fails on the fields the bootstrapped CoreDNS already owns
        // (EKS API reference, CreateAddon resolveConflicts; EKS user guide, "Creating an add-on").
        assert.deepEqual(
            [coredns.addonName, coredns.clusterName, coredns.resolveConflictsOnCreate, coredns.resolveConflictsOnUpdate],
            ["coredns", "zero-downtime-eks-dev", "OVERWRITE", "PRESERVE"],
        );
    });
});
