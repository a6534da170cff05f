// The reports a run leaves behind besides its console output: `--json FILE` (everything, raw per-pod
// timings included, for other tools) and `--html FILE` (one self-contained page: per phase, requests
// per second, failures and p95 latency over time with the disruption events on the time axis, the
// failures, the scale-out measurement and the calibration table). The page is plain SVG drawn here:
// it loads nothing when opened, so it can be attached to a ticket or opened offline.
import * as fs from "fs";
import * as path from "path";
import type { VerifyArgs } from "./args";
import { UsageError } from "./args";
import { calibrationGrid, calibrationRows, impliedPreStop } from "./calibration";
import type { Outcome, Plan, RunEvent } from "./plan";
import { exitCode } from "./run";
import type { HistoryRow } from "./stats";
import type { LoadTarget } from "./target";
import { PhaseResult, count, formatRatio, totals } from "./verdict";

export interface ReportInput {
    stack: string;
    /** The URL Locust loaded and how it reaches the app. */
    target: LoadTarget;
    plan: Plan;
    outcome: Outcome;
    /** Said at the top of each report when set: what the run was not (the simulated sample says it is simulated). */
    notice?: string;
}

/** Refuses (bad input, before the run) a report path whose directory does not exist. */
export function checkReportPaths(args: Pick<VerifyArgs, "json" | "html">): void {
    for (const [flag, file] of [
        ["--json", args.json],
        ["--html", args.html],
    ] as const) {
        if (file !== undefined && !fs.statSync(path.dirname(path.resolve(file)), { throwIfNoEntry: false })?.isDirectory()) {
            throw new UsageError(`${flag} ${file}: the directory ${path.dirname(path.resolve(file))} does not exist`);
        }
    }
}

/** Everything the run found, as one JSON document. */
export function jsonReport(r: ReportInput): unknown {
    const { outcome, plan } = r;
    return {
        stack: r.stack,
        ...(r.notice === undefined ? {} : { notice: r.notice }),
        // The URL loaded (https://<domain> on a stack with a domain) and why that one.
        host: r.target.host,
        route: r.target.route,
        phases: outcome.planned,
        exitCode: exitCode(outcome),
        verdict: outcome.verdict,
        error: outcome.error,
        interrupted: outcome.interrupted,
        restoreProblems: outcome.restoreProblems,
        results: outcome.results.map((res) => ({ ...res, totals: totals(res) })),
        events: outcome.events.map((e) => ({ ...e, at: new Date(e.at).toISOString() })),
        scaleOut: outcome.scaleOut,
        calibration: {
            rows: calibrationRows(outcome.timings, plan.models),
            impliedPreStop: impliedPreStop(outcome.timings, plan.models),
            assumed: plan.models.termination,
            // ms since the epoch, as measured: deletion requested, endpoint out, draining; created, ready, healthy.
            raw: outcome.timings,
        },
        models: plan.models,
    };
}

const esc = (text: string): string =>
    text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c);

interface Series {
    label: string;
    points: { t: number; v: number | undefined }[];
    dashed?: boolean;
}

const W = 760;
const H = 130;
const PAD = { left: 56, right: 12, top: 24, bottom: 22 };
/** Event numbers closer than this (px) stack downwards instead of printing over each other. */
const LABEL_GAP = 14;
const LABEL_LINE = 10;

/** Tick labels on the y-axis, at most this many intervals. */
const Y_TICKS = 4;

/** The y-axis scale: a round step (1, 2 or 5 × a power of ten) and the top tick, at or above `max`. */
export function yScale(max: number): { step: number; top: number } {
    const raw = Math.max(max, 1) / Y_TICKS;
    const power = 10 ** Math.floor(Math.log10(raw));
    const step = ([1, 2, 5, 10].find((m) => m * power >= raw) ?? 10) * power;
    return { step, top: step * Math.ceil(Math.max(max, 1) / step - 1e-9) };
}

/** A tick value without floating-point noise (0.30000000000000004 → 0.3). */
const tickLabel = (v: number): string => String(Math.round(v * 1000) / 1000);

/** One plot of a phase: series over seconds since the phase's load started, events as vertical lines. */
function plot(title: string, unit: string, series: Series[], events: { t: number; n: number; text: string }[], span: number): string {
    const values = series.flatMap((s) => s.points.map((p) => p.v ?? 0));
    const max = Math.max(0, ...values);
    const { step, top } = yScale(max);
    const x = (t: number) => PAD.left + (Math.min(Math.max(t, 0), span) / Math.max(span, 1)) * (W - PAD.left - PAD.right);
    const y = (v: number) => H - PAD.bottom - (v / top) * (H - PAD.top - PAD.bottom);
    const ticks = Array.from({ length: Math.round(top / step) + 1 }, (_, i) => i * step).map(
        (v) =>
            `<line x1="${PAD.left - 4}" x2="${W - PAD.right}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" class="grid"/>` +
            `<text x="${PAD.left - 6}" y="${(y(v) + 3).toFixed(1)}" text-anchor="end">${tickLabel(v)}</text>`,
    );
    const lines = series.map((s) => {
        const d = s.points
            .filter((p) => p.v !== undefined)
            .map((p, i) => `${i === 0 ? "M" : "L"}${x(p.t).toFixed(1)},${y(p.v ?? 0).toFixed(1)}`)
            .join(" ");
        return `<path d="${d}" fill="none" stroke="currentColor" stroke-width="1.5"${s.dashed ? ' stroke-dasharray="4 3"' : ""}><title>${esc(s.label)}</title></path>`;
    });
    let lastX = -Infinity;
    let level = 0;
    const marks = [...events]
        .sort((a, b) => a.t - b.t)
        .map((e) => {
            const at = x(e.t);
            level = at - lastX < LABEL_GAP ? level + 1 : 0;
            lastX = at;
            const labelY = PAD.top + 9 + (level % 8) * LABEL_LINE;
            return (
                `<g class="event"><line x1="${at.toFixed(1)}" x2="${at.toFixed(1)}" y1="${PAD.top}" y2="${H - PAD.bottom}"/>` +
                `<text x="${(at + 2).toFixed(1)}" y="${labelY}">${e.n}</text><title>${esc(e.text)}</title></g>`
            );
        });
    return [
        `<svg viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(title)}">`,
        `<text x="4" y="12" class="title">${esc(title)} (${esc(unit)}, max ${Math.round(max * 10) / 10})</text>`,
        `<g class="y-axis" data-unit="${esc(unit)}">${ticks.join("")}</g>`,
        `<line x1="${PAD.left}" x2="${PAD.left}" y1="${PAD.top}" y2="${H - PAD.bottom}" class="axis"/>`,
        `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${H - PAD.bottom}" y2="${H - PAD.bottom}" class="axis"/>`,
        `<text x="${PAD.left}" y="${H - 6}">0 s</text><text x="${W - PAD.right - 40}" y="${H - 6}">${Math.round(span)} s</text>`,
        ...marks,
        ...lines,
        "</svg>",
    ].join("");
}

function table(head: string[], rows: string[][]): string {
    const th = head.map((h) => `<th>${esc(h)}</th>`).join("");
    const body = rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join("")}</tr>`).join("");
    return `<table><thead><tr>${th}</tr></thead><tbody>${body}</tbody></table>`;
}

function phaseSection(result: PhaseResult, events: RunEvent[]): string {
    const history: HistoryRow[] = result.history;
    const t0 = history[0]?.timestamp ?? Math.min(...events.map((e) => e.at / 1000));
    const span = Math.max(result.loadSeconds, ...history.map((h) => h.timestamp - t0));
    const at = (rows: HistoryRow[], pick: (h: HistoryRow) => number | undefined) => rows.map((h) => ({ t: h.timestamp - t0, v: pick(h) }));
    const step = result.step?.history ?? [];
    const numbered = events.map((e, i) => ({ t: e.at / 1000 - t0, n: i + 1, text: e.text }));
    const t = totals(result);
    // The load and, in the scale-out phase, its step, dashed.
    const loads = (pick: (h: HistoryRow) => number | undefined): Series[] => [
        { label: "load", points: at(history, pick) },
        ...(step.length > 0 ? [{ label: "load step", points: at(step, pick), dashed: true }] : []),
    ];
    const charts = [
        plot(
            "requests per second",
            "req/s",
            loads((h) => h.requestsPerSecond),
            numbered,
            span,
        ),
        plot(
            "failures per second",
            "failures/s",
            loads((h) => h.failuresPerSecond),
            numbered,
            span,
        ),
        plot("p95 latency", "ms", [{ label: "load", points: at(history, (h) => h.p95Ms) }], numbered, span),
    ];
    const failures = [...result.failures, ...(result.step?.failures ?? [])];
    const seconds = (e: RunEvent) => `${Math.round(e.at / 1000 - t0)} s`;
    return [
        `<section id="phase-${esc(result.phase)}"><h2>${esc(result.phase)}</h2>`,
        `<p class="${t.failures > 0 ? "fail" : "pass"}">${count(t.requests)} requests, ${count(t.failures)} failed (${formatRatio(t.failures, t.requests)})` +
            `${result.disruption ? `; ${esc(result.disruption.summary)}${result.disruption.failed === undefined ? `, at rest after ${result.disruption.settledAtSeconds} s` : ""}` : ""}</p>`,
        ...charts,
        events.length > 0 ? `<ol class="events">${events.map((e) => `<li>${seconds(e)}: ${esc(e.text)}</li>`).join("")}</ol>` : "",
        failures.length > 0
            ? table(
                  ["method", "name", "error", "occurrences"],
                  failures.map((f) => [f.method, f.name, f.error, count(f.occurrences)]),
              )
            : "",
        "</section>",
    ].join("\n");
}

const STYLE = `body{font:14px system-ui,sans-serif;margin:2em auto;max-width:800px;color:#222}svg{width:100%;height:auto;display:block;margin:.3em 0}
svg text{font-size:10px;fill:#555}svg .title{font-weight:600;fill:#222}.axis{stroke:#999}.grid{stroke:#eee}.event line{stroke:#c33;stroke-dasharray:2 2}.event text{fill:#c33}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:2px 6px;text-align:left}.pass{color:#161}.fail{color:#b11;font-weight:600}
.notice{background:#fff4d6;border:1px solid #d9b44a;padding:.5em .8em;font-weight:600}`;

/** The self-contained HTML page: no script, no stylesheet or font from the network. */
export function htmlReport(r: ReportInput): string {
    const { outcome, plan } = r;
    const passed = exitCode(outcome) === 0;
    const verdict = passed
        ? `<p class="pass">PASS: not one request failed</p>`
        : `<ul class="fail">${[...outcome.verdict.problems, ...(outcome.error ? [`ERROR: ${outcome.error}`] : []), ...outcome.restoreProblems].map((p) => `<li>${esc(p)}</li>`).join("")}</ul>`;
    const rows = calibrationRows(outcome.timings, plan.models);
    const implied = impliedPreStop(outcome.timings, plan.models);
    const calibration =
        rows.length === 0
            ? "<p>No pod came or went while sampled.</p>"
            : (([head, ...body]) => table(head, body))(calibrationGrid(rows, (seconds) => `${seconds} s`));
    const so = outcome.scaleOut;
    return [
        "<!doctype html>",
        `<html lang="en"><head><meta charset="utf-8"><title>verify: stack ${esc(r.stack)}</title><style>${STYLE}</style></head><body>`,
        `<h1>Zero-downtime verify: stack ${esc(r.stack)}</h1>`,
        r.notice === undefined ? "" : `<p class="notice">${esc(r.notice)}</p>`,
        `<p>Load against <strong>${esc(r.target.host)}</strong> (${esc(r.target.route)}); phases ${esc(outcome.planned.join(", "))}.</p>`,
        verdict,
        ...outcome.results.map((res) =>
            phaseSection(
                res,
                outcome.events.filter((e) => e.phase === res.phase),
            ),
        ),
        so === undefined
            ? ""
            : `<section id="scale-out-measure"><h2>Spike to serving</h2><p>${esc(
                  `measured ${so.measuredSeconds ?? "-"} s, modeled ${so.modeledSeconds ?? "-"} s: ${so.judgement}`,
              )}</p></section>`,
        `<section id="calibration"><h2>Calibration</h2>${calibration}<p>${esc(
            implied === undefined
                ? "No ALB deregistration was measured."
                : `preStop these measurements imply: ${implied.preStopSeconds} s (the rules ask ${plan.models.termination.requiredPreStopSeconds} s; the stack sets ${plan.models.termination.preStopSeconds} s on the ${plan.models.termination.albTargets === "app" ? "app" : "ingress gateway"})`,
        )}</p></section>`,
        "</body></html>",
        "",
    ].join("\n");
}

/** Writes the reports asked for; returns one line per file written (or not). */
export function writeReports(args: Pick<VerifyArgs, "json" | "html">, r: ReportInput): string[] {
    const lines: string[] = [];
    const write = (file: string | undefined, text: () => string, what: string) => {
        if (file === undefined) {
            return;
        }
        try {
            fs.writeFileSync(file, text());
            lines.push(`wrote the ${what} report to ${file}`);
        } catch (err) {
            lines.push(`could not write the ${what} report to ${file}: ${(err as Error).message.split("\n")[0]}`);
        }
    };
    write(args.json, () => `${JSON.stringify(jsonReport(r), null, 2)}\n`, "JSON");
    write(args.html, () => htmlReport(r), "HTML");
    return lines;
}
