import { describe, it, before, after } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { LOCUST_NAMESPACE } from "../../components/addons/names";
import {
    FAILURES_FILE,
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
