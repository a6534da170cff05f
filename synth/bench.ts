// `npm run bench`: the offline synth of the dev stack against the floor of merely importing the
// five Pulumi SDKs, each in a fresh process (what a user pays), median of several runs.
// Target: synth ≤ 1.5 × the import floor. A benchmark, not a test: it is not part of `npm test`.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PROJECT_DIR } from "./engine";

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const TARGET_RATIO = 1.5;
const SDKS = ["@pulumi/pulumi", "@pulumi/aws", "@pulumi/eks", "@pulumi/kubernetes", "@pulumi/awsx"];

function timeOnce(args: string[]): number {
    const start = process.hrtime.bigint();
    const run = spawnSync(process.execPath, ["--import", "tsx", ...args], { cwd: PROJECT_DIR, encoding: "utf8" });
    if (run.status !== 0) {
        throw new Error(`${args.join(" ")} failed:\n${run.stderr}`);
    }
    return Number(process.hrtime.bigint() - start) / 1e6;
}

function median(values: number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)];
}

function main(): number {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "zde-bench-"));
    const floor: number[] = [];
    const synth: number[] = [];
    // Interleaved, so a noisy neighbour slows both series alike.
    for (let i = 0; i < RUNS; i++) {
        floor.push(timeOnce(["-e", SDKS.map((s) => `require(${JSON.stringify(s)});`).join("")]));
        synth.push(timeOnce([path.join("synth", "cli.ts"), "--stack", "dev", "--out", out]));
    }
    const ratio = median(synth) / median(floor);
    console.log(`import floor (5 SDKs): median ${median(floor).toFixed(0)} ms over ${RUNS} runs`);
    console.log(`synth --stack dev:     median ${median(synth).toFixed(0)} ms over ${RUNS} runs`);
    console.log(`ratio: ${ratio.toFixed(2)} (target ≤ ${TARGET_RATIO}) ${ratio <= TARGET_RATIO ? "OK" : "OVER TARGET"}`);
    return ratio <= TARGET_RATIO ? 0 : 1;
}

process.exit(main());
