// Karpenter: nodes that follow the pods. The managed node group stays the small, fixed system pool
// (the controller itself runs there: the chart's affinity keeps it off Karpenter's nodes); the app
// and the Locust workers run on the NodePool's nodes, which Karpenter launches for pending pods and
// removes (consolidation, expiry, drift) through drains that honour PDBs.
//
// Destroy order, which leaves no instance behind: the NodePool goes first while the controller
// still runs (its NodeClaims are deleted by cascade and Karpenter drains and terminates each node);
// the EC2NodeClass next, whose finalizer waits until no NodeClaim uses it (aws/karpenter-provider-aws
// pkg/controllers/nodeclass/controller.go, v1.14.1); only then the controller, then the system
// nodes and the cluster (index.ts). Uninstalling the controller first would strand the nodes behind
// their `karpenter.sh/termination` finalizers (website/content/en/v1.14/troubleshooting.md).
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import { VERSIONS } from "../versions";
import { KARPENTER, requestsOf } from "../footprints";
import { ChartResources, pinnedRelease } from "./helm";
import { ServiceAccountRole } from "../iam/service-account-role";
import { KARPENTER_NAMESPACE, KARPENTER_SERVICE_ACCOUNT, NODE_POOL_NAME, NODE_POOL_TAINT } from "./names";
import {
    TemplateContext,
    controllerPolicy,
    controllerPolicyNames,
    interruptionQueue,
    interruptionQueuePolicy,
    interruptionRules,
    nodeRolePolicyNames,
} from "./karpenter-cloudformation";

import { KARPENTER_DISCOVERY_TAG as DISCOVERY_TAG } from "../network";
import { NAME_RULES, fitAutonamed } from "../../rules/aws-names";

/** The root volume of Karpenter's AL2023 nodes, as the system pool's (components/cluster.ts). */
const ROOT_VOLUME = { deviceName: "/dev/xvda", volumeSize: "20Gi", volumeType: "gp3" };

/** One NodePool disruption budget (karpenter.sh_nodepools.yaml `spec.disruption.budgets[]`, v1.14.1). */
export interface DisruptionBudget {
    /** Nodes that may be disrupted at once: a count ("0", "2") or a percentage ("10%"). */
    nodes: string;
    /** Cron schedule (UTC) when the budget starts to apply; with `duration`. */
    schedule?: string;
    /** How long the budget applies from each `schedule` ("8h", "30m"). */
    duration?: string;
}

/** The NodePool's node settings: what the scheduler may launch and how Karpenter may take it away. */
export interface NodePoolSettings {
    /** EC2 instance types Karpenter may launch. */
    instanceTypes: string[];
    /** `on-demand` and/or `spot` (label `karpenter.sh/capacity-type`). */
    capacityTypes: ("on-demand" | "spot")[];
    /** AL2023 AMI alias, `al2023@latest` or pinned `al2023@vYYYYMMDD`. */
    amiAlias: string;
    /** How long a node must be empty or underutilized before consolidation removes it ("1m"). */
    consolidateAfter: string;
    /** Budgets: how many nodes consolidation, drift and emptiness may disrupt at once. */
    budgets: DisruptionBudget[];
    /** Age after which a node is replaced ("720h"), or "Never". */
    expireAfter: string;
    /** Longest a draining node may wait for its pods before Karpenter deletes them ("15m"). */
    terminationGracePeriod: string;
    /** Most nodes the NodePool may run at once (its `limits`, in the instance type's CPU and memory). */
    maxNodes: number;
}

export interface KarpenterArgs extends NodePoolSettings {
    /** Physical EKS cluster name (the IAM conditions and the discovery tags name it). */
    clusterName: pulumi.Input<string>;
    /** AWS region of the cluster. */
    region: string;
    /** ARN of the cluster's IAM OIDC provider. */
    oidcProviderArn: pulumi.Input<string>;
    /** Issuer of the OIDC provider without `https://` (pulumi-eks `oidcIssuer`). */
    oidcIssuer: pulumi.Input<string>;
    /** The EKS cluster security group, which the managed nodes use; Karpenter's nodes get it too. */
    nodeSecurityGroupId: pulumi.Input<string>;
    /** CPU (millicores) and memory (MiB) of one node of the first instance type, for the NodePool's limits. */
    nodeSize: { cpuMillicores: number; memoryMiB: number };
    /** Resource the install waits for: the system nodes, so the controller can schedule. */
    nodesReady: pulumi.Resource;
    /** Tags for every AWS resource, and for the instances and volumes Karpenter launches. */
    tags: Record<string, string>;
    /**
     * Create the account's EC2 Spot service-linked role (`AWSServiceRoleForEC2Spot`), without which Spot
     * launches fail in an account that never ran Spot (karpenter-provider-aws website/content/en/v1.14/
     * getting-started/getting-started-with-karpenter/_index.md: "Unless your AWS account has already
     * onboarded to EC2 Spot, you will need to create the service linked role"; its step06 runs
     * `aws iam create-service-linked-role --aws-service-name spot.amazonaws.com || true`). Only with
     * `spot` in capacityTypes. False when the account already has it: IAM CreateServiceLinkedRole then
     * fails with InvalidInput, "Service role name AWSServiceRoleForEC2Spot has been taken in this
     * account" (AWS Batch user guide, "Create Amazon EC2 spot fleet roles with the AWS CLI"), which a
     * Pulumi resource cannot `|| true` away. Default (stacks/sections/addons.ts): true when capacityTypes has `spot`.
     */
    createSpotServiceLinkedRole: boolean;
}

/** Every way these arguments are wrong, as InputPropertiesError entries. Pure. */
export function validateKarpenterArgs(
    args: Pick<KarpenterArgs, "capacityTypes" | "createSpotServiceLinkedRole">,
): pulumi.InputPropertyErrorDetails[] {
    return args.createSpotServiceLinkedRole && !args.capacityTypes.includes("spot")
        ? [{ propertyPath: "createSpotServiceLinkedRole", reason: "true without spot in capacityTypes: nothing would use the Spot role" }]
        : [];
}

/** The keys of the karpenter chart's values.yaml this component sets (charts/karpenter/values.yaml, 1.14.1). */
interface KarpenterValues {
    replicas: number;
    serviceAccount: { create: boolean; name: string; annotations: Record<string, pulumi.Input<string>> };
    settings: { clusterName: pulumi.Input<string>; interruptionQueue: pulumi.Input<string> };
    controller: { resources: ChartResources };
}

/** The EC2NodeClass's spec (karpenter.k8s.aws_ec2nodeclasses.yaml, v1.14.1). Pure. */
export function nodeClassSpec(args: {
    role: string;
    clusterName: string;
    amiAlias: string;
    tags: Record<string, string>;
}): Record<string, unknown> {
    const discovery = [{ tags: { [DISCOVERY_TAG]: args.clusterName } }];
    return {
        role: args.role,
        amiSelectorTerms: [{ alias: args.amiAlias }],
        subnetSelectorTerms: discovery,
        securityGroupSelectorTerms: discovery,
        // IMDSv2 only and hop limit 1, as the system pool: a pod cannot reach the node role's credentials
        // (EKS best practices, security). These are also the CRD's defaults; written out so they are seen.
        metadataOptions: { httpEndpoint: "enabled", httpProtocolIPv6: "disabled", httpPutResponseHopLimit: 1, httpTokens: "required" },
        blockDeviceMappings: [
            {
                deviceName: ROOT_VOLUME.deviceName,
                ebs: { volumeSize: ROOT_VOLUME.volumeSize, volumeType: ROOT_VOLUME.volumeType, encrypted: true, deleteOnTermination: true },
            },
        ],
        tags: args.tags,
    };
}

/** The NodePool's spec (karpenter.sh_nodepools.yaml, v1.14.1). Pure. */
export function nodePoolSpec(settings: NodePoolSettings, nodeSize: KarpenterArgs["nodeSize"]): Record<string, unknown> {
    return {
        template: {
            spec: {
                nodeClassRef: { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: NODE_POOL_NAME },
                requirements: [
                    { key: "node.kubernetes.io/instance-type", operator: "In", values: settings.instanceTypes },
                    { key: "karpenter.sh/capacity-type", operator: "In", values: settings.capacityTypes },
                    { key: "kubernetes.io/os", operator: "In", values: ["linux"] },
                ],
                // Only the workloads that tolerate it (names.ts NODE_POOL_TAINT). EKS's DaemonSets run on every
                // node regardless: aws-node tolerates every taint (`operator: Exists`, amazon-vpc-cni-k8s
                // config/master/aws-k8s-cni.yaml), and the capacity model counts both on every node.
                taints: [{ ...NODE_POOL_TAINT }],
                expireAfter: settings.expireAfter,
                terminationGracePeriod: settings.terminationGracePeriod,
            },
        },
        disruption: {
            // The CRD's default policy, written out: empty nodes and nodes whose pods fit elsewhere both go.
            consolidationPolicy: "WhenEmptyOrUnderutilized",
            consolidateAfter: settings.consolidateAfter,
            budgets: settings.budgets,
        },
        // Karpenter stops launching once the NodePool's nodes add up to these (concepts/nodepools.md, limits).
        limits: {
            cpu: `${(settings.maxNodes * nodeSize.cpuMillicores) / 1000}`,
            memory: `${settings.maxNodes * nodeSize.memoryMiB}Mi`,
        },
    };
}

/**
 * Karpenter 1.14.1: the controller (IRSA, the release's CloudFormation policies), its node role with
 * an EC2_LINUX access entry, the interruption queue and its EventBridge rules, the CRDs, and one
 * NodePool with its EC2NodeClass.
 */
export class Karpenter extends pulumi.ComponentResource {
    /** The NodePool's name; its nodes carry it as the `karpenter.sh/nodepool` label. */
    readonly nodePoolName: pulumi.Output<string>;
    /** ARN of the role Karpenter's nodes run as (teams adding their own NodePools reuse it). */
    readonly nodeRoleArn: pulumi.Output<string>;
    /** ARN of the controller's IAM role. */
    readonly controllerRoleArn: pulumi.Output<string>;
    /** The NodePool; workloads that run on its nodes depend on it (created after, deleted before). */
    readonly nodePool: k8s.apiextensions.CustomResource;

    constructor(name: string, args: KarpenterArgs, opts?: pulumi.ComponentResourceOptions) {
        const problems = validateKarpenterArgs(args);
        if (problems.length > 0) {
            throw new pulumi.InputPropertiesError({ message: `Karpenter ${name}: invalid arguments`, errors: problems });
        }
        super("zero-downtime-eks:addons:Karpenter", name, {}, opts);
        const version = VERSIONS.karpenter.version;
        const partition = aws.getPartitionOutput({}, { parent: this });
        const caller = aws.getCallerIdentityOutput({}, { parent: this });

        const nodeRole = new aws.iam.Role(
            `${name}-node`,
            {
                description: "Nodes launched by Karpenter",
                assumeRolePolicy: partition.dnsSuffix.apply((suffix) =>
                    JSON.stringify({
                        Version: "2012-10-17",
                        Statement: [{ Effect: "Allow", Principal: { Service: `ec2.${suffix}` }, Action: ["sts:AssumeRole"] }],
                    }),
                ),
                tags: args.tags,
            },
            { parent: this },
        );
        // The same four policies the template gives KarpenterNodeRole; named by policy, never by index.
        const nodePolicies = nodeRolePolicyNames(version).map((policyName) => {
            return new aws.iam.RolePolicyAttachment(
                `${name}-node-${policyName}`,
                { role: nodeRole.name, policyArn: pulumi.interpolate`arn:${partition.partition}:iam::aws:policy/${policyName}` },
                { parent: this },
            );
        });
        // Nodes join through an access entry of type EC2_LINUX (EKS user guide, access entries: "creating
        // access entries for nodes"); EKS gives it the node permissions, so no access policy is attached.
        const nodeAccess = new aws.eks.AccessEntry(
            `${name}-node-access`,
            { clusterName: args.clusterName, principalArn: nodeRole.arn, type: "EC2_LINUX", tags: args.tags },
            { parent: this },
        );

        const queueSpec = interruptionQueue(version);
        const queue = new aws.sqs.Queue(
            `${name}-interruptions`,
            {
                messageRetentionSeconds: queueSpec.messageRetentionSeconds,
                sqsManagedSseEnabled: queueSpec.sqsManagedSseEnabled,
                tags: args.tags,
            },
            { parent: this },
        );
        const queuePolicy = new aws.sqs.QueuePolicy(
            `${name}-interruptions`,
            { queueUrl: queue.url, policy: queue.arn.apply((arn) => interruptionQueuePolicy(version, arn)) },
            { parent: this },
        );
        const rules = interruptionRules(version).map((rule) => {
            // The rule's name and its target's Id are both autonamed from this and both end at 64
            // (EventBridge PutRule Name, Target Id; pulumi-aws AutoName("name", 64)): the longest template
            // rule, capacity-reservation-interruption, leaves 7 characters for the stack name, so a long
            // name is cut and hashed (rules/aws-names.ts fitAutonamed; short stacks keep their names).
            const ruleName = fitAutonamed(`${name}-${kebab(rule.logicalName)}`, NAME_RULES.eventRule.maxLength);
            const eventRule = new aws.cloudwatch.EventRule(
                ruleName,
                {
                    description: `Karpenter interruption events: ${rule.eventPattern["detail-type"].join(", ")}`,
                    eventPattern: JSON.stringify(rule.eventPattern),
                    tags: args.tags,
                },
                { parent: this },
            );
            return new aws.cloudwatch.EventTarget(ruleName, { rule: eventRule.name, arn: queue.arn }, { parent: this });
        });

        const context: pulumi.Output<TemplateContext> = pulumi
            .all([args.clusterName, partition.partition, partition.dnsSuffix, caller.accountId, nodeRole.arn, queue.arn])
            .apply(([clusterName, partitionName, urlSuffix, accountId, nodeRoleArn, interruptionQueueArn]) => ({
                clusterName,
                partition: partitionName,
                region: args.region,
                accountId,
                urlSuffix,
                nodeRoleArn,
                interruptionQueueArn,
            }));
        const controllerPolicyArns = Object.fromEntries(
            controllerPolicyNames(version).map((logicalName) => {
                const policy = new aws.iam.Policy(
                    `${name}-${kebab(logicalName)}`,
                    {
                        description: `Karpenter ${version} ${logicalName} (the release's CloudFormation template)`,
                        policy: context.apply((ctx) => controllerPolicy(version, logicalName, ctx)),
                        tags: args.tags,
                    },
                    { parent: this },
                );
                return [kebab(logicalName), policy.arn];
            }),
        );
        // IRSA for the chart's own ServiceAccount (it creates it, annotated below).
        const controllerRole = new ServiceAccountRole(
            `${name}-controller-irsa`,
            {
                oidcProviderArn: args.oidcProviderArn,
                oidcIssuer: args.oidcIssuer,
                namespace: KARPENTER_NAMESPACE,
                serviceAccount: KARPENTER_SERVICE_ACCOUNT,
                policyArns: controllerPolicyArns,
                createServiceAccount: false,
                tags: args.tags,
            },
            { parent: this },
        );

        // Karpenter finds the nodes' security group by this tag (the EKS-created cluster security group,
        // which the system nodes use too); the private subnets carry it from the network (network.ts).
        const securityGroupTag = new aws.ec2.Tag(
            `${name}-discovery`,
            { resourceId: args.nodeSecurityGroupId, key: DISCOVERY_TAG, value: args.clusterName },
            { parent: this },
        );

        // CRDs from their own chart: Helm installs a chart's crds/ directory on first install only and
        // never upgrades it (website/content/en/v1.14/upgrading/upgrade-guide.md recommends karpenter-crd).
        const crds = pinnedRelease(
            `${name}-crds`,
            { name: "karpenter-crd", namespace: KARPENTER_NAMESPACE, pin: { chart: VERSIONS.karpenter.crdChart, version }, values: {} },
            // CRDs run no pod, but every release waits for the nodes (and CoreDNS): one rule for all
            // releases, and on destroy the CRDs outlive everything that uses them, nodes included.
            { parent: this, dependsOn: [args.nodesReady] },
        );
        const controller = pinnedRelease<KarpenterValues>(
            `${name}-controller`,
            {
                name: "karpenter",
                namespace: KARPENTER_NAMESPACE,
                pin: { chart: VERSIONS.karpenter.chart, version },
                skipCrds: true,
                values: {
                    replicas: KARPENTER.replicas,
                    serviceAccount: {
                        create: true,
                        name: KARPENTER_SERVICE_ACCOUNT,
                        annotations: { "eks.amazonaws.com/role-arn": controllerRole.roleArn },
                    },
                    settings: { clusterName: args.clusterName, interruptionQueue: queue.name },
                    controller: {
                        resources: {
                            requests: requestsOf(KARPENTER.requests),
                            limits: requestsOf(KARPENTER.requests),
                        },
                    },
                },
            },
            {
                parent: this,
                // Create: the CRDs, a node to run on, and every permission and the queue before the
                // controller starts (it reads the queue at start). Delete: the controller goes before
                // all of them, and only after the NodeClass and NodePool below (they depend on it).
                dependsOn: [crds, args.nodesReady, controllerRole, queuePolicy, ...rules],
            },
        );

        const nodeClass = new k8s.apiextensions.CustomResource(
            `${name}-node-class`,
            {
                apiVersion: "karpenter.k8s.aws/v1",
                kind: "EC2NodeClass",
                metadata: { name: NODE_POOL_NAME },
                spec: pulumi
                    .all([nodeRole.name, args.clusterName])
                    .apply(([role, clusterName]) => nodeClassSpec({ role, clusterName, amiAlias: args.amiAlias, tags: args.tags })),
            },
            {
                parent: this,
                // Nodes launched from it must be able to join (access entry, node policies) and be found
                // (the tag); on destroy its finalizer waits for the NodeClaims while the controller runs.
                dependsOn: [controller, nodeAccess, securityGroupTag, ...nodePolicies],
            },
        );
        // The account's Spot role (AWS IAM CreateServiceLinkedRole, AWSServiceName spot.amazonaws.com; the
        // getting-started guide's step06-add-spot-role.sh). retainOnDelete: it is one per account, not this
        // stack's: other stacks and tools launch Spot with it, so destroying this stack leaves it.
        const spotRole = args.createSpotServiceLinkedRole
            ? [
                  new aws.iam.ServiceLinkedRole(
                      `${name}-spot`,
                      { awsServiceName: "spot.amazonaws.com", tags: args.tags },
                      { parent: this, retainOnDelete: true },
                  ),
              ]
            : [];
        this.nodePool = new k8s.apiextensions.CustomResource(
            `${name}-node-pool`,
            {
                apiVersion: "karpenter.sh/v1",
                kind: "NodePool",
                metadata: { name: NODE_POOL_NAME },
                spec: nodePoolSpec(args, args.nodeSize),
            },
            // Deleted before its NodeClass and the controller, so Karpenter drains and terminates its nodes;
            // created after the Spot role, which its first Spot launch needs.
            { parent: this, dependsOn: [nodeClass, controller, ...spotRole] },
        );

        this.nodePoolName = pulumi.output(NODE_POOL_NAME);
        this.nodeRoleArn = nodeRole.arn;
        this.controllerRoleArn = controllerRole.roleArn;
        this.registerOutputs({ nodePoolName: this.nodePoolName, nodeRoleArn: this.nodeRoleArn, controllerRoleArn: this.controllerRoleArn });
    }
}

/** `NodeLifecyclePolicy` → `node-lifecycle-policy`: resource names from the template's logical names. */
function kebab(logicalName: string): string {
    return logicalName.replace(/([a-z0-9])([A-Z])/g, "$1-$2").toLowerCase();
}
