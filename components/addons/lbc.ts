import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import { VERSIONS } from "../versions";
import { LOAD_BALANCER_CONTROLLER, requestsOf } from "../footprints";
import { ChartResources, pinnedRelease, EVICT_UNHEALTHY, UnhealthyPodEvictionPolicy } from "./helm";

/** The keys of the chart's values.yaml this component sets (aws/eks-charts stable/aws-load-balancer-controller, 3.5.0). */
interface LbcValues {
    clusterName: pulumi.Input<string>;
    region: string;
    vpcId: pulumi.Input<string>;
    replicaCount: number;
    serviceAccount: { create: boolean; name: string; annotations: Record<string, pulumi.Input<string>> };
    podDisruptionBudget: { maxUnavailable: number; unhealthyPodEvictionPolicy: UnhealthyPodEvictionPolicy };
    resources: ChartResources;
    defaultTags: Record<string, string>;
    enableServiceMutatorWebhook: boolean;
    podMutatorWebhookConfig: { failurePolicy: "Fail" | "Ignore" };
    keepTLSSecret: boolean;
}
import { irsaTrustPolicy } from "./irsa";

import { LBC_NAMESPACE, LBC_SERVICE_ACCOUNT } from "./names";

export { LBC_NAMESPACE, LBC_SERVICE_ACCOUNT };

/**
 * The controller's official IAM policy for the pinned version, kept byte-for-byte as published
 * (kubernetes-sigs/aws-load-balancer-controller docs/install/iam_policy.json at tag `<app version>`).
 * Upgrading the controller means adding the new version's file next to it.
 */
export function officialPolicyFile(appVersion: string = VERSIONS.loadBalancerController.app): string {
    return path.join(__dirname, "lbc-iam-policy", `${appVersion}.json`);
}

export interface LoadBalancerControllerArgs {
    /** EKS cluster name the controller manages load balancers for. */
    clusterName: pulumi.Input<string>;
    /** AWS region of the cluster. */
    region: string;
    /** VPC of the cluster (saves the controller an EC2 metadata lookup). */
    vpcId: pulumi.Input<string>;
    /** ARN of the cluster's IAM OIDC provider. */
    oidcProviderArn: pulumi.Input<string>;
    /** Issuer of the OIDC provider without `https://` (pulumi-eks `oidcIssuer`). */
    oidcIssuer: pulumi.Input<string>;
    /** Controller replicas. */
    replicas: number;
    /** Resource the install waits for: the node group, so the pods can schedule. */
    nodesReady: pulumi.Resource;
    /** Tags for the IAM role and policy, and for every AWS resource the controller creates (its `defaultTags`). */
    tags: Record<string, string>;
}

/** AWS Load Balancer Controller: IRSA role with the official policy, and the eks-charts Helm release. */
export class LoadBalancerController extends pulumi.ComponentResource {
    /** ARN of the controller's IAM role. */
    readonly roleArn: pulumi.Output<string>;
    /** The Helm release; Ingresses and LoadBalancer Services depend on it (create after, delete before). */
    readonly release: k8s.helm.v3.Release;

    constructor(name: string, args: LoadBalancerControllerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("zero-downtime-eks:addons:LoadBalancerController", name, {}, opts);

        const role = new aws.iam.Role(
            `${name}-role`,
            {
                description: "AWS Load Balancer Controller (IRSA)",
                assumeRolePolicy: pulumi
                    .all([args.oidcProviderArn, args.oidcIssuer])
                    .apply(([arn, url]) => JSON.stringify(irsaTrustPolicy(arn, url, LBC_NAMESPACE, LBC_SERVICE_ACCOUNT))),
                tags: args.tags,
            },
            { parent: this },
        );
        const policy = new aws.iam.Policy(
            `${name}-policy`,
            {
                description: `Official AWS Load Balancer Controller policy, ${VERSIONS.loadBalancerController.app}`,
                policy: fs.readFileSync(officialPolicyFile(), "utf8"),
                tags: args.tags,
            },
            { parent: this },
        );
        const attachment = new aws.iam.RolePolicyAttachment(`${name}-policy`, { role: role.name, policyArn: policy.arn }, { parent: this });

        this.release = pinnedRelease<LbcValues>(
            `${name}-chart`,
            {
                name: "aws-load-balancer-controller",
                namespace: LBC_NAMESPACE,
                pin: VERSIONS.loadBalancerController,
                values: {
                    clusterName: args.clusterName,
                    region: args.region,
                    vpcId: args.vpcId,
                    replicaCount: args.replicas,
                    serviceAccount: {
                        create: true,
                        name: LBC_SERVICE_ACCOUNT,
                        annotations: { "eks.amazonaws.com/role-arn": role.arn },
                    },
                    // A node drain must never take both replicas at once: the webhook injects readiness gates.
                    // The chart renders podDisruptionBudget as given (templates/pdb.yaml, 3.5.0).
                    podDisruptionBudget: { maxUnavailable: 1, unhealthyPodEvictionPolicy: EVICT_UNHEALTHY },
                    // The chart's default is `{}` (BestEffort: evicted first under node pressure); this pod
                    // injects readiness gates and deregisters targets, so it gets upstream's requests and
                    // memory limit (footprints.ts: config/controller/controller.yaml, v3.5.0). No CPU limit
                    // (upstream sets 200m): a throttled controller deregisters late.
                    resources: {
                        requests: requestsOf(LOAD_BALANCER_CONTROLLER.requests),
                        limits: { memory: `${LOAD_BALANCER_CONTROLLER.memoryLimitMiB}Mi` },
                    },
                    // The controller tags every ALB, target group and security group it creates (values.yaml `defaultTags`).
                    defaultTags: args.tags,
                    // Off: the Service mutator webhook (chart default on, failurePolicy Fail, every Service
                    // CREATE: templates/webhook.yaml) only sets the loadBalancerClass of `type: LoadBalancer`
                    // Services, and this platform creates none (every entrypoint is an ALB Ingress). On, it
                    // races: istiod's and metrics-server's Services are created in parallel with the
                    // controller, before its pods serve the webhook, and fail at random
                    // (kubernetes-sigs/aws-load-balancer-controller#4140).
                    enableServiceMutatorWebhook: false,
                    // Fail closed: the pod webhook (chart default Ignore) only sees namespaces labelled for
                    // readiness gates (templates/webhook.yaml namespaceSelector); there, a pod created while
                    // the controller is down would start without its gate and take ALB traffic before its
                    // target is healthy. docs/deploy/pod_readiness_gate.md recommends Fail.
                    podMutatorWebhookConfig: { failurePolicy: "Fail" },
                    // Webhook certificate churn: the chart generates a new CA and cert on every render
                    // (genCA in _helpers.tpl) unless it can `lookup` the existing Secret. A Release runs a
                    // real `helm upgrade` against the cluster, where lookup works, so keepTLSSecret reuses
                    // the Secret on upgrades; and Pulumi diffs a Release on its inputs (chart, version,
                    // values), never on the rendered Secret/caBundle, so `pulumi up` shows no diff for it.
                    // (helm.v3/v4 Chart render client-side, lookup returns nothing, and the cert changes
                    // every run: pulumi/pulumi-kubernetes#2131.)
                    keepTLSSecret: true,
                },
            },
            {
                parent: this,
                // Pods need nodes to schedule on, and IAM permissions before they first call AWS;
                // on destroy the release goes first, so the controller can still delete its load balancers.
                dependsOn: [args.nodesReady, attachment],
            },
        );

        this.roleArn = role.arn;
        this.registerOutputs({ roleArn: this.roleArn });
    }
}
