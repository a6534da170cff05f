// ServiceNamespace (components/service-namespace.ts): the namespaces the platform owns, the app's and
// each team's, and the access a team's deployer gets in its own.
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { ServiceNamespace } from "../../components/service-namespace";
import { MESH_ROUTING_RULES } from "../../rules/access";
import { only, synth } from "../harness";

const NS = "kubernetes:core/v1:Namespace";
const ORDERS_ROLE = "arn:aws:iam::123456789012:role/team-orders";

describe("ServiceNamespace", () => {
    it("issue 23.2: a team's namespace, with edit there for its role (EKS access policy) and the Istio kinds through a Role bound to its group", async () => {
        const result = await synth("dev");
        const team = (type: string) => only({ ...result, resources: result.resources.filter((r) => r.parent === "dev-team-orders") }, type);
        assert.deepEqual((team(NS).inputs.metadata as any).labels, { "istio-injection": "enabled" });
        const entry = team("aws:eks/accessEntry:AccessEntry").inputs as any;
        assert.equal(entry.principalArn, ORDERS_ROLE);
        assert.equal(entry.type, "STANDARD");
        const association = team("aws:eks/accessPolicyAssociation:AccessPolicyAssociation").inputs as any;
        assert.equal(association.policyArn, "arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy");
        assert.deepEqual(association.accessScope, { type: "namespace", namespaces: ["orders"] });
        const role = team("kubernetes:rbac.authorization.k8s.io/v1:Role").inputs as any;
        assert.deepEqual(role.rules, MESH_ROUTING_RULES);
        assert.equal(role.metadata.namespace, "orders");
        const binding = team("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding").inputs as any;
        // The binding names the group the access entry puts the principal in.
        assert.deepEqual(
            binding.subjects.map((s: any) => s.name),
            entry.kubernetesGroups,
        );
        assert.equal(binding.roleRef.name, role.metadata.name);
    });

    it("the app's namespace has no deployer, and keeps its state: aliased to the URN ZeroDowntimeService gave it up to 0.1.0 (day 2: adopted, not replaced)", async () => {
        const result = await synth("dev");
        const ns = only(result, NS, "-app-namespace-ns");
        assert.deepEqual(ns.aliases, [
            "urn:pulumi:dev::zero-downtime-eks::zero-downtime-eks:app:ZeroDowntimeService$kubernetes:core/v1:Namespace::dev-app-ns",
        ]);
        assert.ok(!result.resources.some((r) => r.parent === "dev-app-namespace" && r.type.startsWith("aws:eks/")));
    });

    it("without Istio a team's namespace is under the controller's readiness-gate webhook (its services are ALB targets)", async () => {
        const result = await synth("dev", { "zero-downtime-eks:addons": { istio: { enabled: false } } });
        const ns = only({ ...result, resources: result.resources.filter((r) => r.parent === "dev-team-orders") }, NS);
        assert.deepEqual((ns.inputs.metadata as any).labels, { "elbv2.k8s.aws/pod-readiness-gate-inject": "enabled" });
    });

    it("refuses a bad name and a principal that is no IAM ARN, both at once, before anything is registered", () => {
        assert.throws(
            () =>
                new ServiceNamespace("bad", {
                    name: "Orders_Team",
                    mesh: true,
                    albTargets: false,
                    deployer: { principalArn: "team-orders", clusterName: "c", tags: {} },
                    dependsOn: [],
                }),
            (err: unknown) => {
                assert.ok(pulumi.InputPropertiesError.isInstance(err));
                assert.deepEqual(
                    err.errors?.map((e) => e.propertyPath),
                    ["name", "deployer.principalArn"],
                );
                return true;
            },
        );
    });
});
