// Loaded by preload-sdks.cjs before any Pulumi module: defers Pulumi's closure serializer until a
// program asks it to serialize a function. @pulumi/pulumi's runtime/index.js requires
// ./closure/serializeClosure (which loads TypeScript through typescript-shim.js for parseFunction)
// and ./closure/codePaths (which loads npm's @npmcli/arborist) at import, only to copy three functions
// onto its exports. The synth's programs never call them (no dynamic provider, no callback
// function), and loading the two took about half of importing the five SDKs: 1.15 s → 0.58 s,
// medians of 5 on this machine. Here runtime/index.js gets stand-ins that load the real module on
// their first call, so a program that does serialize a function gets the real thing, only later.
// test/synth/lazy-closure.test.ts checks these names against the real modules of the installed SDK.
"use strict";
const Module = require("module");
const path = require("path");

/** What runtime/index.js (@pulumi/pulumi 3.270.0) takes from each module it loads at import. */
const DEFERRED = {
    "./closure/serializeClosure": ["serializeFunction", "serializeFunctionAsync"],
    "./closure/codePaths": ["computeCodePaths"],
};
const RUNTIME_INDEX = path.join("@pulumi", "pulumi", "runtime", "index.js");

const load = Module._load;
Module._load = function (request, parent, isMain) {
    const names = Object.prototype.hasOwnProperty.call(DEFERRED, request) ? DEFERRED[request] : undefined;
    if (names === undefined || parent === undefined || parent === null || !parent.filename.endsWith(RUNTIME_INDEX)) {
        return load.apply(this, arguments);
    }
    let real;
    const module = () => (real ??= load.call(this, request, parent, isMain));
    return Object.fromEntries(names.map((name) => [name, (...args) => module()[name](...args)]));
};

module.exports = { DEFERRED };
