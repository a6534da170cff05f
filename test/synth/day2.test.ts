// Day 2: every configuration key that reaches an AWS resource, changed on a deployed dev stack, and
// what `pulumi up` would do about it (synth/day2.ts over two synths). A change that replaces the VPC,
// a subnet, the cluster or the node group, or that AWS refuses, is a create-only key
// (stacks/create-only.ts, marked in docs/configuration.md); no change may replace an identity-keyed resource
// create-before-delete.
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { SettingsError, parseSettings, todayUtc } from "../../stacks";
import { CREATE_ONLY_KEYS } from "../../stacks/create-only";
import { PROJECT_DIR, projectName, readStackConfig } from "../../synth/engine";
import { CRITICAL_TYPES, Day2, dayTwo, physicalResources } from "../../synth/day2";
import { REPLACEMENT_RULES } from "../../rules/replacement";
import { DOMAIN, VARIANTS, synth } from "../harness";

const PROJECT = "zero-downtime-eks";
const TEAM = "arn:aws:iam::123456789012:role/team-a";
/** A grant limited to namespaces: an access entry and a namespace-scoped policy association. */
const GRANT = { principalArn: TEAM, policy: "edit", namespaces: ["team-a"] };

type Sections = Record<string, Record<string, unknown>>;

/** The dev stack file's sections, with `overrides` merged in per section. */
function devWith(overrides: Sections): Record<string, unknown> {
    const file = readStackConfig("dev");
    const out: Record<string, unknown> = {};
    for (const section of new Set([...Object.keys(overrides), "cluster"])) {
        const key = `${PROJECT}:${section}`;
        out[key] = { ...(file[key] ? (JSON.parse(file[key]) as object) : {}), ...overrides[section] };
    }
    return out;
}

/** One key's change: the deployed stack (`base`) and the same stack with the key set to `value`. */
interface Case {
    key: string;
    value: unknown;
    base?: Sections;
}

const CASES: Case[] = [
    { key: "network.cidrBlock", value: "10.1.0.0/16" },
    { key: "network.availabilityZoneCount", value: 3 },
    // NAT gateways, their EIPs and routes are not modelled (synth/day2.ts): this shows only that no subnet moves.
    { key: "network.natGateways", value: "onePerAz" },
    { key: "cluster.name", value: "zde-renamed" },
    // An upgrade (EKS refuses a downgrade).
    { key: "cluster.version", value: "1.36", base: { cluster: { version: "1.35" } } },
    { key: "cluster.instanceType", value: "m5.xlarge" },
    { key: "cluster.minSize", value: 2 },
    { key: "cluster.desiredSize", value: 4 },
    { key: "cluster.maxSize", value: 6 },
    { key: "cluster.publicAccessCidrs", value: ["20.0.0.0/16"] },
    { key: "cluster.access", value: [{ principalArn: TEAM, policy: "view" }] },
    { key: "cluster.logRetentionDays", value: 90 },
    { key: "cluster.protect", value: true },
    { key: "domain.hostName", value: "www.example.com", base: { domain: DOMAIN[`${PROJECT}:domain`] } },
    { key: "domain.hostedZoneId", value: "Z9876543210ZYXWVUTSRQ", base: { domain: DOMAIN[`${PROJECT}:domain`] } },
    { key: "alarms.enabled", value: false },
    { key: "alarms.periodSeconds", value: 300 },
    { key: "alarms.evaluationPeriods", value: 3 },
];

async function change(c: Case): Promise<Day2> {
    const [section, field] = c.key.split(".");
    const base = c.base ?? {};
    const before = await synth("dev", devWith(base));
    const after = await synth("dev", devWith({ ...base, [section]: { ...base[section], [field]: c.value } }));
    return dayTwo(before, after);
}

/** One line per kind of step: `replace: aws:ec2/subnet:Subnet dev-network-vpc-public-1 (cidrBlock); …`. */
function summary(plan: Day2): string[] {
    const list = (rs: { type: string; name: string; fields?: string[] }[]) =>
        rs.map((r) => `${r.type} ${r.name}${r.fields ? ` (${r.fields.join(", ")})` : ""}`).join("; ") || "none";
    return [
        `replace: ${list(plan.replaces)}`,
        `create: ${list(plan.creates)}`,
        `delete: ${list(plan.deletes)}`,
        `update: ${list(plan.updates)}`,
        `conflicts: ${plan.conflicts.map((x) => `${x.name}: ${x.reason}`).join("; ") || "none"}`,
        `refused by AWS: ${plan.refusals.map((r) => `${r.name}: ${r.reason}`).join("; ") || "none"}`,
    ];
}

/** The keys the settings reader of a section accepts, as its refusal of an unknown key lists them. */
function knownKeys(section: string): string[] {
    // The domain reader reads its keys only when one of them is set.
    const set = section === "domain" ? DOMAIN[`${PROJECT}:domain`] : {};
    const config = { ...readStackConfig("dev"), [`${PROJECT}:${section}`]: JSON.stringify({ ...set, notAKey: true }) };
    try {
        parseSettings({ project: projectName(), stack: "dev", config, today: todayUtc() });
    } catch (err) {
        const problem = (err as SettingsError).problems.find((p) => p.key === `${PROJECT}:${section}.notAKey`);
        return (/known keys \(a typo is never ignored\): (.*)$/.exec(problem?.expected ?? "")?.[1] ?? "").split(", ").filter(Boolean);
    }
    throw new Error(`${section}: an unknown key was accepted`);
}

describe("day 2: what changing each configuration key replaces", () => {
    it("the cases cover every key of the sections that reach AWS resources (network, cluster, domain, alarms)", () => {
        for (const section of ["network", "cluster", "domain", "alarms"]) {
            const keys = knownKeys(section);
            assert.ok(keys.length > 0, section);
            for (const k of keys) {
                assert.ok(
                    CASES.some((c) => c.key === `${section}.${k}`),
                    `${section}.${k} has no day-2 case`,
                );
            }
        }
    });

    for (const c of CASES) {
        const createOnly = c.key in CREATE_ONLY_KEYS;
        it(`${c.key} → ${JSON.stringify(c.value)}: ${createOnly ? "create-only (replaces or is refused)" : "no VPC, subnet, cluster or node group replaced"}`, async (t) => {
            const plan = await change(c);
            // What `pulumi up` would do, in the test's output.
            summary(plan).forEach((line) => t.diagnostic(line));
            const critical = [...plan.critical, ...plan.refusals.map((r) => r.reason)];
            if (createOnly) {
                assert.notDeepEqual(critical, [], `${c.key} is marked create-only but replaces nothing critical`);
            } else {
                assert.deepEqual(critical, [], `${c.key} is not marked create-only`);
                assert.deepEqual(plan.conflicts, [], `${c.key}: create-before-delete on an identity-keyed resource`);
            }
        });
    }

    it("create-only keys are exactly the cases that replace something critical, each with its reason", () => {
        assert.deepEqual(
            Object.keys(CREATE_ONLY_KEYS).sort(),
            CASES.filter((c) => c.key in CREATE_ONLY_KEYS)
                .map((c) => c.key)
                .sort(),
        );
    });

    it("[issue 22.6] changing availabilityZoneCount re-splits every subnet (/18 → /19): replaced, the new ranges overlap the old, and EKS refuses the AZ", async () => {
        const plan = await change({ key: "network.availabilityZoneCount", value: 3 });
        const subnets = plan.replaces.filter((r) => r.type === "aws:ec2/subnet:Subnet");
        assert.equal(subnets.length, 4, "every subnet of the 2-AZ layout");
        assert.ok(subnets.every((s) => s.fields.includes("cidrBlock")));
        assert.ok(plan.conflicts.some((x) => /10\.0\.0\.0\/19 overlaps .*10\.0\.0\.0\/18/.test(x.reason)));
        assert.ok(plan.refusals.some((r) => /outside the AZs it was created with/.test(r.reason)));
        assert.ok(
            plan.critical.some((x) => x.startsWith("aws:eks/nodeGroup:NodeGroup")),
            "the node group's subnets are ForceNew",
        );
    });

    it("[issue 22.6] changing cidrBlock replaces the VPC, every subnet and the node group; EKS refuses the new VPC's subnets", async () => {
        const plan = await change({ key: "network.cidrBlock", value: "10.1.0.0/16" });
        assert.ok(plan.critical.includes("aws:ec2/vpc:Vpc dev-network-vpc"));
        assert.equal(plan.replaces.filter((r) => r.type === "aws:ec2/subnet:Subnet").length, 4);
        assert.ok(plan.refusals.some((r) => /another VPC/.test(r.reason)));
    });

    it("[issue 22.5] changing a grant's namespaces replaces its access policy association delete-first, so the new scope survives", async () => {
        const plan = await change({
            key: "cluster.access",
            value: [{ ...GRANT, namespaces: ["team-a", "team-b"] }],
            base: { cluster: { access: [GRANT] } },
        });
        const association = plan.replaces.find((r) => r.type === "aws:eks/accessPolicyAssociation:AccessPolicyAssociation");
        assert.ok(association, "the association is replaced (access_scope is ForceNew)");
        assert.deepEqual(association.fields, ["accessScope.namespaces"]);
        assert.equal(association.deleteBeforeReplace, true, "created first, the new association would be deleted with the old one");
        assert.deepEqual(plan.conflicts, []);
        assert.ok(!plan.replaces.some((r) => r.type === "aws:eks/accessEntry:AccessEntry"), "the access entry itself stays");
    });

    it("every AWS resource type any configuration creates has a replacement rule, and the model opens the remote components", async () => {
        const types = new Set<string>();
        for (const v of VARIANTS) {
            physicalResources(await synth(v.stack, v.overrides)).forEach((r) => types.add(r.type));
        }
        const access = await synth("dev", devWith({ cluster: { access: [GRANT] } }));
        physicalResources(access).forEach((r) => types.add(r.type));
        for (const t of types) {
            assert.ok(t in REPLACEMENT_RULES, `no replacement rule for ${t}`);
        }
        for (const t of CRITICAL_TYPES) {
            assert.ok(types.has(t), `the model never opens a ${t}`);
        }
    });

    it("the configuration reference marks every create-only key", () => {
        const reference = fs.readFileSync(path.join(PROJECT_DIR, "docs", "configuration.md"), "utf8");
        for (const key of Object.keys(CREATE_ONLY_KEYS)) {
            const row = reference.split("\n").find((line) => line.startsWith(`| \`${key}\``));
            assert.ok(row, `docs/configuration.md has no row for ${key}`);
            assert.match(row, /create-only/, `docs/configuration.md does not mark ${key} create-only`);
        }
    });
});
