// rules/replacement.ts held to the provider's schemas, resource by resource: the inputs whose change
// replaces the resource are exactly the attributes terraform-provider-aws marks `ForceNew: true`
// (the provider pulumi-aws bridges), named as @pulumi/aws 7.48.0 (node_modules, read here) names
// its inputs; the identity a create-before-delete collides on is the key the provider builds the
// resource's ID from (or AWS refuses a second of). Each entry names the file and the commit it was
// read at (hashicorp/terraform-provider-aws, as stored for the reading; not pinned to the commit
// pulumi-aws 7.48.0 bridges, so a field AWS added later may be missing here, never a wrong one).
// A field typed wrong in the rules, missing or extra, fails here by name; a plan is then asked what it
// does with each one.
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { PlanResource, REPLACEMENT_RULES, planUpdate } from "../../rules/replacement";
import { AWS_NAMED_TYPES } from "../../rules/aws-names";

interface Upstream {
    /** Under internal/service/ in hashicorp/terraform-provider-aws. */
    file: string;
    commit: string;
    /** Attributes with `ForceNew: true`, nested ones as `block.attribute` (children of a ForceNew block are covered by it). */
    forceNew: string[];
    /** The attributes the resource's ID is built from, or that AWS keys the resource by; absent when AWS assigns the ID. */
    identity?: string[];
    /** Where the identity was read. */
    identityFrom?: string;
    /** An attribute the provider updates in place (no ForceNew): changing it must not replace. */
    updatable?: string;
    /** pulumi-aws input names that are not the attribute's camelCase (its resources.go renames). */
    renamed?: Record<string, string>;
}

const UPSTREAM: Record<string, Upstream> = {
    "aws:eks/accessPolicyAssociation:AccessPolicyAssociation": {
        file: "eks/access_policy_association.go",
        commit: "01f431114674c27cf790fafb67ac274bf8f765e1",
        forceNew: ["access_scope", "cluster_name", "policy_arn", "principal_arn"],
        identity: ["cluster_name", "principal_arn", "policy_arn"],
        identityFrom: "accessPolicyAssociationCreateResourceID: cluster#principal#policy",
    },
    "aws:eks/accessEntry:AccessEntry": {
        file: "eks/access_entry.go",
        commit: "01f431114674c27cf790fafb67ac274bf8f765e1",
        forceNew: ["cluster_name", "principal_arn", "type"],
        identity: ["cluster_name", "principal_arn"],
        identityFrom: "accessEntryCreateResourceID: cluster:principal",
        updatable: "kubernetes_groups",
    },
    "aws:eks/addon:Addon": {
        file: "eks/addon.go",
        commit: "00a35305dc1b297a6fcdecdfbba33f1e63c3da39",
        forceNew: ["addon_name", "cluster_name"],
        identity: ["cluster_name", "addon_name"],
        identityFrom: "AddonCreateResourceID(clusterName, addonName)",
        updatable: "addon_version",
    },
    "aws:eks/cluster:Cluster": {
        file: "eks/cluster.go",
        commit: "00555dc5b38f92abbfa230badea0ed0754cea81e",
        forceNew: [
            "access_config.bootstrap_cluster_creator_admin_permissions",
            "bootstrap_self_managed_addons",
            "kubernetes_network_config.ip_family",
            "kubernetes_network_config.service_ipv4_cidr",
            "name",
            "outpost_config.control_plane_instance_type",
            "outpost_config.control_plane_placement.group_name",
            "remote_network_config",
            "role_arn",
        ],
        identity: ["name"],
        identityFrom: "the EKS API keys a cluster by its name (CreateCluster, DeleteCluster)",
        updatable: "version",
    },
    "aws:eks/nodeGroup:NodeGroup": {
        file: "eks/node_group.go",
        commit: "012e0a32f0686212f447447fd3d81c3d0ce256ad",
        forceNew: [
            "ami_type",
            "capacity_type",
            "cluster_name",
            "disk_size",
            "instance_types",
            "launch_template.id",
            "launch_template.name",
            "node_group_name",
            "node_group_name_prefix",
            "node_role_arn",
            "remote_access",
            "subnet_ids",
        ],
        identity: ["cluster_name", "node_group_name"],
        identityFrom: "NodeGroupCreateResourceID(clusterName, nodeGroupName)",
        updatable: "scaling_config.desired_size",
    },
    "aws:ec2/vpc:Vpc": {
        file: "ec2/vpc_.go",
        commit: "00081ce41cc691433ac19bf42227cdabffd0454d",
        forceNew: ["cidr_block", "ipv4_ipam_pool_id", "ipv4_netmask_length"],
        updatable: "enable_dns_hostnames",
    },
    "aws:ec2/subnet:Subnet": {
        file: "ec2/vpc_subnet.go",
        commit: "00cda125a19d31754cb0d073cf551264c57955cb",
        forceNew: [
            "availability_zone",
            "availability_zone_id",
            "cidr_block",
            "ipv4_ipam_pool_id",
            "ipv4_netmask_length",
            "ipv6_ipam_pool_id",
            "ipv6_native",
            "ipv6_netmask_length",
            "outpost_arn",
            "vpc_id",
        ],
        updatable: "map_public_ip_on_launch",
    },
    "aws:ec2/launchTemplate:LaunchTemplate": {
        // The schema from offset 16,000 on; the attributes before it (block_device_mappings to
        // instance_requirements) are in resourceLaunchTemplateUpdate's updateKeys: a new version.
        file: "ec2/ec2_launch_template.go",
        commit: "025e4f81cab8553cb052aebfcc5987e2aa8c702a",
        forceNew: ["name", "name_prefix"],
        identity: ["name"],
        identityFrom: "CreateLaunchTemplate refuses a name in use (InvalidLaunchTemplateName.AlreadyExistsException)",
        updatable: "image_id",
    },
    "aws:cloudwatch/logGroup:LogGroup": {
        file: "logs/group.go",
        commit: "0073593e7d6993ba482409f4dc35438daaa79bb3",
        forceNew: ["log_group_class", "name", "name_prefix"],
        identity: ["name"],
        identityFrom: "d.SetId(name)",
        updatable: "retention_in_days",
    },
    "aws:cloudwatch/metricAlarm:MetricAlarm": {
        file: "cloudwatch/metric_alarm.go",
        commit: "055611a654738da73e7b1e2b5d2b7672c6d4d531",
        forceNew: ["alarm_name"],
        identity: ["alarm_name"],
        identityFrom: "d.SetId(name)",
        updatable: "threshold",
        renamed: { alarm_name: "name" },
    },
    "aws:cloudwatch/dashboard:Dashboard": {
        file: "cloudwatch/dashboard.go",
        commit: "0620f2a6a126dfcbc4aecbc9a117b0fbea1656ff",
        forceNew: ["dashboard_name"],
        identity: ["dashboard_name"],
        identityFrom: "d.SetId(name)",
        updatable: "dashboard_body",
    },
    "aws:cloudwatch/eventRule:EventRule": {
        file: "events/rule.go",
        commit: "0cdab4ae09a963535e03dde0bff4784afe8e3517",
        forceNew: ["event_bus_name", "name", "name_prefix"],
        identity: ["event_bus_name", "name"],
        identityFrom: "ruleCreateResourceID(eventBusName, ruleName)",
        updatable: "event_pattern",
    },
    "aws:cloudwatch/eventTarget:EventTarget": {
        file: "events/target.go",
        commit: "0762c41e2027fcd3cb8340d3e6886c6975fc0a59",
        forceNew: ["event_bus_name", "rule", "target_id"],
        identity: ["event_bus_name", "rule", "target_id"],
        identityFrom: "targetCreateResourceID(eventBusName, ruleName, targetID)",
        updatable: "arn",
    },
    "aws:kms/key:Key": {
        file: "kms/key.go",
        commit: "00a35305dc1b297a6fcdecdfbba33f1e63c3da39",
        forceNew: ["custom_key_store_id", "customer_master_key_spec", "key_usage", "multi_region", "xks_key_id"],
        updatable: "description",
    },
    "aws:iam/role:Role": {
        file: "iam/role.go",
        commit: "0040ea6911af00bea2cca6dbb14e86829826ad8e",
        forceNew: ["name", "name_prefix", "path"],
        identity: ["name"],
        identityFrom: "d.SetId(roleName)",
        updatable: "assume_role_policy",
    },
    "aws:iam/policy:Policy": {
        file: "iam/policy.go",
        commit: "01ccd9a2d118a3e81a9649759bf14303526dc9e6",
        forceNew: ["description", "name", "name_prefix", "path"],
        identity: ["name"],
        identityFrom: "CreatePolicy refuses a policy name in use in the account (EntityAlreadyExists)",
        updatable: "policy",
    },
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": {
        file: "iam/role_policy_attachment.go",
        commit: "04c79849dbe7fbe76c3054b364357bcdaade9ac5",
        forceNew: ["policy_arn", "role"],
        identity: ["role", "policy_arn"],
        identityFrom: "AttachRolePolicy and DetachRolePolicy by role and policy ARN",
    },
    "aws:sqs/queue:Queue": {
        file: "sqs/queue.go",
        commit: "00a35305dc1b297a6fcdecdfbba33f1e63c3da39",
        forceNew: ["fifo_queue", "name", "name_prefix"],
        identity: ["name"],
        identityFrom: "d.SetId(QueueUrl), the URL ends in the name",
        updatable: "visibility_timeout_seconds",
    },
    "aws:sqs/queuePolicy:QueuePolicy": {
        file: "sqs/queue_policy.go",
        commit: "0148137dc6fb802b97b74036846777ab15c0f9ad",
        forceNew: ["queue_url"],
        identity: ["queue_url"],
        identityFrom: "d.SetId(url)",
        updatable: "policy",
    },
    "aws:sns/topic:Topic": {
        file: "sns/topic.go",
        commit: "00a35305dc1b297a6fcdecdfbba33f1e63c3da39",
        forceNew: ["fifo_topic", "name", "name_prefix"],
        identity: ["name"],
        identityFrom: "d.SetId(TopicArn), the ARN ends in the name",
        updatable: "display_name",
    },
    "aws:acm/certificate:Certificate": {
        file: "acm/certificate.go",
        commit: "01661ea3cbe6b07ed725b03c587d24ceb464484a",
        forceNew: [
            "certificate_authority_arn",
            "domain_name",
            "key_algorithm",
            "subject_alternative_names",
            "validation_method",
            "validation_option",
        ],
        updatable: "early_renewal_duration",
        renamed: { validation_option: "validationOptions" },
    },
    "aws:acm/certificateValidation:CertificateValidation": {
        file: "acm/certificate_validation.go",
        commit: "004eea7f9b6658d88d652e89e10c7520a10ad6b8",
        forceNew: ["certificate_arn", "validation_record_fqdns"],
    },
    "aws:route53/record:Record": {
        file: "route53/record.go",
        commit: "00655c1681ea1e49ab10cd32d3f8bee372b2095b",
        forceNew: ["name", "zone_id"],
        identity: ["zone_id", "name", "type", "set_identifier"],
        identityFrom: "@IdentityAttribute zone_id, name, type, set_identifier",
        updatable: "ttl",
    },
};

/** The one rule not read from a Terraform schema here (its file is not in the stored index): held by behaviour below. */
const TAG = "aws:ec2/tag:Tag";

const camel = (attribute: string) => attribute.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
const input = (u: Upstream, attribute: string): string => u.renamed?.[attribute] ?? attribute.split(".").map(camel).join(".");
const source = (u: Upstream) => `terraform-provider-aws internal/service/${u.file}`;

/** The input names of `<Type>Args` in @pulumi/aws's declaration file for the type token. */
function pulumiArgs(type: string): Set<string> {
    const [, module, name] = /^aws:([^/]+)\/([^:]+):(\w+)$/.exec(type) ?? [];
    const file = path.join(require.resolve("@pulumi/aws/package.json"), "..", module, `${name}.d.ts`);
    const dts = fs.readFileSync(file, "utf8");
    const [, body] = new RegExp(`export interface ${type.split(":")[2]}Args \\{([\\s\\S]*?)\\n\\}`).exec(dts) ?? [];
    assert.ok(body, `${file}: no ${type.split(":")[2]}Args`);
    return new Set([...body.matchAll(/^ {4}(\w+)\??:/gm)].map((m) => m[1]));
}

/** Inputs with `value` at a dotted path. */
function at(pathText: string, value: unknown): Record<string, unknown> {
    return pathText
        .split(".")
        .reverse()
        .reduce<unknown>((v, k) => ({ [k]: v }), value) as Record<string, unknown>;
}

const resource = (type: string, inputs: Record<string, unknown>, extra: Partial<PlanResource> = {}): PlanResource => ({
    type,
    name: "r",
    inputs,
    tokens: [],
    ...extra,
});

describe("replacement rules held to terraform-provider-aws's schemas (rules/replacement.ts)", () => {
    it("every rule is held here (or, for the EC2 tag, below), and nothing here lacks a rule", () => {
        assert.deepEqual(Object.keys(REPLACEMENT_RULES).sort(), [...Object.keys(UPSTREAM), TAG].sort());
    });

    for (const [type, u] of Object.entries(UPSTREAM)) {
        const rule = REPLACEMENT_RULES[type];
        const forceNew = u.forceNew.map((a) => input(u, a)).sort();
        const identity = u.identity?.map((a) => input(u, a));

        describe(`${type} (${u.file} @ ${u.commit.slice(0, 12)})`, () => {
            it(`replaces on exactly the ForceNew attributes: ${forceNew.join(", ")}`, () => {
                assert.deepEqual([...rule.forceNew].sort(), forceNew);
                assert.equal(rule.source, source(u));
            });

            it("names each as @pulumi/aws 7.48.0 declares the input", () => {
                const args = pulumiArgs(type);
                for (const f of forceNew) {
                    assert.ok(args.has(f.split(".")[0]), `${f}: no such input in ${type}'s Args`);
                }
            });

            it(`identity: ${identity?.join(", ") ?? "none, AWS assigns the ID"}${u.identityFrom ? ` (${u.identityFrom})` : ""}`, () => {
                assert.deepEqual(rule.identity, identity);
                assert.equal(rule.autonamed, AWS_NAMED_TYPES[type]?.autoname?.property);
            });

            for (const f of forceNew) {
                it(`a change of ${f} alone replaces it, for that field`, () => {
                    const plan = planUpdate([resource(type, at(f, "before"))], [resource(type, at(f, "after"))]);
                    assert.deepEqual(
                        plan.replaces.map((r) => [r.name, r.fields]),
                        [["r", [f]]],
                    );
                    assert.deepEqual(plan.updates, []);
                });
            }

            if (u.updatable !== undefined) {
                const f = input(u, u.updatable);
                it(`a change of ${f} (no ForceNew) updates in place`, () => {
                    const plan = planUpdate([resource(type, at(f, 1))], [resource(type, at(f, 2))]);
                    assert.deepEqual(plan.replaces, []);
                    assert.deepEqual(plan.updates, [{ type, name: "r", fields: [f] }]);
                });
            }

            if (identity === undefined) {
                for (const f of forceNew) {
                    it(`replaced on ${f} create-before-delete, it gets a new ID from AWS: no collision`, () => {
                        const plan = planUpdate([resource(type, at(f, "before"))], [resource(type, at(f, "after"))]);
                        assert.deepEqual(plan.conflicts, []);
                    });
                }
                return;
            }
            const given = Object.fromEntries(identity.map((f) => [f, `${f}-value`]));
            const outside = forceNew.filter((f) => !identity.some((i) => f === i || f.startsWith(`${i}.`)));
            for (const f of outside) {
                it(`replaced on ${f} create-before-delete with the same identity: the collision, word for word`, () => {
                    const plan = planUpdate(
                        [resource(type, { ...given, ...at(f, "before") })],
                        [resource(type, { ...given, ...at(f, "after") })],
                    );
                    const id = identity.map((i) => `${i}=${JSON.stringify(given[i])}`).join(", ");
                    assert.deepEqual(plan.conflicts, [
                        {
                            type,
                            name: "r",
                            reason: `replaced create-before-delete with the same identity (${id}): AWS refuses the new one, or the old one's delete removes it (${source(u)})`,
                        },
                    ]);
                });

                it(`replaced on ${f} delete-first: no collision`, () => {
                    const dbr = { deleteBeforeReplace: true };
                    const plan = planUpdate(
                        [resource(type, { ...given, ...at(f, "before") }, dbr)],
                        [resource(type, { ...given, ...at(f, "after") }, dbr)],
                    );
                    assert.deepEqual(plan.conflicts, []);
                });

                if (rule.autonamed !== undefined) {
                    const autonamed = rule.autonamed;
                    it(`replaced on ${f} with ${autonamed} left to pulumi-aws's autoname: a fresh name, no collision`, () => {
                        const fresh = Object.fromEntries(Object.entries(given).filter(([k]) => k !== autonamed));
                        const plan = planUpdate(
                            [resource(type, { ...fresh, ...at(f, "before") })],
                            [resource(type, { ...fresh, ...at(f, "after") })],
                        );
                        assert.deepEqual(plan.conflicts, []);
                    });
                }
            }
            for (const f of identity.filter((i) => forceNew.includes(i))) {
                for (const g of outside) {
                    it(`${f} changed with ${g}: a new identity, no collision`, () => {
                        const plan = planUpdate(
                            [resource(type, { ...given, ...at(g, "before") })],
                            [resource(type, { ...given, [f]: "another", ...at(g, "after") })],
                        );
                        assert.equal(plan.replaces.length, 1);
                        assert.deepEqual(plan.conflicts, []);
                    });
                }
                it(`${f} changed alone: a new identity, no collision`, () => {
                    const plan = planUpdate([resource(type, given)], [resource(type, { ...given, [f]: "another" })]);
                    assert.deepEqual(
                        plan.replaces.map((r) => r.fields),
                        [[f]],
                    );
                    assert.deepEqual(plan.conflicts, []);
                });
            }
        });
    }

    describe(`${TAG}: one tag of another resource, ID "<resource id>,<key>" (@pulumi/aws 7.48.0 ec2/tag.d.ts, import)`, () => {
        const tag = (key: string, value: string) => resource(TAG, { resourceId: "tgw-attach-1", key, value });
        it("another key is another tag: replaced, and the new key is no collision", () => {
            const plan = planUpdate([tag("Name", "a")], [tag("Owner", "a")]);
            assert.deepEqual(
                plan.replaces.map((r) => r.fields),
                [["key"]],
            );
            assert.deepEqual(plan.conflicts, []);
        });
        it("another resource is another tag: replaced on resourceId, and the new resource is no collision", () => {
            const plan = planUpdate(
                [tag("Name", "a")],
                [{ ...tag("Name", "a"), inputs: { resourceId: "tgw-attach-2", key: "Name", value: "a" } }],
            );
            assert.deepEqual(
                plan.replaces.map((r) => r.fields),
                [["resourceId"]],
            );
            assert.deepEqual(plan.conflicts, []);
        });
        it("a new value updates the tag in place (CreateTags overwrites the key)", () => {
            const plan = planUpdate([tag("Name", "a")], [tag("Name", "b")]);
            assert.deepEqual(plan.updates, [{ type: TAG, name: "r", fields: ["value"] }]);
        });
    });
});
