// The namespace label the load balancer controller's webhook selects on (its
// docs/deploy/pod_readiness_gate.md), and the first minor with the native preStop sleep.
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { NATIVE_SLEEP_MINOR, READINESS_GATE_LABEL, preStopSleep } from "../../components/lifecycle";

describe("pod lifecycle: exact values", () => {
    it("readiness gates are injected into namespaces labelled elbv2.k8s.aws/pod-readiness-gate-inject=enabled", () => {
        assert.deepEqual(READINESS_GATE_LABEL, { "elbv2.k8s.aws/pod-readiness-gate-inject": "enabled" });
    });

    it("the sleep action from 1.30 (PodLifecycleSleepAction beta), `sleep` in the container before", () => {
        assert.equal(NATIVE_SLEEP_MINOR, 30);
        assert.deepEqual(preStopSleep(7, "1.29"), { exec: { command: ["sleep", "7"] } });
        assert.deepEqual(preStopSleep(7, "1.30"), { sleep: { seconds: 7 } });
    });
});
