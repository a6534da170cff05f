// Every addon's availability settings, as literals with their reason: a node drain or a rollout of
// an addon must never take all of its pods at once.
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { METRICS_KUBELET_REQUEST_TIMEOUT_SECONDS, METRIC_RESOLUTION_SECONDS } from "../../../rules/spike";
import { release, synth, valuesOf } from "../../harness";
import { allowedDisruptions, checkDisruptionRange } from "../../../rules/drain";

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

    it("the ingress gateway: 2 to 6 replicas at 60 % CPU, AlwaysAllow for unhealthy pods", async () => {
        const gateway = valuesOf(release(await synth("dev"), "istio-ingressgateway"));
        // Not the chart's 1–5 at 80 %: one gateway pod would leave the ALB without a target during a drain.
        assert.deepEqual(gateway.autoscaling, { enabled: true, minReplicas: 2, maxReplicas: 6, targetCPUUtilizationPercentage: 60 });
        assert.equal(gateway.podDisruptionBudget.unhealthyPodEvictionPolicy, A);
    });

    it("issue 22.9: the gateway's PDB lets one pod go at a time from 2 to 6 replicas (the app's rule), and its pods spread over zones and nodes", async () => {
        const gateway = valuesOf(release(await synth("dev"), "istio-ingressgateway"));
        const { minReplicas, maxReplicas } = gateway.autoscaling;
        const budget = gateway.podDisruptionBudget;
        // The chart renders the PDB only with autoscaling above one replica (templates/poddisruptionbudget.yaml, 1.30.3).
        assert.ok(minReplicas > 1);
        assert.deepEqual(
            checkDisruptionRange({ workload: "istio-ingressgateway", replicas: minReplicas, maxReplicas, ...budget }, 1),
            [],
            `${JSON.stringify(budget)} over ${minReplicas}–${maxReplicas} replicas`,
        );
        for (let replicas = minReplicas; replicas <= maxReplicas; replicas++) {
            assert.equal(allowedDisruptions({ workload: "istio-ingressgateway", replicas, ...budget }), 1, `at ${replicas} replicas`);
        }
        assert.deepEqual(
            gateway.topologySpreadConstraints.map((t: { topologyKey: string; maxSkew: number }) => [t.topologyKey, t.maxSkew]),
            [
                ["topology.kubernetes.io/zone", 1],
                ["kubernetes.io/hostname", 1],
            ],
        );
        for (const t of gateway.topologySpreadConstraints) {
            // The chart's selector labels (templates/_helpers.tpl gateway.selectorLabels): the name without `istio-`.
            assert.deepEqual(t.labelSelector, { matchLabels: { istio: "ingressgateway" } });
        }
    });
});
