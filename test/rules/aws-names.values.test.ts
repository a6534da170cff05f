// rules/aws-names.ts value by value: each API's name rule held to its API reference (length range,
// character set, reserved prefix), at the exact boundaries and with each character it refuses, and
// the violations word for word (rule, field, message, fix) as the settings check and the synth print them.
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { AWS_NAMED_TYPES, NAME_RULES, NameKind, checkAwsName, fitAutonamed, hashOf, stackNameProblem } from "../../rules/aws-names";
import { REPLACEMENT_RULES } from "../../rules/replacement";

interface ApiName {
    label: string;
    min: number;
    max: number;
    /** The API's character set as the reference words it; absent when it documents none. */
    characters?: string;
    /** A name using every special character the set allows. */
    allowed: string;
    /** Characters the set refuses (each tried first and last). */
    refused: string[];
    source: string;
}

// Each row read from the API reference named in `source` (docs.aws.amazon.com, the request parameter in brackets).
const API: Record<NameKind, ApiName> = {
    eventRule: {
        label: "EventBridge rule name",
        min: 1,
        max: 64,
        characters: "letters, digits, '.', '-' and '_'",
        allowed: "a.b-c_D9",
        refused: [" ", "/", ":", "#"],
        source: "docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutRule.html (Name)",
    },
    eventTargetId: {
        label: "EventBridge target Id",
        min: 1,
        max: 64,
        characters: "letters, digits, '.', '-' and '_'",
        allowed: "a.b-c_D9",
        refused: [" ", "/", ":", "#"],
        source: "docs.aws.amazon.com/eventbridge/latest/APIReference/API_Target.html (Id)",
    },
    iamRole: {
        label: "IAM role name",
        min: 1,
        max: 64,
        characters: "letters, digits and _+=,.@-",
        allowed: "a_b+c=d,e.f@g-H9",
        refused: ["/", " ", ":", "#"],
        source: "docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html (RoleName)",
    },
    iamPolicy: {
        label: "IAM policy name",
        min: 1,
        max: 128,
        characters: "letters, digits and _+=,.@-",
        allowed: "a_b+c=d,e.f@g-H9",
        refused: ["/", " ", ":", "#"],
        source: "docs.aws.amazon.com/IAM/latest/APIReference/API_CreatePolicy.html (PolicyName)",
    },
    iamRolePolicy: {
        label: "IAM inline policy name",
        min: 1,
        max: 128,
        characters: "letters, digits and _+=,.@-",
        allowed: "a_b+c=d,e.f@g-H9",
        refused: ["/", " ", ":", "#"],
        source: "docs.aws.amazon.com/IAM/latest/APIReference/API_PutRolePolicy.html (PolicyName)",
    },
    sqsQueue: {
        label: "SQS queue name",
        min: 1,
        max: 80,
        characters: "letters, digits, '-' and '_'",
        allowed: "a-b_C9",
        refused: [".", " ", "/", ":"],
        source: "docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html (QueueName)",
    },
    snsTopic: {
        label: "SNS topic name",
        min: 1,
        max: 256,
        characters: "letters, digits, '-' and '_'",
        allowed: "a-b_C9",
        refused: [".", " ", "/", ":"],
        source: "docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html (Name)",
    },
    metricAlarm: {
        label: "CloudWatch alarm name",
        min: 1,
        max: 255,
        allowed: "any: characters / . and spaces",
        refused: [],
        source: "docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html (AlarmName)",
    },
    dashboard: {
        label: "CloudWatch dashboard name",
        min: 1,
        max: 255,
        characters: "letters, digits, '-' and '_'",
        allowed: "a-b_C9",
        refused: [".", " ", "/", ":"],
        source: "docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutDashboard.html (DashboardName)",
    },
    logGroup: {
        label: "CloudWatch Logs log group name",
        min: 1,
        max: 512,
        characters: "letters, digits and ._-/#",
        allowed: "/aws/eks/a.b_c-d#E9",
        refused: [" ", ":", "*", "@"],
        source: "docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html (logGroupName)",
    },
    launchTemplate: {
        label: "EC2 launch template name",
        min: 3,
        max: 128,
        characters: "letters, digits and ().-/_",
        allowed: "a(b).c-d/e_F9",
        refused: [" ", ":", "#", "@"],
        source: "docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateLaunchTemplate.html (LaunchTemplateName)",
    },
    eksCluster: {
        label: "EKS cluster name",
        min: 1,
        max: 100,
        characters: "letters, digits, '-' and '_', starting with a letter or digit",
        allowed: "a-b_C9",
        refused: [".", " ", "/", ":"],
        source: "docs.aws.amazon.com/eks/latest/APIReference/API_CreateCluster.html (name)",
    },
    eksNodeGroup: {
        label: "EKS node group name",
        min: 1,
        max: 63,
        characters: "letters, digits, '-' and '_', starting with a letter or digit",
        allowed: "a-b_C9",
        refused: [".", " ", "/", ":"],
        source: "@pulumi/aws 7.48.0 eks/nodeGroup.d.ts nodeGroupName (terraform-provider-aws r/eks_node_group)",
    },
    loadBalancer: {
        label: "load balancer name",
        min: 1,
        max: 32,
        characters: "letters, digits and '-', not starting or ending with '-'",
        allowed: "a-b-C9",
        refused: ["_", ".", " ", "/"],
        source: "docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateLoadBalancer.html (Name)",
    },
};

const given = (kind: NameKind, name: string) => checkAwsName({ resource: "r", kind, name });

describe("AWS names held to each API reference (rules/aws-names.ts)", () => {
    it("a rule for each API the program names, and no other", () => {
        assert.deepEqual(Object.keys(NAME_RULES).sort(), Object.keys(API).sort());
    });

    for (const [kind, api] of Object.entries(API) as [NameKind, ApiName][]) {
        describe(`${api.label}: ${api.min} to ${api.max} characters${api.characters ? `, ${api.characters}` : ""} (${api.source})`, () => {
            it(`${api.min} and ${api.max} characters pass; ${api.min - 1} and ${api.max + 1} are refused, word for word`, () => {
                assert.deepEqual(given(kind, "a".repeat(api.min)), []);
                assert.deepEqual(given(kind, "a".repeat(api.max)), []);
                for (const n of [api.min - 1, api.max + 1]) {
                    const name = "a".repeat(n);
                    // An empty name also misses the character set; the length is said first.
                    assert.deepEqual(given(kind, name).slice(0, 1), [
                        {
                            rule: "aws-name-length",
                            resource: "r",
                            fields: ["name"],
                            message: `r: ${api.label} ${JSON.stringify(name)} is ${n} characters; AWS accepts ${api.min} to ${api.max} (${api.source})`,
                            fix: `a name of ${api.min} to ${api.max} characters`,
                        },
                    ]);
                }
            });

            it(`${JSON.stringify(api.allowed)} passes`, () => {
                assert.deepEqual(given(kind, api.allowed), []);
            });

            for (const c of api.refused) {
                for (const name of [`${c}abc`, `abc${c}`]) {
                    it(`${JSON.stringify(name)} is refused, word for word`, () => {
                        assert.deepEqual(given(kind, name), [
                            {
                                rule: "aws-name-characters",
                                resource: "r",
                                fields: ["name"],
                                message: `r: ${api.label} ${JSON.stringify(name)} has characters AWS refuses (${api.source})`,
                                fix: `use only ${api.characters}`,
                            },
                        ]);
                    });
                }
            }
        });
    }

    it("EKS names start with a letter or digit: '-x' and '_x' are refused for clusters and node groups", () => {
        for (const kind of ["eksCluster", "eksNodeGroup"] as const) {
            for (const name of ["-x", "_x"]) {
                assert.deepEqual(
                    given(kind, name).map((v) => v.rule),
                    ["aws-name-characters"],
                    `${kind} ${name}`,
                );
            }
        }
    });

    it("a load balancer name may not start or end with '-', nor start with internal- (any case): word for word", () => {
        for (const name of ["-edge", "edge-"]) {
            assert.deepEqual(
                given("loadBalancer", name).map((v) => v.rule),
                ["aws-name-characters"],
            );
        }
        for (const name of ["internal-shop", "Internal-shop"]) {
            assert.deepEqual(given("loadBalancer", name), [
                {
                    rule: "aws-name-prefix",
                    resource: "r",
                    fields: ["name"],
                    message: `r: load balancer name ${JSON.stringify(name)} starts with "internal-", which AWS reserves (${API.loadBalancer.source})`,
                    fix: "do not start it with internal-",
                },
            ]);
        }
        assert.deepEqual(given("loadBalancer", "internalshop"), []);
    });
});

describe("autonamed: the logical name plus pulumi-aws's 8-character suffix, against the tighter limit", () => {
    it("within AWS's limit but past pulumi-aws's (SNS topic, 80 of 256): the preview fails, word for word, on the autonamed input", () => {
        const name = "t".repeat(73);
        assert.deepEqual(checkAwsName({ resource: "alerts", kind: "snsTopic", name, autoname: { property: "name", maxLength: 80 } }), [
            {
                rule: "aws-autoname-length",
                resource: "alerts",
                fields: ["name"],
                message: `alerts: ${JSON.stringify(name)} plus pulumi-aws's 8-character suffix is 81 characters; pulumi-aws autonames SNS topic names up to 80 and fails the preview`,
                fix: "shorten the logical name to at most 72 characters (fitAutonamed in rules/aws-names.ts)",
            },
        ]);
    });

    it("past AWS's own limit (EventBridge target Id: 255 for pulumi-aws, 64 for AWS): the create fails, word for word, on targetId", () => {
        const name = "x".repeat(57);
        assert.deepEqual(checkAwsName({ resource: "t", kind: "eventTargetId", name, autoname: { property: "targetId", maxLength: 255 } }), [
            {
                rule: "aws-name-length",
                resource: "t",
                fields: ["targetId"],
                message: `t: EventBridge target Id ${JSON.stringify(name)} plus pulumi-aws's 8-character suffix is 65 characters; AWS accepts 1 to 64 (${API.eventTargetId.source})`,
                fix: "shorten the logical name to at most 56 characters (fitAutonamed in rules/aws-names.ts)",
            },
        ]);
        assert.deepEqual(
            checkAwsName({
                resource: "t",
                kind: "eventTargetId",
                name: "x".repeat(56),
                autoname: { property: "targetId", maxLength: 255 },
            }),
            [],
        );
    });

    it("the characters of an autoname are checked with its suffix", () => {
        assert.deepEqual(
            checkAwsName({ resource: "q", kind: "sqsQueue", name: "a.b", autoname: { property: "name", maxLength: 80 } }).map(
                (v) => v.message,
            ),
            [`q: SQS queue name "a.b-0000000" has characters AWS refuses (${API.sqsQueue.source})`],
        );
    });

    // The input that holds each type's physical name, as @pulumi/aws 7.48.0 declares it (read here).
    const NAME_INPUTS: Record<string, string> = {
        "aws:cloudwatch/eventRule:EventRule": "name",
        "aws:cloudwatch/eventTarget:EventTarget": "targetId",
        "aws:iam/role:Role": "name",
        "aws:iam/policy:Policy": "name",
        "aws:iam/rolePolicy:RolePolicy": "name",
        "aws:sqs/queue:Queue": "name",
        "aws:sns/topic:Topic": "name",
        "aws:cloudwatch/metricAlarm:MetricAlarm": "name",
        "aws:cloudwatch/logGroup:LogGroup": "name",
        "aws:ec2/launchTemplate:LaunchTemplate": "name",
        "aws:eks/nodeGroup:NodeGroup": "nodeGroupName",
        "aws:cloudwatch/dashboard:Dashboard": "dashboardName",
        "aws:eks/cluster:Cluster": "name",
    };

    for (const [type, property] of Object.entries(NAME_INPUTS)) {
        it(`${type}: the name is its ${property} input (an input of its Args), autonamed through the same input`, () => {
            const named = AWS_NAMED_TYPES[type];
            assert.equal(named?.property, property);
            assert.equal(named.autoname?.property ?? property, property);
            const [, module, file] = /^aws:([^/]+)\/([^:]+):/.exec(type) ?? [];
            const dts = fs.readFileSync(path.join(require.resolve("@pulumi/aws/package.json"), "..", module, `${file}.d.ts`), "utf8");
            const args = new RegExp(`export interface ${type.split(":")[2]}Args \\{([\\s\\S]*?)\\n\\}`).exec(dts)?.[1] ?? "";
            assert.match(args, new RegExp(`^ {4}${property}\\??:`, "m"));
        });
    }

    it("no other type has a name the program chooses", () => {
        const named = Object.entries(AWS_NAMED_TYPES).filter(([, n]) => n !== null);
        assert.deepEqual(named.map(([t]) => t).sort(), Object.keys(NAME_INPUTS).sort());
        for (const type of Object.keys(REPLACEMENT_RULES).filter((t) => REPLACEMENT_RULES[t].autonamed !== undefined)) {
            assert.equal(AWS_NAMED_TYPES[type]?.autoname?.property, REPLACEMENT_RULES[type].autonamed, type);
        }
    });
});

describe("fitAutonamed and stack names", () => {
    it("a logical name of exactly the room left (limit less 8) is kept as it is", () => {
        const name = "n".repeat(56);
        assert.equal(fitAutonamed(name, 64), name);
    });

    it("a cut that ends in separators drops all of them before the hash", () => {
        const name = `${"a".repeat(45)}-_.${"b".repeat(20)}`;
        assert.equal(fitAutonamed(name, 64), `${"a".repeat(45)}-${hashOf(name)}`);
    });

    it("a stack name both too long and with a '.' gets both reasons, joined by '; '", () => {
        const stack = `${"s".repeat(31)}.x`;
        assert.equal(
            stackNameProblem(stack),
            "only letters, digits, '-' and '_', starting with a letter or digit (SQS queue and SNS topic names built from it refuse '.', EKS node group names must start alphanumeric); " +
                'at most 31 characters (it is 33): pulumi-eks names the cluster\'s IAM role "<stack>-cluster-eks-eksRole-role" plus an 8-character suffix, and IAM role names end at 64',
        );
    });
});
