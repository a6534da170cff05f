// `zero-downtime-eks:teams` (stacks/sections/teams.ts): each team's namespace, deployer and routes,
// refused when it would collide with the platform or another team.
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
// The pure modules, not stacks/index.ts, which loads @pulumi/pulumi (settings.test.ts says why).
import { ConfigInput, PROJECT, parseSettings } from "../../stacks/settings";
import { problemsOf as problemsOfInput } from "./problems";

const P = `${PROJECT}:`;
const TODAY = "2026-12-01";
const ORDERS_ROLE = "arn:aws:iam::123456789012:role/team-orders";
const PAYMENTS_ROLE = "arn:aws:iam::123456789012:role/team-payments";

function input(config: Record<string, unknown>): ConfigInput {
    const flat: Record<string, string> = {
        "aws:region": "ap-northeast-2",
        [`${P}cluster`]: JSON.stringify({ publicAccessCidrs: ["0.0.0.0/0"] }),
    };
    for (const [k, v] of Object.entries(config)) {
        flat[k] = JSON.stringify(v);
    }
    return { project: PROJECT, stack: "dev", config: flat, today: TODAY };
}

const teams = (value: Record<string, unknown>) => ({ [`${P}teams`]: value });
const NO_MESH = { [`${P}addons`]: { istio: { enabled: false }, observability: { enabled: false } } };

const problemsOf = (config: Record<string, unknown>) => problemsOfInput(input(config));

const BAD: { case: string; config: Record<string, unknown>; key: string; expected: RegExp }[] = [
    {
        case: "a team name that is no namespace",
        config: teams({ Orders_Team: { principalArn: ORDERS_ROLE } }),
        key: `${P}teams.Orders_Team`,
        expected: /DNS label/,
    },
    {
        case: "a platform namespace as a team",
        config: teams({ "istio-ingress": { principalArn: ORDERS_ROLE } }),
        key: `${P}teams.istio-ingress`,
        expected: /own/,
    },
    { case: "the app's namespace as a team", config: teams({ web: { principalArn: ORDERS_ROLE } }), key: `${P}teams.web`, expected: /own/ },
    { case: "no principal", config: teams({ orders: {} }), key: `${P}teams.orders.principalArn`, expected: /IAM role/ },
    {
        case: "a principal that is no IAM ARN",
        config: teams({ orders: { principalArn: "team-orders" } }),
        key: `${P}teams.orders.principalArn`,
        expected: /IAM role or user ARN/,
    },
    {
        case: "a principal that cluster.access already grants (one access entry per principal)",
        config: {
            [`${P}cluster`]: { publicAccessCidrs: ["0.0.0.0/0"], access: [{ principalArn: ORDERS_ROLE, policy: "view" }] },
            ...teams({ orders: { principalArn: ORDERS_ROLE } }),
        },
        key: `${P}teams.orders.principalArn`,
        expected: /one per principal/,
    },
    {
        case: "a typo in a team's keys",
        config: teams({ orders: { principalArn: ORDERS_ROLE, host: ["a.example.com"] } }),
        key: `${P}teams.orders.host`,
        expected: /known keys/,
    },
    {
        case: "a path prefix without its last / (it would take its siblings)",
        config: teams({ orders: { principalArn: ORDERS_ROLE, pathPrefix: "/orders" } }),
        key: `${P}teams.orders.pathPrefix`,
        expected: /starts and ends with "\/"/,
    },
    {
        case: "issue 23.3: two teams whose routes overlap are refused, naming the one that would lose",
        config: teams({
            orders: { principalArn: ORDERS_ROLE, pathPrefix: "/shop/" },
            payments: { principalArn: PAYMENTS_ROLE, pathPrefix: "/shop/pay/" },
        }),
        // orders' /shop/ comes first and takes /shop/pay/… too.
        key: `${P}teams.payments.pathPrefix`,
        expected: /no other team/,
    },
    {
        case: "issue 23.3: a team claiming every path of every host would shadow the app",
        config: teams({ orders: { principalArn: ORDERS_ROLE, pathPrefix: "/" } }),
        key: `${P}teams.orders.pathPrefix`,
        expected: /no other team \(or the app\)/,
    },
    {
        case: "a team host covering the platform's HTTPS name",
        config: {
            [`${P}domain`]: { hostedZoneId: "Z0123456789ABCDEFGHIJ", hostName: "shop.example.com" },
            ...teams({ orders: { principalArn: ORDERS_ROLE, hosts: ["*.example.com"] } }),
        },
        key: `${P}teams.orders.hosts`,
        expected: /shop\.example\.com/,
    },
    {
        case: "hosts without the mesh (each service then has its own ALB)",
        config: { ...NO_MESH, ...teams({ orders: { principalArn: ORDERS_ROLE, hosts: ["orders.example.com"] } }) },
        key: `${P}teams.orders.hosts`,
        expected: /istio/,
    },
    {
        case: "teams without the load balancer controller",
        config: {
            [`${P}addons`]: { loadBalancerController: { enabled: false }, istio: { enabled: false }, observability: { enabled: false } },
            [`${P}app`]: { enabled: false },
            ...teams({ orders: { principalArn: ORDERS_ROLE } }),
        },
        key: `${P}teams`,
        expected: /ALB/,
    },
];

describe("settings: teams", () => {
    for (const c of BAD) {
        it(c.case, () => {
            const problems = problemsOf(c.config);
            const hit = problems.find((p) => p.key === c.key);
            assert.ok(hit, `no problem names ${c.key}; got ${problems.map((p) => `${p.key}: ${p.expected}`).join("; ")}`);
            assert.match(hit.expected, c.expected);
        });
    }

    it("defaults: every host the Gateway admits, under /<team>/; a host of its own gets the whole path space", () => {
        const settings = parseSettings(
            input(
                teams({
                    orders: { principalArn: ORDERS_ROLE },
                    payments: { principalArn: PAYMENTS_ROLE, hosts: ["pay.example.com"] },
                }),
            ),
        );
        assert.deepEqual(settings.teams, [
            { name: "orders", principalArn: ORDERS_ROLE, hosts: ["*"], pathPrefix: "/orders/" },
            { name: "payments", principalArn: PAYMENTS_ROLE, hosts: ["pay.example.com"], pathPrefix: "/" },
        ]);
    });

    it("no teams section: no teams", () => {
        assert.deepEqual(parseSettings(input({})).teams, []);
    });
});
