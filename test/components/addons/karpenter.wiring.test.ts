// What IAM and Karpenter receive once the template is resolved inside the program: the role the
// controller may pass to EC2 is the node role (never the queue), the queue it reads is the one
// EventBridge feeds, and the EC2NodeClass selects this cluster's subnets and security group only.
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { only, synth } from "../../harness";

/** The statement of a Karpenter controller policy (dev-karpenter-<suffix>) that grants `action`. */
function granting(result: Awaited<ReturnType<typeof synth>>, suffix: string, action: string): { Resource: unknown } {
    const policy = only(result, "aws:iam/policy:Policy", `-karpenter-${suffix}`);
    const statements = JSON.parse(String(policy.inputs.policy)).Statement as { Action: string | string[]; Resource: unknown }[];
    const found = statements.filter((s) => [s.Action].flat().includes(action));
    assert.equal(found.length, 1, `${policy.name}: one statement grants ${action}`);
    return found[0];
}

describe("Karpenter wiring: exact values", () => {
    it("iam:PassRole on the node role's ARN; the interruption policy and every EventBridge target on the queue's ARN", async () => {
        const result = await synth("dev");
        const nodeRoleArn = result.outputs.karpenterNodeRoleArn;
        assert.match(String(nodeRoleArn), /^arn:aws:iam::123456789012:role\/dev-karpenter-node-[0-9a-f]{7}$/);
        assert.equal(granting(result, "iamintegration-policy", "iam:PassRole").Resource, nodeRoleArn);

        const queueArn = granting(result, "interruption-policy", "sqs:ReceiveMessage").Resource;
        assert.match(String(queueArn), /^arn:aws:sqs:ap-northeast-2:123456789012:dev-karpenter-interruptions-[0-9a-f]{7}$/);
        const targets = result.resources.filter((r) => r.type === "aws:cloudwatch/eventTarget:EventTarget").map((r) => r.inputs.arn);
        assert.deepEqual(targets, Array(5).fill(queueArn));
        assert.equal(JSON.parse(String(only(result, "aws:sqs/queuePolicy:QueuePolicy").inputs.policy)).Statement[0].Resource, queueArn);
    });

    it("the EC2NodeClass selects subnets and security groups by this cluster's discovery tag and runs nodes as the node role", async () => {
        const result = await synth("dev");
        const spec = (only(result, "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass").inputs as any).spec;
        const thisCluster = [{ tags: { "karpenter.sh/discovery": "zero-downtime-eks-dev" } }];
        assert.deepEqual(spec.subnetSelectorTerms, thisCluster);
        assert.deepEqual(spec.securityGroupSelectorTerms, thisCluster);
        assert.equal(`arn:aws:iam::123456789012:role/${spec.role}`, result.outputs.karpenterNodeRoleArn);
    });
});
