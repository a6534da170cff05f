// The deploy in order: every create's preconditions must exist by the time it runs, and in a Pulumi
// deployment "by then" means "a resource it waits for created it". Pure: the graph and what each
// resource needs come in as plain data (synth/order.ts reads them from the recorded resources).
//
// What "waits for" means, from the Node SDK that registers the resources (@pulumi/pulumi 3.270.0
// runtime/resource.ts prepareResource, runtime/dependsOn.ts): a resource is sent to the engine only
// after (1) the URNs of everything in its dependsOn and in its inputs' Outputs resolve — a custom
// resource's URN resolves once the engine has created it, and a component in dependsOn stands for
// its custom children — and (2) its parent's URN resolves, which for a component happens only after
// the component's own dependencies were created. So: direct dependencies and the parent, transitively.
//
// Why a missing edge matters: pulumi-kubernetes retries a create that fails with NotFound (a missing
// namespace) or NoMatch (a missing CRD) 5 times with a backoff from 1 s, doubling: 1+2+4+8+16+32 =
// 63 s, then fails the update (provider/pkg/await/await.go Creation, provider/pkg/retry/retry.go).
// A Helm chart's namespace or CRDs usually take longer than that to appear.
import { Violation } from "./timing";

/** One resource of the graph. */
export interface OrderNode {
    name: string;
    /** Name of the parent resource; null for the stack. */
    parent: string | null;
    /** Names of the resources it depends on (explicit, and through its inputs). */
    dependsOn: string[];
}

/** Something a resource needs to exist before it is created. */
export interface Precondition {
    /** The resource that needs it. */
    resource: string;
    /** What it needs, for messages: `namespace istio-system`, `CRD PeerAuthentication.security.istio.io`. */
    need: string;
    /** Resources that create it; empty when nothing in the program does. */
    providers: string[];
    /** Why nothing provides it, when `providers` is empty (e.g. a chart whose files were not found). */
    hint?: string;
}

/** Namespaces every cluster has from the start (kubernetes.io/docs/concepts/overview/working-with-objects/namespaces). */
export const KUBERNETES_NAMESPACES = ["default", "kube-system", "kube-public", "kube-node-lease"];

/** `waitsFor(from, to)`: true when `from` is created only after `to` (dependencies and parents, transitively). */
export function waitGraph(nodes: OrderNode[]): (from: string, to: string) => boolean {
    // Dependencies are recorded by name, and a name can stand for two resources of different types
    // (an EventRule and its EventTarget): their edges are merged.
    const edges = new Map<string, string[]>();
    for (const n of nodes) {
        edges.set(n.name, [...(edges.get(n.name) ?? []), ...n.dependsOn, ...(n.parent ? [n.parent] : [])]);
    }
    const reach = new Map<string, Set<string>>();
    const reachable = (start: string): Set<string> => {
        const known = reach.get(start);
        if (known) {
            return known;
        }
        const seen = new Set<string>();
        const stack = [start];
        while (stack.length > 0) {
            for (const next of edges.get(stack.pop() as string) ?? []) {
                if (!seen.has(next)) {
                    seen.add(next);
                    stack.push(next);
                }
            }
        }
        reach.set(start, seen);
        return seen;
    };
    return (from, to) => reachable(from).has(to);
}

/** Every precondition no resource it waits for provides, naming both resources. */
export function checkPreconditions(nodes: OrderNode[], preconditions: Precondition[]): (Violation & { resource: string })[] {
    const waitsFor = waitGraph(nodes);
    const violations: (Violation & { resource: string })[] = [];
    for (const p of preconditions) {
        if (p.providers.includes(p.resource) || p.providers.some((provider) => waitsFor(p.resource, provider))) {
            continue;
        }
        if (p.providers.length === 0) {
            violations.push({
                rule: "precondition-missing",
                resource: p.resource,
                fields: [],
                message: `${p.resource} needs ${p.need}, and nothing in the program creates it${p.hint ? ` (${p.hint})` : ""}`,
                fix: `create ${p.need} in the program and make ${p.resource} depend on what creates it`,
            });
            continue;
        }
        violations.push({
            rule: "precondition-order",
            resource: p.resource,
            fields: [],
            message: `${p.resource} needs ${p.need}, which ${p.providers.join(" or ")} creates, but does not wait for it: the create races it and fails after pulumi-kubernetes's retries (63 s)`,
            fix: `make ${p.resource} depend on ${p.providers[0]} (dependsOn)`,
        });
    }
    return violations;
}
