// Every addon's availability settings, as literals with their reason: a node drain or a rollout of
// an addon must never take all of its pods at once.
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { METRICS_KUBELET_REQUEST_TIMEOUT_SECONDS, METRIC_RESOLUTION_SECONDS } from "../../../rules/spike";
import { release, synth, valuesOf } from "../../harness";

// Every PDB also lets a drain evict a pod that is not Ready (a crash-looping pod must not block it).
const A = "AlwaysAllow";

// Helm release → the values that keep it available, and why.
const AVAILABILITY: { release: string; values: Record<string, unknown>; why: string }[] = [
    {
        release: "aws-load-balancer-controller",
        values: { replicaCount: 2, podDisruptionBudget: { maxUnavailable: 1, unhealthyPodEvictionPolicy: A } },
        why: "readiness gates and deregistration need a controller through every drain",
    },
    {
        release: "metrics-server",
        values: { replicas: 2, podDisruptionBudget: { enabled: true, minAvailable: 1, unhealthyPodEvictionPolicy: A } },
        why: "HPAs stop scaling while metrics are unavailable",
    },
    {
        release: "istiod",
        values: { autoscaleMin: 2, pdb: { minAvailable: 1, unhealthyPodEvictionPolicy: A } },
        why: "sidecar injection (failurePolicy Fail) and config push; the chart renders the PDB only above one replica",
    },
    {
        release: "karpenter",
        values: { replicas: 2 },
        why: "nodes for pending pods and drains of its own nodes; the chart's PDB is maxUnavailable 1 and cannot be told AlwaysAllow",
    },
];

describe("addon availability", () => {
    for (const a of AVAILABILITY) {
        it(`${a.release}: ${JSON.stringify(a.values)} (${a.why})`, async () => {
            const values = valuesOf(release(await synth("dev"), a.release));
            for (const [key, expected] of Object.entries(a.values)) {
                assert.deepEqual(values[key], expected, key);
            }
        });
    }

    it("metrics-server runs at its 10 s floor with the 9 s kubelet timeout that resolution needs, after the chart's 15 s default", async () => {
        const values = valuesOf(release(await synth("dev"), "metrics-server"));
        assert.deepEqual(values.args, [
            `--metric-resolution=${METRIC_RESOLUTION_SECONDS}s`,
            `--kubelet-request-timeout=${METRICS_KUBELET_REQUEST_TIMEOUT_SECONDS}s`,
        ]);
        assert.equal(values.defaultArgs, undefined, "the chart's defaultArgs stay; args are rendered after them and the last flag wins");
    });

    it("the ingress gateway: 2 to 6 replicas at 60 % CPU, a PDB of 1, spread over zones", async () => {
        const gateway = valuesOf(release(await synth("dev"), "istio-ingressgateway"));
        // Not the chart's 1–5 at 80 %: one gateway pod would leave the ALB without a target during a drain.
        assert.deepEqual(gateway.autoscaling, { enabled: true, minReplicas: 2, maxReplicas: 6, targetCPUUtilizationPercentage: 60 });
        assert.deepEqual(gateway.podDisruptionBudget, { minAvailable: 1, unhealthyPodEvictionPolicy: A });
        assert.deepEqual(
            gateway.topologySpreadConstraints.map((t: { topologyKey: string }) => t.topologyKey),
            ["topology.kubernetes.io/zone"],
        );
    });
});
