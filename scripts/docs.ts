// `npm run docs`: rewrites every generated part of README.md and docs/ from the code, so that nothing a
// reader is told can drift from what the program does:
// - README's figures (what dev costs at rest and at peak, its capacity, its timing models, its size),
//   from dev's synth report (synth/report.ts, prices from synth/prices.json);
// - docs/samples/synth-report-dev.md: the report `npm run synth -- --stack dev` writes;
// - the configuration reference in docs/configuration.md (scripts/config-reference.ts).
// `npm run docs` then runs `npm run verify:sample` (docs/samples/verify-*, docs/verify.md's block).
// test/docs/generated.test.ts fails when any of them is stale.
import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_DIR, RecordedResource, projectName, readStackConfig, synthesize } from "../synth/engine";
import { Report, buildReport, renderMarkdown } from "../synth/report";
import { parseSettings, todayUtc } from "../stacks/settings";
import { renderReference } from "./config-reference";
import { VERSIONS } from "../components/versions";
import { POLICIES } from "../policy/checks";

export { GENERATED, REGENERATE, SAMPLE_STACK, blockIn, generatedBlock, withBlock } from "./generated-blocks";
import { GENERATED, REGENERATE, SAMPLE_STACK, withBlock } from "./generated-blocks";

/** The test files under test/ (test/files.mts finds them the same way). */
export function testFileCount(dir = path.join(PROJECT_DIR, "test")): number {
    return fs.readdirSync(dir, { withFileTypes: true }).reduce((n, entry) => {
        const full = path.join(dir, entry.name);
        return n + (entry.isDirectory() ? testFileCount(full) : /\.test\.m?ts$/.test(entry.name) ? 1 : 0);
    }, 0);
}

const usd = (n: number) => `$${n.toFixed(2).replace(/\B(?=(\d{3})+(?!\d))/g, ",")}`;
const secs = (n: number | undefined) => (n === undefined ? "never" : `${n} s`);

/** README's figures, every one from dev's synth report or the tree. */
export function readmeFigures(report: Report, resources: RecordedResource[], testFiles: number): string {
    if ("unavailable" in report.cost) {
        throw new Error(`the ${report.stack} report has no cost: ${report.cost.unavailable}`);
    }
    const cost = report.cost;
    const pool = report.capacity.nodePool;
    const app = report.workloads[0];
    const [spike, plainSpike, floorSpike] = app.spike.totals;
    const [rollout, plainRollout] = app.rollout.columns;
    const sample = `[${SAMPLE_STACK}'s report](${GENERATED.report})`;
    return [
        `Figures for the \`${report.stack}\` stack, from ${sample} (\`npm run synth -- --stack ${report.stack}\`):`,
        "",
        `- **Cost**: ${usd(cost.monthlyTotal)} a month at rest${cost.atPeak ? `, ${usd(cost.atPeak.monthlyTotal)} at peak (Karpenter's NodePool at ${cost.atPeak.nodePoolNodes} nodes all month)` : ""}: ${cost.lines.map((l) => `${l.item} × ${l.count}`).join(", ")}. AWS list prices for ${cost.region} as of ${cost.asOf} ([synth/prices.json](synth/prices.json)), hourly charges only: no data processing, LCUs, EBS or traffic.`,
        `- **Capacity**: system pool at rest: ${report.capacity.atMinimum.summary}.${pool ? ` Karpenter's NodePool: ${pool.nodesAtMinimum ?? "none fits"} × ${pool.instanceType} at the workloads' minimum, ${pool.nodesAtPeak ?? "none fits"} at their maximum, limit ${pool.maxNodes}.` : ""}`,
        `- **Timing** (models, not measurements): load step to a new pod serving ${secs(spike)} (plain defaults ${secs(plainSpike)}, floor ${secs(floorSpike)}); a rolling update of ${app.rollout.replicas} pods: last new pod available at ${secs(rollout.untilAvailable)}, last old pod gone at ${secs(rollout.untilOldGone)} (plain defaults ${secs(plainRollout.untilAvailable)} and ${secs(plainRollout.untilOldGone)}, dropping requests).`,
        `- **Size**: ${resources.length} resources in \`${report.stack}\`; ${testFiles} test files under \`test/\`.`,
    ].join("\n");
}

/** What each pinned addon is for (the only hand-written column of the versions table; the test holds it to VERSIONS). */
export const ADDON_PURPOSES: Record<keyof typeof VERSIONS, string> = {
    loadBalancerController: "ALBs for Ingresses, `target-type: ip`, pod readiness gates",
    metricsServer: "resource metrics for the HPAs (seed 003)",
    istio: "mTLS (seed 002), outlier detection (seed 000), the ingress gateway (`base`, `istiod`, `gateway` charts)",
    locust: "load while rolling out (seed 001)",
    prometheus: "the mesh's metrics (dev and staging)",
    grafana: "Istio's dashboards (dev and staging)",
    kiali: "the mesh's graph (dev and staging)",
    karpenter: "nodes for the app and the Locust workers (`karpenter` and `karpenter-crd` charts)",
};

/** The pinned versions, from components/versions.ts. */
export function addonVersions(): string {
    const rows = (Object.keys(ADDON_PURPOSES) as (keyof typeof VERSIONS)[]).map((key) => {
        const v = VERSIONS[key] as { chart?: string; version: string; repo?: string; app?: string; image?: unknown };
        const image = v.image === undefined ? "" : typeof v.image === "string" ? v.image : Object.values(v.image as object).join(":");
        const extra = [v.app, image].filter((x) => x !== undefined && x !== "").join(", ");
        const chart = v.chart === undefined ? "see what it is for" : `\`${v.chart}\``;
        const repo = v.repo === undefined ? "the OCI registry in the chart's name" : `\`${v.repo}\``;
        return `| ${key} | ${chart} | ${v.version}${extra ? ` (${extra})` : ""} | ${repo} | ${ADDON_PURPOSES[key]} |`;
    });
    return ["| addon | chart | version | repository | what it is for |", "|---|---|---|---|---|", ...rows].join("\n");
}

/** The policy pack's policies, from policy/checks.ts. */
export function policyTable(): string {
    const rows = Object.entries(POLICIES).map(([name, p]) => `| \`${name}\` | ${p.enforcement} | ${p.description.replace(/\|/g, "\\|")} |`);
    return ["| policy | enforcement | checks |", "|---|---|---|", ...rows].join("\n");
}

/** The report `npm run synth -- --stack <stack>` builds from a synthesized stack. */
export function reportOf(stack: string, resources: RecordedResource[], config: Record<string, string>): Report {
    const settings = parseSettings({ project: projectName(), stack, config, today: todayUtc() });
    return buildReport(stack, settings, resources);
}

export async function main(argv: string[]): Promise<number> {
    if (argv.length > 0) {
        console.error(`docs: unexpected argument ${JSON.stringify(argv[0])}: ${REGENERATE} takes none`);
        return 2;
    }
    const config = readStackConfig(SAMPLE_STACK);
    const result = await synthesize({ stack: SAMPLE_STACK, config });
    const report = reportOf(SAMPLE_STACK, result.resources, config);
    const file = (relative: string) => path.join(PROJECT_DIR, relative);
    const rewrite = (relative: string, name: string, content: string) =>
        fs.writeFileSync(file(relative), withBlock(fs.readFileSync(file(relative), "utf8"), name, content));
    fs.writeFileSync(file(GENERATED.report), renderMarkdown(report));
    rewrite(GENERATED.readme, "figures", readmeFigures(report, result.resources, testFileCount()));
    rewrite(GENERATED.configuration, "configuration-reference", renderReference());
    rewrite(GENERATED.addons, "addon-versions", addonVersions());
    rewrite(GENERATED.development, "policies", policyTable());
    console.log(
        `docs: wrote ${GENERATED.report}, README's figures and the generated blocks of ${GENERATED.configuration}, ${GENERATED.addons} and ${GENERATED.development}`,
    );
    return 0;
}
