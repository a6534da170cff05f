// Does the app fit the node group at its largest? Pure: no Pulumi import.

/**
 * Instance shapes the capacity check knows: vCPUs, memory, and max pods with the VPC CNI
 * (awslabs/amazon-eks-ami templates/shared/runtime/eni-max-pods.txt; m5.large 29, m5.xlarge 58).
 */
export const INSTANCE_SPECS: Record<string, { vcpu: number; memoryGiB: number; maxPods: number }> = {
    "m5.large": { vcpu: 2, memoryGiB: 8, maxPods: 29 },
    "m5.xlarge": { vcpu: 4, memoryGiB: 16, maxPods: 58 },
    "m5.2xlarge": { vcpu: 8, memoryGiB: 32, maxPods: 58 },
    "m6i.large": { vcpu: 2, memoryGiB: 8, maxPods: 29 },
    "m6i.xlarge": { vcpu: 4, memoryGiB: 16, maxPods: 58 },
};

/**
 * Allocatable capacity per node by the EKS AMI's kube-reserved formula (amazon-eks-ami
 * bootstrap): CPU 6% of the first core, 1% of the second, 0.5% of cores 3-4, 0.25% beyond;
 * memory 255 MiB + 11 MiB per max pod, plus the 100 MiB hard eviction threshold. Nominal memory
 * is used, so the figure is a few percent optimistic: the check warns, it does not block.
 */
export function allocatable(instanceType: string): { cpuMillicores: number; memoryMiB: number } | undefined {
    const spec = INSTANCE_SPECS[instanceType];
    if (spec === undefined) {
        return undefined;
    }
    const shares = [60, 10, 5, 5];
    let reservedCpu = 0;
    for (let core = 0; core < spec.vcpu; core++) {
        reservedCpu += shares[core] ?? 2.5;
    }
    const reservedMemory = 255 + 11 * spec.maxPods + 100;
    return { cpuMillicores: spec.vcpu * 1000 - reservedCpu, memoryMiB: spec.memoryGiB * 1024 - reservedMemory };
}

/** What one replica asks of a node: the app container plus its Istio sidecar. */
export interface PodRequests {
    cpuMillicores: number;
    memoryMiB: number;
}

export interface CapacityInput {
    instanceType: string;
    maxNodes: number;
    maxReplicas: number;
    pod: PodRequests;
    /** What the platform's own pods (addons, DaemonSets) take from the group, per node. */
    reservedPerNode: PodRequests;
}

export interface CapacityVerdict {
    fits: boolean;
    /** Human summary with the numbers, or why it could not be judged. */
    summary: string;
    needed: PodRequests;
    available?: PodRequests;
}

/** Compares the app at its HPA maximum with the node group at its maximum size. */
export function checkCapacity(c: CapacityInput): CapacityVerdict {
    const needed = { cpuMillicores: c.maxReplicas * c.pod.cpuMillicores, memoryMiB: c.maxReplicas * c.pod.memoryMiB };
    const node = allocatable(c.instanceType);
    if (node === undefined) {
        return {
            fits: true,
            needed,
            summary: `no allocatable figures for ${c.instanceType}; capacity not checked (known: ${Object.keys(INSTANCE_SPECS).join(", ")})`,
        };
    }
    const available = {
        cpuMillicores: c.maxNodes * (node.cpuMillicores - c.reservedPerNode.cpuMillicores),
        memoryMiB: c.maxNodes * (node.memoryMiB - c.reservedPerNode.memoryMiB),
    };
    const fits = needed.cpuMillicores <= available.cpuMillicores && needed.memoryMiB <= available.memoryMiB;
    const summary =
        `${c.maxReplicas} replicas × (${c.pod.cpuMillicores}m CPU, ${c.pod.memoryMiB}Mi) = ${needed.cpuMillicores}m, ${needed.memoryMiB}Mi ` +
        `${fits ? "fits" : "does NOT fit"} ${c.maxNodes} × ${c.instanceType} (${available.cpuMillicores}m, ${available.memoryMiB}Mi after platform pods)`;
    return { fits, needed, available, summary };
}
