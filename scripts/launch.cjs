// Starts a TypeScript entry point: `node scripts/launch.cjs <entry.ts> [args]` registers tsx for
// CommonJS, calls the entry's exported `main(argv)` and exits with the status it returns.
//
// Why not `node --import tsx <entry.ts>`: that also starts tsx's ES-module loader on its own thread,
// which costs about 0.25 s before the first line runs (verify --help: 0.40 s → 0.15 s here). The
// project is CommonJS (tsconfig "module": "nodenext" without "type": "module"), so the CommonJS
// hook is all it needs, as long as no entry loads a project module with import(): Node's ES-module
// loader behind import() does not know this hook and finds no `./x.js` beside `x.ts` (issue 21:
// verify crashed that way). The CLIs load their lazy modules with require() instead.
//
// Anything the entry did not handle ends the process with one line naming the entry and the error,
// exit status 1, never a stack trace: the CLIs' users read it, not a debugger.
"use strict";
const path = require("node:path");

require("tsx/cjs/api").register();

const [entry, ...argv] = process.argv.slice(2);
if (!entry) {
    console.error("usage: node scripts/launch.cjs <entry.ts> [args]");
    process.exit(2);
}

/** The error's first line: `Name: message` for an Error (its code too when it has one), the value otherwise. */
function oneLine(err) {
    const text = err instanceof Error ? `${err.name}${err.code ? ` [${err.code}]` : ""}: ${err.message}` : String(err);
    return text.split("\n")[0];
}

function unexpected(err) {
    console.error(`${entry}: unexpected error: ${oneLine(err)}`);
    process.exit(1);
}

// A throw from a callback or a rejection nobody awaited would otherwise print Node's own stack trace.
process.on("uncaughtException", unexpected);
process.on("unhandledRejection", unexpected);

Promise.resolve()
    .then(() => require(path.resolve(entry)).main(argv))
    .then((code) => process.exit(code), unexpected);
