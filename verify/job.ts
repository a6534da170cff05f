// The Locust run of one phase: a Job in the locust namespace, from the image the Locust chart runs and
// the locustfile ConfigMap the Locust addon creates. The Job prints its stats files to its log between
// marker lines, so the verdict needs nothing but the log API (no exec, no volume to copy from).
import type { V1Job } from "@kubernetes/client-node";
import { LOCUSTFILE_CONFIG_MAP, LOCUST_NAMESPACE } from "../components/addons/names";
import { VERSIONS } from "../components/versions";

/** Same Locust as the addon's chart (components/versions.ts). */
export const LOCUST_IMAGE = `${VERSIONS.locust.image.repository}:${VERSIONS.locust.image.tag}`;
export { LOCUSTFILE_CONFIG_MAP };

export const JOB_NAMESPACE = LOCUST_NAMESPACE;
/** The container whose log holds the stats: with Istio on, the pod also runs the proxy. */
export const LOCUST_CONTAINER = "locust";
const MOUNT_DIR = "/mnt/locust";
const CSV_PREFIX = "/tmp/stats";
/** Files Locust writes for `--csv <prefix>` that the verdict reads. */
export const STATS_FILE = `${CSV_PREFIX}_stats.csv`;
export const FAILURES_FILE = `${CSV_PREFIX}_failures.csv`;
/** Written with `--csv-full-history`: one row per second and request name; the HTML report charts it. */
export const HISTORY_FILE = `${CSV_PREFIX}_stats_history.csv`;
/** Labels every verify Job carries, to find leftovers (`kubectl -n locust get jobs -l ...`). */
export const JOB_LABELS = { "app.kubernetes.io/name": "zero-downtime-verify", "app.kubernetes.io/managed-by": "npm-run-verify" };
// Completed Jobs clean themselves up even when verify dies before deleting them.
const TTL_AFTER_FINISHED_SECONDS = 3600;
/**
 * Karpenter's pod annotation that keeps a node out of consolidation and drift while the pod runs, and
 * keeps its Termination Controller from evicting the pod (aws/karpenter-provider-aws
 * website/content/en/v1.14/concepts/disruption.md, "Pod-Level Controls", release v1.14.1). A Locust Job
 * has `backoffLimit: 0`: a consolidated node would end the phase's load and throw away its counts.
 */
export const DO_NOT_DISRUPT = { "karpenter.sh/do-not-disrupt": "true" };
/**
 * The locustfile's request timeout (components/addons/locustfile.py: `self.client.get(..., timeout=10)`;
 * test/verify/job.test.ts reads it there). python-requests applies one number to the connect and to
 * the read each, so a request in flight may take twice that before it is answered or fails.
 */
export const LOCUST_REQUEST_TIMEOUT_S = 10;
/**
 * `--stop-timeout`: once the run time is up, Locust waits this long for every user to finish the task
 * it is in (locust 2.32.2 argument_parser.py: "Number of seconds to wait for a simulated user to complete
 * any executing task before exiting. Default is to terminate immediately."; runners.py stop_users kills
 * the users at once when it is 0, and a killed request is never recorded). Long enough for the slowest
 * request the locustfile allows, so every request sent is counted, answered or failed.
 */
export const STOP_TIMEOUT_S = 2 * LOCUST_REQUEST_TIMEOUT_S;

export interface LoadShape {
    /** Concurrent Locust users. */
    users: number;
    /** Users started per second. */
    spawnRate: number;
    /** How long the load runs, from the moment Locust starts. */
    seconds: number;
    /** Base URL the locustfile sends requests to. */
    host: string;
}

export const beginMarker = (file: string): string => `===== BEGIN ${file} =====`;
export const endMarker = (file: string): string => `===== END ${file} =====`;

/** Locust's command line for one bounded, headless run. */
export function locustArgs(load: LoadShape): string[] {
    return [
        "-f",
        `${MOUNT_DIR}/${LOCUSTFILE_CONFIG_MAP.key}`,
        "--headless",
        "-u",
        String(load.users),
        "-r",
        String(load.spawnRate),
        "-t",
        `${load.seconds}s`,
        "--host",
        load.host,
        "--csv",
        CSV_PREFIX,
        "--csv-full-history",
        "--stop-timeout",
        String(STOP_TIMEOUT_S),
        // Failed requests are the verdict's business, read from the CSV; a failed Job then means Locust itself broke.
        "--exit-code-on-error",
        "0",
    ];
}

/**
 * The container's shell script: run Locust, then print each stats file between markers, keeping
 * Locust's exit code. Locust's arguments arrive as "$@", so no value is ever parsed by the shell.
 */
export function jobScript(): string {
    // A missing file (Locust died early) prints nothing between its markers, which the parser reports.
    const print = [STATS_FILE, FAILURES_FILE, HISTORY_FILE].map(
        (f) => `echo '${beginMarker(f)}'; cat '${f}' 2>/dev/null; echo '${endMarker(f)}'`,
    );
    return ['locust "$@"', "code=$?", ...print, 'exit "$code"'].join("\n");
}

export interface JobOptions {
    name: string;
    /** What each pod runs: a Job of several pods runs one Locust each, with these users each. */
    load: LoadShape;
    /** Locust pods, running at once (`parallelism` = `completions`); 1 by default. */
    pods?: number;
    /** Hard stop for the pod, so a Job never outlives a verify run that died. */
    activeDeadlineSeconds: number;
}

/** The Job of one phase. */
export function locustJob(options: JobOptions): V1Job {
    const volume = LOCUSTFILE_CONFIG_MAP.name;
    return {
        apiVersion: "batch/v1",
        kind: "Job",
        metadata: { name: options.name, namespace: JOB_NAMESPACE, labels: JOB_LABELS },
        spec: {
            // A retried run would restart the load mid-phase and mix two runs' statistics.
            backoffLimit: 0,
            // One Locust process sends only so many requests a second (step-size.ts): a bigger load is more pods.
            parallelism: options.pods ?? 1,
            completions: options.pods ?? 1,
            activeDeadlineSeconds: options.activeDeadlineSeconds,
            ttlSecondsAfterFinished: TTL_AFTER_FINISHED_SECONDS,
            template: {
                metadata: { labels: JOB_LABELS, annotations: DO_NOT_DISRUPT },
                spec: {
                    restartPolicy: "Never",
                    containers: [
                        {
                            name: LOCUST_CONTAINER,
                            image: LOCUST_IMAGE,
                            // "$0" of the script; the arguments after it are Locust's.
                            command: ["sh", "-c", jobScript(), "locust-run", ...locustArgs(options.load)],
                            // One Locust process uses at most one core; the chart's workers request the same.
                            resources: { requests: { cpu: "500m", memory: "256Mi" }, limits: { memory: "512Mi" } },
                            volumeMounts: [{ name: volume, mountPath: MOUNT_DIR, readOnly: true }],
                        },
                    ],
                    volumes: [{ name: volume, configMap: { name: LOCUSTFILE_CONFIG_MAP.name } }],
                },
            },
        },
    };
}

/** The text the Job printed for `file` between its markers; undefined when Locust never got that far. */
export function extractFile(log: string, file: string): string | undefined {
    const begin = log.lastIndexOf(beginMarker(file));
    if (begin < 0) {
        return undefined;
    }
    const start = log.indexOf("\n", begin);
    const end = log.indexOf(endMarker(file), start);
    return start < 0 || end < 0 ? undefined : log.slice(start + 1, end);
}

// Locust's console table, printed every 2 s while headless: "<Aggregated>  <# reqs>  <# fails>(<pct>%) | ...".
const CONSOLE_TOTAL = /^\s*Aggregated\s+(\d+)\s+(\d+)\(\d+(?:\.\d+)?%\)/gm;

/** Requests and failures so far, from the last console table in a log (tail); undefined before the first table. */
export function requestsSoFar(log: string): { requests: number; failures: number } | undefined {
    const last = [...log.matchAll(CONSOLE_TOTAL)].pop();
    return last ? { requests: Number(last[1]), failures: Number(last[2]) } : undefined;
}

// The same row's `req/s` column, after the response times: Locust's current rate, the requests of the
// last 10 complete seconds averaged (locust 2.32.2 stats.py StatsEntry.current_rps: seconds t-12 to t-2).
const CONSOLE_RATE = /^\s*Aggregated\s+\d+\s+\d+\(\d+(?:\.\d+)?%\)\s*\|[^|\n]*\|\s*(\d+(?:\.\d+)?)/gm;

/** Locust's current requests per second, from the last console table in a log (tail); undefined before the first. */
export function currentRate(log: string): number | undefined {
    const last = [...log.matchAll(CONSOLE_RATE)].pop();
    return last ? Number(last[1]) : undefined;
}
