// Mutation testing (StrykerJS 9.6.1), shared options: `npm run mutate` (scripts/mutate.ts) runs it
// once per scope (rules, stacks, verify, components) with that scope's files. Not part of `npm test`.
//
// Why these choices:
// - Runner: the TAP runner. The suite is node:test, whose non-TTY reporter is TAP; the runner
//   starts `node <file>` once per test file, so a "test" in Stryker's report is one
//   test file (coverage, the incremental diff and killedBy are per file).
// - Version 9.6.1, not 10.x: 10.x requires Node >= 22 (its package.json "engines"), CI runs Node 20;
//   9.6.1's core, TypeScript checker and TAP runner are released together (each pins the others
//   to 9.6.1) and accept Node >= 20 and typescript >= 3.6 (the project's 5.9.x).
// - Test files: each scoped module is judged by the unit tests of its folder (scripts/mutate.ts).
//   The components' and synth's tests evaluate the whole program under Pulumi mocks (4-13 s a
//   file) and run every rule; with per-file coverage each surviving rule mutant would run all of
//   them. A mutant only they would kill is a missing unit assertion, which is what this is for.
// - Incremental: the result of the last run is committed (reports/mutation/<scope>.json), so a
//   re-run, on any clone, retests only mutants whose code changed or whose covering test files
//   changed; `npm run mutate -- --force` retests everything. What the diff cannot see: a change in
//   a module that is neither mutated nor a test file (a test helper, a fixture) — use --force then.
// - Checker: scripts/stryker-file-checker.mjs ("typescript-file"), not @stryker-mutator/typescript-checker:
//   it type-checks the mutated file and its importers in a language service that keeps what it
//   parsed (the file says why; about 3 s of a core per mutant against under 1 s in the stacks scope).
// - Concurrency 2: the machine class has two cores; Stryker gives one to the checker and one to a test
//   runner, and a second runner once every mutant is checked (@stryker-mutator/core 9.6.1
//   concurrency-token-provider.js).
/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
module.exports = {
    packageManager: "npm",
    testRunner: "tap",
    tap: {
        // The hook records which mutants each file runs; tsx's CommonJS hook compiles the TypeScript
        // (the project is CommonJS; its ES-module loader would only add a thread start per file).
        nodeArgs: ["-r", "{{hookFile}}", "-r", "tsx/cjs", "--test-reporter=tap", "{{testFile}}"],
        forceBail: true,
    },
    checkers: ["typescript-file"],
    appendPlugins: ["./scripts/stryker-file-checker.mjs"],
    // Written by scripts/mutate.ts for each run: the mutated files only (it says why).
    tsconfigFile: "tsconfig.mutate.json",
    // Not copied to the sandbox: synth output and the reports.
    ignorePatterns: ["/out", "/reports", "/bin"],
    coverageAnalysis: "perTest",
    incremental: true,
    // scripts/mutate.ts sets per scope: mutate, tap.testFiles, incrementalFile and the reports' names.
    reporters: ["clear-text", "progress-append-only", "html", "json"],
    clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
    concurrency: 2,
    // A mutant is "Timeout" (counted as detected) when its tests run longer than the unmutated run's
    // time × timeoutFactor + timeoutMS (default 5 s). On this shared 2-core machine, with other runs
    // beside it, a 2 s test file took over 10 s and 44 of the first 226 stacks mutants timed out;
    // 20 s keeps load from passing for detection, and a real endless loop still ends.
    timeoutMS: 20000,
    tempDirName: ".stryker-tmp",
    cleanTempDir: true,
};
