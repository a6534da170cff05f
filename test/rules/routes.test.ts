// Istio 1.30's gateway route merging and Envoy's route choice (rules/routes.ts), on plain VirtualServices.
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import {
    Gateway,
    VirtualService,
    gatewayRoutes,
    hostIntersection,
    hostSubsetOf,
    routeOverlaps,
    routeRequest,
    serverHostsFor,
} from "../../rules/routes";

const GATEWAY: Gateway = { namespace: "istio-ingress", name: "platform", servers: [{ port: 80, hosts: ["*/*"] }] };

let created = 0;
/** A VirtualService on the shared Gateway, created after the previous one. */
function vs(namespace: string, hosts: string[], prefix?: string, exact?: string): VirtualService {
    const match = prefix !== undefined ? [{ uri: { prefix } }] : exact !== undefined ? [{ uri: { exact } }] : undefined;
    return {
        namespace,
        name: namespace,
        hosts,
        gateways: ["istio-ingress/platform"],
        http: [{ ...(match ? { match } : {}), destination: `${namespace}.${namespace}.svc.cluster.local` }],
        created: created++,
    };
}

const reached = (services: VirtualService[], host: string, path: string, gateway = GATEWAY) =>
    routeRequest(gatewayRoutes(gateway, services, 80), host, path)?.owner;

describe("Istio gateway route merging (rules/routes.ts)", () => {
    it("issue 23.3: two services on hosts * without a match: the older takes every request, the other is never reached, and the pair is refused", () => {
        // Today's ZeroDowntimeService: hosts ["*"] and one route without match, for the platform app and a team.
        const web = vs("web", ["*"]);
        const orders = vs("orders", ["*"]);
        for (const order of [
            [web, orders],
            [orders, web],
        ]) {
            // Whatever order they are listed in, creation order decides.
            assert.equal(reached(order, "k8s-x.elb.amazonaws.com", "/orders/"), "web/web");
        }
        const overlaps = routeOverlaps(gatewayRoutes(GATEWAY, [web, orders], 80));
        assert.equal(overlaps.length, 1);
        assert.equal(overlaps[0].shadowed.owner, "orders/orders");
        assert.match(overlaps[0].message, /orders\/orders \(prefix \/\) overlaps web\/web \(prefix \/\).*never receives/);
    });

    it("a path of its own is reached even when created after the catch-all: Istio sorts catch-alls last", () => {
        const web = vs("web", ["*"]);
        const orders = vs("orders", ["*"], "/orders/");
        const services = [web, orders];
        assert.equal(reached(services, "anything.example", "/orders/api"), "orders/orders");
        assert.equal(reached(services, "anything.example", "/"), "web/web");
        assert.equal(reached(services, "anything.example", "/orders"), "web/web", "the prefix ends with /");
        assert.deepEqual(routeOverlaps(gatewayRoutes(GATEWAY, services, 80)), []);
    });

    it("a host of its own takes every request for that host (Envoy: exact domains before *), the app keeps the rest", () => {
        const services = [vs("web", ["*"]), vs("payments", ["pay.example.com"])];
        assert.equal(reached(services, "pay.example.com", "/"), "payments/payments");
        assert.equal(reached(services, "PAY.example.com:80", "/x"), "payments/payments", "case and port do not matter");
        assert.equal(reached(services, "shop.example.com", "/"), "web/web");
        assert.deepEqual(routeOverlaps(gatewayRoutes(GATEWAY, services, 80)), []);
    });

    for (const c of [
        { name: "nested prefixes", a: ["/api/"], b: ["/api/v2/"], overlap: true },
        { name: "sibling prefixes", a: ["/orders/"], b: ["/payments/"], overlap: false },
        { name: "a prefix without its last / takes its siblings", a: ["/orders"], b: ["/orders-admin/"], overlap: true },
        { name: "exact inside a prefix", a: ["/orders/"], b: [undefined, "/orders/health"], overlap: true },
        { name: "exact beside a prefix", a: ["/orders/"], b: [undefined, "/orders"], overlap: false },
    ] as { name: string; a: [string?, string?]; b: [string?, string?]; overlap: boolean }[]) {
        it(`overlap on one host: ${c.name} → ${c.overlap ? "refused" : "allowed"}`, () => {
            const services = [vs("a", ["*"], ...c.a), vs("b", ["*"], ...c.b)];
            assert.equal(routeOverlaps(gatewayRoutes(GATEWAY, services, 80)).length > 0, c.overlap);
        });
    }

    it("the Gateway's namespace/host form: a VirtualService binds only the hosts listed for its namespace", () => {
        const gateway: Gateway = { ...GATEWAY, servers: [{ port: 80, hosts: ["web/*", "orders/orders.example.com"] }] };
        // orders asks for every host; the Gateway gives it only its own.
        const services = [vs("web", ["*"]), vs("orders", ["*"]), vs("rogue", ["*"], "/steal/")];
        assert.equal(reached(services, "orders.example.com", "/", gateway), "orders/orders");
        assert.equal(reached(services, "other.example.com", "/", gateway), "web/web");
        assert.equal(
            reached(services, "other.example.com", "/steal/x", gateway),
            "web/web",
            "a namespace the Gateway does not list binds nothing",
        );
        assert.deepEqual(routeOverlaps(gatewayRoutes(gateway, services, 80)), []);
    });

    it("a VirtualService bound to another Gateway, or by its short name from another namespace, is not on this one", () => {
        const other = { ...vs("x", ["*"], "/x/"), gateways: ["other/gw"] };
        const shortName = { ...vs("y", ["*"], "/y/"), gateways: ["platform"] };
        assert.equal(reached([other, shortName], "h", "/x/"), undefined);
        assert.equal(reached([other, shortName], "h", "/y/"), undefined);
    });

    it("host algebra: Istio's SubsetOf and Intersection; NamesForNamespace with ., * and bare hosts", () => {
        assert.ok(hostSubsetOf("a.example.com", "*.example.com"));
        assert.ok(hostSubsetOf("*.example.com", "*"));
        assert.ok(!hostSubsetOf("*", "*.example.com"));
        assert.ok(!hostSubsetOf("example.com", "*.example.com"));
        assert.deepEqual(hostIntersection(["*"], ["a.example.com", "b.example.com"]), ["a.example.com", "b.example.com"]);
        assert.deepEqual(hostIntersection(["*.example.com"], ["*"]), ["*.example.com"]);
        assert.deepEqual(hostIntersection(["a.example.com"], ["b.example.com"]), []);
        const server = { port: 80, hosts: ["./own.example.com", "*/any.example.com", "bare.example.com", "web/*"] };
        assert.deepEqual(serverHostsFor(server, "istio-ingress", "web"), ["any.example.com", "bare.example.com", "*"]);
        assert.deepEqual(serverHostsFor(server, "istio-ingress", "istio-ingress"), [
            "own.example.com",
            "any.example.com",
            "bare.example.com",
        ]);
    });

    it("Envoy's domain order: exact, then the longest suffix wildcard, then *", () => {
        const services = [
            vs("any", ["*"]),
            vs("wide", ["*.example.com"]),
            vs("narrow", ["*.eu.example.com"]),
            vs("exact", ["x.eu.example.com"]),
        ];
        assert.equal(reached(services, "x.eu.example.com", "/"), "exact/exact");
        assert.equal(reached(services, "y.eu.example.com", "/"), "narrow/narrow");
        assert.equal(reached(services, "y.example.com", "/"), "wide/wide");
        assert.equal(reached(services, "example.com", "/"), "any/any", "a wildcard never matches the empty label");
    });

    it("a regex match is not modelled: refused by name rather than guessed", () => {
        const regex = { ...vs("r", ["*"]), http: [{ match: [{ uri: { regex: "/a.*" } as never }], destination: "r" }] };
        assert.throws(() => gatewayRoutes(GATEWAY, [regex], 80), /r\/r: a URI match with exactly one of prefix and exact/);
    });
});
