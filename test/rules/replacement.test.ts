import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { PlanResource, REPLACEMENT_RULES, changedPaths, cidrsOverlap, planUpdate, ruleFor } from "../../rules/replacement";

const ASSOCIATION = "aws:eks/accessPolicyAssociation:AccessPolicyAssociation";
const ROLE = "aws:iam/role:Role";
const ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment";
const SUBNET = "aws:ec2/subnet:Subnet";

function resource(type: string, name: string, inputs: Record<string, unknown>, extra: Partial<PlanResource> = {}): PlanResource {
    return { type, name, inputs, tokens: [], ...extra };
}

const association = (namespaces: string[], dbr = false) =>
    resource(
        ASSOCIATION,
        "a",
        { clusterName: "c", principalArn: "p", policyArn: "edit", accessScope: { type: "namespace", namespaces } },
        dbr ? { deleteBeforeReplace: true } : {},
    );

describe("replacement rules (rules/replacement.ts)", () => {
    const CASES: { name: string; before: PlanResource[]; after: PlanResource[]; replaced: string[]; conflicts: string[] }[] = [
        {
            name: "a ForceNew field outside the identity, create-before-delete: the new one collides with the old",
            before: [association(["x"])],
            after: [association(["x", "y"])],
            replaced: ["a"],
            conflicts: ["a"],
        },
        {
            name: "the same replacement delete-first: no collision",
            before: [association(["x"], true)],
            after: [association(["x", "y"], true)],
            replaced: ["a"],
            conflicts: [],
        },
        {
            name: "an autonamed identity gets a fresh name: no collision",
            before: [resource(ROLE, "r", { path: "/" })],
            after: [resource(ROLE, "r", { path: "/ci/" })],
            replaced: ["r"],
            conflicts: [],
        },
        {
            name: "a given name that stays is the same identity",
            before: [resource(ROLE, "r", { name: "fixed", path: "/" })],
            after: [resource(ROLE, "r", { name: "fixed", path: "/ci/" })],
            replaced: ["r"],
            conflicts: ["r"],
        },
        {
            name: "a replaced resource's new ID replaces what holds it in a ForceNew input (and that one's identity changes with it)",
            before: [
                resource(ROLE, "r", { path: "/" }, { tokens: ["r-7abc123"] }),
                resource(ATTACHMENT, "at", { role: "r-7abc123", policyArn: "p" }),
            ],
            after: [
                resource(ROLE, "r", { path: "/ci/" }, { tokens: ["r-7abc123"] }),
                resource(ATTACHMENT, "at", { role: "r-7abc123", policyArn: "p" }),
            ],
            replaced: ["at", "r"],
            conflicts: [],
        },
        {
            name: "an update-only change replaces nothing",
            before: [resource(ROLE, "r", { assumeRolePolicy: "a" })],
            after: [resource(ROLE, "r", { assumeRolePolicy: "b" })],
            replaced: [],
            conflicts: [],
        },
        {
            name: "a subnet re-cut in place overlaps its old range, still there when the new one is created",
            before: [resource(SUBNET, "s1", { vpcId: "v", cidrBlock: "10.0.0.0/18" })],
            after: [resource(SUBNET, "s1", { vpcId: "v", cidrBlock: "10.0.0.0/19" })],
            replaced: ["s1"],
            conflicts: ["s1"],
        },
    ];
    for (const c of CASES) {
        it(c.name, () => {
            const plan = planUpdate(c.before, c.after);
            assert.deepEqual(plan.replaces.map((r) => r.name).sort(), c.replaced);
            assert.deepEqual(plan.conflicts.map((x) => x.name).sort(), c.conflicts);
        });
    }

    it("creates, deletes and updates are told apart", () => {
        const plan = planUpdate(
            [resource(ROLE, "gone", {}), resource(ROLE, "kept", { description: "a" })],
            [resource(ROLE, "kept", { description: "b" }), resource(ROLE, "new", {})],
        );
        assert.deepEqual(plan.creates, [{ type: ROLE, name: "new" }]);
        assert.deepEqual(plan.deletes, [{ type: ROLE, name: "gone" }]);
        assert.deepEqual(plan.updates, [{ type: ROLE, name: "kept", fields: ["description"] }]);
    });

    it("changedPaths: nested leaves by path, a list as one leaf", () => {
        assert.deepEqual(changedPaths({ a: { b: 1, c: [1, 2] }, d: 1 }, { a: { b: 2, c: [2, 1] }, d: 1 }), ["a.b", "a.c"]);
    });

    it("cidrsOverlap", () => {
        assert.ok(cidrsOverlap("10.0.0.0/18", "10.0.32.0/19"));
        assert.ok(!cidrsOverlap("10.0.0.0/18", "10.0.64.0/18"));
    });

    it("a type without a rule fails loudly; every rule names its source", () => {
        assert.throws(() => ruleFor("aws:s3/bucket:Bucket"), /no replacement rule for aws:s3\/bucket:Bucket/);
        for (const [type, rule] of Object.entries(REPLACEMENT_RULES)) {
            assert.ok(rule.source.length > 0 && rule.forceNew.length > 0, type);
            assert.ok(rule.autonamed === undefined || rule.identity?.includes(rule.autonamed), `${type}: autonamed outside the identity`);
        }
    });
});
