import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { ApiError, ClusterAccessError } from "../../verify/cluster-client";
import { InputError, Plan, exitCode, summarize } from "../../verify/run";
import { totals } from "../../verify/verdict";
import { htmlReport } from "../../verify/report";
import { FakeCluster, FakeOptions, fixture, jobLog } from "./fake-cluster";
import { HPA, allJobsDeleted, appState, harness, plan } from "./run-harness";

describe("verify run", () => {
    it("passes with zero failures: every phase runs its Job and its disruption, the app ends as found", async () => {
        const h = harness({ hpa: HPA });
        const before = appState(h.cluster);
        const outcome = await h.run();
        assert.equal(outcome.error, undefined);
        assert.deepEqual(outcome.verdict, { passed: true, problems: [] });
        assert.equal(exitCode(outcome), 0);
        assert.deepEqual(
            outcome.results.map((r) => r.phase),
            ["baseline", "rollout-restart", "scale-in"],
        );
        assert.deepEqual(appState(h.cluster), before);
        assert.ok(allJobsDeleted(h.cluster));
        const m = h.cluster.mutations().filter((c) => c.method.startsWith("patch"));
        const restartedAt = (m[0].args[2] as { restartedAt: string }).restartedAt;
        assert.match(restartedAt, /^2025-01-14T09:1\d:\d\d\.000Z$/, "an RFC 3339 time, like kubectl rollout restart");
        assert.deepEqual(
            m.map((c) => [c.method, c.args[2]]),
            [
                ["patchDeployment", { restartedAt }],
                // Scale-in from 4 to half, through the HPA, then its bounds back.
                ["patchHpa", { minReplicas: 2, maxReplicas: 2 }],
                ["patchHpa", HPA],
            ],
        );
        assert.match(outcome.results[2].disruption?.summary ?? "", /scaled in from 4 to 2 pods/);
        assert.match(summarize(outcome).join("\n"), /PASS: 17,613 requests over 3 phases, not one failed/);
    });

    it("a failed request fails the run and names its phase; the other phases still run", async () => {
        const h = harness({
            hpa: HPA,
            logs: { "rollout-restart": jobLog(fixture("rollout-restart_stats.csv"), fixture("rollout-restart_failures.csv")) },
        });
        const outcome = await h.run();
        assert.equal(exitCode(outcome), 1);
        assert.equal(outcome.results.length, 3);
        assert.equal(outcome.verdict.problems.length, 1);
        assert.match(
            outcome.verdict.problems[0],
            /^rollout-restart: 3 of 29,310 requests failed; most frequent: 2 × GET app: HTTPError\('503/,
        );
        assert.ok(summarize(outcome).some((l) => l.startsWith("FAIL: rollout-restart:")));
    });

    it("failures on the baseline skip the disruptions: they would prove nothing", async () => {
        const h = harness({ hpa: HPA, logs: { baseline: jobLog(fixture("rollout-restart_stats.csv")) } });
        const outcome = await h.run();
        assert.equal(exitCode(outcome), 1);
        assert.equal(outcome.results.length, 1);
        assert.deepEqual(
            h.cluster.mutations().filter((c) => c.method.startsWith("patch")),
            [],
        );
        assert.match(outcome.verdict.problems.join("\n"), /rollout-restart: did not run/);
    });

    it("a rollout that outlasts the load fails the phase and asks for a longer --duration", async () => {
        // The rollout is sampled every second: 350 polls are 350 s, beyond the 300 s of load.
        const h = harness({ hpa: HPA, rolloutPolls: 350 });
        const outcome = await h.run(plan({ phases: ["rollout-restart"] }));
        assert.equal(exitCode(outcome), 1);
        assert.equal(outcome.results[0].disruption?.outlasted, true);
        assert.match(
            outcome.verdict.problems[0],
            /^rollout-restart: the load stopped after 300 s, before the app was back at rest; raise --duration/,
        );
    });

    it("shows progress while it runs: phase, elapsed seconds, requests so far", async () => {
        const h = harness({ hpa: HPA, logs: { "rollout-restart": fixture("rollout-restart_job.log") } });
        await h.run(plan({ phases: ["rollout-restart"] }));
        const progress = h.lines.filter((l) => l.startsWith("  [rollout-restart]"));
        assert.ok(progress.length >= 10, `a line every 15 s of a 300 s phase, got ${progress.length}`);
        assert.match(progress[1], /^ {2}\[rollout-restart\] +\d+ s {2}29,310 requests, 3 failed {2}\S/);
    });
});

/**
 * The scale-in step's disruption fails: once verify has lowered the HPA's maximum to 2, the next pod
 * count answers "connection reset by peer". Returns whether the HPA was lowered.
 */
function failScaleInOnceLowered(h: ReturnType<typeof harness>): () => boolean {
    let lowered = false;
    h.cluster.after = (method, args) => {
        lowered ||= method === "patchHpa" && (args[2] as typeof HPA).maxReplicas === 2;
    };
    h.cluster.failWith = (method) => (lowered && method === "countPods" ? new Error("connection reset by peer") : undefined);
    return () => lowered;
}

describe("verify restores the app", () => {
    it("a scale-in step that throws: the HPA bounds go back, the Jobs are deleted, the exit status is non-zero", async () => {
        const h = harness({ hpa: HPA });
        const before = appState(h.cluster);
        const lowered = failScaleInOnceLowered(h);
        const outcome = await h.run();
        assert.equal(outcome.error, "connection reset by peer");
        assert.equal(exitCode(outcome), 1);
        assert.ok(lowered(), "the scale-in changed the HPA before failing");
        assert.deepEqual(appState(h.cluster), before);
        assert.deepEqual(h.cluster.hpas.get("web/web"), HPA);
        assert.ok(allJobsDeleted(h.cluster));
        assert.ok(h.lines.includes("restored HPA web/web: minReplicas 4, maxReplicas 12"));
        assert.ok(summarize(outcome).includes("ERROR: connection reset by peer"));
    });

    it("without an HPA: the replicas go back when the scale-in fails", async () => {
        const h = harness({ replicas: 3 });
        h.cluster.after = (method, args) => {
            if (method === "patchDeployment" && (args[2] as { replicas?: number }).replicas === 2) {
                h.cluster.failWith = (m) => (m === "countPods" ? new Error("boom") : undefined);
            }
        };
        const outcome = await h.run();
        assert.equal(exitCode(outcome), 1);
        assert.equal(h.cluster.deployments.get("web/web")?.replicas, 3);
        assert.ok(h.lines.includes("restored Deployment web/web replicas: 3"));
    });

    it("blue/green: a switch that fails half-way leaves the Service on the color it was found on", async () => {
        const h = harness({ hpa: HPA, activeColor: "green" });
        let switches = 0;
        h.cluster.failWith = (method) =>
            method === "patchServiceSelector" && ++switches === 2 ? new Error("the API server went away") : undefined;
        const outcome = await h.run(plan({ app: { namespace: "web", name: "web", blueGreen: true }, phases: ["blue-green"] }));
        assert.equal(exitCode(outcome), 1);
        assert.equal(h.cluster.services.get("web/web")?.selector.version, "green");
        const patched = h.cluster.calls.filter((c) => c.method === "patchServiceSelector").map((c) => c.args[2]);
        assert.deepEqual(patched, [{ version: "blue" }, { version: "green" }, { version: "green" }]);
    });

    it("Ctrl-C during the scale-in: the handler restores at once, no new change is made, exit 130", async () => {
        const h = harness({ hpa: HPA });
        h.cluster.after = (method, args) => {
            if (method === "patchHpa" && (args[2] as typeof HPA).maxReplicas === 2) {
                h.interrupt();
            }
        };
        const outcome = await h.run();
        assert.equal(outcome.interrupted, true);
        assert.equal(exitCode(outcome), 130);
        assert.deepEqual(h.cluster.hpas.get("web/web"), HPA);
        assert.ok(allJobsDeleted(h.cluster));
        assert.equal(outcome.results.length, 2, "the scale-in phase never finished");
        const afterInterrupt = h.cluster.calls.slice(h.cluster.calls.findIndex((c) => c.method === "patchHpa") + 1);
        assert.deepEqual(
            afterInterrupt.filter((c) => c.method.startsWith("patch") || c.method === "createJob").map((c) => [c.method, c.args[2]]),
            [["patchHpa", HPA]],
        );
        assert.match(summarize(outcome).join("\n"), /INTERRUPTED/);
    });

    it("a restore that fails is reported with the command that does it by hand, and fails the run", async () => {
        const h = harness({ hpa: HPA });
        h.cluster.failWith = (method, args) =>
            method === "patchHpa" && (args[2] as typeof HPA).minReplicas === HPA.minReplicas ? new Error("forbidden") : undefined;
        const outcome = await h.run(plan({ phases: ["scale-in"] }));
        assert.equal(exitCode(outcome), 1);
        assert.match(
            outcome.restoreProblems[0],
            /could not restore HPA web\/web: forbidden; by hand: kubectl -n web patch hpa web --type merge/,
        );
        assert.match(outcome.restoreProblems[0], /"minReplicas":4,"maxReplicas":12/);
    });
});

describe("verify refuses to start, changing nothing", () => {
    const cases: { name: string; options: FakeOptions; prepare?: (c: FakeCluster) => void; message: RegExp; plan?: Partial<Plan> }[] = [
        {
            name: "the app is not deployed",
            options: {},
            prepare: (c) => c.services.clear(),
            message: /the app is not deployed .*no Service web\/web/,
        },
        {
            name: "the Deployment is missing",
            options: {},
            prepare: (c) => c.deployments.clear(),
            message: /no Deployment web\/web/,
        },
        {
            name: "a rollout is already under way",
            options: { hpa: HPA },
            prepare: (c) => void (c.deployments.get("web/web")!.rolling = 5),
            message: /not at rest/,
        },
        {
            name: "the Locust addon's locustfile is missing",
            options: { locustfile: false },
            message: /ConfigMap locust\/locustfile with key main\.py/,
        },
        {
            name: "one replica leaves nothing to scale in",
            options: { replicas: 1 },
            message: /runs 1 replica\(s\): a scale-in needs at least 2/,
        },
        {
            name: "--scale-in-to as many replicas as now",
            options: { hpa: HPA },
            plan: { scaleInTo: 4 },
            message: /--scale-in-to 4 is no scale-in/,
        },
    ];
    for (const c of cases) {
        it(c.name, async () => {
            const h = harness(c.options);
            c.prepare?.(h.cluster);
            await assert.rejects(h.run(plan(c.plan)), (err: Error) => err instanceof InputError && c.message.test(err.message));
            assert.deepEqual(h.cluster.mutations(), []);
        });
    }
});

describe("verify refuses to start on API errors, changing nothing", () => {
    // Nothing was changed yet: a cluster-access problem (exit 2), not a failed proof (exit 1).
    for (const method of ["getService", "getDeployment", "countPods", "getConfigMapKeys", "getHpa"]) {
        it(`an HTTP 500 from ${method} while inspecting the app is a ClusterAccessError`, async () => {
            const h = harness({ hpa: HPA });
            h.cluster.failWith = (m) => (m === method ? new ApiError(500, `${m}: HTTP 500: etcdserver: request timed out`) : undefined);
            await assert.rejects(
                h.run(),
                (err: Error) =>
                    err instanceof ClusterAccessError &&
                    err.message ===
                        `cannot use the Kubernetes API at https://fake.example: ${method}: HTTP 500: etcdserver: request timed out; nothing was changed`,
            );
            assert.deepEqual(h.cluster.mutations(), []);
        });
    }

    it("an HTTP 500 once the run has changed something still fails the run (exit 1) and restores the app", async () => {
        const h = harness({ hpa: HPA });
        let lowered = false;
        h.cluster.after = (method, args) => {
            lowered ||= method === "patchHpa" && (args[2] as typeof HPA).maxReplicas === 2;
        };
        h.cluster.failWith = (method) => (lowered && method === "countPods" ? new ApiError(500, "list pods: HTTP 500: boom") : undefined);
        const outcome = await h.run();
        assert.equal(outcome.error, "list pods: HTTP 500: boom");
        assert.equal(exitCode(outcome), 1);
        assert.deepEqual(h.cluster.hpas.get("web/web"), HPA);
    });
});

describe("[#14] verify restores the cluster when any change it makes fails", () => {
    const GATEWAY = { namespace: "istio-ingress", name: "istio-ingressgateway" };
    const FULL = plan({
        phases: ["baseline", "rollout-restart", "scale-in", "scale-out", "node-drain", "gateway-restart"],
        gateway: GATEWAY,
    });
    const MUTATION = /^(patch|create|delete|evict|set)/;

    it("a clean run of every phase makes these changes, and ends with the cluster as found", async () => {
        const h = harness({ hpa: HPA, gateway: true });
        const before = appState(h.cluster);
        const outcome = await h.run(FULL);
        assert.equal(exitCode(outcome), 0, outcome.error);
        assert.deepEqual(appState(h.cluster), before);
        const kinds = new Set(h.cluster.mutations().map((c) => c.method));
        assert.deepEqual([...kinds].sort(), ["createJob", "deleteJob", "evictPod", "patchDeployment", "patchHpa", "setUnschedulable"]);
    });

    // Each change of the clean run fails in turn (once): the run reports it, and the cluster ends as found.
    const clean = harness({ hpa: HPA, gateway: true });
    const count = clean.run(FULL).then(() => clean.cluster.mutations().length);
    it("every change, failing in turn", async () => {
        const n = await count;
        assert.ok(n > 15, `${n} changes`);
        for (let k = 1; k <= n; k++) {
            const h = harness({ hpa: HPA, gateway: true });
            const before = appState(h.cluster);
            let seen = 0;
            let failed = "";
            h.cluster.failWith = (method, args) => {
                if (MUTATION.test(method) && ++seen === k) {
                    failed = `${method} ${JSON.stringify(args)}`;
                    return new Error(`change ${k} refused`);
                }
                return undefined;
            };
            const outcome = await h.run(FULL);
            const what = `change ${k}: ${failed}`;
            assert.equal(exitCode(outcome), 1, what);
            if (failed.startsWith("deleteJob")) {
                assert.match(
                    outcome.restoreProblems[0] ?? "",
                    /^could not delete Job locust\/verify-.*; by hand: kubectl -n locust delete job/,
                    what,
                );
                continue;
            }
            assert.deepEqual(appState(h.cluster), before, what);
            assert.ok(allJobsDeleted(h.cluster), what);
        }
    });
});

describe("issue 21.9: what a run leaves behind", () => {
    it("issue 21.9: a first Ctrl-C during the final restore lets the restore and the Job cleanup finish; only a second one quits", async () => {
        const h = harness({ hpa: HPA });
        const presses: boolean[] = [];
        h.cluster.after = (method) => {
            if (method === "deleteJob" && presses.length === 0) {
                // The CLI quits at once when no handler takes the signal (verify/main.ts).
                presses.push(h.interrupt());
            }
        };
        const outcome = await h.run(plan({ phases: ["baseline", "scale-in"] }));
        assert.deepEqual(presses, [true], "the first Ctrl-C during the cleanup is handled, not a quit");
        assert.ok(allJobsDeleted(h.cluster));
        assert.ok(h.lines.includes("interrupted: still restoring the app and deleting verify's Jobs; Ctrl-C again to quit at once"));
        assert.equal(exitCode(outcome), 0, "every phase had finished: the verdict stands");
        assert.equal(h.interrupt(), false, "once the run has returned, Ctrl-C is the CLI's to handle");
    });

    it("issue 21.9: a Job created although its create call timed out is deleted by name", async () => {
        const h = harness({ hpa: HPA });
        h.cluster.answerLost = (method, args) =>
            method === "createJob" && String(args[0]).startsWith("verify-scale-in-")
                ? new ClusterAccessError("cannot use the Kubernetes API at https://fake.example (create Job): no answer within 30 s")
                : undefined;
        const outcome = await h.run(plan({ phases: ["baseline", "scale-in"] }));
        assert.equal(exitCode(outcome), 1);
        assert.match(outcome.error ?? "", /no answer within 30 s/);
        assert.ok(h.cluster.jobs.has("verify-scale-in-t1"), "the API server made it");
        assert.ok(allJobsDeleted(h.cluster));
        assert.deepEqual(outcome.restoreProblems, []);
    });

    it("issue 21.9: a failed disruption keeps the phase's Locust counts, restores the app and reports both", async () => {
        const h = harness({ hpa: HPA, logs: { "scale-in": jobLog(fixture("scale-in_stats.csv")) } });
        const before = appState(h.cluster);
        const lowered = failScaleInOnceLowered(h);
        const outcome = await h.run();
        assert.ok(lowered(), "the scale-in changed the HPA before failing");
        assert.equal(exitCode(outcome), 1);
        assert.equal(outcome.error, "connection reset by peer");
        const scaleIn = outcome.results.find((r) => r.phase === "scale-in");
        assert.ok(scaleIn, "the phase's result is kept");
        assert.ok(totals(scaleIn).requests > 0);
        assert.equal(scaleIn.disruption?.failed, "connection reset by peer");
        assert.ok(outcome.verdict.problems.includes("scale-in: the disruption failed, so it proved nothing: connection reset by peer"));
        assert.match(summarize(outcome).join("\n"), /^scale-in +[\d,]+ +0 .*failed: connection reset by peer$/m);
        const html = htmlReport({ stack: "dev", target: { host: "http://x", route: "in-cluster" }, plan: plan(), outcome });
        assert.match(html, /requests, 0 failed \(0\.000%\); failed: connection reset by peer<\/p>/);
        // Restored at once, under the load, not only once the load ended.
        const restoredAt = h.cluster.calls.findIndex((c) => c.method === "patchHpa" && (c.args[2] as typeof HPA).maxReplicas === 12);
        const logRead = h.cluster.calls.findIndex((c) => c.method === "readJobLogs" && c.args[1] === "verify-scale-in-t1");
        assert.ok(restoredAt >= 0 && restoredAt < logRead, "the HPA's bounds go back before the load's statistics are read");
        assert.deepEqual(appState(h.cluster), before);
    });

    it("issue 21.9: the replicas the HPA added under the scale-out step are gone before the next phase starts", async () => {
        const h = harness({ hpa: HPA });
        const replicasAtStart: Record<string, number> = {};
        h.cluster.after = (method, args) => {
            const phase = /^verify-(.+)-t1$/.exec(String(args[0]))?.[1];
            if (method === "createJob" && phase !== undefined) {
                replicasAtStart[phase] = h.cluster.deployments.get("web/web")?.replicas ?? -1;
            }
        };
        const outcome = await h.run(plan({ phases: ["scale-out", "node-drain"] }));
        assert.equal(exitCode(outcome), 0, outcome.error);
        assert.equal(outcome.scaleOut?.measuredSeconds, 41, "the step did scale the app out");
        assert.deepEqual(replicasAtStart, { "scale-out": 4, step: 4, "node-drain": 4 });
        assert.deepEqual(h.cluster.hpas.get("web/web"), HPA, "the bounds are back");
        assert.ok(h.lines.includes("scale-out: the HPA of web/web added 2 pod(s); taking it back to the 4 found"));
    });
});
