import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import { accessPolicyArn } from "./cluster-access";
import { READINESS_GATE_LABEL } from "./lifecycle";
import { MESH_ROUTING_RULES } from "../rules/access";
import { DNS_LABEL, PRINCIPAL_ARN } from "../rules/formats";

/**
 * The Kubernetes group a team's principal is put in (its access entry's `kubernetesGroups`), which the
 * RoleBinding in the team's namespace names (EKS API Reference, CreateAccessEntry `kubernetesGroups`:
 * the name a binding gives as `kind: Group`). Not `system:`-prefixed: Kubernetes reserves that prefix.
 */
export function teamKubernetesGroup(team: string): string {
    return `zero-downtime-eks:team:${team}`;
}

/** The principal that deploys into the namespace: a team's role, given edit rights there and no more. */
export interface NamespaceDeployer {
    /** ARN of the IAM role or user the team deploys with (config `teams.<name>.principalArn`). */
    principalArn: string;
    /** The EKS cluster the access entry is for. */
    clusterName: pulumi.Input<string>;
    /** Tags for the access entry. */
    tags: Record<string, string>;
}

export interface ServiceNamespaceArgs {
    /** The namespace's name (a DNS label; config validation refuses the platform's own namespaces). */
    name: string;
    /** Pods get Istio sidecars (`istio-injection: enabled`): the services here are behind the mesh gateway. */
    mesh: boolean;
    /**
     * Pods are ALB targets (the services here have their own ALB, without Istio): the namespace is put
     * under the load balancer controller's pod webhook, which injects readiness gates.
     */
    albTargets: boolean;
    /** A team's deployer: an EKS access entry in the team's group, `edit` in this namespace, and the mesh routing Role. Default: none. */
    deployer?: NamespaceDeployer;
    /**
     * The Namespace's URN when another resource owned it (ZeroDowntimeService created the app's
     * namespace itself up to 0.1.0): aliased, so `pulumi up` adopts it instead of replacing it, which
     * would delete everything in it. Default: none.
     */
    formerUrn?: pulumi.Input<string>;
    /** Resources that must exist before any pod here: the controller's webhook, istiod's injector. */
    dependsOn: pulumi.Resource[];
}

/**
 * A namespace the platform makes for a service: the app's own, or a team's (docs/teams.md). Owned by the platform's stack, so a team's `pulumi destroy` removes its objects and never
 * the namespace. For a team it also grants exactly what ZeroDowntimeService needs there: EKS's
 * `AmazonEKSEditPolicy` scoped to the namespace, and a Role for the Istio kinds that policy does not
 * cover, bound to the team's Kubernetes group (rules/access.ts says why both, and checks it).
 */
export class ServiceNamespace extends pulumi.ComponentResource {
    /** The namespace's name. */
    readonly name: string;
    /** The Namespace: objects in it wait for it. */
    readonly namespace: k8s.core.v1.Namespace;
    /** The team's Kubernetes group (absent without a deployer). */
    readonly kubernetesGroup?: string;

    constructor(name: string, args: ServiceNamespaceArgs, opts?: pulumi.ComponentResourceOptions) {
        const problems = [
            ...(DNS_LABEL.test(args.name) ? [] : [{ propertyPath: "name", reason: `${JSON.stringify(args.name)} is not a DNS label` }]),
            ...(args.deployer === undefined || PRINCIPAL_ARN.test(args.deployer.principalArn)
                ? []
                : [
                      {
                          propertyPath: "deployer.principalArn",
                          reason: `${JSON.stringify(args.deployer.principalArn)} is not an IAM role or user ARN`,
                      },
                  ]),
        ];
        if (problems.length > 0) {
            throw new pulumi.InputPropertiesError({ message: `ServiceNamespace ${name}: invalid arguments`, errors: problems });
        }
        super("zero-downtime-eks:namespaces:ServiceNamespace", name, {}, opts);
        this.name = args.name;
        this.namespace = new k8s.core.v1.Namespace(
            `${name}-ns`,
            {
                metadata: {
                    name: args.name,
                    // Readiness gates only where the ALB targets these pods: the label also puts the namespace under
                    // the controller's fail-closed pod webhook, which a meshed app behind the gateway does not need.
                    labels: { ...(args.albTargets ? READINESS_GATE_LABEL : {}), ...(args.mesh ? { "istio-injection": "enabled" } : {}) },
                },
            },
            {
                parent: this,
                // The controller's webhook and istiod's injector must exist before any pod of this namespace is created.
                dependsOn: args.dependsOn,
                // Adopt the namespace an earlier version created elsewhere (see formerUrn).
                ...(args.formerUrn === undefined ? {} : { aliases: [args.formerUrn] }),
            },
        );

        if (args.deployer !== undefined) {
            const group = teamKubernetesGroup(args.name);
            this.kubernetesGroup = group;
            // In the namespace: created after it, deleted before it.
            const inNamespace = { parent: this, dependsOn: [this.namespace] };
            const role = new k8s.rbac.v1.Role(
                `${name}-mesh-routing`,
                { metadata: { name: "mesh-routing", namespace: args.name }, rules: MESH_ROUTING_RULES },
                inNamespace,
            );
            new k8s.rbac.v1.RoleBinding(
                `${name}-mesh-routing`,
                {
                    metadata: { name: "mesh-routing", namespace: args.name },
                    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "mesh-routing" },
                    subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: group }],
                },
                // Binds a Role that exists.
                { parent: this, dependsOn: [role] },
            );
            const entry = new aws.eks.AccessEntry(
                `${name}-access`,
                {
                    clusterName: args.deployer.clusterName,
                    principalArn: args.deployer.principalArn,
                    type: "STANDARD",
                    // The RoleBinding above names this group: the principal gets the Role's rules on top of the policy.
                    kubernetesGroups: [group],
                    tags: args.deployer.tags,
                },
                { parent: this },
            );
            new aws.eks.AccessPolicyAssociation(
                `${name}-edit`,
                {
                    clusterName: args.deployer.clusterName,
                    principalArn: entry.principalArn,
                    policyArn: accessPolicyArn("edit"),
                    accessScope: { type: "namespace", namespaces: [args.name] },
                },
                { parent: this },
            );
        }
        this.registerOutputs({ name: this.name, kubernetesGroup: this.kubernetesGroup });
    }
}
