// The webhook-ordering violation whole: which objects, which webhook, what happens, what to change.
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { Creator, Webhook, checkWebhookOrdering } from "../../rules/webhooks";

const BOTH: Webhook = { owner: "lbc", purpose: "Service and pod webhooks", failurePolicy: "Fail", kinds: ["Pod", "Service"] };

function check(webhook: Webhook, creator: Creator) {
    return checkWebhookOrdering({
        webhooks: [webhook],
        creators: [creator],
        namespaceLabels: { web: { gate: "on" } },
        waitsFor: () => false,
    });
}

describe("webhook ordering: exact values", () => {
    it("the kinds both create and admit, joined; a Fail webhook on every namespace may be switched off instead", () => {
        assert.deepEqual(check(BOTH, { name: "metrics-server", namespace: "kube-system", kinds: ["Service", "Pod"] }), [
            {
                rule: "webhook-before-objects",
                resource: "metrics-server",
                fields: [],
                message:
                    "metrics-server creates Service and Pod objects in kube-system without waiting for lbc, which serves the Service and pod webhooks (failurePolicy Fail): the API server rejects them while its pods are not ready, and `pulumi up` fails at random",
                fix: "make metrics-server depend on lbc, or switch the webhook off",
            },
        ]);
    });

    it("only the kinds the webhook admits are named; a Pod-only or namespace-scoped webhook is not to be switched off", () => {
        const pods: Webhook = { ...BOTH, kinds: ["Pod"], failurePolicy: "Ignore" };
        const [v] = check(pods, { name: "app", namespace: "web", kinds: ["Service", "Pod"] });
        assert.equal(
            v.message,
            "app creates Pod objects in web without waiting for lbc, which serves the Service and pod webhooks (failurePolicy Ignore): they are created without its mutation, silently",
        );
        assert.equal(v.fix, "make app depend on lbc");
        const scoped: Webhook = { ...BOTH, namespaceLabel: { key: "gate", value: "on" } };
        assert.equal(check(scoped, { name: "app", namespace: "web", kinds: ["Service"] })[0].fix, "make app depend on lbc");
    });
});
