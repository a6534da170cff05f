import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { DEFAULTS, USAGE, UsageError, parseArgs } from "../../verify/args";

describe("verify arguments", () => {
    it("needs only --stack; the load has defaults", () => {
        assert.deepEqual(parseArgs(["--stack", "dev"]), { ...DEFAULTS, stack: "dev", nodeReplace: false, force: false, help: false });
        assert.equal(parseArgs(["-s", "prod"]).stack, "prod");
    });

    it("reads every flag, as `--flag value` or `--flag=value`", () => {
        const args = parseArgs([
            "--stack=staging",
            "--kubeconfig",
            "/tmp/kc.json",
            "--context",
            "aws",
            "--users=80",
            "--spawn-rate",
            "20",
            "--duration",
            "420",
            "--baseline",
            "30",
            "--scale-in-to",
            "2",
            "--host",
            "http://k8s-istioing-platform-0123.ap-northeast-2.elb.amazonaws.com",
            "--phases",
            "node-drain,scale-out",
            "--node-replace",
            "--force",
            "--step-users=240",
            "--json",
            "/tmp/report.json",
            "--html=/tmp/report.html",
            "--stack-dir",
            "/tmp/stacks",
        ]);
        assert.deepEqual(args, {
            stack: "staging",
            kubeconfig: "/tmp/kc.json",
            context: "aws",
            users: 80,
            spawnRate: 20,
            durationSeconds: 420,
            baselineSeconds: 30,
            scaleInTo: 2,
            host: "http://k8s-istioing-platform-0123.ap-northeast-2.elb.amazonaws.com",
            phases: ["node-drain", "scale-out"],
            nodeReplace: true,
            force: true,
            stepUsers: 240,
            json: "/tmp/report.json",
            html: "/tmp/report.html",
            stackDir: "/tmp/stacks",
            help: false,
        });
    });

    const refused: [string[], RegExp][] = [
        [[], /--stack is required/],
        [["--users", "10"], /--stack is required/],
        [["--stack", "dev", "--frobnicate"], /unknown argument "--frobnicate"/],
        [["--stack", "dev", "extra"], /unknown argument "extra"/],
        [["--stack"], /--stack needs a value/],
        [["--stack", "--users", "5"], /--stack needs a value/],
        [["--stack", "dev", "--users", "many"], /--users must be a whole number from 1 to 5000; got "many"/],
        [["--stack", "dev", "--duration", "10"], /--duration must be a whole number from 60/],
        [["--stack", "dev", "--users", "-3"], /--users must be a whole number/],
        [["--stack", "dev", "--host", "web.web.svc"], /--host must be an http\(s\) URL/],
        [["--stack", "dev", "--node-replace=yes"], /--node-replace takes no value/],
        [["--stack", "dev", "--blue-green"], /unknown argument "--blue-green"/],
        [
            ["--stack", "dev", "--phases", "rollout,drain"],
            /--phases: unknown phase "rollout", "drain"; expected some of baseline, rollout-restart, scale-in, scale-out, node-drain, gateway-restart, blue-green/,
        ],
        [["--stack", "dev", "--phases", "scale-in,scale-in"], /--phases: scale-in is named twice/],
        [["--stack", "dev", "--phases", ""], /--phases: unknown phase ""/],
        [
            ["--stack", "dev", "--users", "100", "--step-users", "100"],
            /--step-users must be more than --users \(100\) to be a step; got 100/,
        ],
        [
            ["--stack", "dev", "--phases", "scale-in", "--node-replace"],
            /--node-replace acts in the node-drain phase, which --phases leaves out/,
        ],
        [["--stack", "dev", "--phases", "baseline", "--force"], /--force acts in the node-drain phase, which --phases leaves out/],
        [["--stack", "dev", "--force=yes"], /--force takes no value/],
    ];
    for (const [argv, message] of refused) {
        it(`refuses ${JSON.stringify(argv)}`, () => {
            assert.throws(
                () => parseArgs(argv),
                (err: Error) => err instanceof UsageError && message.test(err.message),
            );
        });
    }

    it("--help needs no stack, and the usage lists every flag", () => {
        assert.equal(parseArgs(["--help"]).help, true);
        for (const flag of [
            "--stack",
            "--kubeconfig",
            "--context",
            "--host",
            "--users",
            "--spawn-rate",
            "--duration",
            "--baseline",
            "--scale-in-to",
            "--step-users",
            "--phases",
            "--node-replace",
            "--force",
            "--json",
            "--html",
        ]) {
            assert.match(USAGE, new RegExp(`^  ${flag} `, "m"));
        }
        // Every phase, with what it needs from the stack.
        for (const phase of ["baseline", "rollout-restart", "scale-in", "scale-out", "node-drain", "gateway-restart", "blue-green"]) {
            // What it does, in words, before anything it needs in parentheses.
            assert.match(USAGE, new RegExp(`^  ${phase} +[a-z]`, "m"));
        }
        assert.match(USAGE, /^ {2}gateway-restart .*\(stacks with addons\.istio\.enabled\)$/m);
        assert.match(USAGE, /^exit status: 0 proven, 1 not proven .* 2 bad input or preflight refused, 130 interrupted$/m);
        assert.match(
            USAGE,
            /^ {2}--host +URL Locust loads \(default: the app's public URL: https:\/\/<domain> on a stack with zero-downtime-eks:domain, else http:\/\/ \+ the ALB hostname of the Ingress in front of the app/m,
        );
        assert.doesNotMatch(USAGE, /targetHost/);
    });
});
