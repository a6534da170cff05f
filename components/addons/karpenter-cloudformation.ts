// Karpenter's own CloudFormation template for the pinned version, read as data: the controller's IAM
// policies, the interruption queue and its policy, and the EventBridge rules that feed it. The file
// is kept byte-for-byte as published (aws/karpenter-provider-aws, branch release-v1.14.1 at c88abbbad,
// website/content/en/v1.14/getting-started/getting-started-with-karpenter/cloudformation.yaml, git
// blob 2c2ca723), so an upgrade is: add the new version's file, bump VERSIONS.karpenter. Pure: no
// Pulumi import.
import * as fs from "fs";
import * as path from "path";
import { parse, type ScalarTag } from "yaml";

/** The values the template's `${…}` references take in this stack. */
export interface TemplateContext {
    clusterName: string;
    /** `aws`, `aws-cn` or `aws-us-gov`. */
    partition: string;
    region: string;
    accountId: string;
    /** DNS suffix of the partition, e.g. `amazonaws.com`. */
    urlSuffix: string;
    /** ARN of the role Karpenter's nodes run as (the template's KarpenterNodeRole). */
    nodeRoleArn: string;
    /** ARN of the interruption queue (the template's KarpenterInterruptionQueue). */
    interruptionQueueArn: string;
}

/** One of the template's IAM managed policies: its logical name and its document, `${…}` resolved. */
export interface ControllerPolicy {
    logicalName: string;
    document: string;
}

/** One EventBridge rule that sends interruption events to the queue. */
export interface InterruptionRule {
    logicalName: string;
    eventPattern: { source: string[]; "detail-type": string[] };
}

export interface InterruptionQueueSpec {
    messageRetentionSeconds: number;
    sqsManagedSseEnabled: boolean;
}

export class TemplateError extends Error {}

interface Intrinsic {
    intrinsic: "Sub" | "GetAtt" | "Ref";
    value: string;
}

const INTRINSICS: ScalarTag[] = (["Sub", "GetAtt", "Ref"] as const).map((name) => ({
    tag: `!${name}`,
    resolve: (value: string): Intrinsic => ({ intrinsic: name, value }),
}));

interface TemplateResource {
    Type: string;
    Properties: Record<string, unknown>;
}

/** The template file for a Karpenter version. */
export function templateFile(version: string): string {
    return path.join(__dirname, "karpenter-cloudformation", `${version}.yaml`);
}

// Parsed once per version: the component reads the template a dozen times per program run.
const parsed = new Map<string, Record<string, TemplateResource>>();

function resources(version: string): Record<string, TemplateResource> {
    const cached = parsed.get(version);
    if (cached !== undefined) {
        return cached;
    }
    const file = templateFile(version);
    if (!fs.existsSync(file)) {
        throw new TemplateError(
            `no Karpenter CloudFormation template for ${version}: add ${file} from the release's website/content/en/<minor>/getting-started/getting-started-with-karpenter/cloudformation.yaml`,
        );
    }
    const doc = parse(fs.readFileSync(file, "utf8"), { customTags: INTRINSICS }) as { Resources?: Record<string, TemplateResource> };
    if (doc.Resources === undefined) {
        throw new TemplateError(`${file}: no Resources`);
    }
    parsed.set(version, doc.Resources);
    return doc.Resources;
}

/** `${Name}` references of `!Sub` resolved from the context; an unknown one is an error, never left in. */
export function substitute(text: string, ctx: TemplateContext): string {
    const values: Record<string, string> = {
        ClusterName: ctx.clusterName,
        "AWS::Partition": ctx.partition,
        "AWS::Region": ctx.region,
        "AWS::AccountId": ctx.accountId,
        "AWS::URLSuffix": ctx.urlSuffix,
        "KarpenterNodeRole.Arn": ctx.nodeRoleArn,
        "KarpenterInterruptionQueue.Arn": ctx.interruptionQueueArn,
    };
    return text.replace(/\$\{([^}]+)\}/g, (_, name: string) => {
        const value = values[name];
        if (value === undefined) {
            throw new TemplateError(`the Karpenter template references \${${name}}, which this program does not supply`);
        }
        return value;
    });
}

function isIntrinsic(value: unknown, kind: Intrinsic["intrinsic"]): value is Intrinsic {
    return typeof value === "object" && value !== null && (value as Intrinsic).intrinsic === kind;
}

/** Logical names of the template's `AWS::IAM::ManagedPolicy` resources: what the controller's role gets. */
export function controllerPolicyNames(version: string): string[] {
    return Object.entries(resources(version))
        .filter(([, r]) => r.Type === "AWS::IAM::ManagedPolicy")
        .map(([logicalName]) => logicalName);
}

/** Every `AWS::IAM::ManagedPolicy` of the template (the controller's permissions), documents resolved. */
export function controllerPolicies(version: string, ctx: TemplateContext): ControllerPolicy[] {
    return Object.entries(resources(version))
        .filter(([, r]) => r.Type === "AWS::IAM::ManagedPolicy")
        .map(([logicalName, r]) => {
            const doc = r.Properties.PolicyDocument;
            if (!isIntrinsic(doc, "Sub")) {
                throw new TemplateError(`${logicalName}: PolicyDocument is not a !Sub JSON string`);
            }
            const document = substitute(doc.value, ctx);
            // Parsed once here so a template change that breaks the JSON fails the synth, not `pulumi up`.
            try {
                JSON.parse(document);
            } catch (err) {
                throw new TemplateError(
                    `${logicalName}: PolicyDocument is not JSON once its \${…} references are resolved (${(err as Error).message})`,
                );
            }
            return { logicalName, document };
        });
}

/** Names of the AWS managed policies the template attaches to the node role (`arn:…:policy/<name>`). */
export function nodeRolePolicyNames(version: string): string[] {
    const role = Object.values(resources(version)).find((r) => r.Type === "AWS::IAM::Role");
    const arns = role?.Properties.ManagedPolicyArns;
    if (!Array.isArray(arns)) {
        throw new TemplateError("the template's node role lists no ManagedPolicyArns");
    }
    return arns.map((arn) => {
        const text = isIntrinsic(arn, "Sub") ? arn.value : String(arn);
        return text.slice(text.lastIndexOf("/") + 1);
    });
}

/** The document of one of the template's controller policies, `${…}` resolved; an unknown name is an error. */
export function controllerPolicy(version: string, logicalName: string, ctx: TemplateContext): string {
    const policy = controllerPolicies(version, ctx).find((p) => p.logicalName === logicalName);
    if (policy === undefined) {
        throw new TemplateError(`the Karpenter ${version} template has no managed policy ${logicalName}`);
    }
    return policy.document;
}

/** The queue's properties as the template sets them. */
export function interruptionQueue(version: string): InterruptionQueueSpec {
    const queue = Object.values(resources(version)).find((r) => r.Type === "AWS::SQS::Queue");
    const retention = queue?.Properties.MessageRetentionPeriod;
    const sse = queue?.Properties.SqsManagedSseEnabled;
    if (typeof retention !== "number" || typeof sse !== "boolean") {
        throw new TemplateError("the template's interruption queue has no MessageRetentionPeriod / SqsManagedSseEnabled");
    }
    return { messageRetentionSeconds: retention, sqsManagedSseEnabled: sse };
}

/**
 * The queue policy's statements, with `!GetAtt KarpenterInterruptionQueue.Arn` resolved: EventBridge
 * and SQS may send, nothing may use the queue without TLS.
 */
export function interruptionQueuePolicy(version: string, queueArn: string): string {
    const policy = Object.values(resources(version)).find((r) => r.Type === "AWS::SQS::QueuePolicy");
    const document = policy?.Properties.PolicyDocument;
    if (document === undefined) {
        throw new TemplateError("the template has no SQS queue policy");
    }
    const resolved = JSON.parse(
        JSON.stringify(document, (_, v: unknown) =>
            isIntrinsic(v, "GetAtt") && v.value === "KarpenterInterruptionQueue.Arn" ? queueArn : v,
        ),
    ) as Record<string, unknown>;
    return JSON.stringify({ Version: "2012-10-17", ...resolved });
}

/** Every EventBridge rule of the template, with its event pattern as published. */
export function interruptionRules(version: string): InterruptionRule[] {
    return Object.entries(resources(version))
        .filter(([, r]) => r.Type === "AWS::Events::Rule")
        .map(([logicalName, r]) => ({ logicalName, eventPattern: r.Properties.EventPattern as InterruptionRule["eventPattern"] }));
}
