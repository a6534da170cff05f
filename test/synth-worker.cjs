// The test suite's synth thread (test/harness.ts `cachedSynthesize`): evaluates the program for each
// stack and config the tests ask for, as `npm run synth` does (the same preload, then tsx for the
// project's TypeScript), and posts the result back.
//
// Why a thread: node:test (Node 20) tracks every asynchronous resource of the process it runs in with
// an async hook (init and destroy, to tell which test an uncaught error belongs to), and a synth makes
// hundreds of thousands of promises (Pulumi's runtime). Measured on 3 stacks × 2: 5.1 s of CPU alone,
// 8.6 s inside a test. A worker thread has no such hook, and it runs on the other core while the
// tests go on.
"use strict";
require("../synth/preload-sdks.cjs");
require("tsx/cjs/api").register();
const { parentPort } = require("node:worker_threads");
const { synthesize } = require("../synth/engine.ts");

/** An error as data: what it says, its own fields (a SettingsError's problems), the names of its classes. */
function errorData(err) {
    if (!(err instanceof Error)) {
        return { classes: [], message: String(err), fields: {} };
    }
    const classes = [];
    for (let p = Object.getPrototypeOf(err); p !== null && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
        classes.push(p.constructor.name);
    }
    let fields;
    try {
        fields = structuredClone({ ...err });
    } catch {
        fields = {};
    }
    return { classes, name: err.name, message: err.message, stack: err.stack, fields };
}

// One at a time: the Pulumi runtime is global to the thread (the harness queues them too).
let queue = Promise.resolve();
parentPort.on("message", ({ id, options }) => {
    queue = queue.then(() =>
        synthesize(options).then(
            (result) => parentPort.postMessage({ id, result }),
            (err) => parentPort.postMessage({ id, error: errorData(err) }),
        ),
    );
});
