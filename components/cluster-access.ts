// Who may use the cluster besides its creator: EKS access entries and the AWS-owned access
// policies they are associated with. Pure: no Pulumi import (config validation uses it too).
import * as crypto from "crypto";

/**
 * EKS access policies a principal can be granted (awsdocs/amazon-eks-user-guide
 * latest/ug/manage-access/k8s-access/access-policy-reference.adoc). The API accepts a `cluster` or
 * `namespace` scope for each; this program keeps `cluster-admin` cluster-wide (the guide: "its
 * access scope is typically the cluster") and lets the others be limited to `namespaces`.
 */
export const ACCESS_POLICIES = {
    "cluster-admin": "AmazonEKSClusterAdminPolicy",
    admin: "AmazonEKSAdminPolicy",
    edit: "AmazonEKSEditPolicy",
    view: "AmazonEKSViewPolicy",
} as const;
export type AccessLevel = keyof typeof ACCESS_POLICIES;

/** Kubernetes access for one IAM principal, through an EKS access entry. */
export interface AccessGrant {
    /** ARN of the IAM role or user, e.g. `arn:aws:iam::123456789012:role/ci-deployer`. */
    principalArn: string;
    /** Which EKS access policy the principal gets. */
    policy: AccessLevel;
    /** Namespaces the policy is limited to; empty or absent: the whole cluster. */
    namespaces?: string[];
}

/** ARN of an AWS-owned EKS access policy. */
export function accessPolicyArn(policy: AccessLevel): string {
    return `arn:aws:eks::aws:cluster-access-policy/${ACCESS_POLICIES[policy]}`;
}

/** A short, stable child-name suffix for a principal: readable name plus a hash, so reordering the list replaces nothing. */
export function principalSlug(principalArn: string): string {
    const readable = principalArn
        .slice(principalArn.lastIndexOf("/") + 1)
        .toLowerCase()
        .replace(/[^a-z0-9-]/g, "-")
        .slice(0, 24);
    const hash = crypto.createHash("sha256").update(principalArn).digest("hex").slice(0, 8);
    return `${readable}-${hash}`;
}
