// Istio's host and path algebra and Envoy's choices, value by value: which host is a subset of which,
// how a virtual host is chosen for a Host header, which routes a request takes, and what an overlap
// says. routes.test.ts plays the journeys; these pin each helper's edges.
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import {
    EnvoyRoute,
    Gateway,
    VirtualHost,
    VirtualService,
    envoyRoutes,
    gatewayRoutes,
    hostSubsetOf,
    isCatchAll,
    routeOverlaps,
    routeRequest,
    selectVirtualHost,
    serverHostsFor,
} from "../../rules/routes";

const route = (owner: string, kind: "prefix" | "exact", value: string): EnvoyRoute => ({
    owner,
    path: { kind, value },
    destination: `${owner}.svc`,
});

describe("routes: exact values", () => {
    const SUBSET: [string, string, boolean][] = [
        ["*.a.example.com", "*.example.com", true],
        ["*.example.com", "*.a.example.com", false],
        ["*.a.example.com", "*.b.example.com", false],
        ["*.a.example.com", "x.a.example.com", false],
        ["*.example.com", "*.example.com", true],
        ["x.example.com", "x.example.com", true],
        ["x.example.com", "y.example.com", false],
        ["x.example.com", "*", true],
    ];
    for (const [a, b, expected] of SUBSET) {
        it(`host ${a} ⊆ ${b}: ${expected}`, () => {
            assert.equal(hostSubsetOf(a, b), expected);
        });
    }

    it("a virtual host for a Host header: exact first, then the longest wildcard, then *; the port and case do not count", () => {
        const vhosts: VirtualHost[] = ["*", "*.example.com", "*.a.example.com", "x.a.example.com"].map((domain) => ({
            domain,
            routes: [],
        }));
        const chosen = (host: string) => selectVirtualHost(vhosts, host)?.domain;
        assert.deepEqual(["X.A.example.com:8080", "y.a.example.com", "y.example.com", ".example.com", "other.org"].map(chosen), [
            "x.a.example.com",
            "*.a.example.com",
            "*.example.com",
            "*",
            "*",
        ]);
        assert.equal(selectVirtualHost([{ domain: "*.example.com", routes: [] }], "other.org"), undefined);
    });

    it("a request takes the first route whose path matches, the query string left out; exact means exact", () => {
        const vhosts: VirtualHost[] = [
            { domain: "*", routes: [route("a/a", "exact", "/health"), route("b/b", "prefix", "/api/"), route("c/c", "prefix", "/")] },
        ];
        const taken = (path: string) => routeRequest(vhosts, "any", path)?.owner;
        assert.deepEqual(["/health?x=1", "/health/x", "/api/v1", "/ap"].map(taken), ["a/a", "c/c", "b/b", "c/c"]);
        assert.equal(routeRequest([{ domain: "*", routes: [route("a/a", "exact", "/x")] }], "any", "/y"), undefined);
    });

    it("a VirtualService's Envoy routes: an empty match list is every request; exact and prefix as given", () => {
        const vs = { namespace: "n", name: "s", hosts: ["*"], gateways: ["g"], created: 0 };
        assert.deepEqual(envoyRoutes({ ...vs, http: [{ match: [], destination: "d" }] }), [
            { owner: "n/s", path: { kind: "prefix", value: "/" }, destination: "d" },
        ]);
        assert.deepEqual(
            envoyRoutes({ ...vs, http: [{ match: [{ uri: { exact: "/e" } }, { uri: { prefix: "/p" } }], destination: "d" }] }),
            [
                { owner: "n/s", path: { kind: "exact", value: "/e" }, destination: "d" },
                { owner: "n/s", path: { kind: "prefix", value: "/p" }, destination: "d" },
            ],
        );
        assert.throws(
            () => envoyRoutes({ ...vs, http: [{ match: [{ uri: { exact: "/e", prefix: "/p" } }], destination: "d" }] }),
            /n\/s: a URI match with exactly one of prefix and exact is modelled/,
        );
    });

    it("overlaps between services: every kind pair of paths, the message whole; one service's own routes and a catch-all behind a narrower one are no overlap", () => {
        const overlapping = (a: EnvoyRoute, b: EnvoyRoute) => routeOverlaps([{ domain: "*", routes: [a, b] }]).length === 1;
        assert.deepEqual(
            [
                overlapping(route("a/a", "exact", "/x"), route("b/b", "exact", "/x")),
                overlapping(route("a/a", "exact", "/x"), route("b/b", "exact", "/y")),
                overlapping(route("a/a", "exact", "/api/x"), route("b/b", "prefix", "/api/")),
                overlapping(route("a/a", "exact", "/web"), route("b/b", "prefix", "/api/")),
                overlapping(route("a/a", "prefix", "/api/"), route("b/b", "exact", "/api/x")),
                overlapping(route("a/a", "prefix", "/api/"), route("b/b", "exact", "/web")),
                overlapping(route("a/a", "prefix", "/api/v1/"), route("b/b", "prefix", "/api/")),
                overlapping(route("a/a", "prefix", "/api/"), route("b/b", "prefix", "/api/v1/")),
                overlapping(route("a/a", "prefix", "/api/"), route("b/b", "prefix", "/web/")),
                overlapping(route("a/a", "prefix", "/api/"), route("a/a", "prefix", "/api/")),
                overlapping(route("a/a", "prefix", "/api/"), route("b/b", "prefix", "/")),
                overlapping(route("a/a", "prefix", "/"), route("b/b", "prefix", "/")),
            ],
            [true, false, true, false, true, false, true, true, false, false, false, true],
        );
        const [overlap] = routeOverlaps([
            { domain: "shop.example.com", routes: [route("a/a", "prefix", "/"), route("b/b", "prefix", "/b/")] },
        ]);
        assert.equal(
            overlap.message,
            "on host shop.example.com, b/b (prefix /b/) overlaps a/a (prefix /): Envoy takes the first matching route, so b/b never receives those requests; give each service its own host or path prefix",
        );
        assert.deepEqual([overlap.domain, overlap.first.owner, overlap.shadowed.owner], ["shop.example.com", "a/a", "b/b"]);
    });

    it("exact paths that differ, or an exact path a longer prefix does not cover, are no overlap (either order)", () => {
        const overlapping = (a: EnvoyRoute, b: EnvoyRoute) => routeOverlaps([{ domain: "*", routes: [a, b] }]).length === 1;
        assert.deepEqual(
            [
                overlapping(route("a/a", "exact", "/ab"), route("b/b", "exact", "/a")),
                overlapping(route("a/a", "exact", "/a"), route("b/b", "exact", "/ab")),
                overlapping(route("a/a", "exact", "/a"), route("b/b", "prefix", "/ab")),
                overlapping(route("a/a", "prefix", "/ab"), route("b/b", "exact", "/a")),
            ],
            [false, false, false, false],
        );
    });

    it('only a prefix "/" is a catch-all (IsCatchAllRoute); an exact "/" is the root page alone', () => {
        assert.deepEqual(
            [isCatchAll(route("a/a", "prefix", "/")), isCatchAll(route("a/a", "exact", "/")), isCatchAll(route("a/a", "prefix", "/x"))],
            [true, false, false],
        );
    });

    it("a Host header with a port drops only the trailing port, also after an IPv6 literal", () => {
        const vhosts: VirtualHost[] = ["[2001:db8::1]", "*"].map((domain) => ({ domain, routes: [] }));
        assert.equal(selectVirtualHost(vhosts, "[2001:db8::1]:8080")?.domain, "[2001:db8::1]");
    });

    it("an exact domain is no suffix wildcard: another host of the same domain goes to *", () => {
        const vhosts: VirtualHost[] = ["x.example.com", "*"].map((domain) => ({ domain, routes: [] }));
        assert.equal(selectVirtualHost(vhosts, "y.example.com")?.domain, "*");
    });

    it('a server host with an empty namespace part ("/x") is visible to no namespace (NamesForNamespace compares the part as written)', () => {
        assert.deepEqual(serverHostsFor({ port: 80, hosts: ["/x.example.com"] }, "istio-ingress", "web"), []);
    });

    describe("which VirtualServices land on the Gateway, on which port", () => {
        const gateway: Gateway = {
            namespace: "istio-ingress",
            name: "platform",
            servers: [
                { port: 80, hosts: ["*/web.example.com"] },
                { port: 443, hosts: ["*/api.example.com"] },
            ],
        };
        const service = (namespace: string, hosts: string[], gateways: string[]): VirtualService => ({
            namespace,
            name: namespace,
            hosts,
            gateways,
            http: [{ destination: `${namespace}.svc` }],
            created: 0,
        });
        const domains = (services: VirtualService[], port: number) => gatewayRoutes(gateway, services, port).map((v) => v.domain);

        it("bound to the mesh and to the Gateway: it is on the Gateway", () => {
            assert.deepEqual(domains([service("web", ["web.example.com"], ["mesh", "istio-ingress/platform"])], 80), ["web.example.com"]);
        });

        it("in the Gateway's own namespace, the Gateway named by its short name: it is on the Gateway", () => {
            assert.deepEqual(domains([service("istio-ingress", ["web.example.com"], ["platform"])], 80), ["web.example.com"]);
        });

        it("a port's virtual hosts come from that port's servers only", () => {
            const both = [service("web", ["web.example.com", "api.example.com"], ["istio-ingress/platform"])];
            assert.deepEqual([domains(both, 80), domains(both, 443), domains(both, 8080)], [["web.example.com"], ["api.example.com"], []]);
        });
    });
});
