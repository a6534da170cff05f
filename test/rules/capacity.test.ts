import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { PodGroup, allocatable, checkCapacity } from "../../rules/capacity";

const pods = (name: string, replicas: number, cpuMillicores: number, memoryMiB: number): PodGroup => ({
    name,
    replicas,
    requests: { cpuMillicores, memoryMiB },
    source: "test",
});
// EKS's own DaemonSets on every node: kube-proxy 100m, aws-node 50m (components/footprints.ts).
const DAEMONS = [pods("kube-proxy", 1, 100, 0), pods("aws-node", 1, 50, 0)];

describe("capacity", () => {
    it("m5.large: 1930m CPU (6% + 1% of two cores reserved), 6903Mi (8 GiB less 7.5% VM overhead, 574Mi kube-reserved, 100Mi eviction)", () => {
        assert.deepEqual(allocatable("m5.large"), { cpuMillicores: 1930, memoryMiB: 6903, pods: 29 });
    });

    it("[#11.3] the issue's dev stack at two m5.large: 4150m wanted against 3860m allocatable does not fit", () => {
        // Issue 11: istiod 2 × 500m, gateway 2 × 100m, metrics-server 2 × 100m, Locust with sidecars
        // (300m + 600m), the app 4 × 350m, CoreDNS 2 × 100m, and per node kube-proxy 100m + aws-node 25m.
        const v = checkCapacity({
            instanceType: "m5.large",
            nodes: 2,
            daemonSets: [pods("kube-proxy", 1, 100, 0), pods("aws-node", 1, 25, 0)],
            pods: [
                pods("istiod", 2, 500, 2048),
                pods("gateway", 2, 100, 128),
                pods("metrics-server", 2, 100, 200),
                pods("locust-master", 1, 300, 384),
                pods("locust-worker", 1, 600, 384),
                pods("web", 4, 350, 256),
                pods("coredns", 2, 100, 70),
            ],
        });
        assert.equal(v.fits, false);
        assert.equal(v.requested.cpuMillicores, 4150);
        assert.equal(v.allocatable?.cpuMillicores, 3860);
        assert.ok(v.pending.length > 0);
    });

    it("a pod that fits the cluster's total but no single node's remainder stays Pending", () => {
        // Two nodes with 1780m free each (3560m in all): three 1000m pods sum to 3000m but only two can be placed.
        const v = checkCapacity({ instanceType: "m5.large", nodes: 2, daemonSets: DAEMONS, pods: [pods("big", 3, 1000, 100)] });
        assert.equal(v.fits, false);
        assert.deepEqual(v.pending, [{ name: "big", count: 1 }]);
        assert.match(v.summary, /Pending: 1 × big/);
    });

    it("exactly full fits; one millicore more does not", () => {
        const free = 1930 - 150;
        assert.equal(checkCapacity({ instanceType: "m5.large", nodes: 1, daemonSets: DAEMONS, pods: [pods("p", 1, free, 1)] }).fits, true);
        assert.equal(
            checkCapacity({ instanceType: "m5.large", nodes: 1, daemonSets: DAEMONS, pods: [pods("p", 1, free + 1, 1)] }).fits,
            false,
        );
    });

    it("max pods per node counts: 29 on an m5.large, DaemonSets included", () => {
        const tiny = (n: number) =>
            checkCapacity({ instanceType: "m5.large", nodes: 1, daemonSets: DAEMONS, pods: [pods("tiny", n, 1, 1)] });
        assert.equal(tiny(27).fits, true);
        assert.equal(tiny(28).fits, false);
    });

    it("pods created later (an HPA scale-out) go where the earlier ones left room, and are the ones left Pending", () => {
        const v = checkCapacity({
            instanceType: "m5.large",
            nodes: 1,
            daemonSets: DAEMONS,
            pods: [pods("small", 5, 100, 10)],
            later: [pods("scale-out", 2, 800, 10)],
        });
        assert.deepEqual(v.pending, [{ name: "scale-out", count: 1 }]);
    });

    it("an unknown instance type does not fit: it cannot be judged", () => {
        const v = checkCapacity({ instanceType: "x9.huge", nodes: 3, daemonSets: [], pods: [pods("p", 1, 1, 1)] });
        assert.equal(v.fits, false);
        assert.match(v.summary, /no allocatable figures for x9\.huge/);
    });
});
