// Stack traces during a synth cost more than the program: Pulumi's runtime tags every promise it
// makes with `new Error().stack` (`debuggablePromise` in @pulumi/pulumi runtime/debuggable.js, kept
// only to print promise leaks when PULUMI_DEBUG_PROMISE_LEAKS is set), and under tsx every such
// stack is formatted through source maps. Profiled on the dev stack: about 0.7 s of a 3.1 s synth.
//
// `withLeanStackTraces` leaves those tags unformatted (unless leak debugging is on), leaves the
// stacks Pulumi reads for source positions unmapped (the mock monitor drops them), and formats every
// other stack as Node does with source maps on: original file, line and column.
import { findSourceMap, type SourceMapping } from "node:module";

/** Name of the @pulumi/pulumi function whose stacks are only read when debugging promise leaks. */
const PULUMI_PROMISE_TAGGER = "debuggablePromise";

/**
 * Name of the @pulumi/pulumi function that reads `new Error().stack` (every frame) on each resource
 * registration to send the engine a source position (resource.js `Resource.callsites`). The mock
 * monitor drops those positions, so during a synth they are left in the JavaScript's coordinates.
 */
const PULUMI_SOURCE_POSITION = "callsites";

/** `at fn (file:line:col)`, mapped to the TypeScript source when the file has a source map and `mapped`. */
function frameText(frame: NodeJS.CallSite, mapped = true): string {
    const fileName = frame.getFileName();
    const line = frame.getLineNumber();
    const column = frame.getColumnNumber();
    const name = frame.getFunctionName() ?? frame.getMethodName() ?? "<anonymous>";
    if (!fileName || line === null || column === null) {
        return `${name} (native)`;
    }
    let location = `${fileName}:${line}:${column}`;
    // findEntry answers `{}` for a position the map does not cover.
    const entry = mapped ? findSourceMap(fileName)?.findEntry(line - 1, column - 1) : undefined;
    if (entry !== undefined && "originalSource" in entry) {
        const { originalSource, originalLine, originalColumn } = entry as SourceMapping;
        location = `${originalSource}:${originalLine + 1}:${originalColumn + 1}`;
    }
    return `${name} (${location})`;
}

function describe(error: unknown): string {
    try {
        return String(error);
    } catch {
        return "Error";
    }
}

/** The stack text V8 would produce, source-mapped; Pulumi's promise tags get their first line only. */
export function leanStack(error: unknown, frames: NodeJS.CallSite[]): string {
    if (frames[0]?.getFunctionName() === PULUMI_PROMISE_TAGGER && !process.env.PULUMI_DEBUG_PROMISE_LEAKS) {
        return `${describe(error)}\n    at ${PULUMI_PROMISE_TAGGER} (stack not kept: set PULUMI_DEBUG_PROMISE_LEAKS to keep it)`;
    }
    const mapped = frames[0]?.getFunctionName() !== PULUMI_SOURCE_POSITION;
    return [describe(error), ...frames.map((frame) => `    at ${frameText(frame, mapped)}`)].join("\n");
}

/** Runs `fn` with {@link leanStack} as the stack formatter, then puts the previous one back. */
export async function withLeanStackTraces<T>(fn: () => Promise<T>): Promise<T> {
    // A saved global hook, put back as it was and never called here.
    // eslint-disable-next-line @typescript-eslint/unbound-method
    const previous = Error.prepareStackTrace;
    Error.prepareStackTrace = leanStack;
    try {
        return await fn();
    } finally {
        Error.prepareStackTrace = previous;
    }
}
