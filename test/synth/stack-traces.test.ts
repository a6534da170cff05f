import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import { withLeanStackTraces } from "../../synth/stack-traces";

/** The line of this TypeScript file where `text` is (what a source-mapped frame names). */
const lineOf = (text: string) =>
    fs
        .readFileSync(__filename, "utf8")
        .split("\n")
        .findIndex((l) => l.includes(text)) + 1;

// @pulumi/pulumi's promise tagger (internal, not in its .d.ts): the very function the runtime calls.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- an internal module, as synth/stack-traces.ts reads it
const debuggable = require("@pulumi/pulumi/runtime/debuggable") as {
    debuggablePromise: (p: Promise<unknown>, ctx: unknown) => Promise<unknown>;
};

/** The stack Pulumi's tagger records on a promise it tags now. */
async function taggedStack(): Promise<string> {
    const promise = Promise.resolve("tagged");
    await debuggable.debuggablePromise(promise, "a test's promise");
    return (promise as Promise<string> & { _debugStackTrace: string })._debugStackTrace;
}

/** Type-only lines vanish from the JavaScript tsx runs, so an unmapped line number would differ. */
interface Failure {
    stack?: string;
}

function ordinaryFailure(): Failure["stack"] {
    return new Error("boom").stack;
}

describe("lean stack traces during a synth", () => {
    it("Pulumi's promise tags capture no frames (nobody reads them unless debugging leaks), and the tagger is put back", async () => {
        const saved = process.env.PULUMI_DEBUG_PROMISE_LEAKS;
        delete process.env.PULUMI_DEBUG_PROMISE_LEAKS;
        const tagger = debuggable.debuggablePromise;
        try {
            assert.equal(await withLeanStackTraces(taggedStack), "Error");
            assert.equal(debuggable.debuggablePromise, tagger);
            // Outside a synth the runtime's own tagger records frames as it always did.
            assert.match(await taggedStack(), /\n {4}at (Object\.)?debuggablePromise \(/);
        } finally {
            if (saved !== undefined) {
                process.env.PULUMI_DEBUG_PROMISE_LEAKS = saved;
            }
        }
    });

    it("the frame limit is back after each tag: an error made after one keeps its frames", async () => {
        const stack = await withLeanStackTraces(async () => {
            await taggedStack();
            return ordinaryFailure();
        });
        assert.match(stack ?? "", /^Error: boom\n {4}at ordinaryFailure \(/);
    });

    it("with PULUMI_DEBUG_PROMISE_LEAKS set, the tags keep their frames", async () => {
        process.env.PULUMI_DEBUG_PROMISE_LEAKS = "1";
        try {
            const stack = await withLeanStackTraces(taggedStack);
            assert.match(stack, /\n {4}at (Object\.)?debuggablePromise \(/);
            assert.match(stack, /at taggedStack \(.*stack-traces\.test\.ts:\d+:\d+\)/);
        } finally {
            delete process.env.PULUMI_DEBUG_PROMISE_LEAKS;
        }
    });

    it("every other error keeps its frames, mapped to the TypeScript source line", async () => {
        const stack = await withLeanStackTraces(() => Promise.resolve(ordinaryFailure()));
        const line = lineOf(`new Error("boom")`);
        assert.match(stack ?? "", new RegExp(`^Error: boom\\n {4}at ordinaryFailure \\(.*stack-traces\\.test\\.ts:${line}:\\d+\\)`));
    });

    it("the previous formatter is back afterwards, also when the work fails", async () => {
        // The global hook is compared, never called.
        // eslint-disable-next-line @typescript-eslint/unbound-method
        const before = Error.prepareStackTrace;
        await assert.rejects(withLeanStackTraces(() => Promise.reject(new Error("fails"))));
        // eslint-disable-next-line @typescript-eslint/unbound-method
        assert.equal(Error.prepareStackTrace, before);
    });
});

// Named as @pulumi/pulumi's resource.js names the function that reads a source position.
function callsites(): string | undefined {
    return new Error("position").stack;
}

describe("Pulumi's source-position stacks during a synth", () => {
    it("keep every frame but in the JavaScript's coordinates (the mock monitor drops them)", async () => {
        const stack = (await withLeanStackTraces(() => Promise.resolve(callsites()))) ?? "";
        assert.match(stack, /^Error: position\n {4}at callsites \(/);
        // Not the line of this TypeScript file where `new Error` is: the transpiled position.
        assert.doesNotMatch(stack.split("\n")[1], new RegExp(`stack-traces\\.test\\.ts:${lineOf(`new Error("position")`)}:`));
    });
});
