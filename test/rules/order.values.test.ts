// The order model's exact values: the namespaces a cluster starts with, what a missing or unordered
// precondition says (rule, resource, message, fix), and a dependency cycle answered, not looped on.
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { KUBERNETES_NAMESPACES, OrderNode, checkPreconditions, waitGraph } from "../../rules/order";

const node = (name: string, dependsOn: string[] = [], parent: string | null = null): OrderNode => ({ name, parent, dependsOn });

describe("order model: exact values", () => {
    it("the namespaces every cluster has from the start (kubernetes.io, Namespaces)", () => {
        assert.deepEqual(KUBERNETES_NAMESPACES, ["default", "kube-system", "kube-public", "kube-node-lease"]);
    });

    it("a cycle (a ↔ b) is answered: each waits for the other and for itself, not for anything outside it", () => {
        const waitsFor = waitGraph([node("a", ["b"]), node("b", ["a"]), node("c")]);
        assert.deepEqual(
            [waitsFor("a", "b"), waitsFor("b", "a"), waitsFor("a", "a"), waitsFor("a", "c"), waitsFor("c", "a")],
            [true, true, true, false, false],
        );
        // Asked again (the graph remembers what it walked): the same answers.
        assert.deepEqual([waitsFor("a", "b"), waitsFor("a", "c")], [true, false]);
    });

    it("the violations whole: nothing creates it (with and without a hint), or its creator is not waited for", () => {
        const nodes = [node("crd"), node("policy"), node("ns")];
        assert.deepEqual(
            checkPreconditions(nodes, [
                {
                    resource: "policy",
                    need: "CRD PeerAuthentication.security.istio.io",
                    providers: [],
                    hint: "the chart's CRDs were not found",
                },
                { resource: "policy", need: "namespace istio-system", providers: [] },
                { resource: "policy", need: "CRD X", providers: ["crd", "ns"] },
            ]),
            [
                {
                    rule: "precondition-missing",
                    resource: "policy",
                    fields: [],
                    message:
                        "policy needs CRD PeerAuthentication.security.istio.io, and nothing in the program creates it (the chart's CRDs were not found)",
                    fix: "create CRD PeerAuthentication.security.istio.io in the program and make policy depend on what creates it",
                },
                {
                    rule: "precondition-missing",
                    resource: "policy",
                    fields: [],
                    message: "policy needs namespace istio-system, and nothing in the program creates it",
                    fix: "create namespace istio-system in the program and make policy depend on what creates it",
                },
                {
                    rule: "precondition-order",
                    resource: "policy",
                    fields: [],
                    message:
                        "policy needs CRD X, which crd or ns creates, but does not wait for it: the create races it and fails after pulumi-kubernetes's retries (63 s)",
                    fix: "make policy depend on crd (dependsOn)",
                },
            ],
        );
    });

    it("a resource that creates what it needs itself passes", () => {
        assert.deepEqual(checkPreconditions([node("ns")], [{ resource: "ns", need: "namespace x", providers: ["ns"] }]), []);
    });
});
