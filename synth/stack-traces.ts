// Stack traces during a synth cost more than the program: Pulumi's runtime tags every promise it
// makes with `new Error().stack` (`debuggablePromise` in @pulumi/pulumi 3.270.0 runtime/debuggable.js,
// kept only to print promise leaks when PULUMI_DEBUG_PROMISE_LEAKS is set), and under tsx every such
// stack is formatted through source maps. Profiled on the dev stack: about 0.7 s of a 3.1 s synth.
// Once no longer formatted, merely capturing those frames was still the largest single cost left:
// 1.76 s of 8.1 s for twelve synths in one process (a --cpu-prof of dev, staging and prod in turn).
//
// `withLeanStackTraces` has the tagger capture no frames (unless leak debugging is on), leaves the
// stacks Pulumi reads for source positions unmapped (the mock monitor drops them), and formats every
// other stack as Node does with source maps on: original file, line and column.
import { findSourceMap, type SourceMapping } from "node:module";

/** The promise tagger as @pulumi/pulumi's runtime exports it (internal: its .d.ts leaves it out). */
type Tagger = (promise: Promise<unknown>, context: unknown) => Promise<unknown>;

/**
 * The runtime module that owns the tagger. Every caller in @pulumi/pulumi reaches it through this
 * module's exports object at call time (`debuggable_1.debuggablePromise(...)`, 32 call sites in
 * 3.270.0), so a replacement set here is the one they call.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- an internal module: its .d.ts does not declare the tagger
const debuggable = require("@pulumi/pulumi/runtime/debuggable") as { debuggablePromise?: Tagger };

/** The tagger, capturing no frames: its stack is read only when debugging leaks (PULUMI_DEBUG_PROMISE_LEAKS). */
function withoutFrames(tagger: Tagger): Tagger {
    return (promise, context) => {
        const limit = Error.stackTraceLimit;
        Error.stackTraceLimit = 0;
        try {
            return tagger(promise, context);
        } finally {
            Error.stackTraceLimit = limit;
        }
    };
}

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

/** The stack text V8 would produce, source-mapped except for Pulumi's source positions. */
export function leanStack(error: unknown, frames: NodeJS.CallSite[]): string {
    const mapped = frames[0]?.getFunctionName() !== PULUMI_SOURCE_POSITION;
    return [describe(error), ...frames.map((frame) => `    at ${frameText(frame, mapped)}`)].join("\n");
}

/**
 * Runs `fn` with {@link leanStack} as the stack formatter and Pulumi's promise tagger capturing no
 * frames (unless PULUMI_DEBUG_PROMISE_LEAKS is set), then puts both back.
 */
export async function withLeanStackTraces<T>(fn: () => Promise<T>): Promise<T> {
    // A saved global hook, put back as it was and never called here.
    // eslint-disable-next-line @typescript-eslint/unbound-method
    const previous = Error.prepareStackTrace;
    const tagger = debuggable.debuggablePromise;
    const replaced = tagger !== undefined && !process.env.PULUMI_DEBUG_PROMISE_LEAKS;
    Error.prepareStackTrace = leanStack;
    if (replaced) {
        debuggable.debuggablePromise = withoutFrames(tagger);
    }
    try {
        return await fn();
    } finally {
        Error.prepareStackTrace = previous;
        if (replaced) {
            debuggable.debuggablePromise = tagger;
        }
    }
}
