// `zero-downtime-eks:cluster`: the EKS cluster, its nodes, who may use it.
import { ACCESS_POLICIES, AccessGrant, AccessLevel } from "../../components/cluster-access";
import { LOG_RETENTION_DAYS, NODE_GROUP_SCALING, checkNodeGroupScaling } from "../../rules/aws-limits";
import { DNS_LABEL, PRINCIPAL_ARN } from "../../rules/formats";
import { documentationRangeOf } from "../../rules/addresses";
import { DEFAULTS, Environment } from "../defaults";
import type { ClusterSettings, ConfigInput } from "../settings";
import { Section } from "../validate";
import { reportViolations } from "../violations";

// EKS cluster names: 1-100 characters, alphanumerics, hyphens and underscores, starting alphanumeric
// (docs.aws.amazon.com/eks/latest/APIReference/API_CreateCluster.html).
const CLUSTER_NAME = /^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/;
const INSTANCE_TYPE = /^[a-z][a-z0-9-]*\.[a-z0-9]+$/;
// At least one node: the platform's own pods need somewhere to run (the API itself accepts 0).
const MIN_NODES = 1;

export function readCluster(section: Section, input: ConfigInput, env: Environment): ClusterSettings {
    const d = DEFAULTS[env].cluster;
    const name = section.string(
        "name",
        `${input.project}-${input.stack}`,
        CLUSTER_NAME,
        "1-100 letters, digits, '-' or '_', starting with a letter or digit",
    );
    if (!CLUSTER_NAME.test(name)) {
        section.problem("name", name, "a valid EKS cluster name; the stack name does not make one, so set this key");
    }
    const version = section.string("version", d.version, /^1\.\d+$/, 'a Kubernetes minor version as a string, e.g. "1.36"');
    const instanceType = section.string("instanceType", d.instanceType, INSTANCE_TYPE, 'an EC2 instance type, e.g. "m5.large"');
    const minSize = section.int("minSize", d.minSize, MIN_NODES, NODE_GROUP_SCALING.maxNodes);
    const desiredSize = section.int("desiredSize", d.desiredSize, MIN_NODES, NODE_GROUP_SCALING.maxNodes);
    const maxSize = section.int("maxSize", d.maxSize, MIN_NODES, NODE_GROUP_SCALING.maxNodes);
    reportViolations(section, checkNodeGroupScaling({ minSize, desiredSize, maxSize }), {});
    const cidrs = section.cidrList("publicAccessCidrs", undefined);
    // Unset: asked for. Set but refused: cidrList named each bad entry already.
    if (!section.has("publicAccessCidrs")) {
        section.problem("publicAccessCidrs", undefined, 'the CIDRs allowed to reach the Kubernetes API, e.g. ["203.0.113.0/24"]');
    }
    if (env === "prod" && cidrs?.includes("0.0.0.0/0")) {
        section.problem("publicAccessCidrs", cidrs, "prod to restrict the API endpoint: list your VPN or CI egress CIDRs, not 0.0.0.0/0");
    }
    const access = readAccess(section);
    const logRetentionDays = section.int("logRetentionDays", d.logRetentionDays, 1, 3653);
    if (!LOG_RETENTION_DAYS.includes(logRetentionDays)) {
        section.problem("logRetentionDays", logRetentionDays, `one of the retentions CloudWatch accepts: ${LOG_RETENTION_DAYS.join(", ")}`);
    }
    const protect = section.bool("protect", d.protect);
    return {
        name,
        version,
        instanceType,
        minSize,
        desiredSize,
        maxSize,
        publicAccessCidrs: cidrs ?? [],
        access,
        logRetentionDays,
        protect,
    };
}

/**
 * `cluster.publicAccessCidrs` inside a documentation range (rules/addresses.ts): no client has such an
 * address, so the public API endpoint would refuse everyone, and `pulumi up` would build the VPC and
 * the cluster, then fail at the first Kubernetes object. Refused when `live`; a warning offline.
 */
export function checkPublicAccess(section: Section, cidrs: string[], live: boolean, warnings: string[]): void {
    cidrs.forEach((cidr, i) => {
        const range = documentationRangeOf(cidr);
        if (range === undefined) {
            return;
        }
        const why = `${cidr} is inside ${range.name} (${range.cidr}, ${range.source}), reserved for documentation: no client has such an address, so the Kubernetes API would refuse every caller, this program's own Kubernetes objects included`;
        const fix = "your VPN's or CI runners' egress CIDRs (the addresses `pulumi up` and kubectl connect from)";
        if (live) {
            section.problem(`publicAccessCidrs[${i}]`, cidr, `${fix}: ${why}`);
        } else {
            warnings.push(
                `${section.path(`publicAccessCidrs[${i}]`)}: ${why}. pulumi preview and pulumi up refuse it: set ${fix} in the stack file.`,
            );
        }
    });
}

/** `cluster.access`: a list of `{ principalArn, policy, namespaces? }`, every bad entry named by index. */
function readAccess(section: Section): AccessGrant[] {
    const raw = section.take("access");
    if (raw === undefined) {
        return [];
    }
    if (!Array.isArray(raw)) {
        section.problem(
            "access",
            raw,
            'a list of {principalArn, policy, namespaces?}, e.g. [{principalArn: "arn:aws:iam::123456789012:role/ci", policy: "cluster-admin"}]',
        );
        return [];
    }
    const grants: AccessGrant[] = [];
    const seen = new Set<string>();
    const policies = Object.keys(ACCESS_POLICIES) as AccessLevel[];
    raw.forEach((value, i) => {
        const item = section.child(`access[${i}]`, value);
        const principalArn = item.string(
            "principalArn",
            "",
            PRINCIPAL_ARN,
            'an IAM role or user ARN, e.g. "arn:aws:iam::123456789012:role/ci-deployer"',
        );
        if (!item.has("principalArn")) {
            item.problem("principalArn", undefined, "the ARN of the IAM role or user to grant access to");
        } else if (seen.has(principalArn)) {
            item.problem("principalArn", principalArn, "each principal once (EKS allows one access entry per principal)");
        }
        seen.add(principalArn);
        const policy = item.oneOf("policy", "view", policies);
        if (!item.has("policy")) {
            item.problem("policy", undefined, `one of ${policies.map((p) => JSON.stringify(p)).join(", ")}`);
        }
        const namespaces = item.take("namespaces");
        let scoped: string[] | undefined;
        if (namespaces !== undefined) {
            if (
                !Array.isArray(namespaces) ||
                namespaces.length === 0 ||
                namespaces.some((n) => typeof n !== "string" || !DNS_LABEL.test(n))
            ) {
                item.problem(
                    "namespaces",
                    namespaces,
                    'a non-empty list of namespace names, e.g. ["team-a"]; leave it out for the whole cluster',
                );
            } else if (policy === "cluster-admin") {
                item.problem(
                    "namespaces",
                    namespaces,
                    'no namespaces with policy "cluster-admin" (it is cluster-wide); use "admin" for namespace administrators',
                );
            } else {
                scoped = namespaces as string[];
            }
        }
        item.rejectUnknown();
        grants.push({ principalArn, policy, ...(scoped ? { namespaces: scoped } : {}) });
    });
    return grants;
}
