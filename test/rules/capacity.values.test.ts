// The capacity check's exact verdicts on small clusters worked out by hand. An m5.large offers
// 1930m CPU (2000m less the AMI's kube-reserved 60m + 10m), 6903 MiB (8 GiB less Karpenter's 7.5 %
// VM overhead, rounded down to 7577, less 255 + 11 × 29 + 100) and 29 pods.
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { CapacityInput, PodGroup, allocatable, checkCapacity, instanceTypeProblem } from "../../rules/capacity";

const group = (name: string, replicas: number, cpuMillicores: number, memoryMiB: number): PodGroup => ({
    name,
    replicas,
    requests: { cpuMillicores, memoryMiB },
    source: "test",
});

const cluster = (nodes: number, daemonSets: PodGroup[], pods: PodGroup[], later?: PodGroup[]): CapacityInput => ({
    instanceType: "m5.large",
    nodes,
    daemonSets,
    pods,
    ...(later ? { later } : {}),
});

describe("capacity: exact verdicts", () => {
    it("an m5.large's allocatable", () => {
        assert.deepEqual(allocatable("m5.large"), { cpuMillicores: 1930, memoryMiB: 6903, pods: 29 });
    });

    it("largest CPU first: 600m, 600m, 400m, 400m fill two nodes with 1000m free each, whatever order they come in", () => {
        const verdict = checkCapacity(cluster(2, [group("ds", 1, 930, 100)], [group("web/a", 2, 400, 10), group("web/b", 2, 600, 10)]));
        assert.deepEqual(verdict, {
            fits: true,
            summary: "6 pods requesting 3860m CPU, 240Mi fit 2 × m5.large (allocatable 3860m, 13806Mi, 58 pods)",
            requested: { cpuMillicores: 3860, memoryMiB: 240, pods: 6 },
            allocatable: { cpuMillicores: 3860, memoryMiB: 13806, pods: 58 },
            pending: [],
        });
    });

    it("at equal CPU, largest memory first: 600 Mi, 600 Mi, 400 Mi, 400 Mi fill two nodes' 1000 Mi exactly", () => {
        const verdict = checkCapacity(cluster(2, [group("ds", 1, 0, 5903)], [group("web/a", 2, 100, 400), group("web/b", 2, 100, 600)]));
        assert.equal(verdict.summary, "6 pods requesting 400m CPU, 13806Mi fit 2 × m5.large (allocatable 3860m, 13806Mi, 58 pods)");
        assert.equal(verdict.fits, true);
    });

    it("pods that find no node are counted by workload, in the summary too", () => {
        const verdict = checkCapacity(
            cluster(1, [group("ds", 1, 0, 5903)], [group("web/small", 2, 100, 600), group("web/big", 1, 100, 1001)]),
        );
        assert.deepEqual(verdict, {
            fits: false,
            summary:
                "4 pods requesting 300m CPU, 8104Mi do NOT fit 1 × m5.large (allocatable 1930m, 6903Mi, 29 pods); Pending: 1 × web/big, 1 × web/small",
            requested: { cpuMillicores: 300, memoryMiB: 8104, pods: 4 },
            allocatable: { cpuMillicores: 1930, memoryMiB: 6903, pods: 29 },
            pending: [
                { name: "web/big", count: 1 },
                { name: "web/small", count: 1 },
            ],
        });
    });

    it("a node holds 29 pods at most; later pods get what the first leave", () => {
        assert.deepEqual(checkCapacity(cluster(1, [], [group("web/tiny", 30, 1, 1)])).pending, [{ name: "web/tiny", count: 1 }]);
        assert.deepEqual(
            checkCapacity(cluster(1, [group("ds", 1, 930, 0)], [group("web/first", 1, 600, 1)], [group("web/later", 1, 500, 1)])).pending,
            [{ name: "web/later", count: 1 }],
        );
    });

    it("DaemonSets alone past a node's CPU, memory or pod count do not fit; exactly full does", () => {
        const fits = (daemonSets: PodGroup[]) => checkCapacity(cluster(1, daemonSets, [])).fits;
        assert.deepEqual(
            [
                fits([group("ds", 1, 1931, 0)]),
                fits([group("ds", 1, 0, 6904)]),
                fits(Array.from({ length: 30 }, (_, i) => group(`ds-${i}`, 1, 0, 0))),
                fits([group("ds", 1, 1930, 6903)]),
            ],
            [false, false, false, true],
        );
    });

    it("no node and no pod: fits, with zeros", () => {
        assert.equal(
            checkCapacity(cluster(0, [], [])).summary,
            "0 pods requesting 0m CPU, 0Mi fit 0 × m5.large (allocatable 0m, 0Mi, 0 pods)",
        );
        assert.equal(checkCapacity(cluster(0, [], [])).fits, true);
    });

    it("an instance type the model cannot size is not judged, and the verdict says why in full", () => {
        const one = cluster(1, [], [group("web/a", 1, 1, 1)]);
        const requested = { cpuMillicores: 1, memoryMiB: 1, pods: 1 };
        assert.deepEqual(checkCapacity({ ...one, instanceType: "m7g.large" }), {
            fits: false,
            requested,
            pending: [],
            summary:
                "m7g.large is an Arm (Graviton) instance type; the nodes run the AL2023 x86_64 AMI, so choose an x86_64 type such as m7i.large",
        });
        assert.deepEqual(
            checkCapacity({ ...one, instanceType: "x9.huge" }).summary,
            'unknown instance type "x9.huge": not in EKS\'s instance table (awslabs/amazon-eks-ami nodeadm); e.g. m7i.large',
        );
    });

    it("t3.micro: 2 vCPU, 1024 MiB, 4 pods (2 ENIs × (2 − 1) + 2) give Karpenter's own allocatable figures, 1930m and 548Mi", () => {
        assert.deepEqual(checkCapacity({ ...cluster(1, [], [group("web/a", 1, 1, 1)]), instanceType: "t3.micro" }), {
            fits: true,
            requested: { cpuMillicores: 1, memoryMiB: 1, pods: 1 },
            allocatable: { cpuMillicores: 1930, memoryMiB: 548, pods: 4 },
            pending: [],
            summary: "1 pods requesting 1m CPU, 1Mi fit 1 × t3.micro (allocatable 1930m, 548Mi, 4 pods)",
        });
    });

    it("a real x86_64 type the model does not size: the refusal word for word", () => {
        assert.equal(
            instanceTypeProblem("m5.4xlarge"),
            "m5.4xlarge is an EC2 instance type outside the capacity model, which sizes the x86_64 Nitro general purpose (m, t), compute (c) and memory (r) types of at most 110 pods (up to 2xlarge in most families: above 110, EKS's max-pods calculator and the ENI limit disagree); choose one of those, e.g. m7i.large, c7i.xlarge, r7i.large",
        );
    });
});
