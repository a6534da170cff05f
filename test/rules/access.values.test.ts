// rules/access.ts's exact values: the requests Pulumi makes per kind (resource, scope, awaited kinds)
// and the refusal messages, word for word.
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { ManagedObject, checkAccess, policyGrant, requestsToManage } from "../../rules/access";

const object = (apiVersion: string, kind: string, namespace: string | undefined = "orders"): ManagedObject => ({
    apiVersion,
    kind,
    namespace,
    name: "x",
});

describe("rules/access.ts, value by value", () => {
    it("a grant's source names its policy and scope", () => {
        assert.equal(policyGrant("AmazonEKSViewPolicy", { type: "cluster" }).source, "AmazonEKSViewPolicy (cluster)");
        assert.equal(
            policyGrant("AmazonEKSEditPolicy", { type: "namespace", namespaces: ["a", "b"] }).source,
            "AmazonEKSEditPolicy (namespace a, b)",
        );
    });

    // The resource (plural) and scope the API server knows each kind by (Kubernetes API reference; Istio's CRDs).
    const kinds: [string, string, string, boolean][] = [
        ["v1", "Namespace", "namespaces", false],
        ["v1", "Service", "services", true],
        ["v1", "ServiceAccount", "serviceaccounts", true],
        ["v1", "ConfigMap", "configmaps", true],
        ["v1", "Secret", "secrets", true],
        ["apps/v1", "Deployment", "deployments", true],
        ["autoscaling/v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers", true],
        ["policy/v1", "PodDisruptionBudget", "poddisruptionbudgets", true],
        ["networking.k8s.io/v1", "Ingress", "ingresses", true],
        ["networking.istio.io/v1", "VirtualService", "virtualservices", true],
        ["networking.istio.io/v1", "DestinationRule", "destinationrules", true],
        ["rbac.authorization.k8s.io/v1", "Role", "roles", true],
        ["rbac.authorization.k8s.io/v1", "RoleBinding", "rolebindings", true],
    ];
    for (const [apiVersion, kind, resource, namespaced] of kinds) {
        it(`${apiVersion} ${kind}: ${resource}, ${namespaced ? "in its namespace" : "cluster-scoped"}`, () => {
            const own = requestsToManage(object(apiVersion, kind)).filter((r) => r.resource === resource);
            assert.deepEqual(
                own.map((r) => r.verb),
                ["create", "get", "patch", "delete", "list", "watch"],
            );
            assert.ok(own.every((r) => r.namespace === (namespaced ? "orders" : undefined)));
        });
    }

    // What each kind's create awaits besides itself (provider/pkg/await, v4.32.0), then the events every create watches.
    const awaited: [string, string, string[]][] = [
        ["apps/v1", "Deployment", ["apps/replicasets", "/pods", "/persistentvolumeclaims"]],
        ["v1", "Service", ["/endpoints"]],
        ["networking.k8s.io/v1", "Ingress", ["/endpoints", "/services"]],
        ["v1", "ConfigMap", []],
    ];
    for (const [apiVersion, kind, watches] of awaited) {
        it(`a ${kind}'s create also lists and watches ${[...watches, "/events"].join(", ")}`, () => {
            const watched = requestsToManage(object(apiVersion, kind))
                .slice(6)
                .map((r) => `${r.apiGroup}/${r.resource} ${r.verb}`);
            assert.deepEqual(
                watched,
                [...watches, "/events"].flatMap((w) => [`${w} list`, `${w} watch`]),
            );
        });
    }

    it("a refusal says what the API server would: the verb, group/resource, where, and every grant held", () => {
        const [first] = checkAccess([object("apps/v1", "Deployment")], []);
        assert.equal(first.message, "x (Deployment): cannot create apps/deployments in namespace orders; granted: nothing");
        const grants = [
            policyGrant("AmazonEKSViewPolicy", { type: "namespace", namespaces: ["orders"] }),
            policyGrant("AmazonEKSViewPolicy", { type: "namespace", namespaces: ["payments"] }),
        ];
        const [core] = checkAccess([object("v1", "ConfigMap")], grants);
        assert.equal(
            core.message,
            "x (ConfigMap): cannot create configmaps in namespace orders; granted: AmazonEKSViewPolicy (namespace orders), AmazonEKSViewPolicy (namespace payments)",
        );
        const [cluster] = checkAccess([object("v1", "Namespace")], grants);
        assert.equal(
            cluster.message,
            "x (Namespace): cannot create namespaces at the cluster scope; granted: AmazonEKSViewPolicy (namespace orders), AmazonEKSViewPolicy (namespace payments)",
        );
    });
});
