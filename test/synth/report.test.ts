import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseSettings, todayUtc } from "../../stacks";
import { buildReport, renderMarkdown } from "../../synth/report";
import { PROJECT_DIR, projectName, readStackConfig } from "../../synth/engine";
import prices from "../../synth/prices.json";
import { parse, stringify } from "yaml";
import { cachedSynthesize, runMain, synth } from "../harness";
import { main } from "../../synth/cli";

async function devReport(mutate?: (deployment: any) => void) {
    const result = await synth("dev");
    const resources = structuredClone(result.resources);
    const deployment = resources.find((r) => r.type === "kubernetes:apps/v1:Deployment");
    mutate?.(deployment?.inputs);
    const settings = parseSettings({ project: projectName(), stack: "dev", config: readStackConfig("dev"), today: todayUtc() });
    return buildReport("dev", settings, resources);
}

/** The report of `stack` with config sections replaced, as `npm run synth` builds it. */
async function reportOf(stack: string, overrides: Record<string, unknown>) {
    const result = await synth(stack, overrides);
    const config = readStackConfig(stack);
    for (const [k, v] of Object.entries(overrides)) {
        config[k] = JSON.stringify(v);
    }
    const settings = parseSettings({ project: projectName(), stack, config, today: todayUtc() });
    const report = buildReport(stack, settings, result.resources);
    return { report, md: renderMarkdown(report) };
}

describe("synth report", () => {
    it("dev: the app's budget is safe, the pods at rest fit three nodes, one NAT gateway, cost from the dated price table", async () => {
        const r = await devReport();
        assert.deepEqual(
            r.workloads.map((w) => [w.namespace, w.name, w.verdict]),
            [["web", "web", "safe"]],
        );
        const rows = Object.fromEntries(r.workloads[0].budget.map((b) => [b.step, b.seconds]));
        // issue 26: dev's app is meshed, no ALB target: its preStop is the mesh's 10 s debounce cap + 5 s push.
        assert.equal(rows["the mesh stops routing (istiod debounce + push to the Envoys)"], 15);
        assert.equal(rows["preStop sleep"], 15);
        assert.equal(rows["termination grace"], 90);
        // issue 22.13: the sidecar's inbound listeners stay open 45 s from termination; nothing drains after the app.
        assert.equal(rows["sidecar stops accepting inbound (Istio drainDuration, from termination)"], 45);
        assert.equal(rows["margin (grace − preStop − shutdown)"], 90 - 15 - 20);
        assert.equal(r.capacity.atMinimum.fits, true);
        assert.equal(r.natGateways, 1);
        assert.ok(!("unavailable" in r.cost));
        const seoul = prices.regions["ap-northeast-2"];
        // 3 system nodes and the NodePool's 2 at the workloads' minimum, all m5.large.
        const expected =
            (seoul.eksControlPlaneHour + (3 + 2) * seoul.instanceHour["m5.large"] + seoul.natGatewayHour + seoul.albHour) *
            prices.hoursPerMonth;
        assert.ok(Math.abs(r.cost.monthlyTotal - expected) < 0.05, `${r.cost.monthlyTotal} vs ${expected}`);
        // At peak the NodePool runs its 8 nodes for the workloads' maximum instead of 2.
        const peak = expected + (8 - 2) * seoul.instanceHour["m5.large"] * prices.hoursPerMonth;
        assert.equal(r.cost.atPeak?.nodePoolNodes, 8);
        assert.ok(Math.abs((r.cost.atPeak?.monthlyTotal ?? 0) - peak) < 0.05, `${r.cost.atPeak?.monthlyTotal} vs ${peak}`);
        assert.deepEqual(r.findings, []);
        const md = renderMarkdown(r);
        assert.match(md, /### web\/web .*\*\*safe\*\*/);
        assert.match(md, /\| \*\*total\*\* \| \| \*\*\d+\.\d{2}\*\* \|/);
        // [#11.3] Every pod is listed with its source; the platform's own pods included.
        assert.match(md, /\| istio-system\/istiod \| 2 \| 500m \| 2048Mi \| istio\/istio /);
        assert.match(md, /\| kube-system\/aws-node \| 3 \| 50m \| 0Mi \| aws\/amazon-vpc-cni-k8s /);
        // The system pool holds the platform's pods only (2 × 1000m Karpenter controllers among them, and
        // dev's dashboards: Prometheus 200m, Grafana 100m, Kiali 10m).
        assert.match(md, /At rest: fits: 22 pods requesting 4860m CPU/);
        assert.match(md, /\| istio-system\/prometheus \| 1 \| 200m \| 512Mi \|/);
        assert.match(md, /\| kube-system\/karpenter \| 2 \| 1000m \| 1024Mi \|/);
        // The NodePool: 4 app pods × 350m (with sidecar) and one 600m Locust worker need 2 m5.large;
        // 12 app pods and 10 workers need 7; the limit is one more.
        // At the maximum: 12 app pods plus a rolling update's 4 surge pods (maxSurge 4) need an 8th node.
        assert.match(md, /need: 2 at their minimum, 8 at their maximum \(the app at its HPA maximum plus a rolling update's surge/);
        assert.match(md, /Limit: 9 nodes \(derived.*limits of 18 CPU and 73728Mi/);
    });

    it("flags a workload whose preStop was dropped: unsafe verdict and a mandatory finding with the fix", async () => {
        const r = await devReport((d) => delete d.spec.template.spec.containers[0].lifecycle);
        assert.equal(r.workloads[0].verdict, "unsafe");
        assert.ok(r.findings.some((f) => f.policy === "prestop-covers-deregistration" && f.enforcement === "mandatory"));
        assert.match(renderMarkdown(r), /\*\*mandatory\*\* `prestop-covers-deregistration`/);
    });

    it("npm run synth writes report.md and report.json; preStop 5 s with grace 10 s fails naming the rule and the fix", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zde-report-"));
        const good = await runMain(() => main(["--stack", "dev", "--out", dir], cachedSynthesize));
        assert.equal(good.status, 0, good.stderr);
        assert.ok(fs.existsSync(path.join(dir, "report.md")));
        assert.equal((JSON.parse(fs.readFileSync(path.join(dir, "report.json"), "utf8")) as { stack: string }).stack, "dev");

        const stackFile = parse(fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.dev.yaml"), "utf8")) as { config: Record<string, unknown> };
        stackFile.config["zero-downtime-eks:app"] = { timing: { preStopSeconds: 5, terminationGracePeriodSeconds: 10 } };
        fs.writeFileSync(path.join(dir, "Pulumi.dev.yaml"), stringify(stackFile));
        const bad = await runMain(() => main(["--stack", "dev", "--stack-dir", dir, "--out", path.join(dir, "bad")], cachedSynthesize));
        assert.equal(bad.status, 1);
        assert.match(bad.stderr, /prestop-covers-deregistration/);
        // dev is meshed: the mesh path's 15 s (rules/timing.ts MESH_PROPAGATION_SECONDS).
        assert.match(bad.stderr, /set preStopSeconds to at least 15/);
        assert.match(bad.stderr, /grace-covers-prestop-and-shutdown/);
        assert.match(bad.stderr, /zero-downtime-eks:app\.timing\.preStopSeconds/);
    });

    it("[#11.2] the webhook model: with the controller's Service webhook on (chart default), releases created beside it are mandatory findings", async () => {
        const result = await synth("dev");
        const resources = structuredClone(result.resources);
        const lbc = resources.find((r) => r.type === "kubernetes:helm.sh/v3:Release" && r.inputs.name === "aws-load-balancer-controller");
        delete (lbc?.inputs.values as any).enableServiceMutatorWebhook;
        const settings = parseSettings({ project: projectName(), stack: "dev", config: readStackConfig("dev"), today: todayUtc() });
        const findings = buildReport("dev", settings, resources).findings.filter((f) => f.policy === "webhook-before-objects");
        const offenders = findings.map((f) => f.resource);
        assert.ok(offenders.includes("dev-metrics-server-chart"), offenders.join(", "));
        assert.ok(offenders.includes("dev-istio-istiod"), offenders.join(", "));
        assert.ok(findings.every((f) => f.enforcement === "mandatory"));
        // As shipped (webhook off), nothing races.
        assert.deepEqual((await devReport()).findings, []);
    });

    it("[#11.9] the webhook model: a pod in a readiness-gate namespace created before the controller is a finding", async () => {
        const result = await synth("dev", { "zero-downtime-eks:addons": { istio: { enabled: false } } });
        const resources = structuredClone(result.resources);
        const deployment = resources.find((r) => r.type === "kubernetes:apps/v1:Deployment");
        const namespace = resources.find((r) => r.type === "kubernetes:core/v1:Namespace" && r.parent === "dev-app-namespace");
        // Cut the app's wait for the controller (namespace → release).
        (namespace as any).dependsOn = [];
        (deployment as any).dependsOn = [];
        const settings = parseSettings({ project: projectName(), stack: "dev", config: readStackConfig("dev"), today: todayUtc() });
        const findings = buildReport("dev", settings, resources).findings.filter((f) => f.policy === "webhook-before-objects");
        assert.deepEqual(
            findings.map((f) => f.resource),
            [deployment?.name],
        );
        assert.match(findings[0].message, /failurePolicy Fail/);
    });
});

describe("[#13] spike to serving and rollout duration, three columns", () => {
    it("dev (behind the mesh gateway): metrics 10 + HPA 15 + startup 1 + readiness 2 = 28 s, against 40 s on plain defaults and a 27 s floor", async () => {
        const { md, report } = await reportOf("dev", {});
        const web = report.workloads[0];
        assert.deepEqual(web.spike.totals, [28, 40, 27]);
        assert.equal(web.spike.nodes, "room");
        assert.match(md, /\| \*\*total\*\* \| \*\*28\*\* \| \*\*40\*\* \| \*\*27\*\* \| \| \|/);
        // 4 pods in one wave (maxSurge 4, room on the running nodes), 1 + 2 + 10 s minReady, then the last
        // old pod's mesh preStop 15 + shutdown 20 s; the floor keeps that shape with minReady 1 and the 15 s
        // mesh propagation: issue 26 (targets: available ≤ 30 s, old gone ≤ 75 s). Issue 22.13:
        // its native sidecar adds nothing (it was counted 20 s more here, and Istio's 5 s at the floor).
        assert.deepEqual(
            web.rollout.columns.map((c) => [c.waves, c.untilAvailable, c.untilOldGone]),
            [
                [1, 13, 48],
                [2, 20, 40],
                [1, 3, 18],
            ],
        );
        assert.match(md, /\| last old pod gone \(s\) \| 48 \| 40 \| 18 \|/);
    });

    it("Istio off (the app's own ALB): the ALB step is 5 s × 2, 15 s × 2 on the controller's defaults, 5 s × 2 at the floor", async () => {
        const { report } = await reportOf("dev", { "zero-downtime-eks:addons": { istio: { enabled: false } } });
        const alb = report.workloads[0].spike.rows.find((r) => r.step.startsWith("ALB routes"));
        assert.deepEqual(alb?.seconds, [10, 30, 10]);
    });

    it("without Karpenter the first scale-out step does not fit: the spike never reaches a new pod", async () => {
        const { md, report } = await reportOf("dev", { "zero-downtime-eks:addons": { karpenter: { enabled: false } } });
        assert.deepEqual(report.workloads[0].spike.totals, [undefined, undefined, undefined]);
        assert.match(md, /does not fit and nothing adds nodes/);
    });
});
