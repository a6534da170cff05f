import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { ServiceAccountRole } from "../../../components/iam/service-account-role";

describe("ServiceAccountRole", () => {
    it("refuses a namespace or service account that is no DNS label, naming both, before creating anything", () => {
        assert.throws(
            () =>
                new ServiceAccountRole("x", {
                    oidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.ap-northeast-2.amazonaws.com/id/ABC",
                    oidcIssuer: "oidc.eks.ap-northeast-2.amazonaws.com/id/ABC",
                    namespace: "Team_A",
                    serviceAccount: "",
                }),
            (err: unknown) => {
                assert.ok(pulumi.InputPropertiesError.isInstance(err), String(err));
                const paths = err.errors?.map((e) => e.propertyPath).sort();
                assert.deepEqual(paths, ["namespace", "serviceAccount"]);
                return true;
            },
        );
    });
});
