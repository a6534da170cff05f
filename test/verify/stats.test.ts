import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { FAILURES_FILE, STATS_FILE, extractFile, requestsSoFar } from "../../verify/job";
import {
    AGGREGATED,
    LocustCsvError,
    mergeFailures,
    mergeHistory,
    mergeStats,
    parseCsv,
    parseFailuresCsv,
    parseHistoryCsv,
    parseStatsCsv,
} from "../../verify/stats";
import { fixture } from "./fake-cluster";

describe("Locust stats CSV", () => {
    it("splits CRLF rows and keeps commas and doubled quotes inside quoted fields", () => {
        assert.deepEqual(parseCsv('a,b\r\n"x, y","say ""hi"""\r\n\r\n'), [
            ["a", "b"],
            ["x, y", 'say "hi"'],
        ]);
        assert.throws(() => parseCsv('a,"b\r\n'), LocustCsvError);
    });

    it("reads a clean run: the Aggregated row apart from the request rows, p50/p95/p99 in ms", () => {
        const stats = parseStatsCsv(fixture("baseline_stats.csv"));
        assert.equal(stats.rows.length, 1);
        assert.equal(stats.rows[0].name, "app");
        assert.equal(stats.rows[0].type, "GET");
        assert.equal(stats.aggregated.name, AGGREGATED);
        assert.equal(stats.aggregated.type, "");
        assert.equal(stats.aggregated.requests, 5871);
        assert.equal(stats.aggregated.failures, 0);
        assert.deepEqual([stats.aggregated.p50Ms, stats.aggregated.p95Ms, stats.aggregated.p99Ms], [4, 11, 24]);
        assert.equal(Math.round(stats.aggregated.requestsPerSecond), 98);
    });

    it("reads a run with failures", () => {
        const stats = parseStatsCsv(fixture("rollout-restart_stats.csv"));
        assert.equal(stats.aggregated.requests, 29310);
        assert.equal(stats.aggregated.failures, 3);
        assert.equal(stats.aggregated.p99Ms, 31);
        assert.equal(Math.round(stats.aggregated.maxMs), 10013);
    });

    it("a run without requests has no percentiles (Locust writes N/A)", () => {
        const stats = parseStatsCsv(fixture("no-requests_stats.csv"));
        assert.equal(stats.rows.length, 0);
        assert.equal(stats.aggregated.requests, 0);
        assert.equal(stats.aggregated.p50Ms, undefined);
        assert.equal(stats.aggregated.p99Ms, undefined);
    });

    it("refuses files that are not Locust's stats: missing column, no Aggregated row, a count that is not a number", () => {
        const text = fixture("baseline_stats.csv");
        assert.throws(() => parseStatsCsv(text.replace("Failure Count", "Failures")), /no column "Failure Count"/);
        assert.throws(() => parseStatsCsv(text.split("\r\n").slice(0, 2).join("\r\n")), /0 Aggregated rows/);
        assert.throws(() => parseStatsCsv(text.replace(",Aggregated,5871,", ",Aggregated,many,")), /"Request Count" is "many"/);
        assert.throws(() => parseStatsCsv(""), /empty/);
    });

    it("reads the failures file, most frequent error first, quoted errors intact", () => {
        const failures = parseFailuresCsv(fixture("rollout-restart_failures.csv"));
        assert.equal(failures.length, 2);
        assert.equal(failures[0].occurrences, 2);
        assert.match(failures[0].error, /^HTTPError\('503 Server Error/);
        assert.equal(
            failures[1].error,
            "ConnectionError(ProtocolError('Connection aborted.', RemoteDisconnected('Remote end closed connection without response')))",
        );
        assert.deepEqual(parseFailuresCsv(fixture("empty_failures.csv")), []);
    });
});

describe("the Locust Job's log", () => {
    const log = fixture("rollout-restart_job.log");

    it("holds both CSV files between markers, as the parsers read them", () => {
        const stats = extractFile(log, STATS_FILE);
        assert.ok(stats !== undefined);
        assert.equal(parseStatsCsv(stats).aggregated.failures, 3);
        assert.equal(parseFailuresCsv(extractFile(log, FAILURES_FILE) ?? "").length, 2);
        assert.equal(extractFile("Locust crashed before writing anything", STATS_FILE), undefined);
    });

    it("gives the running totals of the last console table (the shutdown summary at the end)", () => {
        assert.deepEqual(requestsSoFar(log), { requests: 29310, failures: 3 });
        const midRun = log.slice(0, log.indexOf("All users spawned"));
        assert.deepEqual(requestsSoFar(midRun), { requests: 1532, failures: 0 });
        assert.equal(requestsSoFar("[2025-01-14] pod/INFO/locust.main: Starting Locust 2.32.2"), undefined);
    });
});

describe("issue 21.8: the statistics of a step's several Locust pods, as one", () => {
    const stats = parseStatsCsv(fixture("rollout-restart_stats.csv"));
    const failures = parseFailuresCsv(fixture("rollout-restart_failures.csv"));
    const history = parseHistoryCsv(fixture("rollout-restart_stats_history.csv"));

    it("counts and rates add up; the average is weighted; the worst pod's maximum and percentiles bound the union's", () => {
        const cheap = { ...stats.aggregated, requests: 100, failures: 0, averageMs: 1, maxMs: 2, p95Ms: 3, requestsPerSecond: 10 };
        const merged = mergeStats([stats, { rows: [], aggregated: cheap }]);
        const a = stats.aggregated;
        assert.equal(merged.aggregated.requests, a.requests + 100);
        assert.equal(merged.aggregated.failures, a.failures);
        assert.equal(merged.aggregated.requestsPerSecond, a.requestsPerSecond + 10);
        assert.equal(merged.aggregated.averageMs, (a.averageMs * a.requests + 100) / (a.requests + 100));
        assert.equal(merged.aggregated.maxMs, a.maxMs);
        assert.equal(merged.aggregated.p95Ms, a.p95Ms);
        assert.deepEqual(mergeStats([stats]), stats);
    });

    it("the same error on the same request adds up; seconds add up by timestamp", () => {
        const merged = mergeFailures([failures, failures]);
        assert.deepEqual(
            merged.map((f) => f.occurrences),
            failures.map((f) => 2 * f.occurrences),
        );
        const twice = mergeHistory([history, history]);
        assert.equal(twice.length, history.length);
        assert.deepEqual(
            twice.map((h) => [h.timestamp, h.users, h.totalRequests]),
            history.map((h) => [h.timestamp, 2 * h.users, 2 * h.totalRequests]),
        );
    });
});
