// The values and messages readCluster gives for input the configuration reference cannot show: the
// derived cluster name, the API endpoint's CIDRs, the access grants' cross-field rules, and exact
// refusal texts.
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { readCluster } from "../../../stacks/sections/cluster";
import { Problem, Section } from "../../../stacks/validate";
import type { ClusterSettings } from "../../../stacks/settings";

const KEY = "zero-downtime-eks:cluster";
// stacks/validate.ts show(): how an unset key is rendered.
const UNSET = "nothing (the key is not set)";
// An egress range outside every documentation range (rules/addresses.ts), so nothing else is said of it.
const CIDRS = ["20.30.0.0/16"];
const ROLE = "arn:aws:iam::123456789012:role/ci-deployer";
const USER = "arn:aws:iam::123456789012:user/alice";

function read(value: Record<string, unknown>, stack = "dev"): { cluster: ClusterSettings; problems: Problem[] } {
    const problems: Problem[] = [];
    const cluster = readCluster(
        new Section(KEY, value, problems),
        { project: "zero-downtime-eks", stack, config: {}, today: "2026-01-01" },
        "dev",
    );
    return { cluster, problems };
}

describe("settings: zero-downtime-eks:cluster values", () => {
    it("the name defaults to <project>-<stack>", () => {
        const { cluster, problems } = read({ publicAccessCidrs: CIDRS });
        assert.deepEqual(problems, []);
        assert.equal(cluster.name, "zero-downtime-eks-dev");
        assert.deepEqual(cluster.publicAccessCidrs, CIDRS);
        assert.deepEqual(cluster.access, []);
    });

    it("a stack name that makes no EKS cluster name asks for the key", () => {
        // EKS CreateCluster names: letters, digits, '-' and '_' only; a stack may be called "my.stack".
        assert.deepEqual(read({ publicAccessCidrs: CIDRS }, "my.stack").problems, [
            {
                key: `${KEY}.name`,
                given: '"zero-downtime-eks-my.stack"',
                expected: "a valid EKS cluster name; the stack name does not make one, so set this key",
            },
        ]);
    });

    it("non-default protect is returned", () => {
        // stacks/defaults.ts: dev does not protect its cluster.
        assert.equal(read({ publicAccessCidrs: CIDRS, protect: true }).cluster.protect, true);
    });

    const STRINGS: { case: string; value: Record<string, unknown>; problem?: Problem }[] = [
        { case: "instance type m5.large", value: { instanceType: "m5.large" } },
        {
            case: "instance type with a leading digit",
            value: { instanceType: "9m5.large" },
            problem: { key: `${KEY}.instanceType`, given: '"9m5.large"', expected: 'an EC2 instance type, e.g. "m5.large"' },
        },
        {
            case: "instance type with a trailing symbol",
            value: { instanceType: "m5.large!" },
            problem: { key: `${KEY}.instanceType`, given: '"m5.large!"', expected: 'an EC2 instance type, e.g. "m5.large"' },
        },
        {
            case: "version with a prefix",
            value: { version: "v1.31" },
            problem: { key: `${KEY}.version`, given: '"v1.31"', expected: 'a Kubernetes minor version as a string, e.g. "1.36"' },
        },
    ];
    for (const c of STRINGS) {
        it(`${c.case} is ${c.problem ? "refused" : "accepted"}`, () => {
            assert.deepEqual(read({ publicAccessCidrs: CIDRS, ...c.value }).problems, c.problem ? [c.problem] : []);
        });
    }

    it("publicAccessCidrs unset: asked for", () => {
        assert.deepEqual(read({}).problems, [
            {
                key: `${KEY}.publicAccessCidrs`,
                given: UNSET,
                expected: 'the CIDRs allowed to reach the Kubernetes API, e.g. ["203.0.113.0/24"]',
            },
        ]);
    });

    it("publicAccessCidrs with a bad entry: only that entry is named, and no CIDR is returned", () => {
        const { cluster, problems } = read({ publicAccessCidrs: ["10.0.1.0/16"] });
        assert.deepEqual(
            problems.map((p) => p.key),
            [`${KEY}.publicAccessCidrs[0]`],
        );
        assert.deepEqual(cluster.publicAccessCidrs, []);
    });

    it("access grants are returned as given, namespaces only where scoped", () => {
        const { cluster, problems } = read({
            publicAccessCidrs: CIDRS,
            access: [
                { principalArn: ROLE, policy: "cluster-admin" },
                { principalArn: USER, policy: "edit", namespaces: ["team-a", "team-b"] },
            ],
        });
        assert.deepEqual(problems, []);
        assert.deepEqual(cluster.access, [
            { principalArn: ROLE, policy: "cluster-admin" },
            { principalArn: USER, policy: "edit", namespaces: ["team-a", "team-b"] },
        ]);
    });

    const NAMESPACES_EXPECTED = 'a non-empty list of namespace names, e.g. ["team-a"]; leave it out for the whole cluster';
    const GRANTS: { case: string; access: unknown[]; problems: Problem[] }[] = [
        {
            case: "a grant without principalArn",
            access: [{ policy: "view" }],
            problems: [
                { key: `${KEY}.access[0].principalArn`, given: UNSET, expected: "the ARN of the IAM role or user to grant access to" },
            ],
        },
        {
            case: "a bad principalArn",
            access: [{ principalArn: "ci-deployer", policy: "view" }],
            problems: [
                {
                    key: `${KEY}.access[0].principalArn`,
                    given: '"ci-deployer"',
                    expected: 'an IAM role or user ARN, e.g. "arn:aws:iam::123456789012:role/ci-deployer"',
                },
            ],
        },
        {
            // EKS CreateAccessEntry: one access entry per principal.
            case: "the same principal twice",
            access: [
                { principalArn: ROLE, policy: "view" },
                { principalArn: ROLE, policy: "edit" },
            ],
            problems: [
                {
                    key: `${KEY}.access[1].principalArn`,
                    given: JSON.stringify(ROLE),
                    expected: "each principal once (EKS allows one access entry per principal)",
                },
            ],
        },
        {
            case: "a grant without policy",
            access: [{ principalArn: ROLE }],
            problems: [{ key: `${KEY}.access[0].policy`, given: UNSET, expected: 'one of "cluster-admin", "admin", "edit", "view"' }],
        },
        {
            case: "namespaces not a list",
            access: [{ principalArn: ROLE, policy: "view", namespaces: "team-a" }],
            problems: [{ key: `${KEY}.access[0].namespaces`, given: '"team-a"', expected: NAMESPACES_EXPECTED }],
        },
        {
            case: "an empty namespace list",
            access: [{ principalArn: ROLE, policy: "view", namespaces: [] }],
            problems: [{ key: `${KEY}.access[0].namespaces`, given: "[]", expected: NAMESPACES_EXPECTED }],
        },
        {
            case: "a namespace that is no DNS label",
            access: [{ principalArn: ROLE, policy: "view", namespaces: ["team-a", "Team-B"] }],
            problems: [{ key: `${KEY}.access[0].namespaces`, given: '["team-a","Team-B"]', expected: NAMESPACES_EXPECTED }],
        },
        {
            case: "a namespace that is no string",
            access: [{ principalArn: ROLE, policy: "view", namespaces: [7] }],
            problems: [{ key: `${KEY}.access[0].namespaces`, given: "[7]", expected: NAMESPACES_EXPECTED }],
        },
        {
            case: "cluster-admin scoped to namespaces",
            access: [{ principalArn: ROLE, policy: "cluster-admin", namespaces: ["team-a"] }],
            problems: [
                {
                    key: `${KEY}.access[0].namespaces`,
                    given: '["team-a"]',
                    expected: 'no namespaces with policy "cluster-admin" (it is cluster-wide); use "admin" for namespace administrators',
                },
            ],
        },
        { case: "admin scoped to namespaces", access: [{ principalArn: ROLE, policy: "admin", namespaces: ["team-a"] }], problems: [] },
    ];
    for (const g of GRANTS) {
        it(`access: ${g.case}`, () => {
            assert.deepEqual(read({ publicAccessCidrs: CIDRS, access: g.access }).problems, g.problems);
        });
    }
});
