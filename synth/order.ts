// The order model on a synthesized program: what each Kubernetes create needs to exist by then (its
// namespace, its CRD, the webhooks that admit it), read from the recorded resources, and checked
// against the dependency graph by rules/order.ts. The engine runs it after every synth.
import * as k8s from "@pulumi/kubernetes";
import { KUBERNETES_NAMESPACES, OrderNode, Precondition, checkPreconditions, waitGraph } from "../rules/order";
import { Violation } from "../rules/timing";
import { checkWebhookOrdering } from "../rules/webhooks";
import { UPSTREAM_CHARTS, chartCrds, chartName, findChart } from "./charts";
import type { RecordedResource } from "./engine";
import { webhookGraph } from "./report";

const RELEASE = "kubernetes:helm.sh/v3:Release";
const NAMESPACE = "kubernetes:core/v1:Namespace";
const CRD = "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition";

/** `kubernetes:<group>/<version>:<Kind>` → its parts (the core group is written `core`). */
function parseToken(type: string): { group: string; version: string; kind: string } {
    const token = type.slice("kubernetes:".length);
    const at = token.lastIndexOf(":");
    const [group, version] = token.slice(0, at).split("/");
    return { group, version, kind: token.slice(at + 1) };
}

/**
 * True when @pulumi/kubernetes has a class of its own for the type (a built-in kind, a patch, a Helm
 * release): its module `<first segment of the group>.<version>.<Kind>` carries that `__pulumiType`.
 * Anything else the program creates is a custom resource (apiextensions.CustomResource registers
 * under its apiVersion and kind), which needs its CRD.
 */
export function isBuiltinKubernetesType(type: string): boolean {
    const { group, version, kind } = parseToken(type);
    const modules = k8s as unknown as Record<
        string,
        Record<string, Record<string, { __pulumiType?: string } | undefined> | undefined> | undefined
    >;
    return modules[group.split(".")[0]]?.[version]?.[kind]?.__pulumiType === type;
}

const metadataOf = (r: RecordedResource) => (r.inputs.metadata ?? {}) as { name?: string; namespace?: string };

/** Where the pinned charts are, and what exists before the program runs (the stacks it reads created it). */
export interface OrderContext {
    chartsRoot?: string;
    /** Resources of the stacks the program reads with StackReference (their synth's resources.json). */
    existing?: RecordedResource[];
    /** Stacks the program reads whose resources were not given: what they create is unknown here. */
    unknownStacks?: string[];
}

/** Namespaces and CRDs the resources provide, each with the names of the resources providing it. */
function provisions(
    resources: RecordedResource[],
    chartsRoot: string,
): { namespaces: Map<string, string[]>; crds: Map<string, string[]>; unread: string[] } {
    const kube = resources.filter((r) => r.type.startsWith("kubernetes:"));
    const releases = kube.filter((r) => r.type === RELEASE);

    const namespaceProviders = new Map<string, string[]>();
    const provide = (ns: string, by: string) => namespaceProviders.set(ns, [...(namespaceProviders.get(ns) ?? []), by]);
    for (const r of kube.filter((x) => x.type === NAMESPACE)) {
        provide(String(metadataOf(r).name), r.name);
    }
    for (const r of releases.filter((x) => x.inputs.createNamespace === true)) {
        provide(String(r.inputs.namespace), r.name);
    }

    // The CRDs each release installs, from its chart's files; a chart that is not stored is named in the hint.
    const crdProviders = new Map<string, string[]>();
    const addCrd = (key: string, by: string) => crdProviders.set(key, [...(crdProviders.get(key) ?? []), by]);
    const unread: string[] = [];
    for (const r of releases) {
        const chart = String(r.inputs.chart);
        const found = findChart(chart, String(r.inputs.version), chartsRoot);
        if (!found) {
            unread.push(`${r.name} (${chartName(chart)} ${String(r.inputs.version)})`);
            continue;
        }
        for (const crd of chartCrds(found.dir, { skipCrds: r.inputs.skipCrds === true })) {
            addCrd(`${crd.kind}.${crd.group}`, r.name);
        }
    }
    for (const r of kube.filter((x) => x.type === CRD)) {
        const spec = (r.inputs.spec ?? {}) as { group?: string; names?: { kind?: string } };
        addCrd(`${spec.names?.kind}.${spec.group}`, r.name);
    }
    return { namespaces: namespaceProviders, crds: crdProviders, unread };
}

/** Everything the program's Kubernetes creates need first, and who provides each. */
export function preconditions(resources: RecordedResource[], context: OrderContext = {}): Precondition[] {
    const chartsRoot = context.chartsRoot ?? UPSTREAM_CHARTS;
    const kube = resources.filter((r) => r.type.startsWith("kubernetes:"));
    const { namespaces: namespaceProviders, crds: crdProviders, unread } = provisions(resources, chartsRoot);
    const before = provisions(context.existing ?? [], chartsRoot);
    const exists = (ns: string) => KUBERNETES_NAMESPACES.includes(ns) || before.namespaces.has(ns);

    const needs: Precondition[] = [];
    for (const r of kube) {
        if (r.type === RELEASE) {
            const ns = typeof r.inputs.namespace === "string" ? r.inputs.namespace : "default";
            if (r.inputs.createNamespace !== true && !exists(ns)) {
                needs.push({ resource: r.name, need: `namespace ${ns}`, providers: namespaceProviders.get(ns) ?? [] });
            }
            continue;
        }
        if (r.type === NAMESPACE) {
            continue;
        }
        const ns = metadataOf(r).namespace;
        if (ns !== undefined && !exists(ns)) {
            needs.push({ resource: r.name, need: `namespace ${ns}`, providers: namespaceProviders.get(ns) ?? [] });
        }
        if (!isBuiltinKubernetesType(r.type)) {
            const { group, kind } = parseToken(r.type);
            const key = `${kind}.${group}`;
            if (before.crds.has(key)) {
                continue;
            }
            needs.push({
                resource: r.name,
                need: `the CRD ${key}`,
                providers: crdProviders.get(key) ?? [],
                ...hintFor(unread, chartsRoot, context.unknownStacks ?? []),
            });
        }
    }
    return needs;
}

/** Why a CRD may have no known provider: charts whose files are not stored, stacks whose resources were not given. */
function hintFor(unread: string[], chartsRoot: string, unknownStacks: string[]): { hint?: string } {
    const hints = [
        ...(unread.length > 0 ? [`no chart files under ${chartsRoot} for ${unread.join(", ")}`] : []),
        ...(unknownStacks.length > 0
            ? [
                  `the program reads ${unknownStacks.join(", ")}, whose resources were not given (its synth's resources.json beside its outputs.json)`,
              ]
            : []),
    ];
    return hints.length > 0 ? { hint: hints.join("; ") } : {};
}

/** The graph as the engine orders creates: dependencies and parents. */
export function orderNodes(resources: RecordedResource[]): OrderNode[] {
    return resources.map((r) => ({ name: r.name, parent: r.parent, dependsOn: r.dependsOn }));
}

/**
 * Every create whose precondition is not in place by then: a namespace, a CRD, or a webhook that
 * admits what it creates (rules/webhooks.ts, with the same waits: dependencies and parents).
 */
export function checkOrder(resources: RecordedResource[], context: OrderContext = {}): (Violation & { resource: string })[] {
    const nodes = orderNodes(resources);
    const webhooks = { ...webhookGraph(resources), waitsFor: waitGraph(nodes) };
    return [...checkPreconditions(nodes, preconditions(resources, context)), ...checkWebhookOrdering(webhooks)];
}
