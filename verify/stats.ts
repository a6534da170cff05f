// Reads what Locust 2.x writes with `--csv <prefix>`: `<prefix>_stats.csv` (one row per request
// name plus the "Aggregated" total) and `<prefix>_failures.csv`. Python's csv module writes them, so
// fields may be quoted (error texts hold commas and quotes) and lines end in CRLF.

/** The name Locust gives the row that totals every request name. */
export const AGGREGATED = "Aggregated";

/** A stats file that is not what Locust writes: better to stop than to report a wrong verdict. */
export class LocustCsvError extends Error {}

/** One row of `_stats.csv`. Times in milliseconds; percentiles are undefined when Locust wrote "N/A" (no requests). */
export interface StatsRow {
    type: string;
    name: string;
    requests: number;
    failures: number;
    medianMs: number;
    averageMs: number;
    maxMs: number;
    requestsPerSecond: number;
    p50Ms?: number;
    p95Ms?: number;
    p99Ms?: number;
}

export interface LocustStats {
    rows: StatsRow[];
    aggregated: StatsRow;
}

/** One row of `_failures.csv`: how often one error happened on one request name. */
export interface FailureRow {
    method: string;
    name: string;
    error: string;
    occurrences: number;
}

/** Splits CSV text (RFC 4180: quoted fields, doubled quotes, CRLF or LF) into rows; blank lines are dropped. */
export function parseCsv(text: string): string[][] {
    const rows: string[][] = [];
    let row: string[] = [];
    let field = "";
    let quoted = false;
    const endRow = () => {
        row.push(field);
        if (row.length > 1 || row[0] !== "") {
            rows.push(row);
        }
        row = [];
        field = "";
    };
    for (let i = 0; i < text.length; i++) {
        const c = text[i];
        if (quoted) {
            if (c !== '"') {
                field += c;
            } else if (text[i + 1] === '"') {
                field += '"';
                i++;
            } else {
                quoted = false;
            }
        } else if (c === '"') {
            quoted = true;
        } else if (c === ",") {
            row.push(field);
            field = "";
        } else if (c === "\n") {
            endRow();
        } else if (c !== "\r") {
            field += c;
        }
    }
    if (quoted) {
        throw new LocustCsvError("a quoted field is not closed (the file was cut off?)");
    }
    endRow();
    return rows;
}

/** Rows as objects keyed by header, after checking that every column the caller reads is there. */
function records(text: string, required: readonly string[], what: string): Record<string, string>[] {
    const [header, ...body] = parseCsv(text);
    if (header === undefined) {
        throw new LocustCsvError(`${what} is empty`);
    }
    const missing = required.filter((column) => !header.includes(column));
    if (missing.length > 0) {
        throw new LocustCsvError(`${what} has no column ${missing.map((c) => JSON.stringify(c)).join(", ")} (header: ${header.join(",")})`);
    }
    return body.map((cells, i) => {
        if (cells.length !== header.length) {
            throw new LocustCsvError(`${what} line ${i + 2} has ${cells.length} fields; the header has ${header.length}`);
        }
        return Object.fromEntries(header.map((column, j) => [column, cells[j]]));
    });
}

function numberIn(record: Record<string, string>, column: string, what: string): number {
    const text = record[column];
    const value = Number(text);
    if (text.trim() === "" || !Number.isFinite(value)) {
        throw new LocustCsvError(`${what}: ${JSON.stringify(column)} is ${JSON.stringify(text)}, not a number`);
    }
    return value;
}

function countIn(record: Record<string, string>, column: string, what: string): number {
    const value = numberIn(record, column, what);
    if (!Number.isInteger(value) || value < 0) {
        throw new LocustCsvError(`${what}: ${JSON.stringify(column)} is ${value}, not a count`);
    }
    return value;
}

// Locust writes "N/A" for every percentile of a row without requests.
const NOT_AVAILABLE = "N/A";

function percentileIn(record: Record<string, string>, column: string, what: string): number | undefined {
    return record[column] === NOT_AVAILABLE ? undefined : numberIn(record, column, what);
}

// Column names exactly as Locust 2.x's StatsCSV writes them (requests_csv_columns, PERCENTILES_TO_REPORT).
const STATS = {
    type: "Type",
    name: "Name",
    requests: "Request Count",
    failures: "Failure Count",
    median: "Median Response Time",
    average: "Average Response Time",
    max: "Max Response Time",
    rps: "Requests/s",
    p50: "50%",
    p95: "95%",
    p99: "99%",
} as const;

/** Parses `_stats.csv`; fails unless it has the columns read here and exactly one Aggregated row. */
export function parseStatsCsv(text: string): LocustStats {
    const rows = records(text, Object.values(STATS), "the stats CSV").map((r): StatsRow => {
        const what = `stats row ${JSON.stringify(r[STATS.name])}`;
        return {
            type: r[STATS.type],
            name: r[STATS.name],
            requests: countIn(r, STATS.requests, what),
            failures: countIn(r, STATS.failures, what),
            medianMs: numberIn(r, STATS.median, what),
            averageMs: numberIn(r, STATS.average, what),
            maxMs: numberIn(r, STATS.max, what),
            requestsPerSecond: numberIn(r, STATS.rps, what),
            p50Ms: percentileIn(r, STATS.p50, what),
            p95Ms: percentileIn(r, STATS.p95, what),
            p99Ms: percentileIn(r, STATS.p99, what),
        };
    });
    // The total row has no request type; a request name "Aggregated" would have one.
    const totals = rows.filter((r) => r.name === AGGREGATED && r.type === "");
    if (totals.length !== 1) {
        throw new LocustCsvError(`the stats CSV has ${totals.length} ${AGGREGATED} rows; Locust writes exactly one`);
    }
    return { rows: rows.filter((r) => r !== totals[0]), aggregated: totals[0] };
}

const FAILURES = { method: "Method", name: "Name", error: "Error", occurrences: "Occurrences" } as const;

/** Parses `_failures.csv`, most frequent error first. */
export function parseFailuresCsv(text: string): FailureRow[] {
    return records(text, Object.values(FAILURES), "the failures CSV")
        .map((r) => ({
            method: r[FAILURES.method],
            name: r[FAILURES.name],
            error: r[FAILURES.error],
            occurrences: countIn(r, FAILURES.occurrences, `failure ${JSON.stringify(r[FAILURES.error])}`),
        }))
        .sort((a, b) => b.occurrences - a.occurrences);
}

/** One second of the run: a row of `_stats_history.csv` (`--csv-full-history`) for the Aggregated total. */
export interface HistoryRow {
    /** Unix seconds, Locust's clock. */
    timestamp: number;
    users: number;
    requestsPerSecond: number;
    failuresPerSecond: number;
    /** 95th percentile of the recent window; undefined when Locust wrote "N/A". */
    p95Ms?: number;
    totalRequests: number;
    totalFailures: number;
}

// Columns of Locust 2.x's stats history (stats.py stats_history_csv_columns) that the report reads.
const HISTORY = {
    timestamp: "Timestamp",
    users: "User Count",
    type: "Type",
    name: "Name",
    rps: "Requests/s",
    fps: "Failures/s",
    p95: "95%",
    requests: "Total Request Count",
    failures: "Total Failure Count",
} as const;

/** Parses `_stats_history.csv`, keeping the Aggregated rows in time order. */
export function parseHistoryCsv(text: string): HistoryRow[] {
    return records(text, Object.values(HISTORY), "the stats history CSV")
        .filter((r) => r[HISTORY.name] === AGGREGATED && r[HISTORY.type] === "")
        .map((r) => {
            const what = `history row at ${JSON.stringify(r[HISTORY.timestamp])}`;
            return {
                timestamp: numberIn(r, HISTORY.timestamp, what),
                users: countIn(r, HISTORY.users, what),
                requestsPerSecond: numberIn(r, HISTORY.rps, what),
                failuresPerSecond: numberIn(r, HISTORY.fps, what),
                p95Ms: percentileIn(r, HISTORY.p95, what),
                totalRequests: countIn(r, HISTORY.requests, what),
                totalFailures: countIn(r, HISTORY.failures, what),
            };
        })
        .sort((a, b) => a.timestamp - b.timestamp);
}

/**
 * The statistics of several Locust processes that ran the same locustfile at the same time, as one:
 * counts and rates add up; the average is weighted by requests; the maximum and the percentiles are
 * the worst process's (the percentile of the union is at most that: an upper bound, not the exact value).
 */
export function mergeStats(all: LocustStats[]): LocustStats {
    const merge = (rows: StatsRow[]): StatsRow => {
        const requests = rows.reduce((n, r) => n + r.requests, 0);
        const worst = (pick: (r: StatsRow) => number | undefined) => {
            const values = rows.map(pick).filter((v): v is number => v !== undefined);
            return values.length === 0 ? undefined : Math.max(...values);
        };
        return {
            type: rows[0].type,
            name: rows[0].name,
            requests,
            failures: rows.reduce((n, r) => n + r.failures, 0),
            medianMs: worst((r) => r.medianMs) ?? 0,
            averageMs: requests === 0 ? 0 : rows.reduce((n, r) => n + r.averageMs * r.requests, 0) / requests,
            maxMs: worst((r) => r.maxMs) ?? 0,
            requestsPerSecond: rows.reduce((n, r) => n + r.requestsPerSecond, 0),
            p50Ms: worst((r) => r.p50Ms),
            p95Ms: worst((r) => r.p95Ms),
            p99Ms: worst((r) => r.p99Ms),
        };
    };
    const byName = new Map<string, StatsRow[]>();
    for (const row of all.flatMap((s) => s.rows)) {
        const key = JSON.stringify([row.type, row.name]);
        byName.set(key, [...(byName.get(key) ?? []), row]);
    }
    return { rows: [...byName.values()].map(merge), aggregated: merge(all.map((s) => s.aggregated)) };
}

/** Failures of several processes: occurrences of the same error on the same request add up; most frequent first. */
export function mergeFailures(all: FailureRow[][]): FailureRow[] {
    const byError = new Map<string, FailureRow>();
    for (const f of all.flat()) {
        const key = JSON.stringify([f.method, f.name, f.error]);
        const seen = byError.get(key);
        byError.set(key, seen === undefined ? { ...f } : { ...seen, occurrences: seen.occurrences + f.occurrences });
    }
    return [...byError.values()].sort((a, b) => b.occurrences - a.occurrences);
}

/** Histories of several processes, second by second (Locust's Unix seconds): users and rates add up, the p95 is the worst. */
export function mergeHistory(all: HistoryRow[][]): HistoryRow[] {
    const bySecond = new Map<number, HistoryRow>();
    for (const h of all.flat()) {
        const seen = bySecond.get(h.timestamp);
        const p95 = [seen?.p95Ms, h.p95Ms].filter((v): v is number => v !== undefined);
        bySecond.set(
            h.timestamp,
            seen === undefined
                ? { ...h }
                : {
                      timestamp: h.timestamp,
                      users: seen.users + h.users,
                      requestsPerSecond: seen.requestsPerSecond + h.requestsPerSecond,
                      failuresPerSecond: seen.failuresPerSecond + h.failuresPerSecond,
                      p95Ms: p95.length === 0 ? undefined : Math.max(...p95),
                      totalRequests: seen.totalRequests + h.totalRequests,
                      totalFailures: seen.totalFailures + h.totalFailures,
                  },
        );
    }
    return [...bySecond.values()].sort((a, b) => a.timestamp - b.timestamp);
}
