// Admission webhooks must be serving before the objects they mutate are created. Pure: the
// program's graph comes in as plain data (synth/report reads it from the recorded resources).
//
// A mutating webhook registered with failurePolicy Fail rejects every object in its scope while its
// pods are not ready yet (`pulumi up` fails at random, depending on which creation wins the race:
// kubernetes-sigs/aws-load-balancer-controller#4140); with Ignore the object is created unmutated,
// silently (a pod without its readiness gate, a pod without its sidecar). Either way, anything that
// creates objects in the webhook's scope must wait for the release that serves it.
import { Violation } from "./timing";

export type AdmittedKind = "Pod" | "Service";

export interface Webhook {
    /** Name of the resource (Helm release) that installs and serves the webhook. */
    owner: string;
    /** What it does, for the message, e.g. "load balancer controller pod webhook (readiness gates)". */
    purpose: string;
    failurePolicy: "Fail" | "Ignore";
    kinds: AdmittedKind[];
    /** Only namespaces with this label match; undefined: every namespace. */
    namespaceLabel?: { key: string; value: string };
}

export interface Creator {
    /** Name of the resource that creates the objects (a Helm release, a Deployment, a patch that rolls pods). */
    name: string;
    namespace: string;
    kinds: AdmittedKind[];
}

export interface WebhookGraph {
    webhooks: Webhook[];
    creators: Creator[];
    /** Labels of the namespaces the program creates; absent namespaces have none. */
    namespaceLabels: Record<string, Record<string, string>>;
    /** True when `from` waits (directly or not) for `to`. */
    waitsFor(from: string, to: string): boolean;
}

/** Every creator that can run before a webhook whose scope it falls in. */
export function checkWebhookOrdering(g: WebhookGraph): (Violation & { resource: string })[] {
    const violations: (Violation & { resource: string })[] = [];
    for (const w of g.webhooks) {
        for (const c of g.creators) {
            if (c.name === w.owner || !c.kinds.some((k) => w.kinds.includes(k))) {
                continue;
            }
            const labels = g.namespaceLabels[c.namespace] ?? {};
            if (w.namespaceLabel !== undefined && labels[w.namespaceLabel.key] !== w.namespaceLabel.value) {
                continue;
            }
            if (g.waitsFor(c.name, w.owner)) {
                continue;
            }
            const effect =
                w.failurePolicy === "Fail"
                    ? "the API server rejects them while its pods are not ready, and `pulumi up` fails at random"
                    : "they are created without its mutation, silently";
            violations.push({
                rule: "webhook-before-objects",
                resource: c.name,
                fields: [],
                message: `${c.name} creates ${c.kinds.filter((k) => w.kinds.includes(k)).join(" and ")} objects in ${c.namespace} without waiting for ${w.owner}, which serves the ${w.purpose} (failurePolicy ${w.failurePolicy}): ${effect}`,
                fix: `make ${c.name} depend on ${w.owner}${w.kinds.includes("Service") && w.namespaceLabel === undefined ? ", or switch the webhook off" : ""}`,
            });
        }
    }
    return violations;
}
