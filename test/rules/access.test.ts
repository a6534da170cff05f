// The EKS access policies, RBAC beside them and what Pulumi asks to manage an object (rules/access.ts).
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import {
    EKS_ACCESS_POLICIES,
    Grant,
    MESH_ROUTING_RULES,
    ManagedObject,
    allowedBy,
    checkAccess,
    policyGrant,
    requestsToManage,
} from "../../rules/access";

const EDIT_IN_ORDERS = policyGrant("AmazonEKSEditPolicy", { type: "namespace", namespaces: ["orders"] });
const ROUTING_IN_ORDERS: Grant = {
    source: "Role orders/mesh-routing",
    rules: MESH_ROUTING_RULES,
    scope: { type: "namespace", namespaces: ["orders"] },
};

const object = (apiVersion: string, kind: string, namespace: string | undefined = "orders"): ManagedObject => ({
    apiVersion,
    kind,
    namespace,
    name: `orders-${kind.toLowerCase()}`,
});

// What ZeroDowntimeService creates behind the mesh, with a ServiceAccount.
const MESHED_SERVICE = [
    object("v1", "Service"),
    object("v1", "ServiceAccount"),
    object("networking.istio.io/v1", "VirtualService"),
    object("networking.istio.io/v1", "DestinationRule"),
    object("apps/v1", "Deployment"),
    object("autoscaling/v2", "HorizontalPodAutoscaler"),
    object("policy/v1", "PodDisruptionBudget"),
];

describe("EKS access policies (rules/access.ts)", () => {
    it("issue 23.2: AmazonEKSEditPolicy in the team's namespace refuses the Namespace the old component created and the Istio kinds", () => {
        const refused = checkAccess([object("v1", "Namespace", undefined), ...MESHED_SERVICE], [EDIT_IN_ORDERS]);
        const kinds = [...new Set(refused.map((r) => r.object))];
        assert.deepEqual(kinds, ["orders-namespace", "orders-virtualservice", "orders-destinationrule"]);
        assert.match(
            refused[0].message,
            /orders-namespace \(Namespace\): cannot create namespaces at the cluster scope; granted: AmazonEKSEditPolicy \(namespace orders\)/,
        );
    });

    it("issue 23.2: Edit in the namespace plus the platform's mesh-routing Role allows everything the service creates, and nothing elsewhere", () => {
        assert.deepEqual(checkAccess(MESHED_SERVICE, [EDIT_IN_ORDERS, ROUTING_IN_ORDERS]), []);
        const elsewhere = MESHED_SERVICE.map((o) => ({ ...o, namespace: "payments" }));
        const requests = elsewhere.flatMap((o) => requestsToManage(o));
        assert.equal(
            checkAccess(elsewhere, [EDIT_IN_ORDERS, ROUTING_IN_ORDERS]).length,
            requests.length,
            "every request refused in another namespace",
        );
    });

    it("an ALB service (no mesh) needs Edit only: Ingress is in the policy", () => {
        const albService = [object("v1", "Service"), object("networking.k8s.io/v1", "Ingress"), object("apps/v1", "Deployment")];
        assert.deepEqual(checkAccess(albService, [EDIT_IN_ORDERS]), []);
    });

    it("cluster admin allows anything anywhere; view allows no write", () => {
        const admin = policyGrant("AmazonEKSClusterAdminPolicy", { type: "cluster" });
        assert.deepEqual(checkAccess([object("v1", "Namespace", undefined), ...MESHED_SERVICE], [admin]), []);
        const view = policyGrant("AmazonEKSViewPolicy", { type: "cluster" });
        const request = { apiGroup: "apps", resource: "deployments", namespace: "orders" };
        assert.ok(allowedBy([view], { ...request, verb: "get" }));
        assert.equal(allowedBy([view], { ...request, verb: "create" }), undefined);
        assert.equal(
            allowedBy([view], { apiGroup: "", resource: "secrets", verb: "get", namespace: "orders" }),
            undefined,
            "View reads no secrets",
        );
    });

    it("the reference's rows, spot-checked: Admin adds Roles and RoleBindings to Edit; Edit has no rbac and no Istio group", () => {
        const has = (policy: keyof typeof EKS_ACCESS_POLICIES, apiGroup: string, resource: string, verb: string) =>
            allowedBy([policyGrant(policy, { type: "cluster" })], { apiGroup, resource, verb, namespace: "x" }) !== undefined;
        assert.ok(has("AmazonEKSAdminPolicy", "rbac.authorization.k8s.io", "rolebindings", "create"));
        assert.ok(!has("AmazonEKSEditPolicy", "rbac.authorization.k8s.io", "rolebindings", "create"));
        assert.ok(!has("AmazonEKSEditPolicy", "networking.istio.io", "virtualservices", "get"));
        assert.ok(has("AmazonEKSEditPolicy", "", "events", "watch"));
        assert.ok(has("AmazonEKSEditPolicy", "policy", "poddisruptionbudgets", "patch"));
        assert.ok(!has("AmazonEKSEditPolicy", "", "namespaces", "create"));
    });

    it("Pulumi's requests: the object's own verbs, the kinds its await watches, events; a kind not modelled is refused by name", () => {
        const deployment = requestsToManage(object("apps/v1", "Deployment")).map((r) => `${r.apiGroup}/${r.resource}:${r.verb}`);
        for (const expected of [
            "apps/deployments:create",
            "apps/deployments:patch",
            "apps/deployments:delete",
            "apps/replicasets:watch",
            "/pods:list",
            "/events:watch",
        ]) {
            assert.ok(deployment.includes(expected), expected);
        }
        assert.throws(() => requestsToManage(object("example.com/v1", "Widget")), /does not know the kind example\.com\/v1\/Widget/);
    });
});
