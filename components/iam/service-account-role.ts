import * as pulumi from "@pulumi/pulumi";
// The IAM module alone, not the package root: the root's declarations bring every AWS service
// (@pulumi/aws 7.48.0: 2,714 declaration files, 31 MB), which the library's build (`npm run build`,
// packages/zero-downtime-eks-service) would parse for three IAM types; iam/ with the shared input and
// output types is 72 files (counted in tsc's program). The module is the same one the root loads
// for `aws.iam`, and a team's program that loads `./irsa` loads it without the root.
import * as iam from "@pulumi/aws/iam";
import * as k8s from "@pulumi/kubernetes";
import { irsaTrustPolicy } from "../addons/irsa";
import { DNS_LABEL } from "../../rules/formats";
import { NAME_RULES, fitAutonamed } from "../../rules/aws-names";

export interface ServiceAccountRoleArgs {
    /** ARN of the cluster's IAM OIDC provider (the platform's `oidcProviderArn` output). */
    oidcProviderArn: pulumi.Input<string>;
    /** The OIDC issuer without `https://` (the platform's `oidcProviderUrl` output). */
    oidcIssuer: pulumi.Input<string>;
    /** Namespace of the service account; the trust policy's `:sub` names it. */
    namespace: string;
    /** Name of the service account; the trust policy's `:sub` names it. */
    serviceAccount: string;
    /** AWS managed or customer policy ARNs to attach, by a name of the caller's choosing. Default: none. */
    policyArns?: Record<string, pulumi.Input<string>>;
    /** Inline policy documents (JSON text), by name. Default: none. */
    policies?: Record<string, pulumi.Input<string>>;
    /** Create the ServiceAccount, annotated with the role (false when a Helm chart creates its own). Default: true. */
    createServiceAccount?: boolean;
    /** Tags for the role. Default: none (a provider's defaultTags still apply). */
    tags?: Record<string, string>;
}

/**
 * IAM Roles for Service Accounts for one Kubernetes service account: a role only that service
 * account can assume (the trust pins the issuer's `aud` to STS and `sub` to
 * `system:serviceaccount:<namespace>:<name>`), its policies, and the annotated ServiceAccount.
 */
export class ServiceAccountRole extends pulumi.ComponentResource {
    /** ARN of the role. */
    readonly roleArn: pulumi.Output<string>;
    /** The ServiceAccount, when created here. */
    readonly serviceAccount?: k8s.core.v1.ServiceAccount;

    constructor(name: string, args: ServiceAccountRoleArgs, opts?: pulumi.ComponentResourceOptions) {
        const problems = [
            ...(!DNS_LABEL.test(args.namespace)
                ? [{ propertyPath: "namespace", reason: `${JSON.stringify(args.namespace)} is not a DNS label` }]
                : []),
            ...(!DNS_LABEL.test(args.serviceAccount)
                ? [{ propertyPath: "serviceAccount", reason: `${JSON.stringify(args.serviceAccount)} is not a DNS label` }]
                : []),
        ];
        if (problems.length > 0) {
            throw new pulumi.InputPropertiesError({ message: `ServiceAccountRole ${name}: invalid arguments`, errors: problems });
        }
        super("zero-downtime-eks:iam:ServiceAccountRole", name, {}, opts);
        const role = new iam.Role(
            // IAM role names end at 64 and pulumi-aws adds 8 characters (CreateRole RoleName; AutoName("name", 64)):
            // a long component name is cut and hashed, a short one kept (rules/aws-names.ts fitAutonamed).
            fitAutonamed(`${name}-role`, NAME_RULES.iamRole.maxLength),
            {
                description: `IRSA for ${args.namespace}/${args.serviceAccount}`,
                assumeRolePolicy: pulumi
                    .all([args.oidcProviderArn, args.oidcIssuer])
                    .apply(([arn, issuer]) => JSON.stringify(irsaTrustPolicy(arn, issuer, args.namespace, args.serviceAccount))),
                ...(args.tags ? { tags: args.tags } : {}),
            },
            { parent: this },
        );
        for (const [policyName, policyArn] of Object.entries(args.policyArns ?? {})) {
            new iam.RolePolicyAttachment(`${name}-${policyName}`, { role: role.name, policyArn }, { parent: this });
        }
        for (const [policyName, policy] of Object.entries(args.policies ?? {})) {
            new iam.RolePolicy(`${name}-${policyName}`, { role: role.name, policy }, { parent: this });
        }
        if (args.createServiceAccount ?? true) {
            this.serviceAccount = new k8s.core.v1.ServiceAccount(
                `${name}-sa`,
                {
                    metadata: {
                        name: args.serviceAccount,
                        namespace: args.namespace,
                        annotations: { "eks.amazonaws.com/role-arn": role.arn },
                    },
                },
                { parent: this },
            );
        }
        this.roleArn = role.arn;
        this.registerOutputs({ roleArn: this.roleArn });
    }
}
