// `npm run mutate [-- <scope>...] [--force] [--only <glob>] [--help]`: mutation testing of the pure modules, one scope (folder)
// at a time, each judged by the unit tests of its own folder (stryker.config.cjs says why).
//
// Per scope: StrykerJS runs incrementally against reports/mutation/<scope>.json (committed, so a
// re-run on any clone retests only what changed; --force retests everything), then this prints the
// score and every surviving mutant, each marked with whether docs/mutation-equivalents.md lists it as
// equivalent. Exit code 1 when a scope has a survivor that the list does not judge, or when a listed
// mutant no longer survives (the list is stale), so the list and the code cannot drift apart.
// `--only <glob>[,<glob>...]` mutates only the scope's files that match (e.g. `-- rules --only rules/timing.ts,rules/spike.ts`;
// a list, not `{a,b}`: the checker tsconfig's `include` takes no braces);
// Stryker keeps the other files' results from the incremental file and reports them with this run's
// (@stryker-mutator/core 9.6.1 src/mutants/incremental-differ.js: "old mutants that didn't run this
// time around aren't forgotten" when their file is outside the narrowed `mutate`).
// After each scope it rewrites docs/mutation-score.md and README's block (scripts/mutation-score.ts).
import * as fs from "node:fs";
import * as path from "node:path";
import type { MutantResult, PartialStrykerOptions } from "@stryker-mutator/api/core";
import { recordRun } from "./mutation-score";

const root = path.resolve(__dirname, "..");

export interface Scope {
    /** Files to mutate (Stryker globs, `!` excludes). */
    mutate: string[];
    /** Test files that judge them (each is one "test" for Stryker: the TAP runner runs a file). */
    tests: string[];
}

/** The scoped modules: pure code (no Pulumi resources, no cluster), where a mutation run is fast. */
export const SCOPES: Record<string, Scope> = {
    rules: {
        mutate: ["rules/*.ts", "!rules/index.ts"],
        tests: ["test/rules/*.test.ts"],
    },
    // Without stacks/preflight.ts and stacks/models.ts: their tests (preflight.test.ts, models.test.ts)
    // evaluate the whole program under mocks, 45 s a file on this machine, for every mutant they cover;
    // load-settings.test.ts starts child processes, whose coverage Stryker cannot see.
    stacks: {
        mutate: ["stacks/**/*.ts", "!stacks/index.ts", "!stacks/preflight.ts", "!stacks/models.ts"],
        // With the configuration reference's test: docs/configuration.md is the reviewed contract of every
        // key, bound, choice and default the section readers apply.
        tests: [
            "test/stacks/!(load-settings|models|preflight).test.ts",
            "test/stacks/sections/*.test.ts",
            "test/scripts/config-reference.test.ts",
        ],
    },
    // verify's judgment: what it concludes from what it read; not the clients that read it.
    verify: {
        mutate: ["verdict", "stats", "calibration", "preflight", "restore", "node-drain", "phases", "report"].map((m) => `verify/${m}.ts`),
        // cli, imports and npm-run-verify start child processes, whose coverage Stryker cannot see;
        // stack.test.ts synthesizes the program (its subject is verify/stack.ts, outside this scope).
        tests: ["test/verify/!(cli|imports|npm-run-verify|stack).test.ts"],
    },
    // The components' pure argument and spec builders (no Pulumi import).
    components: {
        mutate: [
            "components/app/defaults.ts",
            "components/app/labels.ts",
            "components/app/service-args.ts",
            "components/app/validate.ts",
            "components/cluster-access.ts",
            "components/alb.ts",
            "components/lifecycle.ts",
            "components/addons/irsa.ts",
            "components/addons/karpenter-cloudformation.ts",
            "components/addons/names.ts",
        ],
        tests: ["test/components/app/validate.test.ts", "test/components/lifecycle.test.ts", "test/components/**/*.values.test.ts"],
    },
};

export const EQUIVALENTS_FILE = "docs/mutation-equivalents.md";

/** Statuses Stryker counts as detected and as undetected; the others (compile errors, ignored) do not count. */
const DETECTED = new Set(["Killed", "Timeout"]);
const UNDETECTED = new Set(["Survived", "NoCoverage"]);

/** How a mutant is named in the equivalents list: `file:line:column mutator replacement` (Stryker reports both 1-based). */
export function mutantKey(m: Pick<MutantResult, "fileName" | "location" | "mutatorName" | "replacement">): string {
    const file = path.relative(root, path.resolve(root, m.fileName)).split(path.sep).join("/");
    return `${file}:${m.location.start.line}:${m.location.start.column} ${m.mutatorName} ${oneLine(m.replacement)}`;
}

function oneLine(code: string): string {
    return code.replace(/\s+/g, " ").trim();
}

/**
 * The equivalent mutants the list names: rows `| file:line:column | Mutator | replacement | reason |`,
 * the replacement as a code span (a `|` inside a cell is written `\|`). Throws on a row without a reason.
 */
export function readEquivalents(markdown: string): Map<string, string> {
    const listed = new Map<string, string>();
    for (const line of markdown.split("\n")) {
        const cells = line.split(/(?<!\\)\|/).map((c) => c.replace(/\\\|/g, "|").trim());
        // ["", location, mutator, replacement, reason, ""]
        if (cells.length !== 6 || !/^[\w./-]+:\d+:\d+$/.test(cells[1])) {
            continue;
        }
        const [, location, mutator, replacement, reason] = cells;
        if (reason === "") {
            throw new Error(`${EQUIVALENTS_FILE}: ${location} ${mutator} has no reason`);
        }
        listed.set(`${location} ${mutator} ${oneLine(unquote(replacement))}`, reason);
    }
    return listed;
}

/** The text of a markdown code span (`x`, or `` `x` `` when it holds a backtick); other text as it is. */
function unquote(cell: string): string {
    const m = /^(`+) ?(.*?) ?\1$/.exec(cell);
    return m === null ? cell : m[2];
}

export interface ScopeScore {
    detected: number;
    undetected: number;
    /** Mutation score as Stryker computes it: detected / (detected + undetected), in percent. */
    score: number;
    /** The same with the listed equivalent mutants taken out of the denominator. */
    scoreWithoutEquivalents: number;
    unjudged: string[];
    equivalent: string[];
}

/** Scores one scope's results against the equivalents list. */
export function scoreOf(
    results: Pick<MutantResult, "fileName" | "location" | "mutatorName" | "replacement" | "status">[],
    listed: Map<string, string>,
): ScopeScore {
    const detected = results.filter((m) => DETECTED.has(m.status)).length;
    const survivors = results.filter((m) => UNDETECTED.has(m.status)).map(mutantKey);
    const equivalent = survivors.filter((k) => listed.has(k));
    const unjudged = survivors.filter((k) => !listed.has(k));
    const percent = (n: number, d: number) => (d === 0 ? 100 : Math.round((n / d) * 10000) / 100);
    return {
        detected,
        undetected: survivors.length,
        score: percent(detected, detected + survivors.length),
        scoreWithoutEquivalents: percent(detected, detected + unjudged.length),
        unjudged,
        equivalent,
    };
}

/** Listed mutants of these files that no longer survive (killed since, or the code moved). */
export function staleEntries(listed: Map<string, string>, survivorKeys: Set<string>, files: Set<string>): string[] {
    return [...listed.keys()].filter((k) => files.has(k.slice(0, k.indexOf(":"))) && !survivorKeys.has(k));
}

/**
 * The checker's program (scripts/stryker-file-checker.mjs): the mutated files and what they import, nothing else.
 *
 * Why not tsconfig.json: the checker (scripts/stryker-file-checker.mjs) checks each mutated file and
 * the files of its program that import it; over the whole project those would include every
 * component and test that uses a rule, checked again for each of the rule's mutants. (With the
 * official checker the whole project took about 10 s a mutant against 1 s for rules/ alone.) The
 * cost: a mutant that breaks only a file outside this program (a component that uses the mutated
 * rule) is run as a test instead of rejected.
 */
export function writeCheckerConfig(mutate: string[]): void {
    const config = {
        extends: "./tsconfig.json",
        include: mutate.filter((g) => !g.startsWith("!")),
        exclude: mutate.filter((g) => g.startsWith("!")).map((g) => g.slice(1)),
    };
    fs.writeFileSync(path.join(root, CHECKER_TSCONFIG), `${JSON.stringify(config, null, 4)}\n`);
}

export const CHECKER_TSCONFIG = "tsconfig.mutate.json";

/** What `npm run mutate -- --help` prints: the options, then each scope with the files it mutates. */
export function usage(): string {
    return [
        "usage: npm run mutate [-- <scope>...] [--force] [--only <glob>[,<glob>...]]",
        "",
        "Mutation testing (StrykerJS) of the pure modules, one scope at a time, incremental against",
        `reports/mutation/<scope>.json; every survivor must be killed or listed in ${EQUIVALENTS_FILE}.`,
        "",
        "  <scope>...     the scopes to run (default: all of them)",
        "  --force        retest every mutant, not only those whose code or tests changed",
        "  --only <glob>  mutate only the scope's files that match (a comma list, e.g. --only rules/timing.ts,rules/spike.ts)",
        "  --help, -h     print this and exit",
        "",
        "scopes and the files they mutate:",
        ...Object.entries(SCOPES).map(([name, scope]) => `  ${name.padEnd(12)} ${scope.mutate.join(" ")}`),
    ].join("\n");
}

/** `[<scope>...] [--force] [--only <glob>]`, `{ help: true }` for --help/-h, or what is wrong with it. */
export function parseArgs(argv: string[]): { names: string[]; force: boolean; only?: string } | { help: true } | string {
    const names: string[] = [];
    let force = false;
    let only: string | undefined;
    for (let i = 0; i < argv.length; i++) {
        if (argv[i] === "--help" || argv[i] === "-h") {
            return { help: true };
        } else if (argv[i] === "--force") {
            force = true;
        } else if (argv[i] === "--only") {
            only = argv[++i];
            if (only === undefined) {
                return "--only needs a glob, e.g. --only rules/timing.ts";
            }
        } else {
            names.push(argv[i]);
        }
    }
    const unknown = names.filter((n) => !(n in SCOPES));
    if (unknown.length > 0) {
        return `unknown scope(s) ${unknown.join(", ")}; expected any of ${Object.keys(SCOPES).join(", ")}`;
    }
    return { names: names.length > 0 ? names : Object.keys(SCOPES), force, ...(only === undefined ? {} : { only }) };
}

export async function main(argv: string[]): Promise<number> {
    const args = parseArgs(argv);
    if (typeof args === "object" && "help" in args) {
        console.log(usage());
        return 0;
    }
    if (typeof args === "string") {
        console.error(`npm run mutate: ${args}`);
        return 2;
    }
    const { force, only, names } = args;
    const { Stryker } = await import("@stryker-mutator/core");
    const listed = readEquivalents(
        fs.existsSync(path.join(root, EQUIVALENTS_FILE)) ? fs.readFileSync(path.join(root, EQUIVALENTS_FILE), "utf8") : "",
    );
    let failed = false;
    const summary: string[] = [];
    for (const name of names) {
        const scope = SCOPES[name];
        const started = Date.now();
        const mutate = only === undefined ? scope.mutate : only.split(",");
        writeCheckerConfig(mutate);
        const options: PartialStrykerOptions = {
            mutate,
            tap: { testFiles: scope.tests },
            incrementalFile: `reports/mutation/${name}.json`,
            htmlReporter: { fileName: `reports/mutation/html/${name}.html` },
            jsonReporter: { fileName: `reports/mutation/html/${name}.json` },
            force,
        };
        const results = await new Stryker(options).runMutationTest();
        const minutes = ((Date.now() - started) / 60000).toFixed(1);
        const s = scoreOf(results, listed);
        const files = new Set(results.map((m) => mutantKey(m).split(":")[0]));
        const stale = staleEntries(listed, new Set([...s.unjudged, ...s.equivalent]), files);
        console.log(`\n== ${name}: mutation score ${s.score} % (${s.detected} detected, ${s.undetected} undetected), ${minutes} min`);
        console.log(`   without the ${s.equivalent.length} listed equivalent mutant(s): ${s.scoreWithoutEquivalents} %`);
        for (const k of s.unjudged) {
            console.log(`   survived, not judged equivalent: ${k}`);
        }
        for (const k of stale) {
            console.log(`   listed as equivalent in ${EQUIVALENTS_FILE} but not a survivor now: ${k}`);
        }
        failed ||= s.unjudged.length > 0 || stale.length > 0;
        await recordRun(name, {
            date: new Date().toISOString().slice(0, 10),
            command: ["npm run mutate", ...(argv.length > 0 ? ["--", ...argv] : [])].join(" "),
            minutes: Number(minutes),
        });
        summary.push(`| ${name} | ${s.score} % | ${s.scoreWithoutEquivalents} % | ${s.detected + s.undetected} | ${minutes} min |`);
    }
    console.log(["\n| scope | score | without listed equivalents | mutants | run time |", "|---|---|---|---|---|", ...summary].join("\n"));
    return failed ? 1 : 0;
}
