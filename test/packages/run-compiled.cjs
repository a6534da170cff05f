// Runs a team's compiled program the way `pulumi up` would, with plain Node: `node run-compiled.cjs
// <project dir> <stack>`. The synth engine (TypeScript, loaded with tsx) first evaluates the platform
// for the stack; then tsx is unregistered, so the team's program and the package it installed are
// loaded by Node's own require, with no TypeScript hook (a package that ships .ts fails here as it
// fails under Pulumi). Prints one JSON line: what the team's program registered and its outputs.
"use strict";
const path = require("node:path");
const { createRequire } = require("node:module");

const [projectDir, stack] = process.argv.slice(2);
const unregister = require("tsx/cjs/api").register();
const engine = require(path.join(__dirname, "..", "..", "synth", "engine.ts"));

async function main() {
    const platform = await engine.synthesize({ stack });
    unregister();
    const config = engine.readStackConfig(stack, projectDir, projectDir);
    const platformStack = config["team-service:platformStack"];
    const team = await engine.synthesize({
        stack,
        projectDir,
        config,
        references: { [platformStack]: platform.outputs },
        // What the platform created (its namespaces, Istio's CRDs) exists before the team's program runs.
        referencedResources: { [platformStack]: platform.resources },
        // Node's own require, from the program's directory.
        load: (entry) => createRequire(entry)(entry),
    });
    const tsHook = typeof require.extensions[".ts"];
    process.stdout.write(
        JSON.stringify({
            tsHookWhileRunning: tsHook,
            platformOutputs: platform.outputs,
            resources: team.resources,
            outputs: team.outputs,
            secretOutputs: team.secretOutputs,
            loaded: Object.keys(require.cache).filter((f) =>
                f.includes(`${path.sep}node_modules${path.sep}zero-downtime-eks-service${path.sep}`),
            ),
        }) + "\n",
    );
}

main().then(
    () => process.exit(0),
    (err) => {
        console.error(err instanceof Error ? err.stack : String(err));
        process.exit(1);
    },
);
