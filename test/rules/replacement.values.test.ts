// planUpdate value by value: the whole plan a day-2 `pulumi up` gets (which resources are replaced,
// for which fields, which update in place, which collisions and their words), for the cases where a
// replaced resource's new ID travels into other resources' inputs and where subnets' ranges meet.
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { PlanResource, changedPaths, cidrsOverlap, planUpdate } from "../../rules/replacement";

const ROLE = "aws:iam/role:Role";
const ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment";
const ADDON = "aws:eks/addon:Addon";
const CLUSTER = "aws:eks/cluster:Cluster";
const NODE_GROUP = "aws:eks/nodeGroup:NodeGroup";
const VPC = "aws:ec2/vpc:Vpc";
const SUBNET = "aws:ec2/subnet:Subnet";
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const SUBNET_SOURCE = "terraform-provider-aws internal/service/ec2/vpc_subnet.go";

const res = (type: string, name: string, inputs: Record<string, unknown>, extra: Partial<PlanResource> = {}): PlanResource => ({
    type,
    name,
    inputs,
    tokens: [],
    ...extra,
});

const role = (path: string) =>
    res(ROLE, "role", { path, assumeRolePolicy: "{}" }, { tokens: ["arn:aws:iam::1:role/role-7abc123", "role-7abc123"] });
const attachment = res(ATTACHMENT, "attach", { role: "role-7abc123", policyArn: "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy" });
const subnet = (name: string, cidrBlock: string, vpcId = "vpc-1", extra: Partial<PlanResource> = {}) =>
    res(SUBNET, name, { vpcId, cidrBlock, availabilityZone: "eu-west-1a" }, { tokens: [`subnet-${name}`], ...extra });

describe("planUpdate: a replaced resource's new ID in other inputs (rules/replacement.ts)", () => {
    it("the attachment listed before its role is replaced too: the replacement travels until nothing more changes", () => {
        const plan = planUpdate([attachment, role("/")], [attachment, role("/ci/")]);
        assert.deepEqual(
            plan.replaces.map((r) => [r.name, r.fields]),
            [
                ["attach", ["role"]],
                ["role", ["path"]],
            ],
        );
        assert.deepEqual(plan.updates, []);
        assert.deepEqual(plan.conflicts, []);
    });

    it("an input carrying the replaced role's ARN but not ForceNew is an update of that field, nested path and all; sorted", () => {
        const addon = (tags: Record<string, string>) =>
            res(ADDON, "ebs-csi", {
                addonName: "aws-ebs-csi-driver",
                clusterName: "c",
                serviceAccountRoleArn: "arn:aws:iam::1:role/role-7abc123",
                tags,
            });
        const cluster = res(CLUSTER, "cluster", {
            name: "c",
            roleArn: "arn:aws:iam::1:role/other",
            accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: false },
            version: "1.31",
            encryptionConfig: { resources: ["secrets"], provider: { keyArn: "arn:aws:iam::1:role/role-7abc123" } },
        });
        const plan = planUpdate([role("/"), addon({ team: "a" }), cluster], [role("/ci/"), addon({ team: "b" }), cluster]);
        assert.deepEqual(
            plan.replaces.map((r) => r.name),
            ["role"],
        );
        assert.deepEqual(plan.updates, [
            { type: ADDON, name: "ebs-csi", fields: ["serviceAccountRoleArn", "tags.team"] },
            { type: CLUSTER, name: "cluster", fields: ["encryptionConfig.provider.keyArn"] },
        ]);
    });

    it("a resource that carries none of the replaced IDs (strings, numbers, booleans, lists) is neither updated nor replaced", () => {
        const alarm = res(ALARM, "alarm", {
            name: "a",
            threshold: 5,
            actionsEnabled: true,
            alarmActions: ["arn:aws:sns:eu-west-1:1:topic"],
            dimensions: { LoadBalancer: "app/x/1" },
        });
        const plan = planUpdate([role("/"), alarm], [role("/ci/"), alarm]);
        assert.deepEqual(plan.updates, []);
        assert.deepEqual(
            plan.replaces.map((r) => r.name),
            ["role"],
        );
    });

    it("a list holding one replaced subnet among others is one changed field, the list: the node group is replaced for subnetIds", () => {
        const group = res(NODE_GROUP, "nodes", { clusterName: "c", nodeGroupName: "n", subnetIds: ["subnet-a", "subnet-b"] });
        const plan = planUpdate(
            [subnet("a", "10.0.0.0/19"), subnet("b", "10.0.32.0/19"), group],
            [
                subnet("a", "10.0.0.0/19", "vpc-1", {}),
                { ...subnet("b", "10.0.32.0/19"), inputs: { vpcId: "vpc-1", cidrBlock: "10.0.32.0/19", availabilityZone: "eu-west-1b" } },
                group,
            ],
        );
        assert.deepEqual(
            plan.replaces.map((r) => [r.name, r.fields]),
            [
                ["b", ["availabilityZone"]],
                ["nodes", ["subnetIds"]],
            ],
        );
        assert.deepEqual(plan.updates, []);
    });

    it("a node group whose role is replaced and whose subnets change: both fields, sorted, though the role's came second", () => {
        const group = (subnetIds: string[]) =>
            res(NODE_GROUP, "nodes", { clusterName: "c", nodeGroupName: "n", nodeRoleArn: "arn:aws:iam::1:role/role-7abc123", subnetIds });
        const plan = planUpdate([role("/"), group(["subnet-a"])], [role("/ci/"), group(["subnet-b"])]);
        assert.deepEqual(
            plan.replaces.map((r) => [r.name, r.fields]),
            [
                ["role", ["path"]],
                ["nodes", ["nodeRoleArn", "subnetIds"]],
            ],
        );
    });

    it("a replacement on two ForceNew fields and one update field reports the two ForceNew ones", () => {
        const r = (path: string, description: string, maxSessionDuration: number) =>
            res(ROLE, "role", { path, description, maxSessionDuration, name: "fixed" });
        const plan = planUpdate([r("/", "a", 3600)], [r("/ci/", "b", 7200)]);
        assert.deepEqual(
            plan.replaces.map((x) => x.fields),
            [["path"]],
        );
        const both = planUpdate(
            [{ ...r("/", "a", 3600), inputs: { path: "/", namePrefix: "a", description: "a" } }],
            [{ ...r("/", "a", 3600), inputs: { path: "/ci/", namePrefix: "b", description: "b" } }],
        );
        assert.deepEqual(
            both.replaces.map((x) => x.fields),
            [["namePrefix", "path"]],
        );
    });

    it("setting a service CIDR on a cluster that had the default (no kubernetesNetworkConfig block) replaces it", () => {
        const cluster = (extra: Record<string, unknown>) => res(CLUSTER, "cluster", { name: "c", roleArn: "arn", ...extra });
        const plan = planUpdate([cluster({})], [cluster({ kubernetesNetworkConfig: { serviceIpv4Cidr: "172.20.0.0/16" } })]);
        assert.deepEqual(
            plan.replaces.map((r) => [r.name, r.fields, r.deleteBeforeReplace]),
            [["cluster", ["kubernetesNetworkConfig"], false]],
        );
    });

    it("an identity field changed together with another ForceNew field: a new identity, no collision", () => {
        const assoc = (policyArn: string, namespaces: string[]) =>
            res("aws:eks/accessPolicyAssociation:AccessPolicyAssociation", "a", {
                clusterName: "c",
                principalArn: "p",
                policyArn,
                accessScope: { type: "namespace", namespaces },
            });
        const plan = planUpdate([assoc("view", ["x"])], [assoc("edit", ["y"])]);
        assert.deepEqual(
            plan.replaces.map((r) => r.fields),
            [["accessScope.namespaces", "policyArn"]],
        );
        assert.deepEqual(plan.conflicts, []);
    });

    it("nothing changed: no creates, deletes, updates, replacements or collisions", () => {
        const all = [role("/"), attachment, subnet("a", "10.0.0.0/19")];
        assert.deepEqual(planUpdate(all, all), { creates: [], deletes: [], updates: [], replaces: [], conflicts: [] });
    });
});

describe("planUpdate: subnet ranges (CreateSubnet refuses an overlap in its VPC)", () => {
    const vpc = (cidrBlock: string) => res(VPC, "vpc", { cidrBlock }, { tokens: ["vpc-1"] });
    const overlap = (name: string, cidr: string, other: string, otherCidr: string) => ({
        type: SUBNET,
        name,
        reason: `its cidrBlock ${cidr} overlaps ${other}'s ${otherCidr}, still in place when it is created (${SUBNET_SOURCE})`,
    });

    it("a new subnet over a kept one's range: the collision, word for word", () => {
        const plan = planUpdate([subnet("a", "10.0.0.0/19")], [subnet("a", "10.0.0.0/19"), subnet("b", "10.0.16.0/20")]);
        assert.deepEqual(plan.conflicts, [overlap("b", "10.0.16.0/20", "a", "10.0.0.0/19")]);
        assert.deepEqual(plan.creates, [{ type: SUBNET, name: "b" }]);
    });

    it("a subnet re-cut in place collides with its own old range; delete-first it does not", () => {
        assert.deepEqual(planUpdate([subnet("a", "10.0.0.0/18")], [subnet("a", "10.0.0.0/19")]).conflicts, [
            overlap("a", "10.0.0.0/19", "a", "10.0.0.0/18"),
        ]);
        const dbr = { deleteBeforeReplace: true };
        assert.deepEqual(planUpdate([subnet("a", "10.0.0.0/18", "vpc-1", dbr)], [subnet("a", "10.0.0.0/19", "vpc-1", dbr)]).conflicts, []);
    });

    it("the same range in another VPC, or a range beside the others, is no collision", () => {
        assert.deepEqual(
            planUpdate([subnet("a", "10.0.0.0/19")], [subnet("a", "10.0.0.0/19"), subnet("b", "10.0.0.0/19", "vpc-2")]).conflicts,
            [],
        );
        assert.deepEqual(planUpdate([subnet("a", "10.0.0.0/19")], [subnet("a", "10.0.0.0/19"), subnet("b", "10.0.32.0/19")]).conflicts, []);
    });

    it("a VPC replaced takes its subnets along: the new subnets are in the new VPC, no collision with the old ones", () => {
        const plan = planUpdate([vpc("10.0.0.0/16"), subnet("a", "10.0.0.0/19")], [vpc("10.1.0.0/16"), { ...subnet("a", "10.1.0.0/19") }]);
        assert.deepEqual(
            plan.replaces.map((r) => [r.name, r.fields]),
            [
                ["vpc", ["cidrBlock"]],
                ["a", ["cidrBlock", "vpcId"]],
            ],
        );
        assert.deepEqual(plan.conflicts, []);
        const same = planUpdate([vpc("10.0.0.0/16"), subnet("a", "10.0.0.0/19")], [vpc("10.0.0.0/15"), subnet("a", "10.0.0.0/20")]);
        assert.deepEqual(same.conflicts, []);
    });

    it("kept subnets are not compared with themselves or each other", () => {
        const both = [subnet("a", "10.0.0.0/19"), subnet("b", "10.0.32.0/19")];
        assert.deepEqual(planUpdate(both, both).conflicts, []);
    });
});

describe("changedPaths and cidrsOverlap", () => {
    it("an input from null to a block is one changed path, the block", () => {
        assert.deepEqual(changedPaths({ a: null }, { a: { b: 1 } }), ["a"]);
    });

    for (const [a, b, overlaps] of [
        ["10.0.0.0/18", "10.0.32.0/19", true],
        ["10.0.0.0/18", "10.0.64.0/18", false],
        ["10.0.64.0/18", "10.0.0.0/18", false],
        ["10.0.0.0/24", "10.0.0.0/32", true],
        ["10.0.0.0/24", "10.0.0.255/32", true],
        ["10.0.0.255/32", "10.0.0.0/24", true],
        ["10.0.1.0/24", "10.0.0.255/32", false],
    ] as const) {
        it(`${a} and ${b}: ${overlaps ? "overlap" : "apart"}`, () => {
            assert.equal(cidrsOverlap(a, b), overlaps);
        });
    }
});
