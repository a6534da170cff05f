// Which service a request through the shared Istio gateway reaches: Istio's merge of the
// VirtualServices bound to one Gateway into Envoy virtual hosts, and Envoy's choice of virtual host
// and route. Pure: no Pulumi import (the composed test, config validation and a team's own checks run
// it on plain manifests).
//
// Why: every VirtualService bound to the shared Gateway lands in one Envoy route table. Routes of
// VirtualServices that share a host are appended to one virtual host in creation order, and Envoy
// takes the first route that matches. Two services that both claim `hosts: ["*"]` with no match
// therefore do not share the traffic: the older one takes all of it and the other is never reached,
// and nothing fails or warns. Modelled here so that such a pair is refused before it is created.
//
// Sources (istio/istio at tag 1.30.3):
// - pilot/pkg/networking/core/gateway.go buildGatewayHTTPRouteConfig: for each server of the port, for
//   each VirtualService bound to its Gateway (push.VirtualServicesForGateway), the hosts of the server
//   visible to the VirtualService's namespace (host.NamesForNamespace) intersected with the
//   VirtualService's hosts (host.Names.Intersection); the VirtualService's routes are appended to the
//   virtual host of each intersecting host (vHostDedupMap), then each virtual host's routes go through
//   route.SortVHostRoutes.
// - pilot/pkg/model/virtualservice_controller.go MergedVirtualServices → config.go
//   sortConfigByCreationTime: oldest first; equal timestamps by name, then namespace.
// - pilot/pkg/networking/core/route/route.go: TranslateRouteMatch (no match is prefix "/"; `exact` an
//   Envoy path, `prefix` an Envoy prefix for VirtualServices), SortVHostRoutes and IsCatchAllRoute
//   (catch-all routes, prefix "/" without header matches, move to the end, the rest keep their order).
// - pkg/config/host/name.go SubsetOf and names.go Intersection, NamesForNamespace.
// - Envoy api/envoy/config/route/v3/route_components.proto, VirtualHost.domains: exact domains first,
//   then suffix wildcards (longest first), then prefix wildcards, then `*`; within the virtual host the
//   first matching route wins. Istio sets ignore_port_in_host_matching on gateways.

/** One server of a Gateway (networking.istio.io/v1 Gateway spec.servers[]); hosts may be `namespace/host`. */
export interface GatewayServer {
    port: number;
    hosts: string[];
}

/** The Gateway the VirtualServices bind to. */
export interface Gateway {
    namespace: string;
    name: string;
    servers: GatewayServer[];
}

/** A URI match of an HTTP route; exactly one of prefix and exact (regexes are not modelled). */
export interface UriMatch {
    prefix?: string;
    exact?: string;
}

/** One HTTP route of a VirtualService (the fields the routing depends on). */
export interface HttpRoute {
    /** Absent or empty: every request (Istio's prefix "/"). */
    match?: { uri?: UriMatch }[];
    /** Destination host of the route (route[0].destination.host). */
    destination: string;
}

/** A VirtualService as the API server holds it. */
export interface VirtualService {
    namespace: string;
    name: string;
    hosts: string[];
    /** Gateway names; `name` alone means the VirtualService's own namespace. */
    gateways: string[];
    http: HttpRoute[];
    /** Creation order (Kubernetes creationTimestamp); Istio sorts oldest first. */
    created: number;
}

/** An Envoy route as Istio builds it from one match of one HTTP route. */
export interface EnvoyRoute {
    /** `namespace/name` of the VirtualService it came from. */
    owner: string;
    path: { kind: "prefix" | "exact"; value: string };
    destination: string;
}

/** An Envoy virtual host: a domain and its routes in the order Envoy tries them. */
export interface VirtualHost {
    domain: string;
    routes: EnvoyRoute[];
}

function isWildcard(host: string): boolean {
    return host.startsWith("*");
}

/** host.Name SubsetOf: every host `a` matches is matched by `b`. */
export function hostSubsetOf(a: string, b: string): boolean {
    if (isWildcard(a)) {
        return isWildcard(b) && a.length >= b.length && a.slice(1).endsWith(b.slice(1));
    }
    return isWildcard(b) ? a.endsWith(b.slice(1)) : a === b;
}

/** host.Names Intersection: for each pair where one is a subset of the other, the narrower one, once. */
export function hostIntersection(a: string[], b: string[]): string[] {
    const result: string[] = [];
    for (const x of a) {
        for (const y of b) {
            const narrower = hostSubsetOf(x, y) ? x : hostSubsetOf(y, x) ? y : undefined;
            if (narrower !== undefined && !result.includes(narrower)) {
                result.push(narrower);
            }
        }
    }
    return result;
}

/**
 * The server hosts a VirtualService in `namespace` may bind (host.NamesForNamespace), after Istio's
 * gateway merging has turned `./host` into the Gateway's namespace and a bare host into `*` + host.
 */
export function serverHostsFor(server: GatewayServer, gatewayNamespace: string, namespace: string): string[] {
    return server.hosts.flatMap((h) => {
        const slash = h.indexOf("/");
        const ns = slash < 0 ? "*" : h.slice(0, slash) === "." ? gatewayNamespace : h.slice(0, slash);
        const host = slash < 0 ? h : h.slice(slash + 1);
        return ns === "*" || ns === namespace ? [host] : [];
    });
}

function bindsTo(vs: VirtualService, gateway: Gateway): boolean {
    return vs.gateways.some((g) => (g.includes("/") ? g : `${vs.namespace}/${g}`) === `${gateway.namespace}/${gateway.name}`);
}

/** Istio's Envoy routes for one VirtualService: one per match of each HTTP route, in order. */
export function envoyRoutes(vs: VirtualService): EnvoyRoute[] {
    const owner = `${vs.namespace}/${vs.name}`;
    return vs.http.flatMap((route) => {
        const matches = route.match !== undefined && route.match.length > 0 ? route.match : [{}];
        return matches.map((m): EnvoyRoute => {
            const uri = m.uri;
            if (uri?.prefix !== undefined && uri.exact === undefined) {
                return { owner, path: { kind: "prefix", value: uri.prefix }, destination: route.destination };
            }
            if (uri?.exact !== undefined && uri.prefix === undefined) {
                return { owner, path: { kind: "exact", value: uri.exact }, destination: route.destination };
            }
            if (uri === undefined) {
                return { owner, path: { kind: "prefix", value: "/" }, destination: route.destination };
            }
            throw new Error(`${owner}: a URI match with exactly one of prefix and exact is modelled; got ${JSON.stringify(uri)}`);
        });
    });
}

/** route.IsCatchAllRoute, for the matches modelled: prefix "/". */
export function isCatchAll(route: EnvoyRoute): boolean {
    return route.path.kind === "prefix" && route.path.value === "/";
}

/** The virtual hosts of the Gateway's route table for one port, as istiod builds them. */
export function gatewayRoutes(gateway: Gateway, virtualServices: VirtualService[], port: number): VirtualHost[] {
    const ordered = [...virtualServices]
        .filter((vs) => bindsTo(vs, gateway))
        .sort((a, b) => a.created - b.created || a.name.localeCompare(b.name) || a.namespace.localeCompare(b.namespace));
    const vhosts = new Map<string, EnvoyRoute[]>();
    for (const server of gateway.servers.filter((s) => s.port === port)) {
        for (const vs of ordered) {
            const intersecting = hostIntersection(serverHostsFor(server, gateway.namespace, vs.namespace), vs.hosts);
            const routes = envoyRoutes(vs);
            for (const host of intersecting.map((h) => h.toLowerCase())) {
                vhosts.set(host, [...(vhosts.get(host) ?? []), ...routes]);
            }
        }
    }
    return [...vhosts].map(([domain, routes]) => ({
        domain,
        // SortVHostRoutes: catch-alls last, every other route keeps its place.
        routes: [...routes.filter((r) => !isCatchAll(r)), ...routes.filter(isCatchAll)],
    }));
}

/** Envoy's virtual host for a Host header: exact, then the longest suffix wildcard, then `*`. */
export function selectVirtualHost(vhosts: VirtualHost[], host: string): VirtualHost | undefined {
    const name = host.toLowerCase().replace(/:\d+$/, "");
    const exact = vhosts.find((v) => v.domain === name);
    if (exact !== undefined) {
        return exact;
    }
    // A wildcard never matches the empty string: `*.example.com` does not match `.example.com`.
    const suffixes = vhosts
        .filter((v) => v.domain.length > 1 && isWildcard(v.domain) && name.endsWith(v.domain.slice(1)) && name.length > v.domain.length - 1)
        .sort((a, b) => b.domain.length - a.domain.length);
    return suffixes[0] ?? vhosts.find((v) => v.domain === "*");
}

function pathMatches(route: EnvoyRoute, path: string): boolean {
    const p = path.split("?")[0];
    return route.path.kind === "exact" ? p === route.path.value : p.startsWith(route.path.value);
}

/** The route a request takes (undefined: Envoy answers 404). */
export function routeRequest(vhosts: VirtualHost[], host: string, path: string): EnvoyRoute | undefined {
    return selectVirtualHost(vhosts, host)?.routes.find((r) => pathMatches(r, path));
}

function pathsIntersect(a: EnvoyRoute["path"], b: EnvoyRoute["path"]): boolean {
    if (a.kind === "exact" && b.kind === "exact") {
        return a.value === b.value;
    }
    if (a.kind === "exact") {
        return a.value.startsWith(b.value);
    }
    if (b.kind === "exact") {
        return b.value.startsWith(a.value);
    }
    return a.value.startsWith(b.value) || b.value.startsWith(a.value);
}

/** Two services' routes that some request matches both of, on one virtual host. */
export interface RouteOverlap {
    domain: string;
    /** The route Envoy tries first (it takes the shared requests). */
    first: EnvoyRoute;
    /** The route that loses them. */
    shadowed: EnvoyRoute;
    message: string;
}

function describe(route: EnvoyRoute): string {
    return `${route.owner} (${route.path.kind} ${route.path.value})`;
}

/**
 * Every pair of routes of different VirtualServices on one virtual host that some request matches
 * both of, except a catch-all behind a narrower route: Istio moves catch-alls last on purpose, so the
 * platform's catch-all keeps only what no narrower route claims. A more specific virtual host taking
 * a host from a wildcard one is Envoy's domain order by design, not an overlap.
 */
export function routeOverlaps(vhosts: VirtualHost[]): RouteOverlap[] {
    const overlaps: RouteOverlap[] = [];
    for (const vhost of vhosts) {
        vhost.routes.forEach((first, i) => {
            for (const shadowed of vhost.routes.slice(i + 1)) {
                const fallback = isCatchAll(shadowed) && !isCatchAll(first);
                if (first.owner !== shadowed.owner && !fallback && pathsIntersect(first.path, shadowed.path)) {
                    overlaps.push({
                        domain: vhost.domain,
                        first,
                        shadowed,
                        message:
                            `on host ${vhost.domain}, ${describe(shadowed)} overlaps ${describe(first)}: Envoy takes the first matching route, ` +
                            `so ${shadowed.owner} never receives those requests; give each service its own host or path prefix`,
                    });
                }
            }
        });
    }
    return overlaps;
}
