// What the Karpenter template hands AWS, resolved for one stack: each `${…}` to its own value (the
// node role's ARN where the controller passes a role to EC2, the queue's where it reads messages),
// the node role's managed policies, the queue, its policy and the EventBridge rules
// (components/addons/karpenter-cloudformation/1.14.1.yaml, upstream's file byte for byte).
import { after, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
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
        // The template's AWS::IAM::ManagedPolicy resources, in its order (release-v1.14.1,
        // website/content/en/v1.14/getting-started/getting-started-with-karpenter/cloudformation.yaml):
        // each becomes one aws.iam.Policy attached to the controller's role.
        const names = [
            "NodeLifecyclePolicy",
            "IAMIntegrationPolicy",
            "EKSIntegrationPolicy",
            "InterruptionPolicy",
            "ZonalShiftPolicy",
            "ResourceDiscoveryPolicy",
        ];
        assert.deepEqual(controllerPolicyNames(VERSION), names);
        assert.deepEqual(
            policies.map((p) => p.logicalName),
            names,
        );
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

    it("the cluster's name inside condition keys: only instances and launch templates tagged as this cluster's are launched from or deleted", () => {
        // Why the template writes its policies as !Sub JSON strings (its own comment): CloudFormation
        // cannot interpolate a condition *key*, and `kubernetes.io/cluster/${ClusterName}` is one.
        const owned = { [`aws:ResourceTag/kubernetes.io/cluster/${CTX.clusterName}`]: "owned" };
        const deletion = granting("NodeLifecyclePolicy", "ec2:TerminateInstances");
        assert.deepEqual(deletion.Resource, ["arn:aws-test:ec2:eu-test-1:*:instance/*", "arn:aws-test:ec2:eu-test-1:*:launch-template/*"]);
        assert.deepEqual(deletion.Condition, { StringEquals: owned, StringLike: { "aws:ResourceTag/karpenter.sh/nodepool": "*" } });
        const launchTemplate = statements("NodeLifecyclePolicy").find((s) => s.Sid === "AllowScopedEC2LaunchTemplateAccessActions");
        assert.deepEqual(launchTemplate?.Condition?.StringEquals, owned);
        // Zonal shift is read for this cluster only; discovery only in this region.
        assert.deepEqual(granting("ZonalShiftPolicy", "arc-zonal-shift:GetManagedResource").Condition, {
            StringEquals: { "arc-zonal-shift:ResourceIdentifier": "arn:aws-test:eks:eu-test-1:111122223333:cluster/zde-test" },
        });
        assert.deepEqual(granting("ResourceDiscoveryPolicy", "ec2:DescribeSubnets").Condition, {
            StringEquals: { "aws:RequestedRegion": CTX.region },
        });
    });

    // A template an upgrade adds (a new version's file) is read by the same code: what the reader
    // relies on is checked when it reads, so a changed shape fails the synth with what is missing,
    // never a policy built from `undefined` or a TypeError at `pulumi up`. Small templates of the
    // same shape as upstream's, each broken one way, in a directory of their own.
    describe("a template of another shape", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zde-karpenter-template-"));
        after(() => fs.rmSync(dir, { recursive: true, force: true }));
        /** Writes `yaml` as a template and returns the version that reads it (templateFile joins it to the template folder). */
        const template = (name: string, yaml: string): string => {
            fs.writeFileSync(path.join(dir, `${name}.yaml`), yaml);
            return path.relative(path.dirname(templateFile(VERSION)), path.join(dir, name));
        };
        const refused = (message: string) => (err: Error) => err instanceof TemplateError && err.message === message;
        const ROLE = [
            "  KarpenterNodeRole:",
            '    Type: "AWS::IAM::Role"',
            "    Properties:",
            "      ManagedPolicyArns:",
            '        - !Sub "arn:${AWS::Partition}:iam::aws:policy/AmazonEKS_CNI_Policy"',
            "        - arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
        ].join("\n");
        const QUEUE = [
            "  KarpenterInterruptionQueue:",
            "    Type: AWS::SQS::Queue",
            "    Properties:",
            "      MessageRetentionPeriod: 300",
            "      SqsManagedSseEnabled: true",
        ].join("\n");

        it("no Resources: refused, naming the file", () => {
            const version = template("no-resources", 'AWSTemplateFormatVersion: "2010-09-09"\n');
            assert.throws(() => interruptionRules(version), refused(`${templateFile(version)}: no Resources`));
        });

        it("a managed policy whose PolicyDocument is missing, empty or a YAML mapping (not a !Sub JSON string): refused, naming the policy", () => {
            const documents: Record<string, string> = {
                missing: "",
                empty: "      PolicyDocument:",
                // The shape the template gives its queue policy: CloudFormation would take it, this reader cannot resolve `${…}` keys in it.
                mapping: '      PolicyDocument:\n        Version: "2012-10-17"',
            };
            for (const [name, document] of Object.entries(documents)) {
                const version = template(
                    `policy-${name}`,
                    [
                        "Resources:",
                        "  NodeLifecyclePolicy:",
                        "    Type: AWS::IAM::ManagedPolicy",
                        "    Properties:",
                        "      Path: /",
                        document,
                    ].join("\n"),
                );
                assert.throws(
                    () => controllerPolicies(version, CTX),
                    refused("NodeLifecyclePolicy: PolicyDocument is not a !Sub JSON string"),
                    name,
                );
            }
        });

        it("a managed policy whose resolved document is not JSON: refused, naming the policy", () => {
            const version = template(
                "policy-not-json",
                [
                    "Resources:",
                    "  NodeLifecyclePolicy:",
                    "    Type: AWS::IAM::ManagedPolicy",
                    "    Properties:",
                    '      PolicyDocument: !Sub \'{"Statement": [{"Resource": "arn:${AWS::Partition}:ec2:*"}\'',
                ].join("\n"),
            );
            assert.throws(
                () => controllerPolicies(version, CTX),
                (err: Error) =>
                    err instanceof TemplateError &&
                    err.message.startsWith("NodeLifecyclePolicy: PolicyDocument is not JSON once its ${…} references are resolved ("),
            );
        });

        it("the node role found by its type wherever it stands, its policies named from !Sub and plain ARNs alike", () => {
            const version = template("role-second", ["Resources:", QUEUE, ROLE].join("\n"));
            assert.deepEqual(nodeRolePolicyNames(version), ["AmazonEKS_CNI_Policy", "AmazonSSMManagedInstanceCore"]);
        });

        it("no node role policies, a queue without its retention, no queue policy: each refused, naming what is missing", () => {
            const noArns = template(
                "role-without-arns",
                ["Resources:", '  KarpenterNodeRole:\n    Type: "AWS::IAM::Role"\n    Properties:\n      Path: /'].join("\n"),
            );
            assert.throws(() => nodeRolePolicyNames(noArns), refused("the template's node role lists no ManagedPolicyArns"));
            const noRetention = template(
                "queue-without-retention",
                ["Resources:", QUEUE.replace("      MessageRetentionPeriod: 300\n", "")].join("\n"),
            );
            assert.throws(
                () => interruptionQueue(noRetention),
                refused("the template's interruption queue has no MessageRetentionPeriod / SqsManagedSseEnabled"),
            );
            const noQueuePolicy = template("no-queue-policy", ["Resources:", ROLE, QUEUE].join("\n"));
            assert.throws(
                () => interruptionQueuePolicy(noQueuePolicy, CTX.interruptionQueueArn),
                refused("the template has no SQS queue policy"),
            );
        });
    });
});
