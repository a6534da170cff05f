// The values and messages readAddons gives for input the configuration reference cannot show: the
// addon combinations it refuses, exact refusal texts, Karpenter budgets, and the values returned for
// non-default input.
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { readAddons } from "../../../stacks/sections/addons";
import { Problem, Section } from "../../../stacks/validate";
import type { AddonsSettings } from "../../../stacks/settings";

const KEY = "zero-downtime-eks:addons";
const TARGET = "http://web.web.svc.cluster.local";
// stacks/validate.ts show(): how an unset key is rendered.
const UNSET = "nothing (the key is not set)";

function read(value: Record<string, unknown>, env: "dev" | "staging" | "prod" = "dev"): { addons: AddonsSettings; problems: Problem[] } {
    const problems: Problem[] = [];
    const addons = readAddons(new Section(KEY, value, problems), TARGET, env);
    return { addons, problems };
}

describe("settings: zero-downtime-eks:addons values", () => {
    it("non-default values are returned as given", () => {
        const { addons, problems } = read({
            loadBalancerController: { replicas: 3 },
            locust: { targetHost: "https://shop.example.com:8443/api", maxWorkers: 7 },
            karpenter: {
                amiAlias: "al2023@v20250101",
                consolidateAfter: "30s",
                expireAfter: "Never",
                terminationGracePeriod: "30m",
                budgets: [{ nodes: "2" }],
            },
        });
        assert.deepEqual(problems, []);
        assert.equal(addons.loadBalancerController.replicas, 3);
        assert.equal(addons.locust.targetHost, "https://shop.example.com:8443/api");
        assert.equal(addons.locust.maxWorkers, 7);
        assert.equal(addons.karpenter.amiAlias, "al2023@v20250101");
        assert.equal(addons.karpenter.consolidateAfter, "30s");
        assert.equal(addons.karpenter.expireAfter, "Never");
        assert.equal(addons.karpenter.terminationGracePeriod, "30m");
        assert.deepEqual(addons.karpenter.budgets, [{ nodes: "2" }]);
    });

    // Locust's --host: an http(s) URL with an optional port (at most five digits) and path.
    const URLS: { url: string; ok: boolean }[] = [
        { url: "http://web", ok: true },
        { url: "https://web.example.com", ok: true },
        { url: "http://web:8089", ok: true },
        { url: "http://web:65535/", ok: true },
        { url: "http://web/a/b?c=d", ok: true },
        { url: "xhttp://web", ok: false },
        { url: "ftp://web", ok: false },
        { url: "http://web local", ok: false },
        { url: "http://web/a b", ok: false },
        { url: "http://web:port", ok: false },
        { url: "http://web:123456", ok: false },
        { url: "http://", ok: false },
    ];
    for (const u of URLS) {
        it(`locust.targetHost ${JSON.stringify(u.url)} is ${u.ok ? "accepted" : "refused"}`, () => {
            const { addons, problems } = read({ locust: { targetHost: u.url } });
            if (u.ok) {
                assert.deepEqual(problems, []);
                assert.equal(addons.locust.targetHost, u.url);
                return;
            }
            assert.deepEqual(problems, [
                {
                    key: `${KEY}.locust.targetHost`,
                    given: JSON.stringify(u.url),
                    expected: 'an http(s) URL, e.g. "http://web.web.svc.cluster.local"',
                },
            ]);
            assert.equal(addons.locust.targetHost, TARGET);
        });
    }

    // Karpenter's EC2NodeClass amiSelectorTerms alias: "al2023@latest" or "al2023@v" and an eight-digit date.
    const ALIASES: { alias: string; ok: boolean }[] = [
        { alias: "al2023@latest", ok: true },
        { alias: "al2023@v20250101", ok: true },
        { alias: "xal2023@latest", ok: false },
        { alias: "al2023@latestx", ok: false },
        { alias: "al2023@v2", ok: false },
        { alias: "al2023@vabcdefgh", ok: false },
    ];
    for (const a of ALIASES) {
        it(`karpenter.amiAlias ${JSON.stringify(a.alias)} is ${a.ok ? "accepted" : "refused"}`, () => {
            const { addons, problems } = read({ karpenter: { amiAlias: a.alias } });
            if (a.ok) {
                assert.deepEqual(problems, []);
                assert.equal(addons.karpenter.amiAlias, a.alias);
                return;
            }
            assert.deepEqual(problems, [
                {
                    key: `${KEY}.karpenter.amiAlias`,
                    given: JSON.stringify(a.alias),
                    expected: '"al2023@latest" or a pinned "al2023@vYYYYMMDD"',
                },
            ]);
        });
    }

    // Each refusal names the key, the value and what is expected, word for word.
    const REFUSALS: { case: string; value: Record<string, unknown>; problems: Problem[] }[] = [
        {
            case: "Istio without the load balancer controller",
            value: { loadBalancerController: { enabled: false } },
            problems: [
                {
                    key: `${KEY}.istio.enabled`,
                    given: "true",
                    expected: `false while ${KEY}.loadBalancerController.enabled is false: the gateway's ALB needs the controller`,
                },
            ],
        },
        {
            case: "the Spot role without spot",
            value: { karpenter: { createSpotServiceLinkedRole: true } },
            problems: [
                {
                    key: `${KEY}.karpenter.createSpotServiceLinkedRole`,
                    given: "true",
                    expected: `false (or unset) while ${KEY}.karpenter.capacityTypes has no "spot": nothing would launch Spot with the role`,
                },
            ],
        },
        {
            case: "dashboards without Istio",
            value: { istio: { enabled: false }, observability: { enabled: true } },
            problems: [
                {
                    key: `${KEY}.observability.enabled`,
                    given: "true",
                    expected: `false while ${KEY}.istio.enabled is false: the dashboards show the mesh`,
                },
            ],
        },
        {
            case: "a bad consolidateAfter",
            value: { karpenter: { consolidateAfter: "soon" } },
            problems: [
                { key: `${KEY}.karpenter.consolidateAfter`, given: '"soon"', expected: 'a duration such as "1m" or "30s", or "Never"' },
            ],
        },
        {
            case: "a bad expireAfter",
            value: { karpenter: { expireAfter: "later" } },
            problems: [{ key: `${KEY}.karpenter.expireAfter`, given: '"later"', expected: 'a duration such as "720h", or "Never"' }],
        },
        {
            case: "an instance type outside EKS's table",
            value: { karpenter: { instanceTypes: ["m5.huge"] } },
            problems: [
                {
                    key: `${KEY}.karpenter.instanceTypes[0]`,
                    given: '"m5.huge"',
                    // rules/capacity.ts instanceTypeProblem's wording for a name EKS does not list.
                    expected:
                        'an instance type the capacity model sizes: unknown instance type "m5.huge": not in EKS\'s instance table (awslabs/amazon-eks-ami nodeadm); e.g. m7i.large',
                },
            ],
        },
        {
            case: "a budget with a bad node count",
            value: { karpenter: { budgets: [{ nodes: "ten" }] } },
            problems: [
                { key: `${KEY}.karpenter.budgets[0].nodes`, given: '"ten"', expected: 'a node count ("1") or a percentage ("10%")' },
            ],
        },
        {
            case: "a budget schedule without duration",
            value: { karpenter: { budgets: [{ nodes: "1", schedule: "0 9 * * mon-fri" }] } },
            problems: [
                {
                    key: `${KEY}.karpenter.budgets[0].duration`,
                    given: UNSET,
                    expected: "set together with schedule (a budget window needs both)",
                },
            ],
        },
        {
            case: "a budget duration without schedule",
            value: { karpenter: { budgets: [{ nodes: "1", duration: "8h" }] } },
            problems: [
                {
                    key: `${KEY}.karpenter.budgets[0].schedule`,
                    given: UNSET,
                    expected: "set together with duration (a budget window needs both)",
                },
            ],
        },
        {
            case: "a budget with a bad schedule and duration",
            value: { karpenter: { budgets: [{ nodes: "1", schedule: "weekdays", duration: "a day" }] } },
            problems: [
                {
                    key: `${KEY}.karpenter.budgets[0].schedule`,
                    given: '"weekdays"',
                    expected: 'a cron schedule in UTC, e.g. "0 9 * * mon-fri"',
                },
                { key: `${KEY}.karpenter.budgets[0].duration`, given: '"a day"', expected: 'hours and minutes, e.g. "8h" or "1h30m"' },
            ],
        },
    ];
    for (const r of REFUSALS) {
        it(`refused: ${r.case}`, () => {
            assert.deepEqual(read(r.value).problems, r.problems);
        });
    }

    it("a budget without nodes gets the CRD's default, 10% (karpenter-crd 1.14.1 karpenter.sh_nodepools.yaml)", () => {
        const { addons, problems } = read({ karpenter: { budgets: [{ schedule: "0 9 * * mon-fri", duration: "8h" }] } });
        assert.deepEqual(problems, []);
        assert.deepEqual(addons.karpenter.budgets, [{ nodes: "10%", schedule: "0 9 * * mon-fri", duration: "8h" }]);
    });

    it("a budget window is returned with its schedule and duration", () => {
        const budgets = [{ nodes: "0", schedule: "0 9 * * mon-fri", duration: "8h" }, { nodes: "20%" }];
        const { addons, problems } = read({ karpenter: { budgets } });
        assert.deepEqual(problems, []);
        assert.deepEqual(addons.karpenter.budgets, [{ nodes: "0", schedule: "0 9 * * mon-fri", duration: "8h" }, { nodes: "20%" }]);
    });

    // stacks/defaults.ts: dev and staging show the dashboards, prod does not; without Istio there is nothing to show.
    const DASHBOARDS: { case: string; env: "dev" | "prod"; value: Record<string, unknown>; enabled: boolean }[] = [
        { case: "dev default with Istio", env: "dev", value: {}, enabled: true },
        { case: "prod default", env: "prod", value: {}, enabled: false },
        { case: "prod, switched on", env: "prod", value: { observability: { enabled: true } }, enabled: true },
        { case: "dev, switched off", env: "dev", value: { observability: { enabled: false } }, enabled: false },
        {
            case: "dev default without Istio (follows the mesh, no problem)",
            env: "dev",
            value: { istio: { enabled: false } },
            enabled: false,
        },
    ];
    for (const c of DASHBOARDS) {
        it(`observability: ${c.case}`, () => {
            const { addons, problems } = read(c.value, c.env);
            assert.deepEqual(problems, []);
            assert.equal(addons.observability.enabled, c.enabled);
        });
    }
});
