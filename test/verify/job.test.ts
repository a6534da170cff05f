import { describe, it, before, after } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { LOCUST_NAMESPACE } from "../../components/addons/names";
import {
    DO_NOT_DISRUPT,
    FAILURES_FILE,
    LOCUST_REQUEST_TIMEOUT_S,
    LOCUSTFILE_CONFIG_MAP,
    LOCUST_CONTAINER,
    STATS_FILE,
    extractFile,
    jobScript,
    locustArgs,
    locustJob,
} from "../../verify/job";
import { parseFailuresCsv, parseStatsCsv } from "../../verify/stats";
import { FIXTURES, fixture } from "./fake-cluster";

const LOAD = { users: 50, spawnRate: 10, seconds: 300, host: "http://web.web.svc.cluster.local" };

describe("the Locust Job", () => {
    const job = locustJob({ name: "verify-baseline-t1", load: LOAD, activeDeadlineSeconds: 720 });
    const pod = job.spec?.template.spec;
    const container = pod?.containers[0];

    it("runs in the locust namespace, once, bounded in time", () => {
        assert.equal(job.metadata?.namespace, LOCUST_NAMESPACE);
        assert.equal(job.spec?.backoffLimit, 0);
        assert.equal(job.spec?.activeDeadlineSeconds, 720);
        assert.equal(pod?.restartPolicy, "Never");
        assert.equal(container?.name, LOCUST_CONTAINER);
        assert.equal(container?.image, "locustio/locust:2.32.2");
    });

    it("mounts the addon's locustfile ConfigMap where its command reads it", () => {
        const mount = container?.volumeMounts?.[0];
        const volume = pod?.volumes?.find((v) => v.name === mount?.name);
        assert.equal(volume?.configMap?.name, LOCUSTFILE_CONFIG_MAP.name);
        const args = container?.command ?? [];
        assert.equal(args[args.indexOf("-f") + 1], `${mount?.mountPath}/${LOCUSTFILE_CONFIG_MAP.key}`);
    });

    it("runs Locust headless with the users, spawn rate, run time, host and CSV output asked for", () => {
        const args = locustArgs(LOAD);
        const flag = (name: string) => args[args.indexOf(name) + 1];
        assert.ok(args.includes("--headless"));
        assert.ok(args.includes("--csv-full-history"));
        assert.deepEqual([flag("-u"), flag("-r"), flag("-t"), flag("--host")], ["50", "10", "300s", LOAD.host]);
        assert.equal(`${flag("--csv")}_stats.csv`, STATS_FILE);
        assert.deepEqual(container?.command?.slice(-args.length), args);
    });

    it("issue 21.8: a bigger load is several pods of one Locust process each, all at once", () => {
        const step = locustJob({ name: "verify-step-t1", load: LOAD, pods: 6, activeDeadlineSeconds: 720 });
        assert.deepEqual([step.spec?.parallelism, step.spec?.completions], [6, 6]);
        assert.deepEqual([job.spec?.parallelism, job.spec?.completions], [1, 1]);
    });

    it("issue 21.7: its pod carries karpenter.sh/do-not-disrupt, so Karpenter does not consolidate the node under the load", () => {
        assert.deepEqual(job.spec?.template.metadata?.annotations, { "karpenter.sh/do-not-disrupt": "true" });
        assert.deepEqual(DO_NOT_DISRUPT, { "karpenter.sh/do-not-disrupt": "true" });
    });

    it("issue 21.9: requests in flight when the run time ends are given time to finish (connect + read timeout), so they are counted", () => {
        // The locustfile's own timeout: the number STOP_TIMEOUT_S stands on.
        const locustfile = path.join(__dirname, "..", "..", "components", "addons", "locustfile.py");
        const timeouts = [...fs.readFileSync(locustfile, "utf8").matchAll(/timeout=(\d+)/g)].map((m) => Number(m[1]));
        assert.deepEqual(timeouts, [LOCUST_REQUEST_TIMEOUT_S]);
        const args = locustArgs(LOAD);
        const stop = Number(args[args.indexOf("--stop-timeout") + 1]);
        assert.ok(args.includes("--stop-timeout"), "Locust's default (0) kills users mid-request, and their requests are never recorded");
        assert.ok(stop >= 2 * LOCUST_REQUEST_TIMEOUT_S, `--stop-timeout ${stop}`);
    });
});

describe("the Job's shell script, with a stand-in locust on PATH", () => {
    let bin: string;
    before(() => {
        bin = fs.mkdtempSync(path.join(os.tmpdir(), "zde-verify-bin-"));
        // Writes the fixtures where `--csv <prefix>` says, records its arguments, exits as told.
        fs.writeFileSync(
            path.join(bin, "locust"),
            [
                "#!/bin/sh",
                'printf "%s\\n" "$@" > "$ARGS_OUT"',
                'while [ $# -gt 0 ]; do [ "$1" = --csv ] && prefix=$2; shift; done',
                '[ -n "$WRITE" ] && cp "$FIXTURES/rollout-restart_stats.csv" "${prefix}_stats.csv" && cp "$FIXTURES/rollout-restart_failures.csv" "${prefix}_failures.csv"',
                'exit "${EXIT:-0}"',
            ].join("\n"),
            { mode: 0o755 },
        );
    });
    const clean = () => [STATS_FILE, FAILURES_FILE].forEach((f) => fs.rmSync(f, { force: true }));
    after(clean);

    function runScript(env: Record<string, string>) {
        clean();
        const argsOut = path.join(bin, "args.txt");
        const host = "http://web.web.svc.cluster.local/a path; echo injected";
        const run = spawnSync("sh", ["-c", jobScript(), "locust-run", ...locustArgs({ ...LOAD, host })], {
            encoding: "utf8",
            env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, ARGS_OUT: argsOut, FIXTURES, ...env },
        });
        return { run, args: fs.readFileSync(argsOut, "utf8").trimEnd().split("\n"), host };
    }

    it("prints both CSV files between markers, byte for byte, and passes every argument through untouched", () => {
        const { run, args, host } = runScript({ WRITE: "1" });
        assert.equal(run.status, 0, run.stderr);
        assert.equal(extractFile(run.stdout, STATS_FILE), fixture("rollout-restart_stats.csv"));
        assert.equal(parseStatsCsv(extractFile(run.stdout, STATS_FILE) ?? "").aggregated.failures, 3);
        assert.equal(parseFailuresCsv(extractFile(run.stdout, FAILURES_FILE) ?? "").length, 2);
        assert.deepEqual(args, locustArgs({ ...LOAD, host }));
        assert.doesNotMatch(run.stdout, /^injected$/m);
    });

    it("keeps Locust's exit code, and prints empty sections when Locust wrote nothing", () => {
        const { run } = runScript({ EXIT: "3" });
        assert.equal(run.status, 3);
        assert.equal(extractFile(run.stdout, STATS_FILE), "");
    });
});
