import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { UsageError } from "../../verify/args";
import { checkReportPaths, htmlReport, jsonReport, writeReports, yScale } from "../../verify/report";
import { Outcome, Plan, exitCode } from "../../verify/run";
import { parseFailuresCsv } from "../../verify/stats";
import { fixture, jobLog } from "./fake-cluster";
import { HPA, harness, plan } from "./run-harness";

const PHASES: Plan["phases"] = ["baseline", "rollout-restart", "scale-in", "scale-out", "node-drain"];
const FAILING = jobLog(
    fixture("rollout-restart_stats.csv"),
    fixture("rollout-restart_failures.csv"),
    fixture("rollout-restart_stats_history.csv"),
);

/** One run of every phase the fake app has, with failures in the rollout: what the reports are made from. */
async function fakeRun(): Promise<{ outcome: Outcome; plan: Plan }> {
    const p = plan({ phases: PHASES });
    const h = harness({ hpa: HPA, logs: { "rollout-restart": FAILING } });
    return { outcome: await h.run(p), plan: p };
}

const escaped = (text: string) =>
    text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");

describe("[#14] the HTML report", () => {
    it("shows every phase, every failure, the events on the time axis and the calibration, and loads nothing from the network", async () => {
        const { outcome, plan: p } = await fakeRun();
        assert.equal(exitCode(outcome), 1);
        const html = htmlReport({
            stack: "dev",
            target: { host: p.load.host, route: "from --host, an in-cluster name: not through the ALB" },
            plan: p,
            outcome,
        });
        for (const phase of PHASES) {
            assert.match(html, new RegExp(`<section id="phase-${phase}"><h2>${phase}</h2>`));
        }
        for (const f of parseFailuresCsv(fixture("rollout-restart_failures.csv"))) {
            assert.ok(html.includes(`<td>${escaped(f.error)}</td>`), `failure ${f.error} in the page`);
        }
        assert.ok(html.includes(escaped(outcome.verdict.problems[0])));
        // Three charts per phase: requests/s, failures/s, p95.
        assert.equal((html.match(/<svg /g) ?? []).length, 3 * PHASES.length);
        for (const text of [
            "cordoned node node-a (2 app pods on it)",
            "restarted Deployment web/web",
            "load step: 50 → 2,252 users (6 Locust pods added)",
            "HPA web/web minReplicas = maxReplicas = 2 (was 4 pods)",
        ]) {
            assert.ok(html.includes(`<title>${escaped(text)}</title>`), `event "${text}" marked on a chart`);
        }
        assert.ok(html.includes("<td>deletion → ALB target draining</td>"));
        assert.ok(html.includes("measured 41 s, modeled 47 s: within ±20 % of the model&#39;s 47 s"));
        // Self-contained: no script, no link, no src, no url(), no @import.
        assert.doesNotMatch(html, /<script|<link|\ssrc=|url\(|@import/i);
    });

    it("the failures per second of the failing rollout reach its chart: the plot's maximum is the fixture's 2 failures/s", async () => {
        const { outcome, plan: p } = await fakeRun();
        const html = htmlReport({
            stack: "dev",
            target: { host: p.load.host, route: "from --host, an in-cluster name: not through the ALB" },
            plan: p,
            outcome,
        });
        const rollout = html.slice(html.indexOf('id="phase-rollout-restart"'), html.indexOf('id="phase-scale-in"'));
        assert.match(rollout, /failures per second \(failures\/s, max 2\)/);
        assert.match(rollout, /p95 latency \(ms, max 38\)/);
        // The restart and the four pods it deleted happen at once: their numbers stack, none printed over another.
        const labels = [...rollout.matchAll(/<g class="event"><line x1="([\d.]+)"[^>]*\/><text x="[\d.]+" y="(\d+)">(\d+)<\/text>/g)];
        const firstChart = labels.slice(0, labels.length / 3);
        assert.ok(firstChart.length >= 5);
        const spots = firstChart.map(([, x, y]) => `${x},${y}`);
        assert.equal(new Set(spots).size, spots.length, spots.join(" "));
    });
});

describe("the HTML report's y-axis", () => {
    const scales: [number, { step: number; top: number }][] = [
        [0, { step: 0.5, top: 1 }],
        [2, { step: 0.5, top: 2 }],
        [38, { step: 10, top: 40 }],
        [97.9, { step: 50, top: 100 }],
        [1234, { step: 500, top: 1500 }],
    ];
    for (const [max, scale] of scales) {
        it(`a maximum of ${max} gets ticks every ${scale.step} up to ${scale.top}`, () => {
            assert.deepEqual(yScale(max), scale);
        });
    }

    it("every chart has a y-axis: round ticks from 0 to at least the plot's maximum, each at the height of its value", async () => {
        const { outcome, plan: p } = await fakeRun();
        const html = htmlReport({ stack: "dev", target: { host: p.load.host, route: "in-cluster" }, plan: p, outcome });
        const charts = html.match(/<svg [\s\S]*?<\/svg>/g) ?? [];
        assert.equal(charts.length, 3 * PHASES.length);
        for (const chart of charts) {
            const max = Number(/, max ([\d.]+)\)<\/text>/.exec(chart)?.[1]);
            const ticks = [
                ...chart.matchAll(/<line [^>]*y1="([\d.]+)"[^>]*class="grid"\/><text [^>]*text-anchor="end">([\d.]+)<\/text>/g),
            ].map(([, y, label]) => ({ y: Number(y), v: Number(label) }));
            assert.ok(ticks.length >= 2, chart);
            assert.equal(ticks[0].v, 0);
            assert.ok(ticks.at(-1)!.v >= max, `top tick ${ticks.at(-1)!.v} under the maximum ${max}`);
            // Linear: every tick sits where its value maps between the bottom (0) and the top tick.
            const [bottom, top] = [ticks[0], ticks.at(-1)!];
            for (const t of ticks) {
                assert.ok(Math.abs(t.y - (bottom.y + ((top.y - bottom.y) * t.v) / top.v)) < 0.11, `tick ${t.v} at ${t.y}`);
            }
        }
        // The failing rollout's 2 failures/s are drawn at the height of the tick labelled 2.
        const rollout = html.slice(html.indexOf('id="phase-rollout-restart"'), html.indexOf('id="phase-scale-in"'));
        const failures = (rollout.match(/<svg [\s\S]*?<\/svg>/g) ?? [])[1];
        const two = /y1="([\d.]+)"[^>]*class="grid"\/><text [^>]*>2<\/text>/.exec(failures)?.[1];
        assert.ok(two !== undefined && new RegExp(`[ML][\\d.]+,${two}`).test(failures), "a point of the failures line at the tick for 2");
    });
});

describe("issue 21.2: the reports say which URL was loaded", () => {
    it("issue 21.2: the JSON report's host and route, and the HTML page's first line, name the URL and why it was that one", async () => {
        const { outcome, plan: p } = await fakeRun();
        const target = {
            host: "https://shop.example.com",
            route: "the stack's domain (zero-downtime-eks:domain.hostName) over HTTPS, as clients reach it: through the ALB of Ingress istio-ingress/platform-entrypoint, k8s-istioing-platform-0123456789.ap-northeast-2.elb.amazonaws.com",
        };
        const report = JSON.parse(JSON.stringify(jsonReport({ stack: "dev", target, plan: p, outcome })));
        assert.deepEqual([report.host, report.route], [target.host, target.route]);
        const html = htmlReport({ stack: "dev", target, plan: p, outcome });
        assert.ok(
            html.includes(`<p>Load against <strong>${target.host}</strong> (${escaped(target.route)});`),
            "the URL and its route on the page",
        );
    });
});

describe("[#14] the JSON report", () => {
    it("carries the verdict, the events and the raw per-pod timings", async () => {
        const { outcome, plan: p } = await fakeRun();
        const report = JSON.parse(
            JSON.stringify(
                jsonReport({
                    stack: "dev",
                    target: { host: p.load.host, route: "from --host, an in-cluster name: not through the ALB" },
                    plan: p,
                    outcome,
                }),
            ),
        );
        assert.equal(report.exitCode, 1);
        assert.deepEqual(report.phases, PHASES);
        assert.equal(report.results.length, PHASES.length);
        assert.equal(report.results[1].totals.failures, 3);
        assert.ok(report.calibration.raw.terminating.length >= 8);
        for (const t of report.calibration.raw.terminating) {
            assert.equal(typeof t.deletedAt, "number");
        }
        assert.match(report.events[0].at, /^2025-01-14T09:\d\d:\d\d\.000Z$/);
        assert.equal(report.scaleOut.measuredSeconds, 41);
    });

    it("writes both files; a directory that does not exist is bad input before the run", async () => {
        const { outcome, plan: p } = await fakeRun();
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zde-verify-report-"));
        const files = { json: path.join(dir, "r.json"), html: path.join(dir, "r.html") };
        assert.doesNotThrow(() => checkReportPaths(files));
        assert.deepEqual(
            writeReports(files, {
                stack: "dev",
                target: { host: p.load.host, route: "from --host, an in-cluster name: not through the ALB" },
                plan: p,
                outcome,
            }),
            [`wrote the JSON report to ${files.json}`, `wrote the HTML report to ${files.html}`],
        );
        assert.equal(JSON.parse(fs.readFileSync(files.json, "utf8")).stack, "dev");
        assert.throws(
            () => checkReportPaths({ html: path.join(dir, "missing", "r.html") }),
            (err: Error) =>
                err instanceof UsageError && /^--html .*missing\/r\.html: the directory .*missing does not exist$/.test(err.message),
        );
    });
});
