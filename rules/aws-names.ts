// Names as AWS sees them. Every physical name the program hands AWS is either given (a `name`
// input) or made by pulumi-aws from the resource's logical name plus a random suffix; AWS refuses a
// name that is too long, has a character it does not allow or starts with a reserved prefix, and
// pulumi-aws refuses (at preview) a logical name whose autoname would exceed its own maximum. Both
// are caught here, per resource type, before anything is created. Pure: no Pulumi import.
//
// Sources:
// - Autonaming: pulumi-aws (v7 line) provider/autonaming.go gives every resource with an input
//   `name` tfbridge.AutoName(name, 255, "-"); provider/resource_overrides.go narrows some (EventBridge
//   rule 64, IAM role 64, SQS queue 80 with Randlen 7, SNS topic 80, EKS node group `nodeGroupName`
//   255, CloudWatch alarm 255, EventBridge target `targetId` 255). pulumi-terraform-bridge
//   pkg/tfbridge/names.go: AutoName appends Separator + Randlen 7 random characters to the URN name;
//   pulumi/pulumi sdk/go/common/resource/resource_id.go NewUniqueName fails with "name '…' plus 7
//   random chars is longer than maximum length N" when prefix + 7 > N.
// - Limits: each AWS API reference, cited per rule in NAME_RULES.
import * as crypto from "crypto";
import { AUTONAME_SUFFIX_LENGTH } from "./aws-limits";
import { Violation } from "./timing";

/** Random characters pulumi-aws appends (pulumi-terraform-bridge names.go AutoName: Randlen 7), after a `-`. */
export const AUTONAME_RANDOM_LENGTH = AUTONAME_SUFFIX_LENGTH - 1;

/** What one AWS API accepts as a name. */
export interface NameRule {
    /** The name as the API calls it, for messages. */
    label: string;
    minLength: number;
    maxLength: number;
    /** The whole name must match; absent when the API documents no character set. */
    pattern?: RegExp;
    /** The character set in words, for messages. */
    characters?: string;
    /** Prefixes the API reserves. */
    forbiddenPrefixes?: string[];
    /** The API reference the limits come from. */
    source: string;
}

export const NAME_RULES = {
    eventRule: {
        label: "EventBridge rule name",
        minLength: 1,
        maxLength: 64,
        pattern: /^[.\-_A-Za-z0-9]+$/,
        characters: "letters, digits, '.', '-' and '_'",
        source: "docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutRule.html (Name)",
    },
    eventTargetId: {
        label: "EventBridge target Id",
        minLength: 1,
        maxLength: 64,
        pattern: /^[.\-_A-Za-z0-9]+$/,
        characters: "letters, digits, '.', '-' and '_'",
        source: "docs.aws.amazon.com/eventbridge/latest/APIReference/API_Target.html (Id)",
    },
    iamRole: {
        label: "IAM role name",
        minLength: 1,
        maxLength: 64,
        pattern: /^[\w+=,.@-]+$/,
        characters: "letters, digits and _+=,.@-",
        source: "docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html (RoleName)",
    },
    iamPolicy: {
        label: "IAM policy name",
        minLength: 1,
        maxLength: 128,
        pattern: /^[\w+=,.@-]+$/,
        characters: "letters, digits and _+=,.@-",
        source: "docs.aws.amazon.com/IAM/latest/APIReference/API_CreatePolicy.html (PolicyName)",
    },
    iamRolePolicy: {
        label: "IAM inline policy name",
        minLength: 1,
        maxLength: 128,
        pattern: /^[\w+=,.@-]+$/,
        characters: "letters, digits and _+=,.@-",
        source: "docs.aws.amazon.com/IAM/latest/APIReference/API_PutRolePolicy.html (PolicyName)",
    },
    sqsQueue: {
        label: "SQS queue name",
        minLength: 1,
        maxLength: 80,
        pattern: /^[A-Za-z0-9_-]+$/,
        characters: "letters, digits, '-' and '_'",
        source: "docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html (QueueName)",
    },
    snsTopic: {
        label: "SNS topic name",
        minLength: 1,
        maxLength: 256,
        pattern: /^[A-Za-z0-9_-]+$/,
        characters: "letters, digits, '-' and '_'",
        source: "docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html (Name)",
    },
    metricAlarm: {
        label: "CloudWatch alarm name",
        minLength: 1,
        maxLength: 255,
        source: "docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html (AlarmName)",
    },
    dashboard: {
        label: "CloudWatch dashboard name",
        minLength: 1,
        maxLength: 255,
        pattern: /^[A-Za-z0-9_-]+$/,
        characters: "letters, digits, '-' and '_'",
        source: "docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutDashboard.html (DashboardName)",
    },
    logGroup: {
        label: "CloudWatch Logs log group name",
        minLength: 1,
        maxLength: 512,
        pattern: /^[.\-_/#A-Za-z0-9]+$/,
        characters: "letters, digits and ._-/#",
        source: "docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html (logGroupName)",
    },
    launchTemplate: {
        label: "EC2 launch template name",
        minLength: 3,
        maxLength: 128,
        pattern: /^[a-zA-Z0-9().\-/_]+$/,
        characters: "letters, digits and ().-/_",
        source: "docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateLaunchTemplate.html (LaunchTemplateName)",
    },
    eksCluster: {
        label: "EKS cluster name",
        minLength: 1,
        maxLength: 100,
        pattern: /^[0-9A-Za-z][A-Za-z0-9_-]*$/,
        characters: "letters, digits, '-' and '_', starting with a letter or digit",
        source: "docs.aws.amazon.com/eks/latest/APIReference/API_CreateCluster.html (name)",
    },
    eksNodeGroup: {
        label: "EKS node group name",
        minLength: 1,
        maxLength: 63,
        pattern: /^[0-9A-Za-z][A-Za-z0-9_-]*$/,
        characters: "letters, digits, '-' and '_', starting with a letter or digit",
        // The EKS API reference gives no limit; the provider documents EKS's (terraform-provider-aws
        // eks_node_group node_group_name, as shipped in @pulumi/aws 7.48.0 eks/nodeGroup.d.ts).
        source: "@pulumi/aws 7.48.0 eks/nodeGroup.d.ts nodeGroupName (terraform-provider-aws r/eks_node_group)",
    },
    loadBalancer: {
        label: "load balancer name",
        minLength: 1,
        maxLength: 32,
        pattern: /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/,
        characters: "letters, digits and '-', not starting or ending with '-'",
        forbiddenPrefixes: ["internal-"],
        source: "docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateLoadBalancer.html (Name)",
    },
} satisfies Record<string, NameRule>;

export type NameKind = keyof typeof NAME_RULES;

/** How pulumi-aws names a resource whose name input is left out. */
export interface Autonaming {
    /** The input that gets the name. */
    property: string;
    /** pulumi-aws's own maximum (Maxlen): above it, preview fails before AWS is asked. */
    maxLength: number;
}

/** How a Pulumi AWS resource type is named: by which rule, through which input, autonamed how. */
export interface NamedType {
    kind: NameKind;
    /** The input holding the physical name. */
    property: string;
    /** Absent: the name is required, never autonamed. */
    autoname?: Autonaming;
}

const autonamed = (kind: NameKind, property: string, maxLength: number): NamedType => ({
    kind,
    property,
    autoname: { property, maxLength },
});

/**
 * Every AWS resource type the program creates, with its name rule, or `null` when the program
 * chooses no name for it (AWS assigns an ID, or the name is fixed by AWS). A type missing here
 * fails the synth: its name would go unchecked. Autoname maxima: resource_overrides.go where it
 * sets one, otherwise autonaming.go's 255 for an input `name`.
 */
export const AWS_NAMED_TYPES: Record<string, NamedType | null> = {
    "aws:cloudwatch/eventRule:EventRule": autonamed("eventRule", "name", 64),
    "aws:cloudwatch/eventTarget:EventTarget": autonamed("eventTargetId", "targetId", 255),
    "aws:iam/role:Role": autonamed("iamRole", "name", 64),
    "aws:iam/policy:Policy": autonamed("iamPolicy", "name", 255),
    "aws:iam/rolePolicy:RolePolicy": autonamed("iamRolePolicy", "name", 255),
    "aws:sqs/queue:Queue": autonamed("sqsQueue", "name", 80),
    "aws:sns/topic:Topic": autonamed("snsTopic", "name", 80),
    "aws:cloudwatch/metricAlarm:MetricAlarm": autonamed("metricAlarm", "name", 255),
    "aws:cloudwatch/logGroup:LogGroup": autonamed("logGroup", "name", 255),
    "aws:ec2/launchTemplate:LaunchTemplate": autonamed("launchTemplate", "name", 255),
    "aws:eks/nodeGroup:NodeGroup": autonamed("eksNodeGroup", "nodeGroupName", 255),
    // Required inputs: never autonamed.
    "aws:cloudwatch/dashboard:Dashboard": { kind: "dashboard", property: "dashboardName" },
    "aws:eks/cluster:Cluster": { kind: "eksCluster", property: "name" },
    // No name the program chooses: IDs AWS assigns, names AWS fixes (an add-on's name, a service-linked
    // role's), or attachments identified by what they join.
    "aws:eks/addon:Addon": null,
    "aws:eks/accessEntry:AccessEntry": null,
    "aws:eks/accessPolicyAssociation:AccessPolicyAssociation": null,
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": null,
    "aws:iam/serviceLinkedRole:ServiceLinkedRole": null,
    "aws:iam/openIdConnectProvider:OpenIdConnectProvider": null,
    "aws:sqs/queuePolicy:QueuePolicy": null,
    "aws:ec2/tag:Tag": null,
    "aws:kms/key:Key": null,
    "aws:acm/certificate:Certificate": null,
    "aws:acm/certificateValidation:CertificateValidation": null,
    // A DNS record's "name" is the domain the user configured (settings check it), not a resource name.
    "aws:route53/record:Record": null,
};

/** The physical name pulumi-aws makes from a logical name: `<logical>-<7 random hex>` (a stand-in suffix here). */
export function autonameOf(logicalName: string, suffix = "0".repeat(AUTONAME_RANDOM_LENGTH)): string {
    return `${logicalName}-${suffix}`;
}

/** One name the program hands AWS. */
export interface AwsName {
    /** The Pulumi resource (or, for a name AWS derives, the resource that asks for it). */
    resource: string;
    kind: NameKind;
    /** The physical name as given, or the logical name when autonamed. */
    name: string;
    /** Set when pulumi-aws makes the name from `name` (the logical name). */
    autoname?: Autonaming;
}

/** Every way AWS (or pulumi-aws, for an autoname) would refuse this name. */
export function checkAwsName(n: AwsName): (Violation & { resource: string })[] {
    const rule: NameRule = NAME_RULES[n.kind];
    const physical = n.autoname ? autonameOf(n.name) : n.name;
    const shown = n.autoname
        ? `${JSON.stringify(n.name)} plus pulumi-aws's ${AUTONAME_SUFFIX_LENGTH}-character suffix`
        : JSON.stringify(n.name);
    const out: (Violation & { resource: string })[] = [];
    const add = (rule_: string, message: string, fix: string) =>
        out.push({
            rule: rule_,
            resource: n.resource,
            fields: [n.autoname?.property ?? "name"],
            message: `${n.resource}: ${message}`,
            fix,
        });
    // An autoname longer than pulumi-aws's maximum fails the preview; one within it but longer than
    // the API's fails the create. One violation, against the tighter of the two.
    const byProvider = n.autoname !== undefined && n.autoname.maxLength < rule.maxLength;
    const maxLength = byProvider && n.autoname ? n.autoname.maxLength : rule.maxLength;
    if (physical.length > maxLength || physical.length < rule.minLength) {
        add(
            byProvider ? "aws-autoname-length" : "aws-name-length",
            byProvider
                ? `${shown} is ${physical.length} characters; pulumi-aws autonames ${rule.label}s up to ${maxLength} and fails the preview`
                : `${rule.label} ${shown} is ${physical.length} characters; AWS accepts ${rule.minLength} to ${rule.maxLength} (${rule.source})`,
            n.autoname
                ? `shorten the logical name to at most ${maxLength - AUTONAME_SUFFIX_LENGTH} characters (fitAutonamed in rules/aws-names.ts)`
                : `a name of ${rule.minLength} to ${rule.maxLength} characters`,
        );
    }
    if (rule.pattern && !rule.pattern.test(physical)) {
        add(
            "aws-name-characters",
            `${rule.label} ${JSON.stringify(physical)} has characters AWS refuses (${rule.source})`,
            `use only ${rule.characters ?? "the characters the API allows"}`,
        );
    }
    for (const prefix of rule.forbiddenPrefixes ?? []) {
        if (physical.toLowerCase().startsWith(prefix)) {
            add(
                "aws-name-prefix",
                `${rule.label} ${JSON.stringify(physical)} starts with ${JSON.stringify(prefix)}, which AWS reserves (${rule.source})`,
                `do not start it with ${prefix}`,
            );
        }
    }
    return out;
}

/** The first `length` hex characters of the SHA-256 of `text`. */
export function hashOf(text: string, length = 8): string {
    return crypto.createHash("sha256").update(text).digest("hex").slice(0, length);
}

/**
 * A logical name whose autoname fits `maxLength` (the tighter of AWS's limit and pulumi-aws's):
 * unchanged when it already fits, so existing stacks keep their resources; otherwise cut and given
 * a hash of the whole, so two long names never become one. pulumi-aws still adds its random suffix,
 * so a replacement never collides with the name it replaces.
 */
export function fitAutonamed(logicalName: string, maxLength: number): string {
    const room = maxLength - AUTONAME_SUFFIX_LENGTH;
    if (logicalName.length <= room) {
        return logicalName;
    }
    const hash = hashOf(logicalName);
    const head = logicalName.slice(0, room - hash.length - 1).replace(/[-_.]+$/, "");
    return `${head}-${hash}`;
}

/**
 * The longest stack name the program works with. The stack name starts every logical name, and
 * the tightest name built from it that nothing shortens is pulumi-eks's cluster role: the cluster
 * component `<stack>-cluster` makes eks.Cluster `<stack>-cluster-eks`, whose ServiceRole
 * `<…>-eksRole` creates aws.iam.Role `<…>-eksRole-role` (pulumi-eks v4.3.0 nodejs/eks/cluster/cluster.ts
 * and servicerole.ts), autonamed within IAM's 64: 64 − 8 − len("-cluster-eks-eksRole-role") = 31.
 * (Pulumi itself allows 100: pulumi/pulumi pkg/backend/diy store.go.) The names model checks it
 * with a stack of exactly this length (test/synth/names.test.ts).
 */
export const MAX_STACK_NAME = NAME_RULES.iamRole.maxLength - AUTONAME_SUFFIX_LENGTH - "-cluster-eks-eksRole-role".length;

/**
 * Characters a stack name may have. Pulumi allows letters, digits, '-', '_' and '.' (store.go); a
 * '.' is refused because SQS queue and SNS topic names built from it cannot carry one
 * (CreateQueue, CreateTopic), and the first character must be a letter or digit because EKS node
 * group names start with the stack name.
 */
export const STACK_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

/** Why a stack name cannot work, or undefined when it can. */
export function stackNameProblem(stack: string): string | undefined {
    const reasons: string[] = [];
    if (!STACK_NAME.test(stack)) {
        reasons.push(
            "only letters, digits, '-' and '_', starting with a letter or digit (SQS queue and SNS topic names built from it refuse '.', EKS node group names must start alphanumeric)",
        );
    }
    if (stack.length > MAX_STACK_NAME) {
        reasons.push(
            `at most ${MAX_STACK_NAME} characters (it is ${stack.length}): pulumi-eks names the cluster's IAM role "<stack>-cluster-eks-eksRole-role" plus an 8-character suffix, and IAM role names end at ${NAME_RULES.iamRole.maxLength}`,
        );
    }
    return reasons.length > 0 ? reasons.join("; ") : undefined;
}
