// The mutation score the project reports: docs/mutation-score.md (per scope and per file) and the
// short table in README's "Development" section (between the mutation-score markers), both
// generated from what `npm run mutate` leaves behind and nothing else:
// - reports/mutation/<scope>.json: StrykerJS's incremental file, one mutation-testing-report-schema
//   report per scope (every mutant with its status; committed, so re-runs are incremental);
// - reports/mutation/runs.json: when each scope last ran, with which command, and its wall time;
// - docs/mutation-equivalents.md: the survivors judged equivalent.
// scripts/mutate.ts rewrites both after each scope; test/scripts/mutation-score.test.ts renders them
// again and fails when what is committed differs (a report or the list changed, the page did not).
import * as fs from "node:fs";
import * as path from "node:path";
import type { MutantResult } from "@stryker-mutator/api/core";
import * as prettier from "prettier";
import { EQUIVALENTS_FILE, SCOPES, mutantKey, readEquivalents } from "./mutate";

const root = path.resolve(__dirname, "..");

export const SCORE_FILE = "docs/mutation-score.md";
export const RUNS_FILE = "reports/mutation/runs.json";
export const README_START = "<!-- mutation-score:start -->";
export const README_END = "<!-- mutation-score:end -->";

/** One scope's last `npm run mutate`. */
export interface RunRecord {
    /** UTC day it finished, YYYY-MM-DD. */
    date: string;
    /** What was typed, e.g. `npm run mutate -- rules --force`. */
    command: string;
    /** Wall time of that run (an incremental one retests only what changed). */
    minutes: number;
}

type Scored = Pick<MutantResult, "fileName" | "location" | "mutatorName" | "replacement" | "status">;

/** The counts a row shows. Compile errors and ignored mutants count nowhere, as in Stryker's score. */
export interface Counts {
    mutants: number;
    /** Killed or timed out: detected. */
    killed: number;
    survived: number;
    noCoverage: number;
    /** Survivors (survived or without coverage) that docs/mutation-equivalents.md lists. */
    equivalent: number;
    /** Stryker's mutation score: detected / (detected + undetected), percent, two decimals. */
    score: number;
    /** The same with the listed equivalent mutants out of the denominator. */
    scoreWithoutEquivalents: number;
}

export function countsOf(results: Scored[], listed: Map<string, string>): Counts {
    const killed = results.filter((m) => m.status === "Killed" || m.status === "Timeout").length;
    const survived = results.filter((m) => m.status === "Survived");
    const noCoverage = results.filter((m) => m.status === "NoCoverage");
    const equivalent = [...survived, ...noCoverage].filter((m) => listed.has(mutantKey(m))).length;
    const undetected = survived.length + noCoverage.length;
    const percent = (n: number, d: number) => (d === 0 ? 100 : Math.round((n / d) * 10000) / 100);
    return {
        mutants: killed + undetected,
        killed,
        survived: survived.length,
        noCoverage: noCoverage.length,
        equivalent,
        score: percent(killed, killed + undetected),
        scoreWithoutEquivalents: percent(killed, killed + undetected - equivalent),
    };
}

/** A scope's mutants from its incremental file (mutation-testing-report-schema: files → mutants); none when it has not run. */
export function readScopeResults(scope: string, dir = root): Scored[] | undefined {
    const file = path.join(dir, "reports", "mutation", `${scope}.json`);
    if (!fs.existsSync(file)) {
        return undefined;
    }
    const report = JSON.parse(fs.readFileSync(file, "utf8")) as { files: Record<string, { mutants: Omit<Scored, "fileName">[] }> };
    return Object.entries(report.files).flatMap(([fileName, f]) => f.mutants.map((m) => ({ ...m, fileName })));
}

export function readRuns(dir = root): Record<string, RunRecord> {
    const file = path.join(dir, RUNS_FILE);
    return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, RunRecord>) : {};
}

const HEADER = "| scope | score | without listed equivalents | mutants | killed | survived | no coverage | equivalent (listed) |";

function row(name: string, c: Counts): string {
    return `| ${name} | ${c.score} % | ${c.scoreWithoutEquivalents} % | ${c.mutants} | ${c.killed} | ${c.survived} | ${c.noCoverage} | ${c.equivalent} |`;
}

function separator(header: string): string {
    return `|${header
        .split("|")
        .slice(1, -1)
        .map(() => "---")
        .join("|")}|`;
}

/** Everything both pages need, read from the project. */
export interface ScoreInputs {
    results: Record<string, Scored[] | undefined>;
    runs: Record<string, RunRecord>;
    listed: Map<string, string>;
}

export function readInputs(dir = root): ScoreInputs {
    const equivalents = path.join(dir, EQUIVALENTS_FILE);
    return {
        results: Object.fromEntries(Object.keys(SCOPES).map((s) => [s, readScopeResults(s, dir)])),
        runs: readRuns(dir),
        listed: readEquivalents(fs.existsSync(equivalents) ? fs.readFileSync(equivalents, "utf8") : ""),
    };
}

function lastRun(run: RunRecord | undefined): string {
    return run === undefined ? "not recorded" : `${run.date}, \`${run.command}\`, ${run.minutes} min`;
}

/**
 * The files a scope names one by one that its report has no result for (a scope measured with
 * `--only` on part of its files): its score is then of the files that ran, which both pages say.
 */
export function notRun(inputs: ScoreInputs): string[] {
    return Object.entries(inputs.results).flatMap(([scope, results]) => {
        if (results === undefined) {
            return [];
        }
        const ran = new Set(results.map((m) => m.fileName));
        const missing = SCOPES[scope].mutate.filter((g) => !g.startsWith("!") && !/[*?{}()[\]]/.test(g) && !ran.has(g));
        return missing.length === 0 ? [] : [`${scope}: ${missing.map((f) => `\`${f}\``).join(", ")}`];
    });
}

function notRunLine(inputs: ScoreInputs): string[] {
    const missing = notRun(inputs);
    return missing.length === 0 ? [] : ["", `Not run yet, so not in the score above: ${missing.join("; ")}.`];
}

/** README's block: the score per scope, when and how each was measured, a link to the details. */
export function readmeBlock(inputs: ScoreInputs): string {
    const lines = [
        "Mutation score (StrykerJS, `npm run mutate`; details and per-file figures: [docs/mutation-score.md](docs/mutation-score.md)):",
        "",
        HEADER,
        separator(HEADER),
    ];
    const runs: string[] = [];
    for (const [scope, results] of Object.entries(inputs.results)) {
        if (results === undefined) {
            lines.push(`| ${scope} | not run | | | | | | |`);
            continue;
        }
        lines.push(row(scope, countsOf(results, inputs.listed)));
        runs.push(`${scope}: ${lastRun(inputs.runs[scope])}`);
    }
    return [...lines, ...notRunLine(inputs), "", `Last run per scope (date, command, wall time): ${runs.join("; ")}.`].join("\n");
}

/** docs/mutation-score.md: the scopes, then every mutated file. */
export function scorePage(inputs: ScoreInputs): string {
    const scopes = Object.entries(inputs.results);
    const out = [
        "# Mutation score",
        "",
        "[README](../README.md) · [development](development.md) · **mutation score** · [equivalent mutants](mutation-equivalents.md) ·",
        "[seeded-bug study](seeded-bugs.md)",
        "",
        "Generated by `npm run mutate` (scripts/mutation-score.ts) from `reports/mutation/<scope>.json` and",
        `${EQUIVALENTS_FILE}; \`test/scripts/mutation-score.test.ts\` fails when this page is stale. Score: killed (and`,
        "timed out) over killed plus survived plus no coverage; compile errors do not count.",
        "",
        "## Per scope",
        "",
        "| scope | mutated files | tests | last run | command | wall time |",
        "|---|---|---|---|---|---|",
        ...scopes.map(([scope]) => {
            const run = inputs.runs[scope];
            const s = SCOPES[scope];
            const globs = (list: string[]) => list.map((g) => `\`${g.replace(/\|/g, "\\|")}\``).join(", ");
            return `| ${scope} | ${globs(s.mutate)} | ${globs(s.tests)} | ${run?.date ?? "not run"} | ${run === undefined ? "" : `\`${run.command}\``} | ${run === undefined ? "" : `${run.minutes} min`} |`;
        }),
        "",
        HEADER,
        separator(HEADER),
        ...scopes.map(([scope, results]) =>
            results === undefined ? `| ${scope} | not run | | | | | | |` : row(scope, countsOf(results, inputs.listed)),
        ),
        ...notRunLine(inputs),
        "",
        "## Per file",
        "",
        HEADER.replace("| scope |", "| file |"),
        separator(HEADER),
    ];
    for (const [, results] of scopes) {
        const byFile = new Map<string, Scored[]>();
        for (const m of results ?? []) {
            byFile.set(m.fileName, [...(byFile.get(m.fileName) ?? []), m]);
        }
        for (const [file, mutants] of [...byFile].sort(([a], [b]) => a.localeCompare(b))) {
            out.push(row(file, countsOf(mutants, inputs.listed)));
        }
    }
    return `${out.join("\n")}\n`;
}

/** Markdown as `prettier --check .` wants it (the tables aligned), with the project's settings for `file`. */
export async function formatted(markdown: string, file: string): Promise<string> {
    const options = (await prettier.resolveConfig(path.join(root, file))) ?? {};
    return prettier.format(markdown, { ...options, filepath: path.join(root, file) });
}

/** The two pages as they should read: docs/mutation-score.md whole, README's block (without the markers). */
export async function renderPages(inputs: ScoreInputs): Promise<{ page: string; block: string }> {
    return {
        page: await formatted(scorePage(inputs), SCORE_FILE),
        block: (await formatted(readmeBlock(inputs), "README.md")).trimEnd(),
    };
}

/** The block between README's markers as it is now; throws when the markers are missing. */
export function currentBlock(readme: string): string {
    const start = readme.indexOf(README_START);
    const end = readme.indexOf(README_END);
    if (start < 0 || end < start) {
        throw new Error(`README.md: the markers ${README_START} and ${README_END} are missing`);
    }
    return readme.slice(start + README_START.length, end).trim();
}

/** README with its block replaced; throws when the markers are missing. */
export function withReadmeBlock(readme: string, block: string): string {
    currentBlock(readme);
    const start = readme.indexOf(README_START);
    const end = readme.indexOf(README_END);
    return `${readme.slice(0, start + README_START.length)}\n\n${block}\n\n${readme.slice(end)}`;
}

/** Records a scope's run and rewrites both pages. */
export async function recordRun(scope: string, run: RunRecord, dir = root): Promise<void> {
    const runs = { ...readRuns(dir), [scope]: run };
    fs.writeFileSync(path.join(dir, RUNS_FILE), `${JSON.stringify(runs, null, 4)}\n`);
    await writePages(dir);
}

export async function writePages(dir = root): Promise<void> {
    const { page, block } = await renderPages(readInputs(dir));
    fs.writeFileSync(path.join(dir, SCORE_FILE), page);
    const readme = path.join(dir, "README.md");
    fs.writeFileSync(readme, withReadmeBlock(fs.readFileSync(readme, "utf8"), block));
}

/** `node scripts/launch.cjs scripts/mutation-score.ts`: rewrites both pages from the committed reports. */
export async function main(): Promise<number> {
    await writePages();
    return 0;
}
