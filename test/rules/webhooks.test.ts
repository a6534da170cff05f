import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { Webhook, WebhookGraph, checkWebhookOrdering } from "../../rules/webhooks";

const SERVICE_WEBHOOK: Webhook = { owner: "lbc", purpose: "Service webhook", failurePolicy: "Fail", kinds: ["Service"] };
const POD_WEBHOOK: Webhook = {
    owner: "lbc",
    purpose: "pod webhook",
    failurePolicy: "Ignore",
    kinds: ["Pod"],
    namespaceLabel: { key: "gate", value: "enabled" },
};

function graph(webhooks: Webhook[], edges: [string, string][]): WebhookGraph {
    return {
        webhooks,
        creators: [
            { name: "metrics-server", namespace: "kube-system", kinds: ["Pod", "Service"] },
            { name: "app-deploy", namespace: "web", kinds: ["Pod"] },
            { name: "lbc", namespace: "kube-system", kinds: ["Pod", "Service"] },
        ],
        namespaceLabels: { web: { gate: "enabled" } },
        waitsFor: (from, to) => edges.some(([a, b]) => a === from && b === to),
    };
}

describe("webhook ordering", () => {
    it("[#11.2] a Service webhook on every namespace catches a release created in parallel with its owner", () => {
        const v = checkWebhookOrdering(graph([SERVICE_WEBHOOK], []));
        assert.deepEqual(
            v.map((x) => x.resource),
            ["metrics-server"],
        );
        assert.match(v[0].message, /rejects them while its pods are not ready/);
        assert.match(v[0].fix, /switch the webhook off/);
    });

    it("[#11.2] ordered after its owner, nothing to report; the owner itself is exempt", () => {
        assert.deepEqual(checkWebhookOrdering(graph([SERVICE_WEBHOOK], [["metrics-server", "lbc"]])), []);
    });

    it("[#11.9] a pod webhook matters only in labelled namespaces, and an Ignore webhook skips silently", () => {
        const v = checkWebhookOrdering(graph([POD_WEBHOOK], []));
        assert.deepEqual(
            v.map((x) => x.resource),
            ["app-deploy"],
        );
        assert.match(v[0].message, /created without its mutation, silently/);
    });
});
