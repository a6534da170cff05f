import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { SECRET } from "../../tools/mocks";
import { CONTROL_PLANE_LOG_TYPES } from "../../components/cluster";
import { STACKS, only, synth } from "../harness";

const EKS = "eks:index:Cluster";
const NODES = "eks:index:ManagedNodeGroup";

describe("cluster", () => {
    for (const stack of STACKS) {
        it(`${stack}: m5.large managed nodes in the private subnets, IMDSv2 required`, async () => {
            const result = await synth(stack);
            const nodes = only(result, NODES).inputs;
            assert.deepEqual(nodes.instanceTypes, ["m5.large"]);
            assert.deepEqual(nodes.subnetIds, result.outputs.privateSubnetIds);
            assert.notDeepEqual(nodes.subnetIds, result.outputs.publicSubnetIds);
            assert.equal(nodes.enableIMDSv2, true);
            assert.equal(nodes.cluster, only(result, EKS).name, "the node group joins this cluster");
        });
    }

    it("node group sizes follow config", async () => {
        const result = await synth("dev", {
            "zero-downtime-eks:cluster": {
                publicAccessCidrs: ["0.0.0.0/0"],
                instanceType: "m6i.xlarge",
                minSize: 3,
                desiredSize: 4,
                maxSize: 9,
            },
        });
        const nodes = only(result, NODES).inputs;
        assert.deepEqual(nodes.instanceTypes, ["m6i.xlarge"]);
        assert.deepEqual(nodes.scalingConfig, { minSize: 3, desiredSize: 4, maxSize: 9 });
    });

    it("OIDC provider on, access entries auth, secrets encrypted with the stack's KMS key, all control-plane logs", async () => {
        const result = await synth("dev");
        const eks = only(result, EKS);
        const key = only(result, "aws:kms/key:Key");
        assert.equal(eks.inputs.createOidcProvider, true);
        assert.equal(eks.inputs.authenticationMode, "API");
        assert.match(String(eks.inputs.encryptionConfigKeyArn), /^arn:aws:kms:/);
        assert.ok(eks.dependsOn.includes(key.name), "the cluster waits for its KMS key");
        assert.equal(key.inputs.enableKeyRotation, true);
        assert.deepEqual(eks.inputs.enabledClusterLogTypes, CONTROL_PLANE_LOG_TYPES);
        assert.equal(eks.inputs.skipDefaultNodeGroup, true);
    });

    it("API endpoint limited to publicAccessCidrs, private endpoint on", async () => {
        const eks = only(await synth("prod"), EKS).inputs;
        assert.deepEqual(eks.publicAccessCidrs, ["203.0.113.0/24"]);
        assert.equal(eks.endpointPrivateAccess, true);
    });

    it("the cluster is named per stack and lives in the stack's VPC", async () => {
        for (const stack of ["dev", "prod"]) {
            const result = await synth(stack);
            const eks = only(result, EKS).inputs;
            assert.equal(eks.name, `zero-downtime-eks-${stack}`);
            assert.equal(eks.vpcId, result.outputs.vpcId);
        }
    });

    it("the Kubernetes provider uses the cluster's kubeconfig, kept secret", async () => {
        const provider = only(await synth("dev"), "pulumi:providers:kubernetes");
        assert.equal(provider.inputs.kubeconfig, SECRET);
        assert.ok(provider.dependsOn.some((d) => d.endsWith("-eks")));
    });

    it("no static AWS keys anywhere in what the program registers", async () => {
        const text = JSON.stringify((await synth("dev")).resources);
        assert.doesNotMatch(text, /AKIA[0-9A-Z]{16}|secretKey|accessKey/i);
    });
});
