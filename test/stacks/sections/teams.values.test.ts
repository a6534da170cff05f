// The values and messages the teams section gives for input the configuration reference cannot show:
// exact refusal texts, the cross-section checks (access entries, the platform's host, the mesh, the
// controller) and the values returned. Read through parseSettings (pure), as test/stacks/teams.test.ts.
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { ConfigInput, PROJECT, Settings, parseSettings } from "../../../stacks/settings";
import { Problem, SettingsError } from "../../../stacks/validate";

const P = `${PROJECT}:`;
const KEY = `${P}teams`;
const ORDERS_ROLE = "arn:aws:iam::123456789012:role/team-orders";
const PAYMENTS_ROLE = "arn:aws:iam::123456789012:role/team-payments";
// stacks/validate.ts show(): how an unset key is rendered.
const UNSET = "nothing (the key is not set)";
const NO_MESH = { istio: { enabled: false }, observability: { enabled: false } };

function input(config: Record<string, unknown>): ConfigInput {
    const flat: Record<string, string> = {
        "aws:region": "ap-northeast-2",
        [`${P}cluster`]: JSON.stringify({ publicAccessCidrs: ["0.0.0.0/0"] }),
    };
    for (const [k, v] of Object.entries(config)) {
        flat[`${P}${k}`] = JSON.stringify(v);
    }
    return { project: PROJECT, stack: "dev", config: flat, today: "2026-12-01" };
}

/** The settings, or the problems with the teams section (the only section these cases get wrong). */
function read(config: Record<string, unknown>): { settings?: Settings; problems: Problem[] } {
    try {
        return { settings: parseSettings(input(config)), problems: [] };
    } catch (err) {
        assert.ok(err instanceof SettingsError, String(err));
        return { problems: err.problems };
    }
}

describe("settings: zero-downtime-eks:teams values", () => {
    it("a team is returned with its principal and the default routes", () => {
        const { settings, problems } = read({ teams: { orders: { principalArn: ORDERS_ROLE } } });
        assert.deepEqual(problems, []);
        // defaultTeamPathPrefix: every host ("*"), under /<team>/.
        assert.deepEqual(settings?.teams, [{ name: "orders", principalArn: ORDERS_ROLE, hosts: ["*"], pathPrefix: "/orders/" }]);
    });

    it("the default hosts do not collide with the platform's HTTPS name", () => {
        const { problems } = read({
            domain: { hostedZoneId: "Z0123456789ABCDEFGHIJ", hostName: "shop.example.com" },
            teams: { orders: { principalArn: ORDERS_ROLE } },
        });
        assert.deepEqual(problems, []);
    });

    it("no teams: no problem even without the load balancer controller", () => {
        const { problems } = read({ addons: { loadBalancerController: { enabled: false }, ...NO_MESH }, app: { enabled: false } });
        assert.deepEqual(problems, []);
    });

    const REFUSED: { case: string; config: Record<string, unknown>; problems: Problem[] }[] = [
        {
            case: "a reserved namespace",
            config: { teams: { locust: { principalArn: ORDERS_ROLE } } },
            problems: [
                {
                    key: `${KEY}.locust`,
                    given: '"locust"',
                    // components/addons/names.ts RESERVED_NAMESPACES, then the app's namespace (stacks/defaults.ts: web).
                    expected:
                        "a namespace of the team's own: default, kube-system, kube-public, kube-node-lease, istio-system, istio-ingress, locust, web belong to Kubernetes or the platform",
                },
            ],
        },
        {
            case: "two teams without principals (each named once)",
            config: { teams: { orders: {}, payments: {} } },
            problems: ["orders", "payments"].map((t) => ({
                key: `${KEY}.${t}.principalArn`,
                given: UNSET,
                expected: "the ARN of the IAM role the team deploys with (it gets edit rights in this namespace only)",
            })),
        },
        {
            case: "a principal cluster.access grants",
            config: {
                cluster: { publicAccessCidrs: ["0.0.0.0/0"], access: [{ principalArn: ORDERS_ROLE, policy: "view" }] },
                teams: { orders: { principalArn: ORDERS_ROLE } },
            },
            problems: [
                {
                    key: `${KEY}.orders.principalArn`,
                    given: JSON.stringify(ORDERS_ROLE),
                    expected: "a principal of its own: cluster.access already gives it an access entry, and EKS allows one per principal",
                },
            ],
        },
        {
            case: "a principal another team has",
            config: { teams: { orders: { principalArn: ORDERS_ROLE }, payments: { principalArn: ORDERS_ROLE } } },
            problems: [
                {
                    key: `${KEY}.payments.principalArn`,
                    given: JSON.stringify(ORDERS_ROLE),
                    expected: "a principal of its own: teams.orders already gives it an access entry, and EKS allows one per principal",
                },
            ],
        },
        {
            case: "a bad host",
            config: { teams: { orders: { principalArn: ORDERS_ROLE, hosts: ["Orders.example.com"] } } },
            problems: [
                { key: `${KEY}.orders.hosts[0]`, given: '"Orders.example.com"', expected: 'a lower-case DNS name, "*.<domain>" or "*"' },
            ],
        },
        {
            case: "hosts without the mesh (pathPrefix unset is not named)",
            config: { addons: NO_MESH, teams: { orders: { principalArn: ORDERS_ROLE, hosts: ["orders.example.com"] } } },
            problems: [
                {
                    key: `${KEY}.orders.hosts`,
                    given: '["orders.example.com"]',
                    expected: "no value while addons.istio.enabled is false: without the mesh each service has an ALB of its own",
                },
            ],
        },
        {
            case: "a catch-all prefix without the mesh: only the mesh problem (no route check without a Gateway)",
            config: { addons: NO_MESH, teams: { orders: { principalArn: ORDERS_ROLE, pathPrefix: "/" } } },
            problems: [
                {
                    key: `${KEY}.orders.pathPrefix`,
                    given: '"/"',
                    expected: "no value while addons.istio.enabled is false: without the mesh each service has an ALB of its own",
                },
            ],
        },
        {
            case: "teams without the load balancer controller",
            config: {
                addons: { loadBalancerController: { enabled: false }, ...NO_MESH },
                app: { enabled: false },
                teams: { orders: { principalArn: ORDERS_ROLE }, payments: { principalArn: PAYMENTS_ROLE } },
            },
            problems: [
                {
                    key: KEY,
                    given: '["orders","payments"]',
                    expected: "no teams while addons.loadBalancerController.enabled is false: their services are reached through an ALB",
                },
            ],
        },
    ];
    for (const r of REFUSED) {
        it(`refused: ${r.case}`, () => {
            assert.deepEqual(read(r.config).problems, r.problems);
        });
    }

    // rules/routes.ts names the overlap; the key names the team whose routes would lose (or the team
    // that shadows the app, which is no team).
    const OVERLAPS: { case: string; teams: Record<string, unknown>; key: string }[] = [
        {
            case: "a later team under an earlier team's prefix",
            teams: {
                orders: { principalArn: ORDERS_ROLE, pathPrefix: "/shop/" },
                payments: { principalArn: PAYMENTS_ROLE, pathPrefix: "/shop/pay/" },
            },
            key: `${KEY}.payments.pathPrefix`,
        },
        {
            case: "a team over the app's catch-all",
            teams: { orders: { principalArn: ORDERS_ROLE, pathPrefix: "/" } },
            key: `${KEY}.orders.pathPrefix`,
        },
    ];
    for (const o of OVERLAPS) {
        it(`refused overlap: ${o.case}`, () => {
            const problems = read({ teams: o.teams }).problems;
            assert.deepEqual(
                problems.map((p) => [p.key, p.expected]),
                [[o.key, "a host or path prefix no other team (or the app) claims"]],
            );
        });
    }
});
