import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as yaml from "yaml";
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

/**
 * The controller's CRDs for the pinned version, kept byte for byte as published: every file of
 * kubernetes-sigs/aws-load-balancer-controller `helm/aws-load-balancer-controller/crds/` at tag
 * `<app version>` that Helm would install from the chart's crds/ directory (crds.yaml,
 * gateway-crds.yaml; the chart's .helmignore drops kustomization.yaml). Upgrading the controller
 * means adding the new version's directory next to it, as for its IAM policy.
 */
export function crdDirectory(appVersion: string = VERSIONS.loadBalancerController.app): string {
    return path.join(__dirname, "lbc-crds", appVersion);
}

/** One CustomResourceDefinition as published (apiextensions.k8s.io/v1). */
export interface CrdDocument {
    apiVersion: string;
    kind: string;
    metadata: { name: string; annotations?: Record<string, string>; labels?: Record<string, string> };
    spec: Record<string, unknown>;
}

/**
 * The parsed CRDs by app version: read once per process. The files are 200 KB of YAML whose parse
 * was 0.07 s of every synth (a --cpu-prof of twelve synths in one process, as the test suite and
 * `npm run synth` for several stacks make them). Frozen, because every synth shares them.
 */
const parsedCrds = new Map<string, readonly CrdDocument[]>();

/** Every CRD in the version's files, in file order; anything that is not a CRD is refused, naming it. */
export function controllerCrds(appVersion: string = VERSIONS.loadBalancerController.app): readonly CrdDocument[] {
    const cached = parsedCrds.get(appVersion);
    if (cached !== undefined) {
        return cached;
    }
    const crds = deepFreeze(readCrds(appVersion));
    parsedCrds.set(appVersion, crds);
    return crds;
}

function deepFreeze<T>(value: T): T {
    if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
        Object.values(value).forEach(deepFreeze);
        Object.freeze(value);
    }
    return value;
}

function readCrds(appVersion: string): CrdDocument[] {
    const dir = crdDirectory(appVersion);
    if (!fs.existsSync(dir)) {
        throw new Error(
            `no CRDs for the load balancer controller ${appVersion}: add the files of kubernetes-sigs/aws-load-balancer-controller helm/aws-load-balancer-controller/crds/*.yaml at tag ${appVersion} to ${dir}`,
        );
    }
    const files = fs
        .readdirSync(dir)
        .filter((f) => f.endsWith(".yaml"))
        .sort();
    return files.flatMap((file) =>
        yaml
            .parseAllDocuments(fs.readFileSync(path.join(dir, file), "utf8"))
            .map((d) => d.toJS() as CrdDocument | null)
            .filter((d): d is CrdDocument => d !== null)
            .map((d) => {
                if (d.apiVersion !== "apiextensions.k8s.io/v1" || d.kind !== "CustomResourceDefinition") {
                    throw new Error(
                        `${path.join(dir, file)}: ${d.apiVersion}/${d.kind} ${d.metadata?.name} is not a CustomResourceDefinition`,
                    );
                }
                return d;
            }),
    );
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

        // The CRDs outside the chart: Helm installs a chart's crds/ on first install only and never
        // upgrades them (Helm docs, "Custom Resource Definitions": "no support at this time for upgrading
        // or deleting CRDs using Helm"; the chart's README: "CRDs need to be updated" by hand on upgrade),
        // and v3.4.x → v3.5.0 changed gateway-crds.yaml. As server-side apply patches: each is created
        // when missing and updated when the pinned version's file changes, so an upgrade is the
        // version's line in versions.ts plus its files; a cluster whose CRDs Helm installed earlier
        // is taken over in place (a plain CustomResourceDefinition would fail its create with
        // AlreadyExists: pulumi-kubernetes provider/pkg/await/await.go, v4.29+). patchForce: Helm's
        // field manager owns those fields, and this program is now their only writer. Like Helm's, the
        // CRDs stay on destroy (a patch relinquishes its fields), so no custom resource is deleted with them.
        const crds = controllerCrds().map(
            (crd) =>
                new k8s.apiextensions.v1.CustomResourceDefinitionPatch(
                    `${name}-crd-${crd.metadata.name}`,
                    {
                        metadata: {
                            name: crd.metadata.name,
                            annotations: { ...crd.metadata.annotations, "pulumi.com/patchForce": "true" },
                            ...(crd.metadata.labels ? { labels: crd.metadata.labels } : {}),
                        },
                        spec: crd.spec as k8s.types.input.apiextensions.v1.CustomResourceDefinitionSpecPatch,
                    },
                    { parent: this },
                ),
        );

        this.release = pinnedRelease<LbcValues>(
            `${name}-chart`,
            {
                name: "aws-load-balancer-controller",
                namespace: LBC_NAMESPACE,
                pin: VERSIONS.loadBalancerController,
                // The CRDs come from the version's files above (Helm never upgrades crds/).
                skipCrds: true,
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
                // Pods need nodes to schedule on, IAM permissions before they first call AWS, and the CRDs
                // before the chart's IngressClassParams and the controller's TargetGroupBindings; on destroy
                // the release goes first, so the controller can still delete its load balancers.
                dependsOn: [args.nodesReady, attachment, ...crds],
            },
        );

        this.roleArn = role.arn;
        this.registerOutputs({ roleArn: this.roleArn });
    }
}
