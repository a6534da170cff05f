// The EC2 instance types the capacity model can size (rules/instance-types.json), from two upstream
// tables, so that any type a user would pick works without editing source, and a name that is no
// instance type at all is called unknown.
//
// Run: `node --import tsx scripts/instance-types.ts <instance-info.jsonl> <instance-types.md>`, with
// - awslabs/amazon-eks-ami `nodeadm/internal/kubelet/instance-info.jsonl`: every instance type EKS's
//   AL2023 node agent knows, with its default ENI count and IPv4 addresses per ENI; nodeadm sets the
//   kubelet's maxPods to ENIs × (IPv4 per ENI − 1) + 2 (`nodeadm/internal/kubelet/eni_max_pods.go`
//   CalcMaxPods; the successor of `templates/shared/runtime/eni-max-pods.txt`, deleted in #2659);
// - aws/karpenter-provider-aws `website/content/en/v1.14/reference/instance-types.md`: generated from
//   EC2 DescribeInstanceTypes (hack/docs/instancetypes_gen) for the pinned Karpenter: each type's
//   vCPUs, memory (MiB), architecture, hypervisor, category, and the allocatable CPU and memory
//   Karpenter computes for AL2023.
// It rewrites rules/instance-types.json (formatted as prettier would).
import * as fs from "node:fs";
import * as path from "node:path";
import * as prettier from "prettier";

/** Where the two tables were read (repository, path, commit); written into the JSON. */
const SOURCES = {
    maxPods:
        "awslabs/amazon-eks-ami nodeadm/internal/kubelet/instance-info.jsonl at 4d63a3bc2d86958490e0e0e2a04eba69da4c45db (2026-07-01); maxPods = defaultMaxENIs × (ipv4AddressesPerInterface − 1) + 2 (nodeadm/internal/kubelet/eni_max_pods.go)",
    shapes: "aws/karpenter-provider-aws website/content/en/v1.14/reference/instance-types.md at 692ccdd0629e488300821443f0fa0bc3c3e08047 (2026-07-11), generated from EC2 DescribeInstanceTypes",
};

/**
 * Above 110 pods the figure depends on how the node is launched: EKS's max-pods calculator caps it at
 * 110 below 30 vCPUs (EKS user guide, "Choosing an Amazon EC2 instance type"), nodeadm and Karpenter
 * use the ENI limit. The model covers the types where all of them agree.
 */
export const MAX_MODELLED_PODS = 110;

/** Categories a platform's nodes are picked from: general purpose (m, t), compute (c), memory (r). */
const CATEGORIES = ["c", "m", "r", "t"];

export interface InstanceTypeTable {
    sources: typeof SOURCES;
    /** What the model covers: x86_64 (the node group's AL2023_x86_64_STANDARD AMI), Nitro, c/m/r/t, at most 110 pods. */
    covered: Record<
        string,
        { vcpu: number; memoryMiB: number; maxPods: number; karpenterAllocatable: { cpuMillicores: number; memoryMiB: number } }
    >;
    /** Arm (Graviton) types: real, but not for the x86_64 node group. */
    arm64: string[];
    /** Every other type EKS's node agent knows: real, outside the model. */
    uncovered: string[];
}

function label(body: string, key: string): string | undefined {
    return new RegExp(`\\|${key.replace(/[./]/g, "\\$&")}\\|([^|]*)\\|`).exec(body)?.[1];
}

function quantity(text: string | undefined, unit: "m" | "Mi"): number {
    const m = text === undefined ? null : new RegExp(`^(\\d+)${unit}$`).exec(text);
    if (!m) {
        throw new Error(`unexpected quantity ${text} (want <n>${unit})`);
    }
    return Number(m[1]);
}

export function buildTable(instanceInfo: string, reference: string): InstanceTypeTable {
    const maxPods = new Map<string, number>();
    for (const line of instanceInfo.split("\n").filter((l) => l.trim() !== "")) {
        const j = JSON.parse(line) as { instanceType: string; defaultMaxENIs: number; ipv4AddressesPerInterface: number };
        maxPods.set(j.instanceType, j.defaultMaxENIs * (j.ipv4AddressesPerInterface - 1) + 2);
    }
    const table: InstanceTypeTable = { sources: SOURCES, covered: {}, arm64: [], uncovered: [] };
    const parts = reference.split(/^### `([^`]+)`\n/m);
    const described = new Set<string>();
    for (let i = 1; i < parts.length; i += 2) {
        const [name, body] = [parts[i], parts[i + 1]];
        described.add(name);
        const pods = maxPods.get(name);
        if (pods === undefined) {
            continue; // Not a type EKS's node agent knows.
        }
        const arch = label(body, "kubernetes.io/arch");
        if (arch === "arm64") {
            table.arm64.push(name);
            continue;
        }
        const referencePods = Number(label(body, "pods"));
        if (referencePods !== pods) {
            throw new Error(`${name}: Karpenter's reference says ${referencePods} pods, nodeadm's table ${pods}`);
        }
        if (
            arch !== "amd64" ||
            label(body, "karpenter.k8s.aws/instance-hypervisor") !== "nitro" ||
            !CATEGORIES.includes(label(body, "karpenter.k8s.aws/instance-category") ?? "") ||
            pods > MAX_MODELLED_PODS
        ) {
            table.uncovered.push(name);
            continue;
        }
        const resources = body.slice(body.indexOf("#### Resources"));
        table.covered[name] = {
            vcpu: Number(label(body, "karpenter.k8s.aws/instance-cpu")),
            memoryMiB: Number(label(body, "karpenter.k8s.aws/instance-memory")),
            maxPods: pods,
            karpenterAllocatable: {
                cpuMillicores: quantity(label(resources, "cpu"), "m"),
                memoryMiB: quantity(label(resources, "memory"), "Mi"),
            },
        };
    }
    // Types nodeadm knows that the reference does not describe: real, outside the model.
    table.uncovered.push(...[...maxPods.keys()].filter((n) => !described.has(n)));
    table.arm64.sort();
    table.uncovered.sort();
    return table;
}

export const TABLE_FILE = path.join(__dirname, "..", "rules", "instance-types.json");

async function main(argv: string[]): Promise<number> {
    const [instanceInfo, reference] = argv;
    if (instanceInfo === undefined || reference === undefined) {
        console.error("usage: node --import tsx scripts/instance-types.ts <instance-info.jsonl> <instance-types.md>");
        return 2;
    }
    const table = buildTable(fs.readFileSync(instanceInfo, "utf8"), fs.readFileSync(reference, "utf8"));
    const text = await prettier.format(JSON.stringify(table), { ...(await prettier.resolveConfig(TABLE_FILE)), filepath: TABLE_FILE });
    fs.writeFileSync(TABLE_FILE, text);
    console.log(
        `wrote ${path.relative(process.cwd(), TABLE_FILE)}: ${Object.keys(table.covered).length} covered, ${table.arm64.length} arm64, ${table.uncovered.length} outside`,
    );
    return 0;
}

if (require.main === module) {
    void main(process.argv.slice(2)).then((code) => (process.exitCode = code));
}
