// What EKS receives for the cluster's access entries and its CoreDNS add-on, value by value.
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { only, synth } from "../harness";

const OPEN = { publicAccessCidrs: ["0.0.0.0/0"] };
const VIEWER = "arn:aws:iam::123456789012:role/auditors";
const EDITOR = "arn:aws:iam::123456789012:role/team-b";

describe("cluster wiring: exact values", () => {
    it("a view grant is associated with AmazonEKSViewPolicy, an edit grant with AmazonEKSEditPolicy, each on its own entry", async () => {
        const result = await synth("dev", {
            "zero-downtime-eks:cluster": {
                ...OPEN,
                access: [
                    { principalArn: VIEWER, policy: "view" },
                    { principalArn: EDITOR, policy: "edit", namespaces: ["team-b", "team-b-jobs"] },
                ],
            },
        });
        const associations = result.resources
            .filter((r) => r.type === "aws:eks/accessPolicyAssociation:AccessPolicyAssociation")
            .map((r) => r.inputs)
            .sort((a, b) => String(a.principalArn).localeCompare(String(b.principalArn)));
        assert.deepEqual(associations, [
            {
                clusterName: "zero-downtime-eks-dev",
                principalArn: VIEWER,
                policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy",
                accessScope: { type: "cluster" },
            },
            {
                clusterName: "zero-downtime-eks-dev",
                principalArn: EDITOR,
                policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy",
                accessScope: { type: "namespace", namespaces: ["team-b", "team-b-jobs"] },
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
