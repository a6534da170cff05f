// `npm run verify` as a user runs it: npm itself as a child process, with the arguments README types,
// the way into the CLI (package.json's script, scripts/launch.cjs, tsx's CommonJS hook, the modules
// main.ts loads lazily) included. Every process starts when this file loads (see startProcess), so they
// run beside the rest of the suite; the tests await them.
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PROJECT_DIR } from "../../stacks/stack-file";
import { loadStack } from "../../verify/stack";
import { startNpmScript } from "../harness";
import { WallClock, serveFakeCluster } from "./api-server";
import { FakeCluster } from "./fake-cluster";
import { writeKubeconfig } from "./kubeconfig";
import { HPA } from "./run-harness";

const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), "zde-npm-run-verify-"));

/**
 * The environment of a laptop with no cluster configured and no AWS credentials: no KUBECONFIG, a home
 * without ~/.kube/config or ~/.aws, no in-cluster service account, and no EC2 instance metadata to ask.
 * npm's update notice, which would check from the fresh home and print on stderr, is off.
 */
function laptopEnv(): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: tempDir(), npm_config_update_notifier: "false" };
    for (const name of Object.keys(env).filter((n) => n === "KUBECONFIG" || n.startsWith("KUBERNETES_") || n.startsWith("AWS_"))) {
        delete env[name];
    }
    env.AWS_EC2_METADATA_DISABLED = "true";
    return env;
}

/** A kubeconfig whose context names the stack's EKS cluster, for `server`. */
const kubeconfigFor = (server: string): string => writeKubeconfig(server, loadStack("dev").cluster.name);

const verify = (...args: string[]) => startNpmScript("verify", args, { cwd: PROJECT_DIR, env: laptopEnv() });
const missing = path.join(os.tmpdir(), "zde-npm-run-verify-no-such-dir");
// Nothing listens on port 1 of the loopback address: the connection is refused at once.
const UNREACHABLE = "https://127.0.0.1:1";

const runs = {
    noKubeconfig: verify("--stack", "dev"),
    unknownStack: verify("--stack", "nope"),
    missingStackDir: verify("--stack", "dev", "--stack-dir", missing),
    htmlIntoMissingDir: verify("--stack", "dev", "--html", path.join(missing, "report.html")),
    unreachable: verify("--stack", "dev", "--kubeconfig", kubeconfigFor(UNREACHABLE)),
};

/**
 * The dev stack's app as `pulumi up` leaves it (HPA 4–12, the Istio gateway behind the entrypoint ALB,
 * the locustfile), served over HTTP; one phase, the baseline, for its shortest --baseline: the CLI
 * runs on the wall clock. Every phase of a run is covered on the fake clock (run.test.ts and the
 * simulated run behind README's sample report).
 */
const reports = tempDir();
const fullRun = (async () => {
    const cluster = new FakeCluster(new WallClock(), { hpa: HPA, gateway: true });
    const server = await serveFakeCluster(cluster);
    try {
        const run = await verify(
            "--stack",
            "dev",
            "--kubeconfig",
            kubeconfigFor(server.url),
            "--phases",
            "baseline",
            "--baseline",
            "10",
            "--html",
            path.join(reports, "verify.html"),
            "--json",
            path.join(reports, "verify.json"),
        );
        return { run, cluster, server };
    } finally {
        await server.close();
    }
})();

/**
 * stderr without Node's own process warnings ("(node:PID) Warning: ..." up to its "(Use `node
 * --trace-warnings ...`" line): the AWS SDK warns on Node < 22, which package.json's engines excludes.
 */
function ownStderr(run: { stderr: string }): string {
    return run.stderr.replace(/^\(node:\d+\) [\s\S]*?\(Use `node --trace-warnings \.\.\.` to show where the warning was created\)\n/gm, "");
}

/** The one line a run prints on stderr (npm adds nothing there): no stack trace. */
function errorLine(run: { stderr: string }): string {
    const lines = ownStderr(run)
        .split("\n")
        .filter((l) => l.trim() !== "");
    assert.equal(lines.length, 1, `one line on stderr, got:\n${run.stderr}`);
    assert.doesNotMatch(run.stderr, /\n\s+at |ERR_MODULE_NOT_FOUND/, "no stack trace");
    return lines[0];
}

describe("issue 21.1: npm run verify, spawned as README types it, starts and reaches its real work", () => {
    it("issue 21.1: no kubeconfig anywhere: exit 2 and one line saying how to give one", async () => {
        const run = await runs.noKubeconfig;
        assert.equal(errorLine(run), "verify: no kubeconfig: pass --kubeconfig <file>, set KUBECONFIG, or write ~/.kube/config");
        assert.equal(run.status, 2);
    });

    it("issue 21.1: an unknown stack: exit 2 and one line naming the known ones", async () => {
        const run = await runs.unknownStack;
        assert.equal(errorLine(run), "verify: No stack file Pulumi.nope.yaml; known stacks: dev, prod, staging");
        assert.equal(run.status, 2);
    });

    it("issue 21.1: a --stack-dir that does not exist: exit 2 and one line", async () => {
        const run = await runs.missingStackDir;
        assert.equal(errorLine(run), `verify: --stack-dir ${missing} is not a directory`);
        assert.equal(run.status, 2);
    });

    it("issue 21.1: --html into a directory that does not exist: exit 2 and one line, before any cluster is asked", async () => {
        const run = await runs.htmlIntoMissingDir;
        assert.equal(
            errorLine(run),
            `verify: --html ${path.join(missing, "report.html")}: the directory ${missing} does not exist (npm run verify -- --help)`,
        );
        assert.equal(run.status, 2);
    });

    it("issue 21.1: an API server nobody answers at: exit 2 and one line naming it and the refused connection", async () => {
        const run = await runs.unreachable;
        assert.match(
            errorLine(run),
            /^verify: cannot use the Kubernetes API at https:\/\/127\.0\.0\.1:1 \(read Ingress istio-ingress\/platform-entrypoint\): .*ECONNREFUSED/,
        );
        assert.equal(run.status, 2);
    });

    it("issue 21.1: a full run against a stand-in API server over HTTP: Locust's Job created, read and deleted, the reports written, PASS, exit 0", async () => {
        const { run, cluster, server } = await fullRun;
        assert.equal(ownStderr(run), "", "nothing on stderr");
        assert.equal(run.status, 0, run.stdout);
        const lines = run.stdout.split("\n");
        assert.deepEqual(
            lines.filter((l) => l.startsWith("PASS") || l.startsWith("FAIL")),
            ["PASS: 5,871 requests over 1 phases, not one failed"],
        );
        assert.ok(
            lines.includes(
                `verify: stack dev, app web/web, cluster ${server.url}, load against http://k8s-istioing-platform-0123456789.ap-northeast-2.elb.amazonaws.com (through the ALB of Ingress istio-ingress/platform-entrypoint)`,
            ),
            run.stdout,
        );
        // No AWS credentials on this laptop: the calibration's ALB half is skipped with one line (elb.ts loaded the SDK).
        assert.ok(
            lines.some((l) => /^verify: calibration: no AWS credentials, so ALB target timings are skipped/.test(l)),
            run.stdout,
        );
        assert.deepEqual(server.unknown, [], "every request had a route");
        assert.deepEqual(
            cluster.mutations().map((c) => c.method),
            ["createJob", "deleteJob"],
        );
        const json = JSON.parse(fs.readFileSync(path.join(reports, "verify.json"), "utf8"));
        assert.equal(json.exitCode, 0);
        assert.match(fs.readFileSync(path.join(reports, "verify.html"), "utf8"), /<h1>Zero-downtime verify: stack dev<\/h1>/);
        assert.ok(lines.includes(`verify: wrote the HTML report to ${path.join(reports, "verify.html")}`));
    });
});
