// IAM Roles for Service Accounts: the trust policy that lets exactly one Kubernetes service
// account assume a role through the cluster's OIDC provider. Pure: no Pulumi import.

/** The audience EKS-issued service account tokens carry for STS (docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html). */
export const STS_AUDIENCE = "sts.amazonaws.com";

export interface TrustPolicy {
    Version: "2012-10-17";
    Statement: {
        Effect: "Allow";
        Principal: { Federated: string };
        Action: "sts:AssumeRoleWithWebIdentity";
        Condition: { StringEquals: Record<string, string> };
    }[];
}

/**
 * Trust policy for `system:serviceaccount:<namespace>:<serviceAccount>`. Both conditions matter:
 * without `:sub` any service account in the cluster could assume the role, and a wrong `:sub`
 * (seed 004 lost a day to it) makes the controller fail with AccessDenied on AssumeRoleWithWebIdentity.
 */
export function irsaTrustPolicy(oidcProviderArn: string, oidcProviderUrl: string, namespace: string, serviceAccount: string): TrustPolicy {
    const issuer = oidcProviderUrl.replace(/^https:\/\//, "");
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Principal: { Federated: oidcProviderArn },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: {
                    StringEquals: {
                        [`${issuer}:aud`]: STS_AUDIENCE,
                        [`${issuer}:sub`]: `system:serviceaccount:${namespace}:${serviceAccount}`,
                    },
                },
            },
        ],
    };
}
