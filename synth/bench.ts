// `npm run bench`: `npm run synth -- --stack dev` against the floor of merely importing the five
// Pulumi SDKs with plain `node`, each in a fresh process (what a user pays), median of several runs.
// Also timed: the same script without npm in front, to show npm's own share, and the import floor
// with Pulumi's closure serializer deferred as the synth defers it (synth/lazy-closure.cjs), to show
// the synth's own overhead over the SDK code it does load.
// Target: `npm run synth` ≤ 1.5 × the import floor. A benchmark, not a test: not part of `npm test`.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PROJECT_DIR } from "../stacks/stack-file";
import { npmScriptArgs } from "../scripts/npm-scripts";

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const TARGET_RATIO = 1.5;
/** The floor: what it costs plain `node` to import the five Pulumi SDK packages the program is built on. */
const SDKS = ["@pulumi/pulumi", "@pulumi/aws", "@pulumi/eks", "@pulumi/kubernetes", "@pulumi/awsx"];

function timeOnce(command: string, args: string[]): number {
    const start = process.hrtime.bigint();
    const run = spawnSync(command, args, { cwd: PROJECT_DIR, encoding: "utf8" });
    if (run.status !== 0) {
        throw new Error(`${command} ${args.join(" ")} failed:\n${run.stderr}`);
    }
    return Number(process.hrtime.bigint() - start) / 1e6;
}

function median(values: number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)];
}

const USAGE = [
    "usage: npm run bench",
    "",
    "Times `npm run synth -- --stack dev` against plain `node` importing the five Pulumi SDKs (the floor),",
    `median of ${RUNS} interleaved runs each (BENCH_RUNS=<n> to change); exits 1 when the ratio is over ${TARGET_RATIO}.`,
].join("\n");

export function main(argv: string[] = []): number {
    if (argv.length === 1 && ["--help", "-h"].includes(argv[0])) {
        console.log(USAGE);
        return 0;
    }
    if (argv.length > 0) {
        console.error(`bench: unexpected argument ${JSON.stringify(argv[0])}: npm run bench takes none (npm run bench -- --help)`);
        return 2;
    }
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "zde-bench-"));
    const synthArgs = ["--stack", "dev", "--out", out];
    const series = {
        floor: [] as number[],
        deferred: [] as number[],
        npm: [] as number[],
        direct: [] as number[],
    };
    // Interleaved, so a noisy neighbour slows every series alike.
    for (let i = 0; i < RUNS; i++) {
        const importAll = SDKS.map((s) => `require(${JSON.stringify(s)});`).join("");
        series.floor.push(timeOnce(process.execPath, ["-e", importAll]));
        series.deferred.push(
            timeOnce(process.execPath, ["--require", path.join(PROJECT_DIR, "synth", "lazy-closure.cjs"), "-e", importAll]),
        );
        series.npm.push(timeOnce("npm", ["run", "-s", "synth", "--", ...synthArgs]));
        series.direct.push(timeOnce(process.execPath, [...npmScriptArgs(PROJECT_DIR, "synth"), ...synthArgs]));
    }
    const floor = median(series.floor);
    const ratio = median(series.npm) / floor;
    const line = (label: string, values: number[]) =>
        console.log(
            `${label.padEnd(40)} median ${median(values).toFixed(0)} ms (${(median(values) / floor).toFixed(2)}×) over ${RUNS} runs`,
        );
    line("node: import the 5 SDKs (floor)", series.floor);
    line("the same, closure serializer deferred", series.deferred);
    line("npm run synth -- --stack dev", series.npm);
    line("the synth script without npm", series.direct);
    console.log(`ratio: ${ratio.toFixed(2)} (target ≤ ${TARGET_RATIO}) ${ratio <= TARGET_RATIO ? "OK" : "OVER TARGET"}`);
    console.log(`against the deferred floor: ${(median(series.npm) / median(series.deferred)).toFixed(2)}`);
    return ratio <= TARGET_RATIO ? 0 : 1;
}
