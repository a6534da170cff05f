// The synth report: per workload the timing budget and verdict, the capacity check, NAT gateways
// and an estimate of the stack's fixed monthly cost, plus the policy findings. Written next to
// resources.json as report.json and report.md.
import { Settings } from "../stacks";
import { StackCapacity } from "../stacks/capacity";
import { budgetRows, checkTiming } from "../rules/timing";
import { AdmittedKind, Webhook, WebhookGraph, checkWebhookOrdering } from "../rules/webhooks";
import { Finding, ResourceView, albHealthCheckOf, budgetOf, checkResources, workloads } from "../policy/checks";
import {
    FLOOR,
    METRIC_RESOLUTION_SECONDS,
    NodeNeed,
    PLAIN_DEFAULTS,
    SpikeIntervals,
    floorTerminationSeconds,
    rolloutSeconds,
    spikeToServing,
} from "../rules/spike";
import { firstScaleOutNeed, rolloutNeed } from "../stacks/capacity";
import { READINESS_GATE_LABEL } from "../components/lifecycle";
import { VERSIONS } from "../components/versions";
import { RecordedResource } from "./engine";
import prices from "./prices.json";

export interface Report {
    stack: string;
    workloads: {
        name: string;
        namespace: string;
        behind: "alb" | "mesh";
        budget: { step: string; seconds: number }[];
        verdict: "safe" | "unsafe";
        spike: SpikeTable;
        rollout: RolloutTable;
    }[];
    capacity: StackCapacity;
    natGateways: number;
    cost:
        | {
              asOf: string;
              region: string;
              lines: { item: string; count: number; monthly: number }[];
              monthlyTotal: number;
              /** The same month with the NodePool at the workloads' maximum (absent without Karpenter, or when no node fits). */
              atPeak?: { nodePoolNodes: number; monthlyTotal: number };
          }
        | { unavailable: string };
    findings: Finding[];
}

const COLUMNS = ["this stack", "plain defaults", "floor"] as const;

/** One row per step of the spike-to-serving path, seconds per column (undefined: never). */
export interface SpikeTable {
    nodes: NodeNeed;
    rows: { step: string; seconds: (number | undefined)[]; note?: string; floorSetBy?: string }[];
    totals: (number | undefined)[];
}

/** The rolling update of the app at its HPA minimum, per column. */
export interface RolloutTable {
    replicas: number;
    columns: { waves: number; untilAvailable: number | undefined; untilOldGone: number | undefined; shape: string }[];
    /** Whether each column's surge pods fit the nodes running (stack, plain defaults, floor). */
    nodes: NodeNeed[];
}

/** The fields of a synthesized Deployment's spec the timing models read. */
interface DeploymentSpecView {
    replicas?: number;
    minReadySeconds?: number;
    strategy?: { rollingUpdate?: { maxSurge?: number | string; maxUnavailable?: number | string } };
    template?: { spec?: { containers?: { startupProbe?: { periodSeconds?: number }; readinessProbe?: { periodSeconds?: number } }[] } };
}

/** The spike and rollout models of one Deployment as synthesized, against the defaults and the floor. */
function timingModels(
    deployment: ResourceView,
    ingress: ResourceView | undefined,
    replicas: number,
    sidecarInboundDrainSeconds: number | undefined,
    nodes: NodeNeed,
    rolloutNodes: NodeNeed[],
) {
    const spec = (deployment.props.spec ?? {}) as DeploymentSpecView;
    const container = spec.template?.spec?.containers?.[0] ?? {};
    const behindAlb = ingress !== undefined;
    const alb = behindAlb ? albHealthCheckOf(ingress) : undefined;
    const budget = budgetOf(deployment, ingress, sidecarInboundDrainSeconds);
    const stack: SpikeIntervals = {
        ...PLAIN_DEFAULTS,
        // The platform's metrics-server runs at its floor (components/addons/metrics-server.ts).
        metricResolutionSeconds: METRIC_RESOLUTION_SECONDS,
        startupPeriodSeconds: Number(container.startupProbe?.periodSeconds ?? 0),
        readinessPeriodSeconds: Number(container.readinessProbe?.periodSeconds ?? 10),
        albIntervalSeconds: alb?.healthCheckIntervalSeconds ?? 0,
        albHealthyThreshold: alb?.healthyThreshold ?? 0,
    };
    const plain: SpikeIntervals = {
        ...PLAIN_DEFAULTS,
        albIntervalSeconds: behindAlb ? PLAIN_DEFAULTS.alb[0] : 0,
        albHealthyThreshold: PLAIN_DEFAULTS.alb[1],
    };
    const floor: SpikeIntervals = { ...FLOOR, albIntervalSeconds: behindAlb ? FLOOR.alb[0] : 0, albHealthyThreshold: FLOOR.alb[1] };
    const intervals = [stack, plain, floor];
    const spikes = intervals.map((i) => spikeToServing(i, nodes));
    const rolling = spec.strategy?.rollingUpdate ?? {};
    const shapes = [
        {
            replicas,
            maxSurge: rolling.maxSurge ?? "25%",
            maxUnavailable: rolling.maxUnavailable ?? "25%",
            minReadySeconds: Number(spec.minReadySeconds ?? 0),
            // A native sidecar exits at once when the app has (rules/timing.ts): it adds nothing here.
            terminationSeconds: budget.preStopSeconds + budget.shutdownSeconds,
        },
        // Kubernetes' Deployment defaults (apps/v1 types.go): 25 % / 25 %, minReadySeconds 0, no preStop; the
        // app's own shutdown within the default 30 s grace.
        { replicas, maxSurge: "25%", maxUnavailable: "25%", minReadySeconds: 0, terminationSeconds: Math.min(budget.shutdownSeconds, 30) },
        // This stack's shape at the floor: minReadySeconds one readiness period (rules/timing.ts asks period × failures).
        {
            replicas,
            maxSurge: rolling.maxSurge ?? "25%",
            maxUnavailable: rolling.maxUnavailable ?? "25%",
            minReadySeconds: FLOOR.readinessPeriodSeconds,
            terminationSeconds: floorTerminationSeconds(behindAlb),
        },
    ];
    const spike: SpikeTable = {
        nodes,
        rows: spikes[0].steps.map((step, k) => ({
            step: step.step,
            seconds: spikes.map((x) => x.steps[k].seconds),
            note: step.note,
            floorSetBy: step.floorSetBy,
        })),
        totals: spikes.map((x) => x.total),
    };
    const rollout: RolloutTable = {
        replicas,
        nodes: rolloutNodes,
        columns: shapes.map((shape, k) => ({
            ...rolloutSeconds(shape, intervals[k], rolloutNodes[k]),
            shape: `maxSurge ${String(shape.maxSurge)}, maxUnavailable ${String(shape.maxUnavailable)}, minReadySeconds ${shape.minReadySeconds}, termination ${shape.terminationSeconds} s`,
        })),
    };
    return { spike, rollout };
}

const views = (resources: RecordedResource[]): ResourceView[] => resources.map((r) => ({ type: r.type, name: r.name, props: r.inputs }));

function natGateways(resources: RecordedResource[]): number {
    const vpc = resources.find((r) => r.type === "awsx:ec2:Vpc");
    const strategy = (vpc?.inputs.natGateways as { strategy?: string } | undefined)?.strategy;
    // Strict on purpose (awsx NatGatewayStrategy): a strategy this report does not know must not be costed as another.
    switch (strategy) {
        case "None":
            return 0;
        case "Single":
            return 1;
        case "OnePerAz":
            return Number(vpc?.inputs.numberOfAvailabilityZones);
        default:
            throw new Error(`unknown NAT gateway strategy ${String(strategy)} in the synthesized VPC`);
    }
}

function cost(settings: Settings, nat: number, albs: number): Report["cost"] {
    const table = (prices.regions as Record<string, (typeof prices.regions)["us-east-1"] | undefined>)[settings.region];
    const instanceHour = table?.instanceHour[settings.cluster.instanceType as keyof typeof table.instanceHour];
    if (table === undefined || instanceHour === undefined) {
        return { unavailable: `no prices for ${settings.cluster.instanceType} in ${settings.region} in synth/prices.json` };
    }
    const month = prices.hoursPerMonth;
    const pool = settings.capacity.nodePool;
    const poolHour = pool ? table.instanceHour[pool.instanceType as keyof typeof table.instanceHour] : undefined;
    if (pool && poolHour === undefined) {
        return { unavailable: `no prices for ${pool.instanceType} in ${settings.region} in synth/prices.json` };
    }
    // Karpenter's nodes at the workloads' minimum: what runs when no spike does (consolidation removes the rest).
    const poolNodes = pool?.nodesAtMinimum ?? 0;
    const lines = [
        { item: "EKS control plane", count: 1, monthly: table.eksControlPlaneHour * month },
        {
            item: `${settings.cluster.instanceType} nodes (desired size)`,
            count: settings.cluster.desiredSize,
            monthly: settings.cluster.desiredSize * instanceHour * month,
        },
        ...(pool
            ? [
                  {
                      item: `${pool.instanceType} NodePool nodes (the workloads at their minimum)`,
                      count: poolNodes,
                      monthly: poolNodes * (poolHour ?? 0) * month,
                  },
              ]
            : []),
        { item: "NAT gateways", count: nat, monthly: nat * table.natGatewayHour * month },
        { item: "Application Load Balancers", count: albs, monthly: albs * table.albHour * month },
    ].map((l) => ({ ...l, monthly: Math.round(l.monthly * 100) / 100 }));
    const monthlyTotal = Math.round(lines.reduce((s, l) => s + l.monthly, 0) * 100) / 100;
    // At peak the NodePool runs the nodes the workloads need at their maximum (the app at its HPA maximum
    // plus a rollout's surge, every Locust worker); everything else stays as it is.
    const peakNodes = pool?.nodesAtPeak;
    const atPeak =
        peakNodes === undefined || poolHour === undefined
            ? undefined
            : {
                  nodePoolNodes: peakNodes,
                  monthlyTotal: Math.round((monthlyTotal + (peakNodes - poolNodes) * poolHour * month) * 100) / 100,
              };
    return { asOf: prices.asOf, region: settings.region, lines, monthlyTotal, ...(atPeak ? { atPeak } : {}) };
}

const RELEASE = "kubernetes:helm.sh/v3:Release";
const [GATE_KEY, GATE_VALUE] = Object.entries(READINESS_GATE_LABEL)[0];

/** True when `from` waits for `to`, directly or through other resources. */
export function waitsFor(resources: RecordedResource[], from: string, to: string): boolean {
    const byName = new Map(resources.map((r) => [r.name, r]));
    const seen = new Set<string>();
    const stack = [from];
    while (stack.length > 0) {
        for (const dep of byName.get(stack.pop() as string)?.dependsOn ?? []) {
            if (dep === to) {
                return true;
            }
            if (!seen.has(dep)) {
                seen.add(dep);
                stack.push(dep);
            }
        }
    }
    return false;
}

/**
 * The webhooks the program's Helm releases install, read from their values with the chart's
 * defaults where a value is unset, and everything that creates Pods or Services.
 */
export function webhookGraph(resources: RecordedResource[]): WebhookGraph {
    const webhooks: Webhook[] = [];
    const releases = resources.filter((r) => r.type === RELEASE);
    type LbcValues = { enableServiceMutatorWebhook?: boolean; podMutatorWebhookConfig?: { failurePolicy?: string } };
    const values = (r: RecordedResource) => (r.inputs.values ?? {}) as LbcValues;
    for (const r of releases.filter((x) => x.inputs.chart === VERSIONS.loadBalancerController.chart)) {
        const v = values(r);
        // Chart 3.5.0 values.yaml: enableServiceMutatorWebhook true (failurePolicy Fail, every namespace);
        // podMutatorWebhookConfig.failurePolicy Ignore; templates/webhook.yaml selects namespaces by the gate label.
        if (v.enableServiceMutatorWebhook !== false) {
            webhooks.push({
                owner: r.name,
                purpose: "load balancer controller Service webhook",
                failurePolicy: "Fail",
                kinds: ["Service"],
            });
        }
        webhooks.push({
            owner: r.name,
            purpose: "load balancer controller pod webhook (readiness gates)",
            failurePolicy: v.podMutatorWebhookConfig?.failurePolicy === "Fail" ? "Fail" : "Ignore",
            kinds: ["Pod"],
            namespaceLabel: { key: GATE_KEY, value: GATE_VALUE },
        });
    }
    for (const r of releases.filter((x) => x.inputs.chart === "istiod")) {
        // istio-discovery templates/mutatingwebhook.yaml (1.30): failurePolicy Fail, namespaces labelled istio-injection=enabled.
        webhooks.push({
            owner: r.name,
            purpose: "Istio sidecar injector",
            failurePolicy: "Fail",
            kinds: ["Pod"],
            namespaceLabel: { key: "istio-injection", value: "enabled" },
        });
    }
    const namespaceOf = (r: RecordedResource) =>
        String(
            r.type === RELEASE ? r.inputs.namespace : ((r.inputs.metadata as Record<string, unknown> | undefined)?.namespace ?? "default"),
        );
    const kindsOf: Record<string, AdmittedKind[]> = {
        [RELEASE]: ["Pod", "Service"],
        "kubernetes:apps/v1:Deployment": ["Pod"],
        "kubernetes:apps/v1:DeploymentPatch": ["Pod"],
        "kubernetes:core/v1:Service": ["Service"],
    };
    const creators = resources
        .filter((r) => r.type in kindsOf)
        .map((r) => ({ name: r.name, namespace: namespaceOf(r), kinds: kindsOf[r.type] }));
    const namespaceLabels: Record<string, Record<string, string>> = {};
    for (const ns of resources.filter((r) => r.type === "kubernetes:core/v1:Namespace")) {
        const metadata = (ns.inputs.metadata ?? {}) as { name?: string; labels?: Record<string, string> };
        namespaceLabels[String(metadata.name)] = metadata.labels ?? {};
    }
    return { webhooks, creators, namespaceLabels, waitsFor: (from, to) => waitsFor(resources, from, to) };
}

export function buildReport(stack: string, settings: Settings, resources: RecordedResource[]): Report {
    const all = views(resources);
    const nat = natGateways(resources);
    const albs = all.filter((r) => r.type === "kubernetes:networking.k8s.io/v1:Ingress").length;
    const nodes = firstScaleOutNeed(settings.cluster, settings.addons, settings.app);
    // The stack's surge (and the floor column, which keeps the stack's shape); Kubernetes' default 25 %.
    const surgeNeed = rolloutNeed(settings.cluster, settings.addons, settings.app);
    const plainNeed = rolloutNeed(settings.cluster, settings.addons, {
        ...settings.app,
        rollout: { ...settings.app.rollout, maxSurge: "25%" },
    });
    const rolloutNodes = [surgeNeed, plainNeed, surgeNeed];
    const ordering: Finding[] = checkWebhookOrdering(webhookGraph(resources)).map((v) => ({
        policy: v.rule,
        enforcement: "mandatory",
        resource: v.resource,
        message: `${v.message}; fix: ${v.fix}`,
    }));
    return {
        stack,
        workloads: workloads(all).map(({ deployment, ingress, hpa, sidecarInboundDrainSeconds }) => {
            const budget = budgetOf(deployment, ingress, sidecarInboundDrainSeconds);
            const hpaSpec = hpa?.props.spec as { minReplicas?: number } | undefined;
            const replicas = Number(hpaSpec?.minReplicas ?? (deployment.props.spec as DeploymentSpecView | undefined)?.replicas ?? 1);
            const metadata = deployment.props.metadata as { name: string; namespace: string };
            return {
                name: metadata.name,
                namespace: metadata.namespace,
                behind: ingress ? "alb" : "mesh",
                budget: budgetRows(budget),
                verdict: checkTiming(budget).length === 0 ? "safe" : "unsafe",
                ...timingModels(deployment, ingress, replicas, sidecarInboundDrainSeconds, nodes, rolloutNodes),
            };
        }),
        capacity: settings.capacity,
        natGateways: nat,
        cost: cost(settings, nat, albs),
        findings: [...checkResources(all), ...ordering],
    };
}

export function renderMarkdown(r: Report): string {
    const out = [`# Zero-downtime report: stack \`${r.stack}\``, ""];
    out.push("## Workloads", "");
    for (const w of r.workloads) {
        out.push(`### ${w.namespace}/${w.name} (${w.behind === "alb" ? "ALB target" : "behind the mesh gateway"}): **${w.verdict}**`, "");
        out.push("| step | seconds |", "|---|---|", ...w.budget.map((b) => `| ${b.step} | ${b.seconds} |`), "");
        const secs = (v: number | undefined) => (v === undefined ? "never" : `${v}`);
        out.push(
            `Spike to serving: from a load step to a new pod receiving traffic (worst case per step; the first scale-out step ${w.spike.nodes === "room" ? "fits the nodes running" : w.spike.nodes === "launch" ? "needs a Karpenter node" : "does not fit and nothing adds nodes"}):`,
            "",
            `| step | ${COLUMNS.join(" | ")} | floor set on EKS by | note |`,
            "|---|---|---|---|---|---|",
            ...w.spike.rows.map((r) => `| ${r.step} | ${r.seconds.map(secs).join(" | ")} | ${r.floorSetBy ?? ""} | ${r.note ?? ""} |`),
            `| **total** | ${w.spike.totals.map((t) => `**${secs(t)}**`).join(" | ")} | | |`,
            "",
            `Rolling update of ${w.rollout.replicas} pods (the HPA minimum), image pulls not counted; the surge ${w.rollout.nodes[0] === "room" ? "fits the nodes running" : w.rollout.nodes[0] === "launch" ? "waits for a Karpenter node" : "does not fit and nothing adds nodes: the rollout stalls"}:`,
            "",
            `| | ${COLUMNS.join(" | ")} |`,
            "|---|---|---|---|",
            `| shape | ${w.rollout.columns.map((c) => c.shape).join(" | ")} |`,
            `| waves | ${w.rollout.columns.map((c) => c.waves).join(" | ")} |`,
            `| last new pod available (s) | ${w.rollout.columns.map((c) => secs(c.untilAvailable)).join(" | ")} |`,
            `| last old pod gone (s) | ${w.rollout.columns.map((c) => secs(c.untilOldGone)).join(" | ")} |`,
            "",
        );
    }
    const c = r.capacity;
    const pool = c.nodePool;
    const podRows = (
        groups: { name: string; replicas: number; requests: { cpuMillicores: number; memoryMiB: number }; source: string }[],
    ) => groups.map((p) => `| ${p.name} | ${p.replicas} | ${p.requests.cpuMillicores}m | ${p.requests.memoryMiB}Mi | ${p.source} |`);
    out.push(
        pool ? "## Capacity: the system pool (the node group at desiredSize)" : "## Capacity at desiredSize",
        "",
        pool
            ? "Nothing scales the node group: the platform's own pods get `desiredSize` nodes. The app and the Locust workers run on Karpenter's NodePool (below)."
            : "Nothing scales the node group, so the pods get `desiredSize` nodes. Every pod the stack runs:",
        "",
        "| workload | pods | CPU each | memory each | source |",
        "|---|---|---|---|---|",
        ...podRows([...c.pods.daemonSets, ...c.pods.pods]),
        "",
        `At rest${pool ? "" : " (app at its HPA minimum)"}: ${c.atMinimum.fits ? "fits" : "**does not fit**"}: ${c.atMinimum.summary}`,
        "",
        ...(pool ? [] : [`At the HPA maximum: ${c.atPeak.fits ? "fits" : "**does not fit**"}: ${c.atPeak.summary}`, ""]),
    );
    if (pool) {
        out.push(
            "## Capacity: Karpenter's NodePool",
            "",
            `Nodes of ${pool.instanceType} (the smallest type it may launch) the workloads need: ${pool.nodesAtMinimum ?? "none fits"} at their minimum, ${pool.nodesAtPeak ?? "none fits"} at their maximum (the app at its HPA maximum plus a rolling update's surge, every Locust worker).`,
            "",
            `Limit: ${pool.maxNodes} nodes (${pool.derived ? "derived: the maximum plus one node, so a drifted or expiring node can be replaced first" : "set by the stack"}), as NodePool limits of ${(pool.maxNodes * pool.nodeSize.cpuMillicores) / 1000} CPU and ${pool.maxNodes * pool.nodeSize.memoryMiB}Mi.`,
            "",
            `At the maximum on the limit: ${pool.atPeak.fits ? "fits" : "**does not fit**"}: ${pool.atPeak.summary}`,
            "",
        );
    }
    out.push("## Fixed monthly cost", "", `NAT gateways: ${r.natGateways}`, "");
    if ("unavailable" in r.cost) {
        out.push(r.cost.unavailable, "");
    } else {
        out.push(
            `Prices as of ${r.cost.asOf}, ${r.cost.region}, hourly charges only (synth/prices.json).`,
            "",
            "| item | count | USD / month |",
            "|---|---|---|",
        );
        out.push(
            ...r.cost.lines.map((l) => `| ${l.item} | ${l.count} | ${l.monthly.toFixed(2)} |`),
            `| **total** | | **${r.cost.monthlyTotal.toFixed(2)}** |`,
            "",
            ...(r.cost.atPeak
                ? [
                      `At peak (the NodePool at the workloads' maximum, ${r.cost.atPeak.nodePoolNodes} nodes, for a whole month): **${r.cost.atPeak.monthlyTotal.toFixed(2)}** USD / month.`,
                      "",
                  ]
                : []),
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
