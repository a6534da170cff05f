import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PROJECT_DIR } from "../../../tools/mocks";

// Nothing listens on port 1 of the loopback address: the connection is refused at once.
const UNREACHABLE = "https://127.0.0.1:1";

function runVerify(...args: string[]) {
    const tsx = path.join(PROJECT_DIR, "node_modules", ".bin", "tsx");
    const started = Date.now();
    // A KUBECONFIG that does not exist: a test that forgot --kubeconfig fails instead of reaching a real cluster.
    const env = { ...process.env, KUBECONFIG: path.join(os.tmpdir(), "zde-verify-no-such-kubeconfig") };
    const run = spawnSync(tsx, [path.join(PROJECT_DIR, "tools", "verify.ts"), ...args], {
        encoding: "utf8",
        cwd: PROJECT_DIR,
        env,
        timeout: 60_000,
    });
    return { ...run, seconds: (Date.now() - started) / 1000 };
}

/** The one line a bad input gets on stderr. */
function errorLine(run: { stderr: string }): string {
    const lines = run.stderr.split("\n").filter((l) => l.trim() !== "" && !/^npm warn/i.test(l));
    assert.equal(lines.length, 1, `one line on stderr, got:\n${run.stderr}`);
    assert.doesNotMatch(run.stderr, /\n\s+at /, "no stack trace");
    return lines[0];
}

describe("npm run verify: bad input is one line and exit code 2", () => {
    it("no cluster reachable: fails fast, naming the server", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zde-verify-kc-"));
        const kubeconfig = path.join(dir, "kubeconfig.yaml");
        fs.writeFileSync(
            kubeconfig,
            [
                "apiVersion: v1",
                "kind: Config",
                "clusters:",
                "  - name: nowhere",
                `    cluster: { server: "${UNREACHABLE}" }`,
                "users:",
                "  - name: nobody",
                "    user: { token: not-a-real-token }",
                "contexts:",
                "  - name: nowhere",
                "    context: { cluster: nowhere, user: nobody }",
                "current-context: nowhere",
            ].join("\n"),
        );
        const run = runVerify("--stack", "dev", "--kubeconfig", kubeconfig);
        assert.equal(run.status, 2, run.stderr);
        assert.match(errorLine(run), /^verify: cannot use the Kubernetes API at https:\/\/127\.0\.0\.1:1 .*ECONNREFUSED/);
        assert.ok(run.seconds < 30, `took ${run.seconds} s`);
    });

    it("a kubeconfig that does not exist", () => {
        const run = runVerify("--stack", "dev", "--kubeconfig", path.join(os.tmpdir(), "zde-verify-missing", "kubeconfig"));
        assert.equal(run.status, 2);
        assert.match(errorLine(run), /^verify: no kubeconfig at /);
    });

    it("an unknown stack", () => {
        const run = runVerify("--stack", "nope");
        assert.equal(run.status, 2);
        assert.equal(errorLine(run), "verify: No stack file Pulumi.nope.yaml; known stacks: dev, prod, staging");
    });

    it("an unknown flag, and a missing --stack", () => {
        const unknown = runVerify("--stack", "dev", "--replicas", "3");
        assert.equal(unknown.status, 2);
        assert.match(errorLine(unknown), /^verify: unknown argument "--replicas" \(npm run verify -- --help\)$/);
        const missing = runVerify("--users", "10");
        assert.equal(missing.status, 2);
        assert.match(errorLine(missing), /^verify: --stack is required/);
    });
});
