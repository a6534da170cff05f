// Day 2: what a `pulumi up` replaces when an input changes, and where a replacement collides with
// itself. Pulumi replaces a resource when an input its provider marks ForceNew changes, and by
// default creates the new one before deleting the old (create-before-delete). That is safe when AWS
// gives the new one a new identity; it is not when AWS keys the resource by inputs that did not
// change: the create then fails (409, AlreadyExists) or succeeds as an upsert that the delete of the
// old one undoes. Pure: plain records in, a plan out; no Pulumi import.
//
// ForceNew fields are read from terraform-provider-aws (the provider pulumi-aws bridges), each
// resource's schema in the file named by its `source`, as stored for the reading (not pinned to the
// exact upstream commit pulumi-aws 7.48.0 bridges). Input paths are pulumi-aws's camelCase names of
// those fields.

/** How one AWS resource type behaves when its inputs change. */
export interface ReplacementRule {
    /** Input paths whose change replaces the resource (ForceNew in the provider's schema). */
    forceNew: readonly string[];
    /**
     * The inputs AWS identifies the resource by, when it does (its ID is built from them);
     * absent when AWS assigns every new resource a new ID.
     */
    identity?: readonly string[];
    /** The identity field Pulumi fills with a fresh random name when the program leaves it out. */
    autonamed?: string;
    /** An address range no two resources of the type may share within a scope (EC2 subnets in a VPC). */
    exclusiveRange?: { field: string; scope: string };
    /** Where the fields were read (terraform-provider-aws unless said otherwise). */
    source: string;
}

const TF = "terraform-provider-aws internal/service";

/** Every AWS resource type the program creates, directly or inside awsx and pulumi-eks. */
export const REPLACEMENT_RULES: Readonly<Record<string, ReplacementRule>> = {
    "aws:eks/accessPolicyAssociation:AccessPolicyAssociation": {
        // No Update at all: access_scope (type and namespaces) is ForceNew, but the ID is
        // cluster#principal#policy, and Create is AssociateAccessPolicy (an upsert for that key) and
        // Delete DisassociateAccessPolicy for it: create-before-delete deletes the new association.
        forceNew: ["accessScope", "clusterName", "policyArn", "principalArn"],
        identity: ["clusterName", "principalArn", "policyArn"],
        source: `${TF}/eks/access_policy_association.go`,
    },
    "aws:eks/accessEntry:AccessEntry": {
        // ID cluster:principal; CreateAccessEntry answers 409 ResourceInUseException for a taken principal.
        forceNew: ["clusterName", "principalArn", "type"],
        identity: ["clusterName", "principalArn"],
        source: `${TF}/eks/access_entry.go`,
    },
    "aws:eks/addon:Addon": {
        forceNew: ["addonName", "clusterName"],
        identity: ["clusterName", "addonName"],
        source: `${TF}/eks/addon.go`,
    },
    "aws:eks/cluster:Cluster": {
        // vpc_config.subnet_ids is not ForceNew (UpdateClusterConfig), but EKS accepts only subnets in
        // the AZs the cluster was created with (synth/day2.ts checks that); removing encryption_config
        // is ForceNew too (CustomizeDiff), which this program never does.
        forceNew: [
            "name",
            "roleArn",
            "accessConfig.bootstrapClusterCreatorAdminPermissions",
            "bootstrapSelfManagedAddons",
            "kubernetesNetworkConfig.ipFamily",
            "kubernetesNetworkConfig.serviceIpv4Cidr",
            // Only these two of outpost_config are ForceNew; outpost_arns is not.
            "outpostConfig.controlPlaneInstanceType",
            "outpostConfig.controlPlanePlacement.groupName",
            "remoteNetworkConfig",
        ],
        identity: ["name"],
        source: `${TF}/eks/cluster.go`,
    },
    "aws:eks/nodeGroup:NodeGroup": {
        forceNew: [
            "amiType",
            "capacityType",
            "clusterName",
            "diskSize",
            "instanceTypes",
            "launchTemplate.id",
            "launchTemplate.name",
            "nodeGroupName",
            "nodeGroupNamePrefix",
            "nodeRoleArn",
            "remoteAccess",
            "subnetIds",
        ],
        identity: ["clusterName", "nodeGroupName"],
        autonamed: "nodeGroupName",
        source: `${TF}/eks/node_group.go`,
    },
    "aws:ec2/vpc:Vpc": {
        forceNew: ["cidrBlock", "ipv4IpamPoolId", "ipv4NetmaskLength"],
        source: `${TF}/ec2/vpc_.go`,
    },
    "aws:ec2/subnet:Subnet": {
        // CreateSubnet refuses a CIDR that overlaps another subnet of the VPC (InvalidSubnet.Conflict,
        // EC2 API reference, error codes), so a new subnet cannot take its predecessor's range first.
        forceNew: [
            "availabilityZone",
            "availabilityZoneId",
            "cidrBlock",
            "ipv4IpamPoolId",
            "ipv4NetmaskLength",
            "ipv6IpamPoolId",
            "ipv6Native",
            "ipv6NetmaskLength",
            "outpostArn",
            "vpcId",
        ],
        exclusiveRange: { field: "cidrBlock", scope: "vpcId" },
        source: `${TF}/ec2/vpc_subnet.go`,
    },
    "aws:ec2/launchTemplate:LaunchTemplate": {
        // Every other change writes a new template version.
        forceNew: ["name", "namePrefix"],
        identity: ["name"],
        autonamed: "name",
        source: `${TF}/ec2/ec2_launch_template.go`,
    },
    "aws:ec2/tag:Tag": {
        // One tag of another resource, with no ID of its own: `<resource id>,<key>` (pulumi-aws
        // ec2/tag.d.ts, import). A new resource or key is another tag, so they replace it; only the
        // value updates in place. CreateTags overwrites the key, DeleteTags removes it.
        forceNew: ["key", "resourceId"],
        identity: ["resourceId", "key"],
        source: "pulumi-aws ec2/tag.d.ts (the ID); EC2 API reference, CreateTags and DeleteTags",
    },
    "aws:cloudwatch/logGroup:LogGroup": {
        forceNew: ["logGroupClass", "name", "namePrefix"],
        identity: ["name"],
        autonamed: "name",
        source: `${TF}/logs/group.go`,
    },
    "aws:cloudwatch/metricAlarm:MetricAlarm": {
        // `name` is alarm_name; Create refuses an alarm name that exists ("already exists").
        forceNew: ["name"],
        identity: ["name"],
        autonamed: "name",
        source: `${TF}/cloudwatch/metric_alarm.go`,
    },
    "aws:cloudwatch/dashboard:Dashboard": {
        // PutDashboard both creates and updates by name: a same-named replacement would be deleted.
        forceNew: ["dashboardName"],
        identity: ["dashboardName"],
        source: `${TF}/cloudwatch/dashboard.go`,
    },
    "aws:cloudwatch/eventRule:EventRule": {
        forceNew: ["eventBusName", "name", "namePrefix"],
        identity: ["eventBusName", "name"],
        autonamed: "name",
        source: `${TF}/events/rule.go`,
    },
    "aws:cloudwatch/eventTarget:EventTarget": {
        // target_id, when not given, is a fresh unique ID per create (id.UniqueId()).
        forceNew: ["eventBusName", "rule", "targetId"],
        identity: ["eventBusName", "rule", "targetId"],
        autonamed: "targetId",
        source: `${TF}/events/target.go`,
    },
    "aws:kms/key:Key": {
        forceNew: ["customKeyStoreId", "customerMasterKeySpec", "keyUsage", "multiRegion", "xksKeyId"],
        source: `${TF}/kms/key.go`,
    },
    "aws:iam/role:Role": {
        forceNew: ["name", "namePrefix", "path"],
        identity: ["name"],
        autonamed: "name",
        source: `${TF}/iam/role.go`,
    },
    "aws:iam/policy:Policy": {
        // description is ForceNew: a policy whose description names a version is replaced on upgrade.
        forceNew: ["description", "name", "namePrefix", "path"],
        identity: ["name"],
        autonamed: "name",
        source: `${TF}/iam/policy.go`,
    },
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": {
        // No Update; AttachRolePolicy/DetachRolePolicy by role and policy ARN.
        forceNew: ["policyArn", "role"],
        identity: ["role", "policyArn"],
        source: `${TF}/iam/role_policy_attachment.go`,
    },
    "aws:sqs/queue:Queue": {
        forceNew: ["fifoQueue", "name", "namePrefix"],
        identity: ["name"],
        autonamed: "name",
        source: `${TF}/sqs/queue.go`,
    },
    "aws:sqs/queuePolicy:QueuePolicy": {
        // The queue's Policy attribute: Create and Update set it, Delete empties it.
        forceNew: ["queueUrl"],
        identity: ["queueUrl"],
        source: `${TF}/sqs/queue_policy.go`,
    },
    "aws:sns/topic:Topic": {
        forceNew: ["fifoTopic", "name", "namePrefix"],
        identity: ["name"],
        autonamed: "name",
        source: `${TF}/sns/topic.go`,
    },
    "aws:acm/certificate:Certificate": {
        // validation_option is pulumi-aws's `validationOptions` (a list input, named in the plural).
        forceNew: [
            "certificateAuthorityArn",
            "domainName",
            "keyAlgorithm",
            "subjectAlternativeNames",
            "validationMethod",
            "validationOptions",
        ],
        source: `${TF}/acm/certificate.go`,
    },
    "aws:acm/certificateValidation:CertificateValidation": {
        // A waiter: Delete is a no-op.
        forceNew: ["certificateArn", "validationRecordFqdns"],
        source: `${TF}/acm/certificate_validation.go`,
    },
    "aws:route53/record:Record": {
        // ID zone_name_type[_set-identifier]; a type change is a delete and create in one change batch.
        forceNew: ["name", "zoneId"],
        identity: ["zoneId", "name", "type", "setIdentifier"],
        source: `${TF}/route53/record.go`,
    },
};

/** A resource as the plan sees it: its inputs, and the values AWS computes for it that others' inputs carry. */
export interface PlanResource {
    type: string;
    name: string;
    inputs: Record<string, unknown>;
    deleteBeforeReplace?: boolean;
    /** IDs, ARNs and generated names AWS gives this resource: a replacement changes them in every input that carries them. */
    tokens: string[];
}

export interface Replacement {
    type: string;
    name: string;
    /** The ForceNew inputs that changed (directly, or because they carry a replaced resource's ID). */
    fields: string[];
    deleteBeforeReplace: boolean;
}

export interface Conflict {
    type: string;
    name: string;
    reason: string;
}

export interface Plan {
    creates: { type: string; name: string }[];
    deletes: { type: string; name: string }[];
    updates: { type: string; name: string; fields: string[] }[];
    replaces: Replacement[];
    /** Replacements or creates AWS refuses, or that silently undo themselves. */
    conflicts: Conflict[];
}

/** The rule for a type; every AWS type the program creates must have one (a new type fails loudly). */
export function ruleFor(type: string): ReplacementRule {
    const rule = REPLACEMENT_RULES[type];
    if (rule === undefined) {
        throw new Error(
            `rules/replacement.ts has no replacement rule for ${type}: add its ForceNew fields from the provider's schema, with the source`,
        );
    }
    return rule;
}

/** Dotted paths of the leaves that differ; an array is one leaf (lists and sets are replaced whole). */
export function changedPaths(before: unknown, after: unknown, prefix = ""): string[] {
    const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
    if (isObject(before) && isObject(after)) {
        const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
        return keys.flatMap((k) => changedPaths(before[k], after[k], prefix ? `${prefix}.${k}` : k));
    }
    return JSON.stringify(before) === JSON.stringify(after) ? [] : [prefix];
}

/** Dotted paths of the string leaves of `value` that contain one of `tokens`. */
function pathsCarrying(value: unknown, tokens: string[], prefix = ""): string[] {
    if (typeof value === "string") {
        return tokens.some((t) => value.includes(t)) ? [prefix] : [];
    }
    if (Array.isArray(value)) {
        return value.some((v) => pathsCarrying(v, tokens).length > 0) ? [prefix] : [];
    }
    if (typeof value === "object" && value !== null) {
        return Object.entries(value).flatMap(([k, v]) => pathsCarrying(v, tokens, prefix ? `${prefix}.${k}` : k));
    }
    return [];
}

/** True when a changed path touches a ForceNew path (equal, inside it, or containing it). */
function touches(changed: string, field: string): boolean {
    return changed === field || changed.startsWith(`${field}.`) || field.startsWith(`${changed}.`);
}

function valueAt(inputs: Record<string, unknown>, path: string): unknown {
    return path
        .split(".")
        .reduce<unknown>((v, k) => (typeof v === "object" && v !== null ? (v as Record<string, unknown>)[k] : undefined), inputs);
}

/**
 * What `pulumi up` does to go from `before` to `after` (resources matched by type and name, as
 * their URNs are): creates, deletes, in-place updates and replacements, a replacement's new IDs
 * carried into every input that held the old ones, and the conflicts create-before-delete meets.
 */
export function planUpdate(before: PlanResource[], after: PlanResource[]): Plan {
    const key = (r: { type: string; name: string }) => `${r.type}::${r.name}`;
    const old = new Map(before.map((r) => [key(r), r]));
    const next = new Map(after.map((r) => [key(r), r]));
    const kept = after.filter((r) => old.has(key(r)));
    const changed = new Map(kept.map((r) => [key(r), new Set(changedPaths(old.get(key(r))?.inputs, r.inputs))]));
    const replaced = new Set<string>();
    // A replaced resource gets new IDs; every input carrying its old ones changes, which may replace more.
    for (let grew = true; grew;) {
        grew = false;
        for (const r of kept) {
            const k = key(r);
            if (!replaced.has(k) && [...(changed.get(k) ?? [])].some((p) => ruleFor(r.type).forceNew.some((f) => touches(p, f)))) {
                replaced.add(k);
                grew = true;
                const tokens = old.get(k)?.tokens ?? [];
                for (const other of kept) {
                    pathsCarrying(other.inputs, tokens).forEach((p) => changed.get(key(other))?.add(p));
                }
            }
        }
    }

    const replaces: Replacement[] = kept
        .filter((r) => replaced.has(key(r)))
        .map((r) => ({
            type: r.type,
            name: r.name,
            fields: [...(changed.get(key(r)) ?? [])].filter((p) => ruleFor(r.type).forceNew.some((f) => touches(p, f))).sort(),
            deleteBeforeReplace: r.deleteBeforeReplace === true,
        }));
    const conflicts: Conflict[] = [];
    for (const r of replaces) {
        const rule = ruleFor(r.type);
        const now = next.get(key(r));
        if (rule.identity === undefined || r.deleteBeforeReplace || now === undefined) {
            continue;
        }
        const fresh = rule.autonamed !== undefined && valueAt(now.inputs, rule.autonamed) === undefined;
        const same = rule.identity.every((f) => ![...(changed.get(key(r)) ?? [])].some((p) => touches(p, f)));
        if (!fresh && same) {
            const id = rule.identity.map((f) => `${f}=${JSON.stringify(valueAt(now.inputs, f))}`).join(", ");
            conflicts.push({
                type: r.type,
                name: r.name,
                reason: `replaced create-before-delete with the same identity (${id}): AWS refuses the new one, or the old one's delete removes it (${rule.source})`,
            });
        }
    }
    // A new range (created, or a replacement's) must not overlap a range still in place when it is created.
    const created = new Set([...after.filter((r) => !old.has(key(r))).map(key), ...replaced]);
    for (const r of after.filter((x) => created.has(key(x)))) {
        const range = ruleFor(r.type).exclusiveRange;
        if (range === undefined) {
            continue;
        }
        for (const o of before.filter((x) => x.type === r.type)) {
            const gone = replaced.has(key(o)) && o.deleteBeforeReplace === true;
            const sameScope = JSON.stringify(valueAt(o.inputs, range.scope)) === JSON.stringify(valueAt(r.inputs, range.scope));
            const scopeReplaced = [...replaced].some((k) =>
                (old.get(k)?.tokens ?? []).some((t) => String(valueAt(r.inputs, range.scope)).includes(t)),
            );
            if (
                !gone &&
                sameScope &&
                !scopeReplaced &&
                cidrsOverlap(String(valueAt(o.inputs, range.field)), String(valueAt(r.inputs, range.field)))
            ) {
                conflicts.push({
                    type: r.type,
                    name: r.name,
                    reason: `its ${range.field} ${String(valueAt(r.inputs, range.field))} overlaps ${o.name}'s ${String(valueAt(o.inputs, range.field))}, still in place when it is created (${ruleFor(r.type).source})`,
                });
            }
        }
    }

    return {
        creates: after.filter((r) => !old.has(key(r))).map(({ type, name }) => ({ type, name })),
        deletes: before.filter((r) => !next.has(key(r))).map(({ type, name }) => ({ type, name })),
        updates: kept
            .filter((r) => !replaced.has(key(r)) && (changed.get(key(r))?.size ?? 0) > 0)
            .map((r) => ({ type: r.type, name: r.name, fields: [...(changed.get(key(r)) ?? [])].sort() })),
        replaces,
        conflicts,
    };
}

/** The first and last address of an IPv4 CIDR block. */
function cidrRange(cidr: string): { first: number; last: number } {
    const [ip, prefix] = cidr.split("/");
    const first = ip.split(".").reduce((acc, octet) => acc * 256 + Number(octet), 0);
    return { first, last: first + 2 ** (32 - Number(prefix)) - 1 };
}

/** True when two IPv4 CIDR blocks share an address. */
export function cidrsOverlap(a: string, b: string): boolean {
    const x = cidrRange(a);
    const y = cidrRange(b);
    return x.first <= y.last && y.first <= x.last;
}
