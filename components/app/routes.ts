// Where a meshed service is reached behind the shared gateway: its hosts and path prefix, their
// defaults, and the VirtualService routes they become. Pure: no Pulumi import (the component, config
// validation and the tests build the same routes; rules/routes.ts says which request reaches whom).

/** The hosts that mean "every host the shared Gateway lets this namespace bind" (Istio's wildcard). */
export const ANY_HOST = "*";

/** A host a VirtualService may name: a DNS name, optionally with a leading `*.` wildcard, or `*`. */
export const ROUTE_HOST = /^(\*|(\*\.)?([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z]([-a-z0-9]{0,61}[a-z0-9])?)$/;

/** A path prefix: starts and ends with `/`, URL path characters only. */
export const PATH_PREFIX = /^\/([A-Za-z0-9._~-]+\/)*$/;

/** The hosts and path prefix one service is reached at. */
export interface MeshRoute {
    hosts: string[];
    pathPrefix: string;
}

/**
 * The defaults: every host the Gateway admits for the namespace; on those shared hosts a path of the
 * service's own, `/<namespace>/<name>/` (no two services share one, so defaults never overlap); on
 * hosts of its own only (no `*`), the whole path space.
 */
export function meshRoute(name: string, namespace: string, given: { hosts?: string[]; pathPrefix?: string }): MeshRoute {
    const hosts = given.hosts ?? [ANY_HOST];
    const pathPrefix = given.pathPrefix ?? (hosts.includes(ANY_HOST) ? `/${namespace}/${name}/` : "/");
    return { hosts, pathPrefix };
}

/**
 * The VirtualService's HTTP route: everything under the prefix to the service, the prefix rewritten
 * to `/` so the app serves its usual paths (Istio HTTPRewrite `uri`: "the value replaces the matched
 * prefix"). With prefix `/` the route has no match: Istio's catch-all, which it sorts after every
 * narrower route on the host (rules/routes.ts).
 */
export function meshHttpRoute(route: MeshRoute, destinationHost: string, port: number): Record<string, unknown> {
    const destination = { route: [{ destination: { host: destinationHost, port: { number: port } } }] };
    // Retry only what never reached the app (safe for any method): a connection to a pod that has just gone away.
    const retries = { retries: { attempts: 2, retryOn: "connect-failure,refused-stream" } };
    return route.pathPrefix === "/"
        ? { ...destination, ...retries }
        : { match: [{ uri: { prefix: route.pathPrefix } }], rewrite: { uri: "/" }, ...destination, ...retries };
}

/** Where the services of one namespace may be reached: the hosts the platform gave it. */
export interface NamespaceHosts {
    namespace: string;
    hosts: string[];
}

/**
 * The shared Gateway's server hosts: each namespace's hosts as `<namespace>/<host>`, so a
 * VirtualService binds only what its own namespace was given (Istio Gateway `servers[].hosts`). With
 * nothing to admit, `./*`: only the Gateway's own namespace, where no service runs (a server needs a host).
 */
export function gatewayServerHosts(namespaces: NamespaceHosts[]): string[] {
    const hosts = namespaces.flatMap((n) => n.hosts.map((h) => `${n.namespace}/${h}`));
    return hosts.length > 0 ? hosts : ["./*"];
}
