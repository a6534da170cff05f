// The synth report: per workload the timing budget and verdict, the capacity check, NAT gateways
// and an estimate of the stack's fixed monthly cost, plus the policy findings. Written next to
// resources.json as report.json and report.md.
import { Settings, appCapacity } from "../stacks";
import { budgetRows, checkTiming } from "../rules/timing";
import { CapacityVerdict } from "../rules/capacity";
import { Finding, ResourceView, budgetOf, checkResources, workloads } from "../policy/checks";
import { RecordedResource } from "./mocks";
import prices from "./prices.json";

export interface Report {
    stack: string;
    workloads: {
        name: string;
        namespace: string;
        behind: "alb" | "mesh";
        budget: { step: string; seconds: number }[];
        verdict: "safe" | "unsafe";
    }[];
    capacity: CapacityVerdict;
    natGateways: number;
    cost:
        | { asOf: string; region: string; lines: { item: string; count: number; monthly: number }[]; monthlyTotal: number }
        | { unavailable: string };
    findings: Finding[];
}

const views = (resources: RecordedResource[]): ResourceView[] => resources.map((r) => ({ type: r.type, name: r.name, props: r.inputs }));

function natGateways(resources: RecordedResource[]): number {
    const vpc = resources.find((r) => r.type === "awsx:ec2:Vpc");
    const strategy = (vpc?.inputs.natGateways as { strategy?: string } | undefined)?.strategy;
    return strategy === "Single" ? 1 : strategy === "None" ? 0 : Number(vpc?.inputs.numberOfAvailabilityZones ?? 0);
}

function cost(settings: Settings, nat: number, albs: number): Report["cost"] {
    const table = (prices.regions as Record<string, (typeof prices.regions)["us-east-1"] | undefined>)[settings.region];
    const instanceHour = table?.instanceHour[settings.cluster.instanceType as keyof typeof table.instanceHour];
    if (table === undefined || instanceHour === undefined) {
        return { unavailable: `no prices for ${settings.cluster.instanceType} in ${settings.region} in tools/prices.json` };
    }
    const month = prices.hoursPerMonth;
    const lines = [
        { item: "EKS control plane", count: 1, monthly: table.eksControlPlaneHour * month },
        {
            item: `${settings.cluster.instanceType} nodes (desired size)`,
            count: settings.cluster.desiredSize,
            monthly: settings.cluster.desiredSize * instanceHour * month,
        },
        { item: "NAT gateways", count: nat, monthly: nat * table.natGatewayHour * month },
        { item: "Application Load Balancers", count: albs, monthly: albs * table.albHour * month },
    ].map((l) => ({ ...l, monthly: Math.round(l.monthly * 100) / 100 }));
    return {
        asOf: prices.asOf,
        region: settings.region,
        lines,
        monthlyTotal: Math.round(lines.reduce((s, l) => s + l.monthly, 0) * 100) / 100,
    };
}

export function buildReport(stack: string, settings: Settings, resources: RecordedResource[]): Report {
    const all = views(resources);
    const nat = natGateways(resources);
    const albs = all.filter((r) => r.type === "kubernetes:networking.k8s.io/v1:Ingress").length;
    const capacity = appCapacity(settings.app, settings.cluster, settings.addons.istio.enabled);
    return {
        stack,
        workloads: workloads(all).map(({ deployment, ingress }) => {
            const budget = budgetOf(deployment, ingress);
            const metadata = deployment.props.metadata as { name: string; namespace: string };
            return {
                name: metadata.name,
                namespace: metadata.namespace,
                behind: ingress ? "alb" : "mesh",
                budget: budgetRows(budget),
                verdict: checkTiming(budget).length === 0 ? "safe" : "unsafe",
            };
        }),
        capacity,
        natGateways: nat,
        cost: cost(settings, nat, albs),
        findings: checkResources(all),
    };
}

export function renderMarkdown(r: Report): string {
    const out = [`# Zero-downtime report: stack \`${r.stack}\``, ""];
    out.push("## Workloads", "");
    for (const w of r.workloads) {
        out.push(`### ${w.namespace}/${w.name} (${w.behind === "alb" ? "ALB target" : "behind the mesh gateway"}): **${w.verdict}**`, "");
        out.push("| step | seconds |", "|---|---|", ...w.budget.map((b) => `| ${b.step} | ${b.seconds} |`), "");
    }
    out.push("## Capacity", "", `${r.capacity.fits ? "Fits" : "**Does not fit**"}: ${r.capacity.summary}`, "");
    out.push("## Fixed monthly cost", "", `NAT gateways: ${r.natGateways}`, "");
    if ("unavailable" in r.cost) {
        out.push(r.cost.unavailable, "");
    } else {
        out.push(
            `Prices as of ${r.cost.asOf}, ${r.cost.region}, hourly charges only (tools/prices.json).`,
            "",
            "| item | count | USD / month |",
            "|---|---|---|",
        );
        out.push(
            ...r.cost.lines.map((l) => `| ${l.item} | ${l.count} | ${l.monthly.toFixed(2)} |`),
            `| **total** | | **${r.cost.monthlyTotal.toFixed(2)}** |`,
            "",
        );
    }
    out.push("## Policy findings", "");
    out.push(
        ...(r.findings.length === 0
            ? ["None."]
            : r.findings.map((f) => `- **${f.enforcement}** \`${f.policy}\` on ${f.resource}: ${f.message}`)),
        "",
    );
    return out.join("\n");
}
