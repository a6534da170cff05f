import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { PhaseResult, formatRatio, formatTable, totals, verdict } from "../../verify/verdict";
import { FailureRow, parseFailuresCsv, parseStatsCsv } from "../../verify/stats";
import { fixture } from "./fake-cluster";

const clean = (phase: PhaseResult["phase"]): PhaseResult => ({
    phase,
    loadSeconds: 300,
    users: 50,
    stats: parseStatsCsv(fixture("baseline_stats.csv")),
    failures: [],
    history: [],
});

describe("verdict", () => {
    const planned = ["baseline", "rollout-restart", "scale-in"] as const;

    it("passes when every phase ran and no request failed", () => {
        const v = verdict(planned, planned.map(clean));
        assert.deepEqual(v, { passed: true, problems: [] });
    });

    it("one failed request fails the run and names its phase and its error", () => {
        const stats = parseStatsCsv(fixture("baseline_stats.csv").replace(/(Aggregated,5871),0,/, "$1,1,"));
        const failures = parseFailuresCsv(fixture("rollout-restart_failures.csv")).slice(1);
        const results = planned.map(clean);
        results[2] = { ...results[2], stats, failures };
        const v = verdict(planned, results);
        assert.equal(v.passed, false);
        assert.equal(v.problems.length, 1);
        assert.match(v.problems[0], /^scale-in: 1 of 5,871 requests failed; most frequent: 1 × GET app: ConnectionError/);
    });

    it("a failure only the shutdown summary saw (the CSV's last second) still fails", () => {
        const results = planned.map(clean);
        results[1] = { ...results[1], finalTotals: { requests: 5880, failures: 1 } };
        const v = verdict(planned, results);
        assert.equal(v.passed, false);
        // No failures table to name the most frequent one: the count alone.
        assert.deepEqual(v.problems, ["rollout-restart: 1 of 5,880 requests failed"]);
    });

    it("a phase that did not run, sent nothing, or ended before the app was at rest proves nothing", () => {
        const none = { ...clean("baseline"), stats: parseStatsCsv(fixture("no-requests_stats.csv")) };
        const outlasted = {
            ...clean("rollout-restart"),
            disruption: { summary: "replaced 4 pods", settledAtSeconds: 310, outlasted: true },
        };
        const v = verdict(planned, [none, outlasted]);
        assert.equal(v.passed, false);
        assert.deepEqual(
            v.problems.map((p) => p.split(":")[0]),
            ["baseline", "rollout-restart", "scale-in"],
        );
        assert.match(v.problems[0], /no requests/);
        assert.match(v.problems[1], /raise --duration/);
        assert.match(v.problems[2], /did not run/);
    });
});

describe("[#14] the scale-out phase's verdict", () => {
    it("counts the load step's requests and failures with the phase's, and names the step's error", () => {
        const failures = parseFailuresCsv(fixture("rollout-restart_failures.csv"));
        const stepStats = parseStatsCsv(fixture("rollout-restart_stats.csv"));
        const phase: PhaseResult = { ...clean("scale-out"), step: { users: 150, stats: stepStats, failures, history: [] } };
        assert.deepEqual(totals(phase), { requests: 5871 + 29310, failures: 3 });
        const v = verdict(["scale-out"], [phase]);
        assert.match(v.problems[0], /^scale-out: 3 of 35,181 requests failed; most frequent: 2 × GET app: HTTPError\('503/);
    });

    it("names the most frequent failure of the phase's and the step's together", () => {
        const row = (error: string, occurrences: number): FailureRow => ({ method: "GET", name: "app", error, occurrences });
        const phase: PhaseResult = {
            ...clean("scale-out"),
            finalTotals: { requests: 5871, failures: 3 },
            failures: [row("ConnectionError", 1), row("HTTPError('502')", 2)],
            step: {
                users: 150,
                stats: parseStatsCsv(fixture("no-requests_stats.csv")),
                failures: [row("Timeout", 1), row("HTTPError('503')", 5)],
                history: [],
            },
        };
        assert.deepEqual(verdict(["scale-out"], [phase]).problems, [
            "scale-out: 3 of 5,871 requests failed; most frequent: 5 × GET app: HTTPError('503')",
        ]);
    });

    it("a scale-out that never happened proves nothing, even with zero failures", () => {
        const v = verdict(
            ["scale-out"],
            [{ ...clean("scale-out"), disruption: { summary: "s", settledAtSeconds: 1, outlasted: false, unproven: "no new pod served" } }],
        );
        assert.deepEqual(v, { passed: false, problems: ["scale-out: no new pod served"] });
    });
});

describe("the phase table", () => {
    it("shows requests, failures, failure ratio and p50/p95/p99 per phase", () => {
        const failing: PhaseResult = {
            ...clean("rollout-restart"),
            stats: parseStatsCsv(fixture("rollout-restart_stats.csv")),
            failures: [],
            disruption: { summary: "replaced 4 pods", settledAtSeconds: 182, outlasted: false },
        };
        const lines = formatTable([clean("baseline"), failing]).split("\n");
        assert.match(lines[0], /^phase\s+requests\s+failures\s+failure ratio\s+p50\s+p95\s+p99\s+disruption$/);
        assert.match(lines[1], /^baseline\s+5,871\s+0\s+0\.000%\s+4 ms\s+11 ms\s+24 ms\s+-$/);
        assert.match(lines[2], /^rollout-restart\s+29,310\s+3\s+0\.010%\s+5 ms\s+14 ms\s+31 ms\s+replaced 4 pods, at rest after 182 s$/);
        // Numbers are right-aligned under their header.
        const p50End = lines[0].indexOf("p50") + "p50".length;
        for (const row of lines.slice(1)) {
            assert.match(row.slice(0, p50End), / \d+ ms$/);
        }
    });

    it("pads each column to its widest cell: names left, numbers right, the disruption as it is; '-' for what was not measured", () => {
        const nothing: PhaseResult = { ...clean("baseline"), stats: parseStatsCsv(fixture("no-requests_stats.csv")) };
        const failed: PhaseResult = {
            ...clean("node-drain"),
            disruption: { summary: "failed: x", failed: "x", settledAtSeconds: 0, outlasted: false },
        };
        assert.equal(
            formatTable([nothing, failed]),
            [
                "phase       requests  failures  failure ratio   p50    p95    p99  disruption",
                "baseline           0         0              -     -      -      -  -",
                "node-drain     5,871         0         0.000%  4 ms  11 ms  24 ms  failed: x",
            ].join("\n"),
        );
    });

    it("never rounds a failure away", () => {
        assert.equal(formatRatio(1, 100_000), "0.001%", "exactly the smallest it prints is printed");
        assert.equal(formatRatio(1, 1_000_000), "<0.001%");
        assert.equal(formatRatio(0, 1_000_000), "0.000%");
        assert.equal(formatRatio(0, 0), "-");
    });
});
