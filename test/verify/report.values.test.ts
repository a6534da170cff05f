// The verdict at the top of the HTML page, exactly: PASS only for a run that passed, restored what
// it changed and met no error; otherwise every reason, restore problems and the error included.
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { RunEvent, ScaleOutMeasure } from "../../verify/plan";
import { ReportInput, htmlReport, jsonReport, writeReports } from "../../verify/report";
import { Outcome, Plan } from "../../verify/run";
import { HistoryRow, parseStatsCsv } from "../../verify/stats";
import type { LoadTarget } from "../../verify/target";
import type { PhaseResult } from "../../verify/verdict";
import { fixture } from "./fake-cluster";
import { HPA, harness, plan } from "./run-harness";

const RESTORE = "could not restore HPA web/web to minReplicas 4: run kubectl patch hpa web -n web ...";

/** A clean baseline run: no failed request, everything restored. */
async function cleanRun(): Promise<{ outcome: Outcome; plan: Plan }> {
    const p = plan({ phases: ["baseline"] });
    return { outcome: await harness({ hpa: HPA }).run(p), plan: p };
}

/** Where the run sent its load (the route is only echoed on the page). */
function target(p: Plan): LoadTarget {
    return { host: p.load.host, route: "from --host, an in-cluster name: not through the ALB" };
}

/** The verdict block of the page: what follows the "Load against" line. */
function verdictOf(html: string): string {
    const start = html.indexOf("</p>", html.indexOf("<p>Load against")) + "</p>\n".length;
    return html.slice(start, html.indexOf("\n", start));
}

describe("the report's verdict: exact values", () => {
    it("a clean run: PASS", async () => {
        const { outcome, plan: p } = await cleanRun();
        assert.equal(
            verdictOf(htmlReport({ stack: "dev", target: target(p), plan: p, outcome })),
            '<p class="pass">PASS: not one request failed</p>',
        );
    });

    it("no request failed but the run could not restore: no PASS, the restore problem listed, exit code 1 in the JSON", async () => {
        const { outcome, plan: p } = await cleanRun();
        const unrestored: Outcome = { ...outcome, restoreProblems: [RESTORE] };
        const input = { stack: "dev", target: target(p), plan: p, outcome: unrestored };
        assert.equal(verdictOf(htmlReport(input)), `<ul class="fail"><li>${RESTORE}</li></ul>`);
        assert.doesNotMatch(htmlReport(input), /PASS/);
        const json = jsonReport(input) as { exitCode: number; restoreProblems: string[] };
        assert.deepEqual([json.exitCode, json.restoreProblems], [1, [RESTORE]]);
    });

    it("a run that stopped on an error: the error listed after the verdict's problems, then the restore problems", async () => {
        const { outcome, plan: p } = await cleanRun();
        const broken: Outcome = { ...outcome, error: "the Locust job did not start", restoreProblems: [RESTORE] };
        assert.equal(
            verdictOf(htmlReport({ stack: "dev", target: target(p), plan: p, outcome: broken })),
            `<ul class="fail"><li>ERROR: the Locust job did not start</li><li>${RESTORE}</li></ul>`,
        );
    });
});

describe("[#14] the report's parts: exact values", () => {
    const p = plan({ phases: ["rollout-restart", "scale-in"] });
    const NOTHING: Outcome = {
        planned: ["rollout-restart", "scale-in"],
        results: [],
        verdict: { passed: true, problems: [] },
        interrupted: false,
        restoreProblems: [],
        events: [],
        timings: { terminating: [], created: [] },
    };
    const input = (outcome: Partial<Outcome> = {}, extra: Partial<ReportInput> = {}): ReportInput => ({
        stack: "dev",
        target: target(p),
        plan: p,
        outcome: { ...NOTHING, ...outcome },
        ...extra,
    });
    const second = (s: number) => 1_700_000_000 + s;
    const history = (s: number, p95Ms: number | undefined): HistoryRow => ({
        timestamp: second(s),
        users: 50,
        requestsPerSecond: 100,
        failuresPerSecond: 0,
        p95Ms,
        totalRequests: 100 * s,
        totalFailures: 0,
    });
    const event = (phase: PhaseResult["phase"], s: number, text: string): RunEvent => ({
        phase,
        at: second(s) * 1000,
        kind: "scaled",
        text,
    });

    it("every text is escaped: & < > \" '", () => {
        assert.match(htmlReport(input({}, { stack: `a&<b>"c'` })), /<title>verify: stack a&amp;&lt;b&gt;&quot;c&#39;<\/title>/);
    });

    it("a notice, when there is one, in both reports; none otherwise", () => {
        const notice = "the dashboards are off";
        assert.equal((jsonReport(input({}, { notice })) as { notice?: string }).notice, notice);
        assert.equal("notice" in (jsonReport(input()) as object), false);
        const afterTitle = (html: string) => {
            const lines = html.split("\n");
            return lines[lines.findIndex((l) => l.startsWith("<h1>")) + 1];
        };
        assert.equal(afterTitle(htmlReport(input({}, { notice }))), `<p class="notice">${notice}</p>`);
        assert.equal(afterTitle(htmlReport(input())), "");
    });

    it("a phase: its counts in red when a request failed, the failures table, a p95 line broken where Locust wrote N/A, event numbers apart when 14 px apart", () => {
        const failing: PhaseResult = {
            phase: "rollout-restart",
            // 692 s over the plot's 692 px (760 - 56 - 12): one second is one pixel.
            loadSeconds: 692,
            users: 50,
            stats: parseStatsCsv(fixture("rollout-restart_stats.csv")),
            failures: [{ method: "GET", name: "app", error: "HTTPError('503')", occurrences: 3 }],
            history: [history(0, 10), history(1, undefined), history(2, 12)],
        };
        const html = htmlReport(
            input({ results: [failing], events: [event("rollout-restart", 100, "one"), event("rollout-restart", 114, "two")] }),
        );
        assert.match(html, /<p class="fail">29,310 requests, 3 failed \(0\.010%\)<\/p>/);
        assert.match(
            html,
            /<table><thead><tr><th>method<\/th><th>name<\/th><th>error<\/th><th>occurrences<\/th><\/tr><\/thead><tbody><tr><td>GET<\/td><td>app<\/td><td>HTTPError\(&#39;503&#39;\)<\/td><td>3<\/td><\/tr><\/tbody><\/table>/,
        );
        const p95 = html.slice(html.indexOf('aria-label="p95 latency"'));
        assert.match(p95, /<path d="M56\.0,[\d.]+ L58\.0,[\d.]+" fill="none"/, "two points: the N/A second is left out");
        assert.deepEqual(
            [...html.matchAll(/<text x="([\d.]+)" y="(\d+)">(\d)<\/text>/g)].slice(0, 2).map((m) => [m[1], m[2], m[3]]),
            [
                ["158.0", "33", "1"],
                ["172.0", "33", "2"],
            ],
        );
    });

    it("a phase without history: time counts from its first event; counts in green without failures", () => {
        const quiet: PhaseResult = {
            phase: "scale-in",
            loadSeconds: 60,
            users: 50,
            stats: parseStatsCsv(fixture("baseline_stats.csv")),
            failures: [],
            history: [],
        };
        const html = htmlReport(input({ results: [quiet], events: [event("scale-in", 20, "later"), event("scale-in", 10, "first")] }));
        assert.match(html, /<p class="pass">5,871 requests, 0 failed \(0\.000%\)<\/p>/);
        assert.match(html, /<ol class="events"><li>10 s: later<\/li><li>0 s: first<\/li><\/ol>/);
        // Numbered in the order recorded, drawn in time order.
        const chart = html.slice(html.indexOf("<svg"), html.indexOf("</svg>"));
        assert.deepEqual(
            [...chart.matchAll(/<g class="event">.*?>(\d)<\/text>/g)].map((m) => m[1]),
            ["2", "1"],
        );
    });

    it("nothing calibrated, no scale-out: said in words, and no section for the scale-out", () => {
        const lines = htmlReport(input()).split("\n");
        assert.deepEqual(lines.slice(-4), [
            "",
            '<section id="calibration"><h2>Calibration</h2><p>No pod came or went while sampled.</p><p>No ALB deregistration was measured.</p></section>',
            "</body></html>",
            "",
        ]);
    });

    const measures: { measuredSeconds?: number; modeledSeconds?: number; text: string }[] = [
        { modeledSeconds: 47, text: "measured - s, modeled 47 s" },
        { measuredSeconds: 52, text: "measured 52 s, modeled - s" },
    ];
    for (const m of measures) {
        it(`the scale-out measure, a time not known as '-': ${m.text}`, () => {
            const scaleOut: ScaleOutMeasure = { stepAt: 0, servingBy: "endpoint-ready", judgement: "judged", ...m };
            assert.ok(
                htmlReport(input({ scaleOut })).includes(
                    `<section id="scale-out-measure"><h2>Spike to serving</h2><p>${m.text}: judged</p></section>`,
                ),
            );
        });
    }

    const timings = {
        terminating: [
            { phase: "rollout-restart" as const, workload: "web/web", pod: "a", deletedAt: 0, endpointOutAt: 1_000, drainingAt: 12_500 },
        ],
        created: [],
    };
    for (const albTargets of ["app", "gateway"] as const) {
        it(`the preStop implied, on the ${albTargets === "app" ? "app" : "ingress gateway"} the ALB targets`, () => {
            const models = { ...p.models, termination: { ...p.models.termination, albTargets } };
            assert.match(
                htmlReport(input({ timings }, { plan: { ...p, models } })),
                new RegExp(
                    `<p>preStop these measurements imply: 23 s \\(the rules ask 25 s; the stack sets 40 s on the ${albTargets === "app" ? "app" : "ingress gateway"}\\)</p></section>`,
                ),
            );
        });
    }

    it("a report that cannot be written is said, with the first line of why", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "verify-report-"));
        try {
            const [line] = writeReports({ json: dir, html: undefined }, input());
            assert.equal(line, `could not write the JSON report to ${dir}: EISDIR: illegal operation on a directory, open '${dir}'`);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
