import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { RELEASE, STACKS, only, release, synth, waitsFor } from "../../harness";

const NODES = "eks:index:ManagedNodeGroup";
const LBC = "aws-load-balancer-controller";

describe("addon ordering: create after, delete before", () => {
    for (const stack of STACKS) {
        it(`${stack}: no Helm release installs before the node group is ready`, async () => {
            const result = await synth(stack);
            const nodes = only(result, NODES).name;
            for (const r of result.resources.filter((x) => x.type === RELEASE)) {
                assert.ok(
                    r.dependsOn.includes(nodes) || waitsFor(result, r.name, nodes),
                    `${String(r.inputs.name)} does not wait for ${nodes}`,
                );
            }
        });
    }

    it("the Istio gateway installs after the load balancer controller", async () => {
        const result = await synth("dev");
        assert.ok(release(result, "istio-ingressgateway").dependsOn.includes(release(result, LBC).name));
    });

    it("every Ingress and LoadBalancer Service is created after (and deleted before) the controller", async () => {
        const result = await synth("dev");
        const lbc = release(result, LBC).name;
        const facing = result.resources.filter(
            (r) =>
                r.type === "kubernetes:networking.k8s.io/v1:Ingress" ||
                (r.type === "kubernetes:core/v1:Service" && (r.inputs.spec as { type?: string } | undefined)?.type === "LoadBalancer"),
        );
        assert.ok(facing.length >= 1, "the platform has an entrypoint Ingress");
        for (const r of facing) {
            assert.ok(waitsFor(result, r.name, lbc), `${r.name} does not wait for the controller`);
        }
    });

    it("the controller is removed before the node group and the cluster", async () => {
        const result = await synth("dev");
        const lbc = release(result, LBC).name;
        assert.ok(waitsFor(result, lbc, only(result, NODES).name));
        assert.ok(waitsFor(result, lbc, only(result, "eks:index:Cluster").name));
    });

    it("independent addons install in parallel: metrics-server, the controller and Istio base do not wait for each other", async () => {
        const result = await synth("dev");
        const names = ["metrics-server", LBC, "istio-base"].map((n) => release(result, n).name);
        for (const a of names) {
            for (const b of names) {
                if (a !== b) {
                    assert.equal(waitsFor(result, a, b), false, `${a} needlessly waits for ${b}`);
                }
            }
        }
    });

    it("istiod after base (CRDs); mesh policy after istiod; Locust after istiod (its sidecars)", async () => {
        const result = await synth("dev");
        const istiod = release(result, "istiod").name;
        assert.ok(waitsFor(result, istiod, release(result, "istio-base").name));
        assert.ok(waitsFor(result, only(result, "kubernetes:security.istio.io/v1:PeerAuthentication").name, istiod));
        assert.ok(waitsFor(result, release(result, "locust").name, istiod));
    });
});
