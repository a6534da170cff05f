// docs/verify.md's sample of `npm run verify`: what the command prints and the HTML report it writes, produced
// offline by a full simulated run of the dev stack. The same code as the CLI past its kubeconfig
// (verify/command.ts: target, phases, summary, reports) runs every phase the dev stack has against the
// fake cluster on a fake clock, with ELBv2 target health answered from the fake's target groups and
// Locust's output synthesized (simulated-locust.ts). The page says, at its top, that it is simulated.
//
// `npm run verify:sample` rewrites docs/samples/; test/verify/sample.test.ts fails when they are stale.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PROJECT_DIR } from "../../stacks/stack-file";
import { parseArgs } from "../../verify/args";
import { verifyPlan } from "../../verify/command";
import { loadStack, planFor } from "../../verify/stack";
import { FakeCluster, FakeClock } from "./fake-cluster";
import { mockedElb } from "./run-harness";
import { PER_USER_PER_S, simulatedLocustLog } from "./simulated-locust";

export const SAMPLE_DIR = path.join(PROJECT_DIR, "docs", "samples");
export const SAMPLE_FILES = { html: "verify-report.html", output: "verify-output.txt" } as const;

/** The command README shows: the kubeconfig `pulumi stack output kubeconfig` wrote, and the HTML report. */
export const SAMPLE_ARGS = ["--stack", "dev", "--kubeconfig", "/tmp/kubeconfig-dev.json", "--html", "/tmp/verify-dev.html"];

export const SIMULATED =
    "SIMULATED, not a measurement: produced offline by `npm run verify:sample` from a full run of the dev stack's phases " +
    "against the test suite's fake cluster (test/verify/fake-cluster.ts) on a fake clock. Pods, nodes, the HPA, the " +
    "PodDisruptionBudget and the ALB's target health follow the fake's fixed lags; Locust's statistics are synthesized " +
    "(test/verify/simulated-locust.ts: a steady load from the locustfile's think time, a constant latency, no failures). " +
    "It shows what a report looks like.";

/** A progress line ("  [phase]   15 s ..."): printed every 15 s of a run, left out of the page's copy. */
export const PROGRESS_LINE = /^ {2}\[[a-z-]+\] +\d+ s/;

/** Runs the simulation; returns the page and what the command printed, as a user would see them. */
export async function simulatedRun(): Promise<{ html: string; output: string }> {
    const settings = loadStack("dev");
    const args = parseArgs(SAMPLE_ARGS);
    const clock = new FakeClock();
    const cluster = new FakeCluster(clock, {
        hpa: { minReplicas: settings.app.replicas, maxReplicas: settings.app.autoscaling.maxReplicas },
        replicas: settings.app.replicas,
        gateway: true,
        jobLog: simulatedLocustLog,
        userRps: PER_USER_PER_S,
        // The shape of an EKS endpoint (https://<id>.gr7.<region>.eks.amazonaws.com).
        server: `https://0123456789ABCDEF0123456789ABCDEF.gr7.${settings.region}.eks.amazonaws.com`,
    });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zde-verify-sample-"));
    const html = path.join(dir, path.basename(args.html ?? ""));
    const lines: string[] = [];
    const status = await verifyPlan(
        settings,
        planFor(settings, args),
        { html, notice: SIMULATED },
        {
            client: cluster,
            clock,
            print: (line) => lines.push(line.split(dir).join(path.dirname(args.html ?? ""))),
            onInterrupt: () => () => undefined,
            runId: "m5x2k9a1",
            targetHealth: () => Promise.resolve(mockedElb(cluster).elb),
        },
    );
    if (status !== 0) {
        throw new Error(`the simulated run did not pass (exit ${status}):\n${lines.join("\n")}`);
    }
    const page = fs.readFileSync(html, "utf8");
    fs.rmSync(dir, { recursive: true });
    return { html: page, output: [`$ npm run verify -- ${SAMPLE_ARGS.join(" ")}`, ...lines, ""].join("\n") };
}

/** The page that shows the output. */
export const SAMPLE_PAGE = path.join(PROJECT_DIR, "docs", "verify.md");

/** Where the page's copy of the output starts: the fenced block after this line. */
export const README_MARKER = "<!-- verify:sample output -->";

/** The output as docs/verify.md shows it: without the progress lines. */
export function readmeBlock(output: string): string {
    const shown = output
        .split("\n")
        .filter((l) => !PROGRESS_LINE.test(l))
        .join("\n");
    return `${README_MARKER}\n\n\`\`\`\n${shown}\`\`\``;
}

/** The page with the fenced block after the marker replaced by `block`. */
export function withReadmeBlock(readme: string, block: string): string {
    const start = readme.indexOf(README_MARKER);
    const open = readme.indexOf("```\n", start);
    const close = readme.indexOf("```", open + 4);
    if (start < 0 || open < 0 || close < 0) {
        throw new Error(`docs/verify.md has no fenced block after ${README_MARKER}`);
    }
    return readme.slice(0, start) + block + readme.slice(close + 3);
}

/** `npm run verify:sample`: rewrites docs/samples/ and docs/verify.md's block from the simulated run. */
export async function main(argv: string[]): Promise<number> {
    if (argv.length > 0) {
        console.error(`verify:sample takes no arguments; got ${JSON.stringify(argv[0])}`);
        return 2;
    }
    const { html, output } = await simulatedRun();
    fs.mkdirSync(SAMPLE_DIR, { recursive: true });
    fs.writeFileSync(path.join(SAMPLE_DIR, SAMPLE_FILES.html), html);
    fs.writeFileSync(path.join(SAMPLE_DIR, SAMPLE_FILES.output), output);
    fs.writeFileSync(SAMPLE_PAGE, withReadmeBlock(fs.readFileSync(SAMPLE_PAGE, "utf8"), readmeBlock(output)));
    console.log(`wrote docs/samples/${SAMPLE_FILES.html}, docs/samples/${SAMPLE_FILES.output} and docs/verify.md's sample block`);
    return 0;
}
