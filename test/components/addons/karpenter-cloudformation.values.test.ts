// What the Karpenter template hands AWS, resolved for one stack: each `${…}` to its own value (the
// node role's ARN where the controller passes a role to EC2, the queue's where it reads messages),
// the node role's managed policies, the queue, its policy and the EventBridge rules
// (components/addons/karpenter-cloudformation/1.14.1.yaml, upstream's file byte for byte).
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import {
    TemplateContext,
    TemplateError,
    controllerPolicies,
    controllerPolicy,
    controllerPolicyNames,
    interruptionQueue,
    interruptionQueuePolicy,
    interruptionRules,
    nodeRolePolicyNames,
    substitute,
    templateFile,
} from "../../../components/addons/karpenter-cloudformation";

const VERSION = "1.14.1";
// Every value distinct, so a reference resolved to the wrong one shows.
const CTX: TemplateContext = {
    clusterName: "zde-test",
    partition: "aws-test",
    region: "eu-test-1",
    accountId: "111122223333",
    urlSuffix: "example.test",
    nodeRoleArn: "arn:aws:iam::111122223333:role/zde-test-karpenter-node",
    interruptionQueueArn: "arn:aws:sqs:eu-test-1:111122223333:zde-test-interruptions",
};

interface Statement {
    Sid?: string;
    Effect: string;
    Action: string | string[];
    Resource: string | string[];
    Condition?: Record<string, Record<string, unknown>>;
}

/** The statements of one controller policy, parsed. */
function statements(logicalName: string): Statement[] {
    return (JSON.parse(controllerPolicy(VERSION, logicalName, CTX)) as { Statement: Statement[] }).Statement;
}

/** The one statement granting `action`. */
function granting(logicalName: string, action: string): Statement {
    const found = statements(logicalName).filter((s) => [s.Action].flat().includes(action));
    assert.equal(found.length, 1, `${logicalName}: one statement grants ${action}`);
    return found[0];
}

describe("Karpenter's CloudFormation template, resolved: exact values", () => {
    it("each reference resolves to its own value", () => {
        assert.equal(
            substitute(
                "${ClusterName}|${AWS::Partition}|${AWS::Region}|${AWS::AccountId}|${AWS::URLSuffix}|${KarpenterNodeRole.Arn}|${KarpenterInterruptionQueue.Arn}",
                CTX,
            ),
            [CTX.clusterName, CTX.partition, CTX.region, CTX.accountId, CTX.urlSuffix, CTX.nodeRoleArn, CTX.interruptionQueueArn].join("|"),
        );
        assert.throws(
            () => substitute("${AWS::StackName}", CTX),
            (err: Error) =>
                err instanceof TemplateError &&
                err.message === "the Karpenter template references ${AWS::StackName}, which this program does not supply",
        );
    });

    it("iam:PassRole: only the node role, only to EC2", () => {
        const passRole = granting("IAMIntegrationPolicy", "iam:PassRole");
        assert.deepEqual(passRole, {
            Sid: "AllowPassingInstanceRole",
            Effect: "Allow",
            Resource: CTX.nodeRoleArn,
            Action: "iam:PassRole",
            Condition: { StringEquals: { "iam:PassedToService": ["ec2.amazonaws.com", "ec2.amazonaws.com.cn"] } },
        });
    });

    it("the interruption queue's messages: read and deleted on that queue only", () => {
        const receive = granting("InterruptionPolicy", "sqs:ReceiveMessage");
        assert.equal(receive.Resource, CTX.interruptionQueueArn);
        assert.deepEqual([receive.Action].flat().sort(), ["sqs:DeleteMessage", "sqs:GetQueueUrl", "sqs:ReceiveMessage"]);
    });

    it("the cluster: eks:DescribeCluster on this cluster's ARN", () => {
        assert.equal(
            granting("EKSIntegrationPolicy", "eks:DescribeCluster").Resource,
            "arn:aws-test:eks:eu-test-1:111122223333:cluster/zde-test",
        );
    });

    it("the six controller policies, in the template's order, every reference resolved", () => {
        const policies = controllerPolicies(VERSION, CTX);
        // The six names themselves are pinned by karpenter.test.ts (controllerPolicyNames of the same version).
        assert.deepEqual(
            policies.map((p) => p.logicalName),
            controllerPolicyNames(VERSION),
        );
        assert.equal(policies.length, 6);
        for (const p of policies) {
            assert.doesNotMatch(p.document, /\$\{/, p.logicalName);
        }
        assert.throws(
            () => controllerPolicy(VERSION, "NoSuchPolicy", CTX),
            (err: Error) =>
                err instanceof TemplateError && err.message === "the Karpenter 1.14.1 template has no managed policy NoSuchPolicy",
        );
    });

    it("the node role's AWS managed policies, by name", () => {
        assert.deepEqual(nodeRolePolicyNames(VERSION), [
            "AmazonEKS_CNI_Policy",
            "AmazonEKSWorkerNodePolicy",
            "AmazonEC2ContainerRegistryPullOnly",
            "AmazonSSMManagedInstanceCore",
        ]);
    });

    it("the queue (300 s retention, SSE) and its policy: EventBridge and SQS may send to it, nothing without TLS", () => {
        assert.deepEqual(interruptionQueue(VERSION), { messageRetentionSeconds: 300, sqsManagedSseEnabled: true });
        assert.deepEqual(JSON.parse(interruptionQueuePolicy(VERSION, CTX.interruptionQueueArn)), {
            Version: "2012-10-17",
            Id: "EC2InterruptionPolicy",
            Statement: [
                {
                    Effect: "Allow",
                    Principal: { Service: ["events.amazonaws.com", "sqs.amazonaws.com"] },
                    Action: "sqs:SendMessage",
                    Resource: CTX.interruptionQueueArn,
                },
                {
                    Sid: "DenyHTTP",
                    Effect: "Deny",
                    Action: "sqs:*",
                    Resource: CTX.interruptionQueueArn,
                    Condition: { Bool: { "aws:SecureTransport": false } },
                    Principal: "*",
                },
            ],
        });
    });

    it("the five EventBridge rules and what each forwards", () => {
        assert.deepEqual(interruptionRules(VERSION), [
            { logicalName: "ScheduledChangeRule", eventPattern: { source: ["aws.health"], "detail-type": ["AWS Health Event"] } },
            {
                logicalName: "SpotInterruptionRule",
                eventPattern: { source: ["aws.ec2"], "detail-type": ["EC2 Spot Instance Interruption Warning"] },
            },
            {
                logicalName: "RebalanceRule",
                eventPattern: { source: ["aws.ec2"], "detail-type": ["EC2 Instance Rebalance Recommendation"] },
            },
            {
                logicalName: "InstanceStateChangeRule",
                eventPattern: { source: ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"] },
            },
            {
                logicalName: "CapacityReservationInterruptionRule",
                eventPattern: { source: ["aws.ec2"], "detail-type": ["EC2 Capacity Reservation Instance Interruption Warning"] },
            },
        ]);
    });

    it("a version without its template fails, naming the file to add", () => {
        assert.throws(
            () => interruptionRules("0.0.0"),
            (err: Error) =>
                err instanceof TemplateError &&
                err.message.startsWith(`no Karpenter CloudFormation template for 0.0.0: add ${templateFile("0.0.0")} from the release's`),
        );
    });
});
