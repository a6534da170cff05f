// Istio's host and path algebra and Envoy's choices, value by value: which host is a subset of which,
// how a virtual host is chosen for a Host header, which routes a request takes, and what an overlap
// says. routes.test.ts plays the journeys; these pin each helper's edges.
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { EnvoyRoute, VirtualHost, envoyRoutes, hostSubsetOf, routeOverlaps, routeRequest, selectVirtualHost } from "../../rules/routes";

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
});
