// preflight() against a cluster described in a table: which pods it names, with which words, and
// which bindings it hands on. A pod whose gate has no condition yet is exactly as unsafe as one
// whose gate is False (the controller has not yet seen a healthy target for it).
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import type { ClusterClient, PodState, TargetGroupBindingState } from "../../verify/cluster-client";
import { PreflightError, gateOf, preflight } from "../../verify/preflight";

const BINDING: TargetGroupBindingState = {
    namespace: "web",
    name: "k8s-web-web-abc",
    service: "web",
    targetType: "ip",
    targetGroupArn: "arn:tg/web",
};
const GATE = gateOf(BINDING);

function pod(name: string, over: Partial<PodState>): PodState {
    return {
        namespace: "web",
        name,
        phase: "Running",
        labels: { app: "web" },
        createdAt: 0,
        readinessGates: [GATE],
        conditions: { [GATE]: { status: true } },
        mirror: false,
        ...over,
    };
}

/** A cluster with these bindings and pods (all selected by the Service); every other call fails the test. */
function cluster(bindings: TargetGroupBindingState[], pods: PodState[]): ClusterClient {
    const known: Partial<ClusterClient> = {
        listTargetGroupBindings: (namespace) => Promise.resolve(bindings.filter((b) => b.namespace === namespace)),
        getService: (namespace, name) => Promise.resolve(namespace === "web" && name === "web" ? { selector: { app: "web" } } : undefined),
        listPods: () => Promise.resolve(pods),
    };
    return new Proxy(known as ClusterClient, {
        get: (target, key: string): unknown => Reflect.get(target, key) ?? (() => assert.fail(`preflight called ${key}`)),
    });
}

describe("preflight: exact verdicts", () => {
    it("passes pods whose gate is True, skips terminating and non-running pods, and hands on the binding", async () => {
        const pods = [
            pod("ok", {}),
            pod("leaving", { deletionTimestamp: 1, conditions: {} }),
            pod("pending", { phase: "Pending", conditions: {} }),
        ];
        const found = await preflight(cluster([BINDING], pods), [{ namespace: "web", service: "web" }]);
        assert.deepEqual([...found], [["web/web", BINDING]]);
    });

    it("names each pod: without the gate, with the gate but no condition yet, with the gate False", async () => {
        const pods = [
            pod("no-gate", { readinessGates: [], conditions: {} }),
            pod("no-condition", { conditions: {} }),
            pod("false", { conditions: { [GATE]: { status: false } } }),
        ];
        await assert.rejects(preflight(cluster([BINDING], pods), [{ namespace: "web", service: "web" }]), (err: Error) => {
            assert.ok(err instanceof PreflightError);
            assert.equal(
                err.message,
                "preflight: 3 pod(s) behind an ALB target group would take traffic before their target is healthy: " +
                    "web/no-gate has no readiness gate target-health.elbv2.k8s.aws/k8s-web-web-abc; " +
                    "web/no-condition: target-health.elbv2.k8s.aws/k8s-web-web-abc is not True; " +
                    "web/false: target-health.elbv2.k8s.aws/k8s-web-web-abc is not True. " +
                    "Label the namespace elbv2.k8s.aws/pod-readiness-gate-inject=enabled and restart the pods (or wait until the gates are True); nothing was changed",
            );
            return true;
        });
    });

    it("instance targets and Services without a binding have no gate: nothing checked, nothing handed on", async () => {
        const instance = { ...BINDING, targetType: "instance" };
        const otherService = { ...BINDING, service: "other" };
        const pods = [pod("no-gate", { readinessGates: [], conditions: {} })];
        assert.deepEqual([...(await preflight(cluster([instance, otherService], pods), [{ namespace: "web", service: "web" }]))], []);
        assert.deepEqual([...(await preflight(cluster([BINDING], pods), [{ namespace: "web", service: "missing" }]))], []);
    });
});
