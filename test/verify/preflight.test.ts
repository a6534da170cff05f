import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { PreflightError, TARGET_HEALTH_GATE_PREFIX } from "../../verify/preflight";
import { InputError, exitCode } from "../../verify/run";
import { GATEWAY_NAME, GATEWAY_NAMESPACE } from "../../components/addons/names";
import { HPA, harness, plan } from "./run-harness";

const GATEWAY = { namespace: GATEWAY_NAMESPACE, name: GATEWAY_NAME };

describe("[#14] preflight: every pod behind an ALB target group waits for its target", () => {
    it("the load balancer controller's gate is `target-health.elbv2.k8s.aws/<TargetGroupBinding name>` (pkg/targetgroupbinding/utils.go)", () => {
        assert.equal(TARGET_HEALTH_GATE_PREFIX, "target-health.elbv2.k8s.aws/");
    });

    it("pods without the gate: exit 2 naming every pod, before anything changes", async () => {
        const h = harness({ hpa: HPA, noGates: true });
        await assert.rejects(h.run(), (err: Error) => {
            assert.ok(err instanceof PreflightError && err instanceof InputError, "bad input: exit 2");
            assert.match(
                err.message,
                /^preflight: 4 pod\(s\) behind an ALB target group would take traffic before their target is healthy: /,
            );
            const named = err.message.match(/web\/web-\S+ has no readiness gate target-health\.elbv2\.k8s\.aws\/k8s-web-web-0123456789/g);
            assert.equal(named?.length, 4);
            assert.match(err.message, /Label the namespace elbv2\.k8s\.aws\/pod-readiness-gate-inject=enabled and restart the pods/);
            return true;
        });
        assert.deepEqual(h.cluster.mutations(), []);
    });

    it("a gate that is not True yet: the pod is named", async () => {
        const h = harness({ hpa: HPA });
        const young = h.cluster.pods.find((p) => p.owner === "web/web");
        assert.ok(young);
        young.createdAt = h.cluster.clock.now();
        await assert.rejects(h.run(), /web\/web-\S+: target-health\.elbv2\.k8s\.aws\/k8s-web-web-0123456789 is not True/);
        assert.deepEqual(h.cluster.mutations(), []);
    });

    it("behind the mesh the gateway's pods are the targets: their gates are checked, the app's are not", async () => {
        const h = harness({ hpa: HPA, gateway: true, noGates: true });
        await assert.rejects(h.run(plan({ gateway: GATEWAY })), /istio-ingress\/istio-ingressgateway-\S+ has no readiness gate/);
        const ok = harness({ hpa: HPA, gateway: true });
        const outcome = await ok.run(plan({ gateway: GATEWAY, phases: ["baseline"] }));
        assert.equal(exitCode(outcome), 0);
        assert.ok(ok.lines.includes("web/web: no ALB target group of its own"));
        assert.ok(
            ok.lines.some((l) =>
                /^istio-ingress\/istio-ingressgateway: ALB target group arn:aws:elasticloadbalancing:.*readiness gates True$/.test(l),
            ),
        );
    });

    it("no TargetGroupBinding (load not through an ALB): nothing to check, and no AWS call at all", async () => {
        const h = harness({ hpa: HPA, noBinding: true });
        const outcome = await h.run(plan({ phases: ["baseline", "rollout-restart"] }));
        assert.equal(exitCode(outcome), 0);
        assert.equal(h.describeCalls(), 0);
    });
});
