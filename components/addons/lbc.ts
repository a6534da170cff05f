import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import { VERSIONS } from "../versions";
import { irsaTrustPolicy } from "./irsa";

/** Namespace and service account the controller runs as; the IRSA `:sub` condition names exactly these. */
export const LBC_NAMESPACE = "kube-system";
export const LBC_SERVICE_ACCOUNT = "aws-load-balancer-controller";

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
    /** Issuer URL of the OIDC provider (without `https://`). */
    oidcProviderUrl: pulumi.Input<string>;
    /** Controller replicas. */
    replicas: number;
    /** Resource the install waits for: the node group, so the pods can schedule. */
    nodesReady: pulumi.Resource;
    /** Tags for the IAM role and policy. */
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
                    .all([args.oidcProviderArn, args.oidcProviderUrl])
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

        const pin = VERSIONS.loadBalancerController;
        this.release = new k8s.helm.v3.Release(
            `${name}-chart`,
            {
                name: "aws-load-balancer-controller",
                namespace: LBC_NAMESPACE,
                chart: pin.chart,
                version: pin.version,
                repositoryOpts: { repo: pin.repo },
                // Keys from the pinned chart's values.yaml (aws/eks-charts stable/aws-load-balancer-controller, 3.5.0).
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
                    podDisruptionBudget: { maxUnavailable: 1 },
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
