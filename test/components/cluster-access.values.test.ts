// The access policy each level is associated with, as EKS names it, and the child-name slug of a
// principal. A `view` grant that reaches AmazonEKSEditPolicy is a security hole no synth would show.
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { ACCESS_POLICIES, AccessLevel, accessPolicyArn, principalSlug, samePrincipal } from "../../components/cluster-access";

describe("cluster access: exact values", () => {
    it("each level is associated with its own AWS-owned access policy", () => {
        // ARNs from the EKS user guide's access policy reference
        // (awsdocs/amazon-eks-user-guide latest/ug/manage-access/k8s-access/access-policy-reference.adoc).
        const expected: Record<AccessLevel, string> = {
            "cluster-admin": "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
            admin: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminPolicy",
            edit: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy",
            view: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy",
        };
        assert.deepEqual(Object.keys(ACCESS_POLICIES).sort(), Object.keys(expected).sort());
        for (const level of Object.keys(expected) as AccessLevel[]) {
            assert.equal(accessPolicyArn(level), expected[level], level);
        }
    });

    it("a principal's slug: the role name made a DNS-safe 24 characters at most, and a hash of the whole ARN", () => {
        assert.equal(principalSlug("arn:aws:iam::123456789012:role/Team_A.Deployers"), "team-a-deployers-858b1543");
        assert.equal(
            principalSlug("arn:aws:iam::123456789012:role/platform/a-very-long-role-name-for-ci-deployments"),
            "a-very-long-role-name-fo-d4311176",
        );
    });

    it("the same principal: partition, account, kind and name equal, the path and the name's case ignored; anything not an IAM role or user ARN is no one", () => {
        const ROLE = "arn:aws:iam::123456789012:role/deployer";
        const CASES: [string, string, boolean][] = [
            [ROLE, "arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/Deployer", true],
            [ROLE, "arn:aws:iam::123456789012:role/a/b/deployer", true],
            [ROLE, "arn:aws-cn:iam::123456789012:role/deployer", false],
            [ROLE, "arn:aws:iam::210987654321:role/deployer", false],
            [ROLE, "arn:aws:iam::123456789012:user/deployer", false],
            [ROLE, "arn:aws:iam::123456789012:role/deployers", false],
            [ROLE, "arn:aws:iam::123456789012:role/deployer/", false],
            [ROLE, `x${ROLE}`, false],
            ["arn:aws:iam::1234:role/deployer", "arn:aws:iam::1234:role/deployer", false],
            ["arn::iam::123456789012:role/deployer", "arn::iam::123456789012:role/deployer", false],
            ["arn:aws:iam::123456789012:role/", "arn:aws:iam::123456789012:role/", false],
            ["not an arn", "not an arn", false],
        ];
        for (const [a, b, same] of CASES) {
            assert.equal(samePrincipal(a, b), same, `${a} vs ${b}`);
            assert.equal(samePrincipal(b, a), same, `${b} vs ${a}`);
        }
    });
});
