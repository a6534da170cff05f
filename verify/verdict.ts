// What a verify run found, and whether it proves zero downtime: every planned phase ran, made
// requests, kept its disruption inside the load, and not one request failed.
import type { PhaseName } from "./phases";
import { FailureRow, HistoryRow, LocustStats } from "./stats";

export type { PhaseName };

export interface DisruptionOutcome {
    /** What was done, for humans ("rolled out 4 new pods"). */
    summary: string;
    /** Seconds after the load started at which the app was back at rest (old pods gone). */
    settledAtSeconds: number;
    /** True when the load had already stopped by then: the tail of the disruption went unobserved. */
    outlasted: boolean;
    /** Set when the disruption ran but did not do what the phase needs to prove anything (no scale-out happened). */
    unproven?: string;
    /** Why the disruption failed (it stopped the run); the phase's load counts are kept all the same. */
    failed?: string;
}

/** What one Locust Job of a phase reported. */
export interface LoadResult {
    /** Users this Job ran. */
    users: number;
    stats: LocustStats;
    /** Totals of the console summary Locust prints at shutdown, when the log has it. */
    finalTotals?: Totals;
    failures: FailureRow[];
    /** The Aggregated rows of the stats history, one per second Locust wrote. */
    history: HistoryRow[];
}

export interface PhaseResult extends LoadResult {
    phase: PhaseName;
    /** Seconds of load Locust was asked for. */
    loadSeconds: number;
    /** The scale-out phase's load step: a second Job running alongside. */
    step?: LoadResult;
    disruption?: DisruptionOutcome;
}

export interface Totals {
    requests: number;
    failures: number;
}

/**
 * Requests and failures of a phase. Locust rewrites the stats CSV once a second, so it can miss the
 * last second of the run; the console summary printed at shutdown is exact. The larger counts win, so
 * a failure in that last second still fails the run.
 */
function loadTotals(result: LoadResult): Totals {
    const { requests, failures } = result.stats.aggregated;
    const final = result.finalTotals;
    return final === undefined
        ? { requests, failures }
        : { requests: Math.max(requests, final.requests), failures: Math.max(failures, final.failures) };
}

/** Requests and failures of a phase, its load step's included. */
export function totals(result: PhaseResult): Totals {
    const own = loadTotals(result);
    const step = result.step === undefined ? { requests: 0, failures: 0 } : loadTotals(result.step);
    return { requests: own.requests + step.requests, failures: own.failures + step.failures };
}

export interface Verdict {
    passed: boolean;
    /** One line per reason the claim is not proven, each naming its phase. */
    problems: string[];
}

export const count = (n: number): string => n.toLocaleString("en-US");

/** "3 × GET app: HTTPError('502 ...')" for the most frequent failure. */
function topFailure(failures: FailureRow[]): string {
    const top = failures[0];
    return top === undefined ? "" : `; most frequent: ${count(top.occurrences)} × ${top.method} ${top.name}: ${top.error}`;
}

/** Passes only when every planned phase ran, sent requests, fit its disruption inside the load and had no failure. */
export function verdict(planned: readonly PhaseName[], results: PhaseResult[]): Verdict {
    const problems: string[] = [];
    for (const phase of planned) {
        const result = results.find((r) => r.phase === phase);
        if (result === undefined) {
            problems.push(`${phase}: did not run`);
            continue;
        }
        const { requests, failures } = totals(result);
        if (failures > 0) {
            const failed = [...result.failures, ...(result.step?.failures ?? [])].sort((a, b) => b.occurrences - a.occurrences);
            problems.push(`${phase}: ${count(failures)} of ${count(requests)} requests failed${topFailure(failed)}`);
        } else if (requests === 0) {
            problems.push(`${phase}: Locust sent no requests, so nothing was proven`);
        }
        if (result.disruption?.failed !== undefined) {
            problems.push(`${phase}: the disruption failed, so it proved nothing: ${result.disruption.failed}`);
        }
        if (result.disruption?.unproven !== undefined) {
            problems.push(`${phase}: ${result.disruption.unproven}`);
        }
        if (result.disruption?.outlasted) {
            problems.push(`${phase}: the load stopped after ${result.loadSeconds} s, before the app was back at rest; raise --duration`);
        }
    }
    return { passed: problems.length === 0, problems };
}

/** Failure ratio as a percentage; a ratio that would print as zero but is not says so. */
export function formatRatio(failures: number, requests: number): string {
    if (requests === 0) {
        return "-";
    }
    const percent = (100 * failures) / requests;
    const digits = 3;
    const smallest = 10 ** -digits;
    return failures > 0 && percent < smallest ? `<${smallest.toFixed(digits)}%` : `${percent.toFixed(digits)}%`;
}

const ms = (value: number | undefined): string => (value === undefined ? "-" : `${Math.round(value)} ms`);

const COLUMNS: { title: string; cell: (r: PhaseResult) => string }[] = [
    { title: "phase", cell: (r) => r.phase },
    { title: "requests", cell: (r) => count(totals(r).requests) },
    { title: "failures", cell: (r) => count(totals(r).failures) },
    { title: "failure ratio", cell: (r) => formatRatio(totals(r).failures, totals(r).requests) },
    { title: "p50", cell: (r) => ms(r.stats.aggregated.p50Ms) },
    { title: "p95", cell: (r) => ms(r.stats.aggregated.p95Ms) },
    { title: "p99", cell: (r) => ms(r.stats.aggregated.p99Ms) },
    {
        title: "disruption",
        cell: (r) =>
            r.disruption === undefined
                ? "-"
                : r.disruption.failed !== undefined
                  ? r.disruption.summary
                  : `${r.disruption.summary}, at rest after ${r.disruption.settledAtSeconds} s`,
    },
];

/** The per-phase table: the phase name left-aligned, numbers right-aligned, the disruption note last. */
export function formatTable(results: PhaseResult[]): string {
    const grid = [COLUMNS.map((c) => c.title), ...results.map((r) => COLUMNS.map((c) => c.cell(r)))];
    const widths = COLUMNS.map((_, i) => Math.max(...grid.map((row) => row[i].length)));
    const last = COLUMNS.length - 1;
    return grid
        .map((row) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : i === last ? cell : cell.padStart(widths[i]))).join("  "))
        .join("\n");
}
