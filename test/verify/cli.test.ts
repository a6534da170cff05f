import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as http from "node:http";
import { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { PROJECT_DIR } from "../../stacks/stack-file";
import { main } from "../../verify/main";
import { DOMAIN, runMain, startProcess } from "../harness";
import { npmScriptArgs } from "../../scripts/npm-scripts";
import { writeKubeconfig } from "./kubeconfig";

// A KUBECONFIG that does not exist: a test that forgot --kubeconfig fails instead of reaching a real cluster.
const ENV = { ...process.env, KUBECONFIG: path.join(os.tmpdir(), "zde-verify-no-such-kubeconfig") };

/** The CLI as a process, started as `npm run verify` starts it, when this file loads (see startProcess). */
const unknownFlagRun = startProcess([...npmScriptArgs(PROJECT_DIR, "verify"), "--stack", "dev", "--replicas", "3"], {
    cwd: PROJECT_DIR,
    env: ENV,
});

/** The CLI's main() in this process, with the same environment as a spawned run. */
async function runVerify(...args: string[]): Promise<{ status: number; stdout: string; stderr: string; seconds: number }> {
    const started = Date.now();
    const saved = process.env.KUBECONFIG;
    process.env.KUBECONFIG = ENV.KUBECONFIG;
    try {
        return { ...(await runMain(() => main(args))), seconds: (Date.now() - started) / 1000 };
    } finally {
        process.env.KUBECONFIG = saved;
        // main() listens for SIGINT and SIGTERM to restore the app; a process that stays must not keep them.
        process.removeAllListeners("SIGINT");
        process.removeAllListeners("SIGTERM");
    }
}
const runVerifyAsync = runVerify;

/** A stand-in API server on the loopback address: `answer` gives the status and body of each GET path. */
async function apiServer(answer: (url: string) => { status: number; body: unknown }): Promise<{ url: string; close: () => void }> {
    const server = http.createServer((req, res) => {
        const { status, body } = answer(req.url ?? "");
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}

const ENTRYPOINT_PATH = "/apis/networking.k8s.io/v1/namespaces/istio-ingress/ingresses/platform-entrypoint";
const ALB = "k8s-istioing-platform-0123456789.ap-northeast-2.elb.amazonaws.com";
const status = (code: number, message: string) => ({ status: code, body: { kind: "Status", status: "Failure", message, code } });

/** The entrypoint Ingress has its ALB; every other read answers HTTP 500, so verify stops before any change. */
const albReadyElse500 = (url: string) =>
    url.startsWith(ENTRYPOINT_PATH)
        ? { status: 200, body: { metadata: { name: "platform-entrypoint" }, status: { loadBalancer: { ingress: [{ hostname: ALB }] } } } }
        : status(500, "etcdserver: request timed out");

/** The one line a bad input gets on stderr. */
function errorLine(run: { stderr: string }): string {
    const lines = run.stderr.split("\n").filter((l) => l.trim() !== "" && !/^npm warn/i.test(l));
    assert.equal(lines.length, 1, `one line on stderr, got:\n${run.stderr}`);
    assert.doesNotMatch(run.stderr, /\n\s+at /, "no stack trace");
    return lines[0];
}

describe("npm run verify: bad input is one line and exit code 2", () => {
    it("a kubeconfig that does not exist", async () => {
        const run = await runVerify("--stack", "dev", "--kubeconfig", path.join(os.tmpdir(), "zde-verify-missing", "kubeconfig"));
        assert.equal(run.status, 2);
        assert.match(errorLine(run), /^verify: no kubeconfig at /);
    });

    it("an unknown flag, and a missing --stack (as a process: its exit status and its one line)", async () => {
        const unknown = await unknownFlagRun;
        assert.equal(unknown.status, 2);
        assert.match(errorLine(unknown), /^verify: unknown argument "--replicas" \(npm run verify -- --help\)$/);
        const missing = await runVerify("--users", "10");
        assert.equal(missing.status, 2);
        assert.match(errorLine(missing), /^verify: --stack is required/);
    });

    it("[#14] an unknown phase, a phase the stack cannot run (a report directory that does not exist: npm-run-verify.test.ts)", async () => {
        const unknown = await runVerify("--stack", "dev", "--phases", "drain");
        assert.equal(unknown.status, 2);
        assert.match(
            errorLine(unknown),
            /^verify: --phases: unknown phase "drain"; expected some of baseline, .* \(npm run verify -- --help\)$/,
        );
        const refused = await runVerify("--stack", "dev", "--phases", "blue-green");
        assert.equal(refused.status, 2);
        assert.equal(errorLine(refused), "verify: stack dev: blue-green needs zero-downtime-eks:app.blueGreen.enabled");
    });

    it("an API server answering HTTP 500 while verify inspects the app: nothing was changed, so exit 2", async () => {
        const api = await apiServer(albReadyElse500);
        try {
            const run = await runVerifyAsync("--stack", "dev", "--kubeconfig", writeKubeconfig(api.url));
            assert.equal(run.status, 2, run.stderr);
            assert.equal(
                errorLine(run),
                `verify: cannot use the Kubernetes API at ${api.url}: read Service web/web: HTTP 500: etcdserver: request timed out; nothing was changed`,
            );
            // The load goes through the ALB in front of the app, and the startup line says so.
            assert.match(
                run.stdout,
                new RegExp(
                    `^verify: stack dev, app web/web, cluster ${api.url}, load against http://${ALB} \\(through the ALB of Ingress istio-ingress/platform-entrypoint\\)$`,
                    "m",
                ),
            );
        } finally {
            api.close();
        }
    });

    it("issue 21.2: a stack with a domain: the startup line says the load goes to https://<domain>, through the ALB", async () => {
        const stackDir = fs.mkdtempSync(path.join(os.tmpdir(), "zde-verify-domain-"));
        const { hostedZoneId, hostName } = DOMAIN["zero-downtime-eks:domain"];
        fs.writeFileSync(
            path.join(stackDir, "Pulumi.dev.yaml"),
            `${fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.dev.yaml"), "utf8")}\n    zero-downtime-eks:domain:\n        hostedZoneId: ${hostedZoneId}\n        hostName: ${hostName}\n`,
        );
        const api = await apiServer(albReadyElse500);
        try {
            const run = await runVerifyAsync("--stack", "dev", "--stack-dir", stackDir, "--kubeconfig", writeKubeconfig(api.url));
            assert.equal(run.status, 2, run.stderr);
            assert.match(
                run.stdout,
                new RegExp(
                    `^verify: stack dev, app web/web, cluster ${api.url}, load against https://shop\\.example\\.com \\(the stack's domain \\(zero-downtime-eks:domain\\.hostName\\) over HTTPS, as clients reach it: through the ALB of Ingress istio-ingress/platform-entrypoint, ${ALB.replace(/\./g, "\\.")}\\)$`,
                    "m",
                ),
            );
        } finally {
            api.close();
        }
    });

    it("the ALB's Ingress has no hostname yet, or the API answers HTTP 500 to its read: one line naming it", async () => {
        let answer = { status: 200, body: { metadata: { name: "platform-entrypoint" }, status: { loadBalancer: {} } } as unknown };
        const api = await apiServer((url) => (url.startsWith(ENTRYPOINT_PATH) ? answer : status(404, "not found")));
        try {
            const kubeconfig = writeKubeconfig(api.url);
            const pending = await runVerifyAsync("--stack", "dev", "--kubeconfig", kubeconfig);
            assert.equal(pending.status, 2, pending.stderr);
            assert.match(
                errorLine(pending),
                /^verify: Ingress istio-ingress\/platform-entrypoint has no ALB hostname yet .*or pass --host <url>$/,
            );
            answer = status(500, "etcdserver: leader changed");
            const failing = await runVerifyAsync("--stack", "dev", "--kubeconfig", kubeconfig);
            assert.equal(failing.status, 2, failing.stderr);
            assert.match(
                errorLine(failing),
                /^verify: cannot use the Kubernetes API at .*: read Ingress istio-ingress\/platform-entrypoint: HTTP 500: etcdserver: leader changed; nothing was changed$/,
            );
        } finally {
            api.close();
        }
    });
});
