// What a Locust Job of the simulated run prints (test/verify/sample.ts): its console tables so far and,
// once its run time is over, its CSV files between verify's markers (verify/job.ts jobScript), in the
// formats Locust 2.x writes (the columns verify/stats.ts reads; the console table as in
// fixtures/locust/rollout-restart_job.log). Not a measurement: a steady load with no failures.
//   - Users ramp up at the Job's spawn rate (-r) to its users (-u), as Locust's runner does.
//   - Each user sends one request, then thinks 0.1-0.5 s (components/addons/locustfile.py
//     `wait_time = between(0.1, 0.5)`, mean 0.3 s): requests per second = users / (0.3 s + latency).
//   - Latency is a constant stand-in (LATENCY_MS), not simulated.
import { FAILURES_FILE, HISTORY_FILE, STATS_FILE, beginMarker, endMarker } from "../../verify/job";
import type { FakeJob } from "./fake-cluster";

/** The locustfile's mean think time, seconds: between(0.1, 0.5). */
const MEAN_WAIT_S = 0.3;
/** Constant stand-in latencies, ms: median, 95th and 99th percentile, maximum. */
export const LATENCY_MS = { p50: 4, p95: 11, p99: 24, max: 120 };
/** Requests a second one user sends: the fake cluster charges the app's CPU at this rate too. */
export const PER_USER_PER_S = 1 / (MEAN_WAIT_S + LATENCY_MS.p50 / 1000);
/** Locust prints its console table every 2 s while headless (locust stats.py CONSOLE_STATS_INTERVAL_SEC = 2). */
const CONSOLE_EVERY_S = 2;

const HISTORY_HEADER =
    "Timestamp,User Count,Type,Name,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%," +
    "Total Request Count,Total Failure Count,Total Median Response Time,Total Average Response Time,Total Min Response Time,Total Max Response Time,Total Average Content Size";
const STATS_HEADER =
    "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%";
const FAILURES_HEADER = "Method,Name,Error,Occurrences";
const { p50, p95, p99, max } = LATENCY_MS;
const PERCENTILES = [p50, p50 + 1, p50 + 2, p50 + 2, p50 + 4, p95, p95 + 5, p99, max, max, max].join(",");

/** Users running `t` seconds after the start. */
const usersAt = (job: FakeJob, t: number): number => Math.min(job.users, job.spawnRate * (t + 1));

/** Requests done by the end of second `t` (whole requests, the rates summed). */
function requestsBy(job: FakeJob, t: number): number {
    let sum = 0;
    for (let s = 0; s <= t; s++) {
        sum += usersAt(job, s) * PER_USER_PER_S;
    }
    return Math.round(sum);
}

function consoleTable(requests: number, rps: number): string {
    const row = (type: string, name: string) =>
        `${type.padEnd(9)}${name.padEnd(78)}${String(requests).padStart(7)}     0(0.00%) |` +
        `${String(p50 + 1).padStart(7)}${String(1).padStart(8)}${String(max).padStart(8)}${String(p50).padStart(7)} |` +
        `${rps.toFixed(2).padStart(8)}        0.00`;
    const rule =
        "--------|----------------------------------------------------------------------------|-------|-------------|-------|-------|-------|-------|--------|-----------";
    const head = `${"Type".padEnd(9)}${"Name".padEnd(78)}${"# reqs".padStart(7)}      # fails |    Avg     Min     Max    Med |   req/s  failures/s`;
    return [head, rule, row("GET", "app"), rule, row("", "Aggregated"), ""].join("\n");
}

/** The Job's log as the API returns it at `now` (ms). */
export function simulatedLocustLog(job: FakeJob, now: number): string {
    const start = Math.floor(job.startAt / 1000);
    const elapsed = Math.min(job.seconds, Math.floor((now - job.startAt) / 1000));
    const lines: string[] = [];
    for (let t = 0; t <= elapsed; t += CONSOLE_EVERY_S) {
        lines.push(consoleTable(requestsBy(job, t - 1), usersAt(job, t) * PER_USER_PER_S));
    }
    if (elapsed < job.seconds) {
        return lines.join("\n");
    }
    const total = requestsBy(job, job.seconds - 1);
    const history = [HISTORY_HEADER];
    for (let t = 0; t < job.seconds; t++) {
        const rps = (usersAt(job, t) * PER_USER_PER_S).toFixed(6);
        const totals = `${requestsBy(job, t)},0,${p50},${p50 + 1},1,${max},615.0`;
        history.push(`${start + t},${usersAt(job, t)},GET,app,${rps},0.000000,${PERCENTILES},${totals}`);
        history.push(`${start + t},${usersAt(job, t)},,Aggregated,${rps},0.000000,${PERCENTILES},${totals}`);
    }
    const rate = (total / job.seconds).toFixed(6);
    const stats = ["GET,app", ",Aggregated"].map(
        (name) => `${name},${total},0,${p50},${p50 + 1},1,${max},615.0,${rate},0.0,${PERCENTILES}`,
    );
    const block = (file: string, text: string) => `${beginMarker(file)}\n${text}\n${endMarker(file)}`;
    return [
        ...lines,
        consoleTable(total, Number(rate)),
        block(STATS_FILE, [STATS_HEADER, ...stats].join("\n")),
        block(FAILURES_FILE, FAILURES_HEADER),
        block(HISTORY_FILE, history.join("\n")),
        "",
    ].join("\n");
}
