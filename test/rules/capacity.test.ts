import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { INSTANCE_SPECS, PodGroup, allocatable, checkCapacity, instanceTypeProblem } from "../../rules/capacity";
import INSTANCE_TABLE from "../../rules/instance-types.json";

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

    it("issue 22.16: an unknown instance type does not fit: it cannot be judged, and is called unknown", () => {
        const v = checkCapacity({ instanceType: "x9.huge", nodes: 3, daemonSets: [], pods: [pods("p", 1, 1, 1)] });
        assert.equal(v.fits, false);
        assert.match(v.summary, /^unknown instance type "x9\.huge"/);
        assert.doesNotMatch(v.summary, /rules\/capacity\.ts|INSTANCE_SPECS/, "the user is not told to edit source");
    });
});

describe("issue 22.16: the instance types a user would pick are sized, from the cited tables", () => {
    // x86_64 general purpose, burstable, compute and memory families, the sizes people pick.
    const PICKS = ["m5", "m5a", "m6i", "m6a", "m7i", "m7i-flex", "m7a", "c5", "c6i", "c7i", "c7a", "r5", "r6i", "r7i", "t3", "t3a"].flatMap(
        (family) => ["large", "xlarge", "2xlarge"].map((size) => `${family}.${size}`),
    );
    for (const type of [...PICKS, "t3.medium"]) {
        it(`issue 22.16: ${type} is sized`, () => {
            assert.equal(instanceTypeProblem(type), undefined);
            assert.ok(allocatable(type), type);
        });
    }

    it("issue 22.16: m7i.large: 2 vCPU, 8192 MiB, 29 pods (EC2; nodeadm: 3 ENIs × (10 − 1) + 2)", () => {
        assert.deepEqual(INSTANCE_SPECS["m7i.large"], { vcpu: 2, memoryMiB: 8192, maxPods: 29 });
    });

    it("issue 22.16: the allocatable formula gives Karpenter's AL2023 figures for every sized type", () => {
        const differ = Object.entries(INSTANCE_TABLE.covered)
            .map(([type, s]) => ({ type, ours: allocatable(type), karpenter: s.karpenterAllocatable }))
            .filter(({ ours, karpenter }) => ours?.cpuMillicores !== karpenter.cpuMillicores || ours?.memoryMiB !== karpenter.memoryMiB);
        assert.deepEqual(differ, []);
        assert.ok(Object.keys(INSTANCE_TABLE.covered).length > 100);
    });

    const OUTSIDE: [string, RegExp][] = [
        ["m7g.large", /m7g\.large is an Arm \(Graviton\) instance type/],
        ["m5.4xlarge", /m5\.4xlarge is an EC2 instance type outside the capacity model/],
        ["x9.huge", /^unknown instance type "x9\.huge"/],
        ["m7i.huge", /^unknown instance type "m7i\.huge"/],
    ];
    for (const [type, said] of OUTSIDE) {
        it(`issue 22.16: ${type}: ${String(said)}`, () => {
            assert.match(instanceTypeProblem(type) ?? "", said);
        });
    }
});
