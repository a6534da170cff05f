import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import type { ScaleOutMeasure } from "../../verify/plan";
import { exitCode, summarize } from "../../verify/run";
import { ApiError } from "../../verify/cluster-client";
import { judgeSpike } from "../../verify/scale-out";
import { LOCUST_PROCESS_RPS, cpuMillicores, goDurationSeconds, sizeStep } from "../../verify/step-size";
import { totals } from "../../verify/verdict";
import { HPA, MODELS, harness, plan } from "./run-harness";

const SCALE_OUT = plan({ phases: ["scale-out"] });
const T0 = 1_000_000;
/** A measurement from its gaps in seconds: step → scaled → scheduled → containers ready → serving. */
function measure(gaps: [number, number, number, number]): ScaleOutMeasure {
    const [hpa, node, start, route] = gaps;
    const at = (s: number) => T0 + s * 1000;
    return {
        stepAt: T0,
        scaledAt: at(hpa),
        createdAt: at(hpa),
        scheduledAt: at(hpa + node),
        containersReadyAt: at(hpa + node + start),
        servingAt: at(hpa + node + start + route),
        servingBy: "alb-target-healthy",
        measuredSeconds: hpa + node + start + route,
        judgement: "",
    };
}

describe("[#14] scale-out: measured against the model", () => {
    // The model (run-harness MODELS): 30 s to the HPA, 0 for a node, 7 s to start and be Ready, 10 s ALB: 47 s.
    const cases: { name: string; m: ScaleOutMeasure; model?: typeof MODELS.spike; judgement: string }[] = [
        { name: "20 % below the model is within", m: measure([20, 0, 5, 13]), judgement: "within ±20 % of the model's 47 s" },
        { name: "56 s is within 47 × 1.2", m: measure([36, 0, 8, 12]), judgement: "within ±20 % of the model's 47 s" },
        {
            name: "slower: the HPA term is blamed when it is the one off",
            m: measure([90, 0, 7, 10]),
            judgement:
                "slower than the model's 47 s by more than ±20 %; the term most off: metrics + HPA (step → replicas raised) took 90 s, modeled 30 s",
        },
        {
            name: "slower: a node launch the model did not expect",
            m: measure([30, 55, 7, 10]),
            judgement:
                "slower than the model's 47 s by more than ±20 %; the term most off: node (replicas raised → pod scheduled) took 55 s, modeled 0 s",
        },
        {
            name: "faster: the ALB term",
            m: measure([25, 0, 5, 1]),
            judgement:
                "faster than the model's 47 s by more than ±20 %; the term most off: routing (containers ready → serving) took 1 s, modeled 10 s",
        },
        {
            name: "no model total (nothing adds nodes)",
            m: measure([30, 0, 7, 10]),
            model: { ...MODELS.spike, total: undefined },
            judgement: "the model says no new pod can be placed (nothing adds nodes), yet one served after 47 s",
        },
        {
            name: "nothing served",
            m: { ...measure([30, 0, 7, 10]), measuredSeconds: undefined },
            judgement: "no new pod served within the phase",
        },
    ];
    for (const c of cases) {
        it(c.name, () => {
            assert.equal(judgeSpike(c.m, c.model ?? MODELS.spike), c.judgement);
        });
    }
});

describe("[#14] scale-out against the fake cluster", () => {
    it("steps the load with a second Job, times the first new pod to a healthy ALB target and compares it with the model", async () => {
        const h = harness({ hpa: HPA });
        const outcome = await h.run(SCALE_OUT);
        assert.equal(exitCode(outcome), 0, outcome.error);
        const step = h.cluster.createdJobs.find((j) => j.metadata?.name === "verify-step-t1");
        const command = step?.spec?.template.spec?.containers[0].command ?? [];
        // Sized (step-size.ts): 2,200 users more on 6 Locust pods take the default app to 90 % of its CPU.
        assert.equal(step?.spec?.parallelism, 6);
        assert.equal(command[command.indexOf("-u") + 1], "367");
        const so = outcome.scaleOut;
        // The fake's HPA reacts 30 s after the step; the pod's containers are ready 3 s later, its target healthy 8 s after.
        assert.deepEqual(
            so && [(so.scaledAt ?? 0) - so.stepAt, (so.containersReadyAt ?? 0) - so.stepAt, (so.servingAt ?? 0) - so.stepAt],
            [30_000, 33_000, 41_000],
        );
        assert.equal(so?.servingBy, "alb-target-healthy");
        assert.equal(so?.measuredSeconds, 41);
        assert.equal(so?.judgement, "within ±20 % of the model's 47 s");
        // The step's requests count: the phase's own Job and the step's 6 pods.
        assert.equal(totals(outcome.results[0]).requests, 7 * 5871);
        assert.ok(
            summarize(outcome, plan()).includes(
                "spike to serving (load step → first new pod serving, its ALB target healthy): measured 41 s, modeled 47 s: within ±20 % of the model's 47 s",
            ),
        );
    });

    it("without AWS credentials, serving is the endpoint turning ready (after the readiness gate)", async () => {
        const h = harness({ hpa: HPA }, { elb: false });
        const outcome = await h.run(SCALE_OUT);
        assert.equal(outcome.scaleOut?.servingBy, "endpoint-ready");
        // Containers ready 33 s after the step, target healthy 8 s later, the gate 1 s after that.
        assert.equal(outcome.scaleOut?.measuredSeconds, 42);
        assert.equal(h.describeCalls(), 0);
    });

    it("a step the HPA never answers proves nothing: the phase fails and says what to raise", async () => {
        const h = harness({ hpa: HPA, scaleOutBy: 0 });
        const outcome = await h.run(SCALE_OUT);
        assert.equal(exitCode(outcome), 1);
        assert.match(
            outcome.verdict.problems[0],
            /^scale-out: no new pod served within the phase: the step to 2,252 users did not make the HPA add one in time; raise --step-users or --duration$/,
        );
    });

    it("slower than the model by more than 20 %: the phase names the term", async () => {
        const h = harness({ hpa: HPA, scaleOutAfterMs: 90_000 });
        const outcome = await h.run(SCALE_OUT);
        assert.match(
            outcome.scaleOut?.judgement ?? "",
            /^slower than the model's 47 s by more than ±20 %; the term most off: metrics \+ HPA \(step → replicas raised\) took 90 s, modeled 30 s$/,
        );
        assert.equal(exitCode(outcome), 0, "a slow scale-out is reported, not failed: no request failed");
    });

    it("issue 21.6: a step pod that waits minutes for a node (Karpenter launching one) gets its whole run time from when it runs", async () => {
        const pendingMs = 150_000;
        const h = harness({ hpa: HPA, stepPendingMs: pendingMs });
        const outcome = await h.run(SCALE_OUT);
        assert.equal(outcome.error, undefined);
        assert.equal(exitCode(outcome), 0);
        const step = h.cluster.jobs.get("verify-step-t1");
        const so = outcome.scaleOut;
        assert.ok(step !== undefined && so !== undefined);
        // Timed from when its pod ran, not from when it was created: the wait for the node is not the app's.
        assert.equal(so.stepAt, step.startAt);
        assert.equal(so.measuredSeconds, 41);
        assert.ok(outcome.results[0].step !== undefined, "the step's counts are read once it has run its course");
        assert.equal(outcome.results[0].disruption?.outlasted, false);
    });

    it("refuses an app already at its HPA's maximum", async () => {
        const h = harness({ hpa: { minReplicas: 4, maxReplicas: 4 } });
        const outcome = await h.run(SCALE_OUT);
        assert.match(outcome.error ?? "", /^scale-out: Deployment web\/web already runs maxReplicas \(4\); nothing to scale out to$/);
    });
});

describe("issue 21.8: a step the HPA cannot miss, or a word before starting that there can be none", () => {
    const LIMITS = { targetCpuUtilization: 60, maxPods: 8 };
    // The default app under the base load: 4 pods × 250 m requests, 20 m used at 100 req/s from 50 users.
    const DEFAULT_APP = { pods: 4, usageMillicores: 20, requestMillicores: 1000, requestsPerSecond: 100, users: 50 };
    const cases: { name: string; load: typeof DEFAULT_APP; limits?: typeof LIMITS; expect: RegExp | { users: number; pods: number } }[] = [
        {
            // 90 % (1.5 × 60) of 1,000 m at 0.2 m per req/s: 4,500 req/s, 4,400 more: 2,200 users, 6 pods of 850 req/s.
            name: "the default app needs 6 Locust processes; one (the old step) tops out far below its target",
            load: DEFAULT_APP,
            expect: { users: 2200, pods: 6 },
        },
        {
            name: "a cheaper base rate per user needs more users for the same rate",
            load: { ...DEFAULT_APP, requestsPerSecond: 50, usageMillicores: 10 },
            expect: { users: 4450, pods: 6 },
        },
        {
            name: "an app whose CPU the base load already nearly fills needs one pod",
            load: { ...DEFAULT_APP, usageMillicores: 600 },
            expect: { users: 25, pods: 1 },
        },
        {
            name: "more pods than the stack leaves: cannot, and why",
            load: { ...DEFAULT_APP, usageMillicores: 2 },
            expect: /^the app's 4 pods use 2 m CPU \(0 % of their 1000 m requests\) at 100 req\/s; its HPA adds a pod past 66 % \(target 60 % \+ 10 % tolerance\)\. Aiming at 90 % takes about 45,000 req\/s: 53 Locust pods at 850 req\/s each \(Locust docs\), more than the 8 the stack leaves/,
        },
        {
            name: "no CPU measured: cannot size",
            load: { ...DEFAULT_APP, usageMillicores: 0 },
            expect: /^the base load's cost could not be measured \(0 m CPU at 100 req\/s\), so the step cannot be sized$/,
        },
    ];
    for (const c of cases) {
        it(`issue 21.8: ${c.name}`, () => {
            const sized = sizeStep(c.load, c.limits ?? LIMITS);
            if (c.expect instanceof RegExp) {
                assert.ok("cannot" in sized, JSON.stringify(sized));
                assert.match(sized.cannot, c.expect);
            } else {
                assert.ok("size" in sized, JSON.stringify(sized));
                assert.deepEqual({ users: sized.size.users, pods: sized.size.pods }, c.expect);
                assert.ok(sized.size.pods * LOCUST_PROCESS_RPS >= sized.size.requestsPerSecond - c.load.requestsPerSecond);
            }
        });
    }

    it("issue 21.8: CPU quantities and windows as the metrics API writes them", () => {
        assert.deepEqual(["123456789n", "250m", "1", "0.5", "500u", "1Gi", undefined].map(cpuMillicores), [
            123.456789,
            250,
            1000,
            500,
            0.5,
            undefined,
            undefined,
        ]);
        assert.deepEqual(["20.008s", "1m0.5s", "500ms", "15s", "soon", ""].map(goDurationSeconds), [
            20.008,
            60.5,
            0.5,
            15,
            undefined,
            undefined,
        ]);
    });

    it("issue 21.8: on the default app the old step (4 × users on one Locust process) proves nothing; the sized step scales it out", async () => {
        const old = harness({ hpa: HPA });
        const unproven = await old.run(plan({ phases: ["scale-out"], stepUsers: 200 }));
        assert.equal(exitCode(unproven), 1);
        assert.equal(unproven.scaleOut?.measuredSeconds, undefined, "one Locust process cannot bring the app past 66 %");
        const sized = harness({ hpa: HPA });
        const outcome = await sized.run(SCALE_OUT);
        assert.equal(exitCode(outcome), 0, outcome.verdict.problems.join("; "));
        assert.equal(outcome.scaleOut?.measuredSeconds, 41);
        assert.ok(
            sized.lines.some((l) =>
                /^scale-out: the app's 4 pods use 20 m CPU \(2 % of their 1000 m requests\) at 100 req\/s; .* 2200 more users on 6 Locust pod\(s\)$/.test(
                    l,
                ),
            ),
            sized.lines.join("\n"),
        );
    });

    it("issue 21.8: an app too costly for the stack's Locust budget: said before any step starts, and the phase proves nothing", async () => {
        const h = harness({ hpa: HPA, cpuPerRequestMillicores: 0.01 });
        const outcome = await h.run(SCALE_OUT);
        assert.equal(exitCode(outcome), 1);
        assert.ok(!h.cluster.jobs.has("verify-step-t1"), "no step was started");
        assert.match(
            outcome.verdict.problems[0],
            /^scale-out: scale-out cannot be proven on this stack: the app's 4 pods use 1 m CPU .* more than the 8 the stack leaves/,
        );
    });

    it("issue 21.8: without a metrics API the step cannot be sized, and the HPA could not scale on CPU either", async () => {
        const h = harness({ hpa: HPA, noMetrics: true });
        const outcome = await h.run(SCALE_OUT);
        assert.equal(exitCode(outcome), 1);
        assert.ok(!h.cluster.jobs.has("verify-step-t1"));
        assert.match(outcome.verdict.problems[0], /the cluster serves no metrics API \(metrics\.k8s\.io\)/);
        // Registered but not answering (metrics-server down): the same, with the API's answer.
        const down = harness({ hpa: HPA });
        down.cluster.failWith = (method) =>
            method === "podCpu"
                ? new ApiError(503, "read the CPU of pods: HTTP 503: the server is currently unable to handle the request")
                : undefined;
        const refused = await down.run(SCALE_OUT);
        assert.equal(exitCode(refused), 1);
        assert.match(
            refused.verdict.problems[0],
            /the metrics API \(metrics\.k8s\.io\) could not be read \(read the CPU of pods: HTTP 503/,
        );
    });
});
