import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { withLeanStackTraces } from "../../synth/stack-traces";

// Named as @pulumi/pulumi's runtime/debuggable.js names the function that tags every promise.
function debuggablePromise(): string | undefined {
    return new Error("tag").stack;
}

/** Type-only lines vanish from the JavaScript tsx runs, so an unmapped line number would differ. */
interface Failure {
    stack?: string;
}

function ordinaryFailure(): Failure["stack"] {
    return new Error("boom").stack;
}

describe("lean stack traces during a synth", () => {
    it("Pulumi's promise tags keep only their first line (nobody reads them unless debugging leaks)", async () => {
        const saved = process.env.PULUMI_DEBUG_PROMISE_LEAKS;
        delete process.env.PULUMI_DEBUG_PROMISE_LEAKS;
        try {
            const stack = await withLeanStackTraces(() => Promise.resolve(debuggablePromise()));
            assert.equal(stack?.split("\n").length, 2);
            assert.match(stack ?? "", /^Error: tag\n {4}at debuggablePromise \(stack not kept/);
        } finally {
            if (saved !== undefined) {
                process.env.PULUMI_DEBUG_PROMISE_LEAKS = saved;
            }
        }
    });

    it("with PULUMI_DEBUG_PROMISE_LEAKS set, the tags keep their frames", async () => {
        process.env.PULUMI_DEBUG_PROMISE_LEAKS = "1";
        try {
            const stack = await withLeanStackTraces(() => Promise.resolve(debuggablePromise()));
            assert.match(stack ?? "", /at debuggablePromise \(.*stack-traces\.test\.ts:\d+:\d+\)/);
        } finally {
            delete process.env.PULUMI_DEBUG_PROMISE_LEAKS;
        }
    });

    it("every other error keeps its frames, mapped to the TypeScript source line", async () => {
        const stack = await withLeanStackTraces(() => Promise.resolve(ordinaryFailure()));
        // ordinaryFailure's `new Error` is on line 16 of this file.
        assert.match(stack ?? "", /^Error: boom\n {4}at ordinaryFailure \(.*stack-traces\.test\.ts:16:\d+\)/);
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
        // Not line 62 of this TypeScript file (where `new Error` is): the transpiled position.
        assert.doesNotMatch(stack.split("\n")[1], /stack-traces\.test\.ts:62:/);
    });
});
