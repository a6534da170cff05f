// Do the stack's pods fit the nodes it really has? Pure: no Pulumi import.
//
// Nothing scales the managed node group (no autoscaler moves `desiredSize`), so the capacity the
// pods get is `desiredSize` nodes. A pod that does not fit stays Pending; a Deployment with a
// Pending pod has a PodDisruptionBudget that allows no disruption, and then every node drain and
// node group update fails. So the check places every pod the stack runs, the platform's own
// included, on nodes of the size they really are.

import INSTANCE_TABLE from "./instance-types.json";

/** One instance shape: vCPUs, memory, and the pods the kubelet admits with the VPC CNI. */
export interface InstanceSpec {
    vcpu: number;
    memoryMiB: number;
    maxPods: number;
}

/**
 * Instance shapes the capacity check knows: every x86_64 (the node group's AL2023_x86_64_STANDARD
 * AMI) Nitro type of the general purpose (m, t), compute (c) and memory (r) categories with at most
 * 110 pods, from rules/instance-types.json (scripts/instance-types.ts: vCPUs and memory from EC2
 * DescribeInstanceTypes as Karpenter's v1.14 instance-types reference lists them, max pods from
 * awslabs/amazon-eks-ami nodeadm's instance table; m5.large 2 vCPU, 8192 MiB, 29 pods).
 */
export const INSTANCE_SPECS: Record<string, InstanceSpec> = Object.fromEntries(
    Object.entries(INSTANCE_TABLE.covered).map(([name, s]) => [name, { vcpu: s.vcpu, memoryMiB: s.memoryMiB, maxPods: s.maxPods }]),
);

const ARM64 = new Set(INSTANCE_TABLE.arm64);
const UNCOVERED = new Set(INSTANCE_TABLE.uncovered);

/**
 * Why the capacity model cannot size `instanceType`, or undefined when it can: an Arm type (the node
 * group's AMI is x86_64), a real type outside the model, or no instance type at all.
 */
export function instanceTypeProblem(instanceType: string): string | undefined {
    if (INSTANCE_SPECS[instanceType] !== undefined) {
        return undefined;
    }
    if (ARM64.has(instanceType)) {
        return `${instanceType} is an Arm (Graviton) instance type; the nodes run the AL2023 x86_64 AMI, so choose an x86_64 type such as m7i.large`;
    }
    if (UNCOVERED.has(instanceType)) {
        return (
            `${instanceType} is an EC2 instance type outside the capacity model, which sizes the x86_64 Nitro ` +
            "general purpose (m, t), compute (c) and memory (r) types of at most 110 pods (up to 2xlarge in most families: " +
            "above 110, EKS's max-pods calculator and the ENI limit disagree); choose one of those, e.g. m7i.large, c7i.xlarge, r7i.large"
        );
    }
    return `unknown instance type ${JSON.stringify(instanceType)}: not in EKS's instance table (awslabs/amazon-eks-ami nodeadm); e.g. m7i.large`;
}

/**
 * Share of an instance's nominal memory the kernel and hypervisor keep, so the kubelet never
 * reports it: Karpenter's `vmMemoryOverheadPercent` default, 0.075 (karpenter-provider-aws settings).
 */
export const VM_MEMORY_OVERHEAD = 0.075;

/** What one pod asks of a node. */
export interface PodRequests {
    cpuMillicores: number;
    memoryMiB: number;
}

/**
 * Allocatable capacity per node by the EKS AMI's kube-reserved formula (amazon-eks-ami
 * bootstrap): CPU 6% of the first core, 1% of the second, 0.5% of cores 3-4, 0.25% beyond;
 * memory 255 MiB + 11 MiB per max pod, plus the 100 MiB hard eviction threshold, taken from the
 * memory the kubelet sees (nominal less {@link VM_MEMORY_OVERHEAD}).
 */
export function allocatable(instanceType: string): (PodRequests & { pods: number }) | undefined {
    const spec = INSTANCE_SPECS[instanceType];
    if (spec === undefined) {
        return undefined;
    }
    const shares = [60, 10, 5, 5];
    let reservedCpu = 0;
    for (let core = 0; core < spec.vcpu; core++) {
        reservedCpu += shares[core] ?? 2.5;
    }
    const visibleMemory = Math.floor(spec.memoryMiB * (1 - VM_MEMORY_OVERHEAD));
    const reservedMemory = 255 + 11 * spec.maxPods + 100;
    return { cpuMillicores: spec.vcpu * 1000 - reservedCpu, memoryMiB: visibleMemory - reservedMemory, pods: spec.maxPods };
}

/** Pods of one workload, all alike. */
export interface PodGroup {
    /** Workload, e.g. `istio-system/istiod`. */
    name: string;
    replicas: number;
    requests: PodRequests;
    /** Where the requests come from (chart file and version, or this program's choice). */
    source: string;
}

export interface CapacityInput {
    instanceType: string;
    nodes: number;
    /** One pod of each on every node. */
    daemonSets: PodGroup[];
    /** Everything else the scheduler must place. */
    pods: PodGroup[];
    /** Pods created after those (e.g. an HPA scaling out): placed in what `pods` leave free. */
    later?: PodGroup[];
}

export interface CapacityVerdict {
    fits: boolean;
    /** Human summary with the numbers, or why it could not be judged. */
    summary: string;
    /** What every pod asks, DaemonSets counted once per node. */
    requested: PodRequests & { pods: number };
    /** What the nodes offer. */
    allocatable?: PodRequests & { pods: number };
    /** Pods that find no node, by workload. */
    pending: { name: string; count: number }[];
}

/**
 * Places every pod on `nodes` nodes, largest first, each on the first node with room (first-fit
 * decreasing): optimistic like any packing (the scheduler also spreads), but it catches what a sum
 * hides, such as a 2 GiB istiod that fits the cluster's total but no single node's remainder.
 */
export function checkCapacity(c: CapacityInput): CapacityVerdict {
    const perNodeDaemons = c.daemonSets.reduce(
        (acc, d) => ({
            cpuMillicores: acc.cpuMillicores + d.requests.cpuMillicores,
            memoryMiB: acc.memoryMiB + d.requests.memoryMiB,
            pods: acc.pods + 1,
        }),
        { cpuMillicores: 0, memoryMiB: 0, pods: 0 },
    );
    const expand = (groups: PodGroup[]) =>
        groups.flatMap((g) => Array.from({ length: g.replicas }, () => ({ name: g.name, ...g.requests })));
    const first = expand(c.pods);
    const then = expand(c.later ?? []);
    const singles = [...first, ...then];
    const requested = {
        cpuMillicores: c.nodes * perNodeDaemons.cpuMillicores + singles.reduce((s, p) => s + p.cpuMillicores, 0),
        memoryMiB: c.nodes * perNodeDaemons.memoryMiB + singles.reduce((s, p) => s + p.memoryMiB, 0),
        pods: c.nodes * perNodeDaemons.pods + singles.length,
    };
    const node = allocatable(c.instanceType);
    if (node === undefined) {
        return {
            fits: false,
            requested,
            pending: [],
            summary: instanceTypeProblem(c.instanceType) ?? `no allocatable figures for ${c.instanceType}`,
        };
    }
    const free = Array.from({ length: c.nodes }, () => ({
        cpuMillicores: node.cpuMillicores - perNodeDaemons.cpuMillicores,
        memoryMiB: node.memoryMiB - perNodeDaemons.memoryMiB,
        pods: node.pods - perNodeDaemons.pods,
    }));
    const pending = new Map<string, number>();
    const largestFirst = (pods: typeof singles) => [...pods].sort((a, b) => b.cpuMillicores - a.cpuMillicores || b.memoryMiB - a.memoryMiB);
    for (const pod of [...largestFirst(first), ...largestFirst(then)]) {
        const target = free.find((f) => f.cpuMillicores >= pod.cpuMillicores && f.memoryMiB >= pod.memoryMiB && f.pods >= 1);
        if (target === undefined) {
            pending.set(pod.name, (pending.get(pod.name) ?? 0) + 1);
            continue;
        }
        target.cpuMillicores -= pod.cpuMillicores;
        target.memoryMiB -= pod.memoryMiB;
        target.pods -= 1;
    }
    const total = { cpuMillicores: c.nodes * node.cpuMillicores, memoryMiB: c.nodes * node.memoryMiB, pods: c.nodes * node.pods };
    const fits = pending.size === 0 && free.every((f) => f.cpuMillicores >= 0 && f.memoryMiB >= 0 && f.pods >= 0);
    const pendingList = [...pending].map(([name, count]) => ({ name, count }));
    const summary =
        `${requested.pods} pods requesting ${requested.cpuMillicores}m CPU, ${requested.memoryMiB}Mi ` +
        `${fits ? "fit" : "do NOT fit"} ${c.nodes} × ${c.instanceType} (allocatable ${total.cpuMillicores}m, ${total.memoryMiB}Mi, ${total.pods} pods)` +
        (pendingList.length > 0 ? `; Pending: ${pendingList.map((p) => `${p.count} × ${p.name}`).join(", ")}` : "");
    return { fits, summary, requested, allocatable: total, pending: pendingList };
}
