// The IRSA trust policy IAM receives, whole: the OIDC provider, STS's audience, and exactly one
// service account (EKS user guide, "Assign IAM roles to Kubernetes service accounts").
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { STS_AUDIENCE, irsaTrustPolicy } from "../../../components/addons/irsa";

describe("IRSA trust policy: exact values", () => {
    it("federated on the provider, aud sts.amazonaws.com and sub the one service account, the issuer without https://", () => {
        const provider = "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC";
        assert.deepEqual(irsaTrustPolicy(provider, "https://oidc.eks.eu-west-1.amazonaws.com/id/ABC", "kube-system", "karpenter"), {
            Version: "2012-10-17",
            Statement: [
                {
                    Effect: "Allow",
                    Principal: { Federated: provider },
                    Action: "sts:AssumeRoleWithWebIdentity",
                    Condition: {
                        StringEquals: {
                            "oidc.eks.eu-west-1.amazonaws.com/id/ABC:aud": "sts.amazonaws.com",
                            "oidc.eks.eu-west-1.amazonaws.com/id/ABC:sub": "system:serviceaccount:kube-system:karpenter",
                        },
                    },
                },
            ],
        });
        assert.equal(STS_AUDIENCE, "sts.amazonaws.com");
        // pulumi-eks's oidcIssuer comes without the scheme: used as it is; only a leading https:// goes.
        const keys = Object.keys(irsaTrustPolicy(provider, "oidc.example/https://x", "a", "b").Statement[0].Condition.StringEquals);
        assert.deepEqual(keys, ["oidc.example/https://x:aud", "oidc.example/https://x:sub"]);
    });
});
