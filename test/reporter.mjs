// The unit suite's reporter (scripts/test.sh: `node --test --test-reporter=./test/reporter.mjs`): a
// green run prints the runner's summary alone (`# tests N`, `# pass N`, `# fail N`, … as the TAP
// reporter ends); a red run prints, before that summary, everything the tests printed (on a green run
// it is expected output: warnings a test provokes on purpose, a CLI's messages, a test's own
// t.diagnostic() lines) and each failing test
// in full: its suites and name, file:line:column, and the error as Node prints it (an assertion's
// diff, the stack). The runner's own diagnostics (a test that left asynchronous activity behind, a
// file that did not load) are always printed: they are faults, not expected output.
//
// Event shapes: node:test's reporter stream (Node's doc, "Custom reporters", events test:start,
// test:fail, test:stdout, test:stderr, test:diagnostic; each carries name, nesting, file, line,
// column, and test:fail details.error, an ERR_TEST_FAILURE whose cause is what the test threw).
import { inspect } from "node:util";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

// Plain JavaScript: the runner loads its reporters before `--import tsx` registers TypeScript.

/**
 * @typedef {{ name?: string, nesting?: number, file?: string, line?: number, column?: number, message?: string,
 *   details?: { error?: Error & { failureType?: string, cause?: unknown } } }} TestEventData
 */

/** The runner's closing diagnostics, in its order: the summary every run prints. */
const SUMMARY = /^(tests|suites|pass|fail|cancelled|skipped|todo|duration_ms) /;

/** A suite whose tests failed fails too; the tests are reported, not the suite again. */
const CONSEQUENCE = "subtestsFailed";

/**
 * Where the test failed: the deepest frame of the thrown error's stack in the test's own file (the
 * failing line), else where the test was declared. The stack comes first because a TypeScript file
 * run through tsx reports its declarations at the transpiled code's line and column, while stacks are
 * source-mapped.
 * @param {TestEventData} data
 */
function location(data) {
    if (data.file === undefined) {
        return "(no location)";
    }
    const file = data.file.startsWith("file://") ? fileURLToPath(data.file) : data.file;
    const thrown = data.details?.error?.cause ?? data.details?.error;
    const stack = thrown instanceof Error ? (thrown.stack ?? "") : "";
    for (const frame of stack.split("\n")) {
        const at = frame.match(/\(?(?:file:\/\/)?([^\s()]+):(\d+):(\d+)\)?$/);
        if (at !== null && at[1] === file) {
            return `${path.relative(process.cwd(), file)}:${at[2]}:${at[3]}`;
        }
    }
    return data.line === undefined
        ? path.relative(process.cwd(), file)
        : `${path.relative(process.cwd(), file)}:${data.line}:${data.column ?? 1}`;
}

/** @param {string} text */
function indent(text, by = "  ") {
    return text
        .split("\n")
        .map((line) => (line.length > 0 ? by + line : line))
        .join("\n");
}

/** What a failed test threw, as Node prints it; the runner's wrapper when that is all there is. */
/** @param {(Error & { cause?: unknown }) | undefined} error */
function describeError(error) {
    if (error === undefined) {
        return "(no error reported)";
    }
    const thrown = error.cause ?? error;
    return inspect(thrown, { depth: 6, colors: false });
}

/** @param {AsyncIterable<{ type: string, data: TestEventData }>} source */
export default async function* quiet(source) {
    /** @type {string[]} */
    const ancestors = [];
    /** @type {string[]} */
    const output = [];
    /** @type {string[]} */
    const failures = [];
    /** @type {string[]} */
    const summary = [];
    let faults = 0;
    for await (const { type, data } of source) {
        switch (type) {
            case "test:start":
                ancestors.length = data.nesting ?? 0;
                ancestors.push(data.name ?? "");
                break;
            case "test:stdout":
            case "test:stderr":
                output.push(data.message ?? "");
                break;
            case "test:diagnostic":
                if (data.file !== undefined) {
                    // A test's own t.diagnostic(): what it printed, with the test's name.
                    output.push(`# ${location(data)}: ${data.message}\n`);
                } else if (SUMMARY.test(data.message ?? "")) {
                    summary.push(`# ${data.message}\n`);
                } else {
                    // Said by the runner itself: printed at once, on green runs too.
                    faults++;
                    yield `# ${data.message}\n`;
                }
                break;
            case "test:fail": {
                const error = data.details?.error;
                if (error?.failureType === CONSEQUENCE) {
                    break;
                }
                // A test file that failed as a whole (it exited non-zero) is named by its path.
                const names = [...ancestors.slice(0, data.nesting ?? 0), data.name ?? ""]
                    .filter((n) => n.length > 0)
                    .map((n) => (n === data.file ? path.relative(process.cwd(), n) : n));
                failures.push(`✖ ${names.join(" › ")}\n  ${location(data)}\n${indent(describeError(error))}\n`);
                break;
            }
        }
    }
    const printed = output.join("");
    if ((failures.length > 0 || faults > 0) && printed.length > 0) {
        yield `== what the tests printed (shown because the run failed)\n${printed}${printed.endsWith("\n") ? "" : "\n"}`;
    }
    if (failures.length > 0) {
        yield `== ${failures.length} failing test(s)\n${failures.join("\n")}\n`;
    }
    yield* summary;
}
