// The exact values and refusals of the Locust CSV readers and of merging several Locust pods' figures,
// on small hand-written files (stats.test.ts reads the recorded fixtures). Column names are Locust
// 2.x's (verify/stats.ts STATS, FAILURES, HISTORY).
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import {
    FailureRow,
    HistoryRow,
    LocustCsvError,
    LocustStats,
    StatsRow,
    mergeFailures,
    mergeHistory,
    mergeStats,
    parseCsv,
    parseFailuresCsv,
    parseHistoryCsv,
    parseStatsCsv,
} from "../../verify/stats";

const STATS_HEADER = [
    "Type",
    "Name",
    "Request Count",
    "Failure Count",
    "Median Response Time",
    "Average Response Time",
    "Max Response Time",
    "Requests/s",
    "50%",
    "95%",
    "99%",
];
const HISTORY_HEADER = [
    "Timestamp",
    "User Count",
    "Type",
    "Name",
    "Requests/s",
    "Failures/s",
    "95%",
    "Total Request Count",
    "Total Failure Count",
];
const csv = (header: string[], ...rows: string[][]): string => [header, ...rows].map((r) => r.join(",")).join("\r\n") + "\r\n";
const AGGREGATED_ROW = ["", "Aggregated", "10", "1", "4", "5.5", "30", "2.5", "4", "20", "30"];
const APP_ROW = ["GET", "app", "10", "1", "4", "5.5", "30", "2.5", "4", "20", "30"];

/** The refusal, exactly. */
const refused = (message: string) => (err: Error) => err instanceof LocustCsvError && err.message === message;

describe("[#14] Locust CSV: what is read", () => {
    it("a one-column row is a row; only blank lines are dropped", () => {
        assert.deepEqual(parseCsv("a\nb\n\nc"), [["a"], ["b"], ["c"]]);
    });

    it("a request named Aggregated, or one without a type, is a request: only the Aggregated row without a type is the total", () => {
        const stats = parseStatsCsv(
            csv(STATS_HEADER, ["GET", "Aggregated", ...APP_ROW.slice(2)], ["", "app", ...APP_ROW.slice(2)], AGGREGATED_ROW),
        );
        assert.deepEqual(
            stats.rows.map((r) => [r.type, r.name]),
            [
                ["GET", "Aggregated"],
                ["", "app"],
            ],
        );
        assert.equal(stats.aggregated.type, "");
    });

    it("the history keeps the total's rows only, in time order, N/A as no p95", () => {
        const history = parseHistoryCsv(
            csv(
                HISTORY_HEADER,
                ["1700000002", "50", "", "Aggregated", "90.5", "0.5", "N/A", "200", "1"],
                ["1700000001", "50", "GET", "app", "80", "0", "12", "100", "0"],
                ["1700000001", "50", "", "app", "80", "0", "12", "100", "0"],
                ["1700000001", "50", "GET", "Aggregated", "80", "0", "12", "100", "0"],
                ["1700000001", "50", "", "Aggregated", "80", "0", "12", "100", "0"],
            ),
        );
        assert.deepEqual(history, [
            {
                timestamp: 1700000001,
                users: 50,
                requestsPerSecond: 80,
                failuresPerSecond: 0,
                p95Ms: 12,
                totalRequests: 100,
                totalFailures: 0,
            },
            {
                timestamp: 1700000002,
                users: 50,
                requestsPerSecond: 90.5,
                failuresPerSecond: 0.5,
                p95Ms: undefined,
                totalRequests: 200,
                totalFailures: 1,
            },
        ]);
    });
});

describe("[#14] Locust CSV: each refusal names the file, the line or row, and the value", () => {
    const refusals: { name: string; read: () => unknown; message: string }[] = [
        {
            name: "a quoted field never closed",
            read: () => parseCsv('a,"b\n'),
            message: "a quoted field is not closed (the file was cut off?)",
        },
        {
            name: "two columns missing, each named, with the header found",
            read: () => parseStatsCsv(csv(["Type", "Name"], ["", "Aggregated"])),
            message:
                'the stats CSV has no column "Request Count", "Failure Count", "Median Response Time", "Average Response Time", "Max Response Time", "Requests/s", "50%", "95%", "99%" (header: Type,Name)',
        },
        {
            name: "a row shorter than the header, by its line number",
            read: () => parseStatsCsv(csv(STATS_HEADER, APP_ROW, ["", "Aggregated"])),
            message: "the stats CSV line 3 has 2 fields; the header has 11",
        },
        {
            name: "a blank number",
            read: () => parseStatsCsv(csv(STATS_HEADER, ["", "Aggregated", "10", "1", " ", ...AGGREGATED_ROW.slice(5)])),
            message: 'stats row "Aggregated": "Median Response Time" is " ", not a number',
        },
        {
            name: "a count with a fraction",
            read: () => parseStatsCsv(csv(STATS_HEADER, ["", "Aggregated", "10.5", ...AGGREGATED_ROW.slice(3)])),
            message: 'stats row "Aggregated": "Request Count" is 10.5, not a count',
        },
        {
            name: "a negative count",
            read: () => parseStatsCsv(csv(STATS_HEADER, ["", "Aggregated", "-1", ...AGGREGATED_ROW.slice(3)])),
            message: 'stats row "Aggregated": "Request Count" is -1, not a count',
        },
        {
            name: "a failures file without its occurrences column",
            read: () => parseFailuresCsv(csv(["Method", "Name", "Error"], ["GET", "app", "boom"])),
            message: 'the failures CSV has no column "Occurrences" (header: Method,Name,Error)',
        },
        {
            name: "a failure's occurrences not a count, named by its error",
            read: () => parseFailuresCsv(csv(["Method", "Name", "Error", "Occurrences"], ["GET", "app", "boom", "x"])),
            message: 'failure "boom": "Occurrences" is "x", not a number',
        },
        {
            name: "a history without its failure rate",
            read: () => parseHistoryCsv(csv(HISTORY_HEADER.filter((c) => c !== "Failures/s"))),
            message: `the stats history CSV has no column "Failures/s" (header: ${HISTORY_HEADER.filter((c) => c !== "Failures/s").join(",")})`,
        },
        {
            name: "a history row's bad number, by its timestamp",
            read: () => parseHistoryCsv(csv(HISTORY_HEADER, ["1700000001", "50", "", "Aggregated", "fast", "0", "12", "100", "0"])),
            message: 'history row at "1700000001": "Requests/s" is "fast", not a number',
        },
    ];
    for (const r of refusals) {
        it(r.name, () => {
            assert.throws(r.read, refused(r.message));
        });
    }
});

describe("[#14] several Locust pods' figures, as one: exact values", () => {
    const row = (name: string, extra: Partial<StatsRow> = {}): StatsRow => ({
        type: "GET",
        name,
        requests: 0,
        failures: 0,
        medianMs: 0,
        averageMs: 0,
        maxMs: 0,
        requestsPerSecond: 0,
        p50Ms: undefined,
        p95Ms: undefined,
        p99Ms: undefined,
        ...extra,
    });
    const stats = (aggregated: StatsRow, ...rows: StatsRow[]): LocustStats => ({ rows, aggregated });

    it("rows of different requests stay apart; a percentile one pod lacks is the other's; none at all stays none", () => {
        const merged = mergeStats([
            stats(row("Aggregated", { type: "", requests: 4, p95Ms: 20 }), row("a", { requests: 4, p95Ms: 20 })),
            stats(row("Aggregated", { type: "", requests: 3 }), row("b", { requests: 3 })),
        ]);
        assert.deepEqual(
            merged.rows.map((r) => [r.name, r.requests, r.p95Ms]),
            [
                ["a", 4, 20],
                ["b", 3, undefined],
            ],
        );
        assert.equal(merged.aggregated.p95Ms, 20);
        assert.equal(merged.aggregated.p99Ms, undefined);
    });

    it("pods that sent nothing average 0 ms, not NaN", () => {
        assert.equal(mergeStats([stats(row("Aggregated")), stats(row("Aggregated"))]).aggregated.averageMs, 0);
    });

    it("failures: the same error adds up, different errors stay apart, most frequent first", () => {
        const f = (error: string, occurrences: number): FailureRow => ({ method: "GET", name: "app", error, occurrences });
        assert.deepEqual(mergeFailures([[f("502", 2), f("timeout", 1)], [f("timeout", 3)]]), [f("timeout", 4), f("502", 2)]);
    });

    it("history: each second's rates, totals and failures add up, the p95 is the worst, in time order", () => {
        const h = (timestamp: number, extra: Partial<HistoryRow> = {}): HistoryRow => ({
            timestamp,
            users: 10,
            requestsPerSecond: 5,
            failuresPerSecond: 1,
            p95Ms: undefined,
            totalRequests: 100,
            totalFailures: 2,
            ...extra,
        });
        assert.deepEqual(
            mergeHistory([
                [h(2), h(1, { p95Ms: 30 })],
                [h(1, { p95Ms: 40, failuresPerSecond: 0.5 }), h(2)],
            ]),
            [
                { timestamp: 1, users: 20, requestsPerSecond: 10, failuresPerSecond: 1.5, p95Ms: 40, totalRequests: 200, totalFailures: 4 },
                {
                    timestamp: 2,
                    users: 20,
                    requestsPerSecond: 10,
                    failuresPerSecond: 2,
                    p95Ms: undefined,
                    totalRequests: 200,
                    totalFailures: 4,
                },
            ],
        );
    });
});
