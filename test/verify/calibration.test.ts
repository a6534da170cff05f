import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { Timings, calibrationRows, formatCalibration, impliedPreStop, spread } from "../../verify/calibration";
import { ClockOffset, DateSample, ServerClock } from "../../verify/clock";
import { deletionRequestedAt } from "../../verify/cluster-client";
import { exitCode } from "../../verify/run";
import { LAGS } from "./fake-cluster";
import { HPA, MODELS, harness, plan } from "./run-harness";

describe("[#14] calibration arithmetic", () => {
    it("nearest-rank p50/p95/max", () => {
        assert.deepEqual(spread(Array.from({ length: 20 }, (_, i) => i + 1)), { n: 20, p50: 10, p95: 19, max: 20 });
        assert.deepEqual(spread([7]), { n: 1, p50: 7, p95: 7, max: 7 });
        assert.deepEqual(spread([3, 1, 2]), { n: 3, p50: 2, p95: 3, max: 3 });
        assert.equal(spread([]), undefined);
    });

    it("a pod's deletion was requested its grace period before its deletionTimestamp (apiserver: timestamp = now + grace)", () => {
        assert.equal(deletionRequestedAt({ deletionTimestamp: 100_000, deletionGracePeriodSeconds: 90 }), 10_000);
        assert.equal(deletionRequestedAt({ deletionTimestamp: 100_000 }), 100_000);
        assert.equal(deletionRequestedAt({}), undefined);
    });

    const timings: Timings = {
        terminating: [
            { phase: "rollout-restart", workload: "web/web", pod: "a", deletedAt: 0, endpointOutAt: 1_000, drainingAt: 4_000 },
            { phase: "rollout-restart", workload: "web/web", pod: "b", deletedAt: 10_000, endpointOutAt: 12_000, drainingAt: 22_500 },
            { phase: "scale-in", workload: "web/web", pod: "c", deletedAt: 0, endpointOutAt: 2_000 },
        ],
        created: [
            {
                phase: "rollout-restart",
                workload: "web/web",
                pod: "d",
                createdAt: 0,
                containersReadyAt: 3_000,
                healthyAt: 11_000,
                readyAt: 12_000,
            },
        ],
    };

    it("one row per phase and gap, each against what the rules assume; gaps without both ends are left out", () => {
        assert.deepEqual(
            calibrationRows(timings, MODELS).map((r) => [r.phase, r.measure, r.spread.p50, r.spread.max, r.assumed ?? "-"]),
            [
                ["rollout-restart", "deletion → endpoint not ready", 1, 2, "-"],
                ["rollout-restart", "deletion → ALB target draining", 4, 12.5, "15 s propagation (rules/timing.ts)"],
                ["scale-in", "deletion → endpoint not ready", 2, 2, "-"],
                ["rollout-restart", "containers ready → ALB target healthy", 8, 8, "10 s interval × healthy threshold (rules/spike.ts)"],
                ["rollout-restart", "ALB target healthy → pod Ready (readiness gate)", 1, 1, "-"],
            ],
        );
    });

    it("the preStop the measurements imply: the longest deletion → draining, rounded up, plus the ALB's failure detection", () => {
        assert.deepEqual(impliedPreStop(timings, MODELS), { measuredSeconds: 12.5, preStopSeconds: 13 + 10 });
        assert.equal(impliedPreStop({ terminating: [timings.terminating[2]], created: [] }, MODELS), undefined);
        const lines = formatCalibration(timings, MODELS);
        assert.match(
            lines.at(-1) ?? "",
            /^preStop these measurements imply: 12\.5 s longest deletion → draining \+ 10 s ALB failure detection = 23 s \(the rules ask 25 s; the stack sets 40 s on the app\)$/,
        );
    });
});

describe("[#14] calibration against the fake cluster", () => {
    it("measures what the fake's controllers do: endpoint out 1 s, draining 6 s after the request (not after deletionTimestamp), healthy 8 s after ready", async () => {
        const h = harness({ hpa: HPA });
        const outcome = await h.run(plan({ phases: ["rollout-restart", "scale-in"] }));
        assert.equal(exitCode(outcome), 0, outcome.error);
        const rows = calibrationRows(outcome.timings, MODELS).map(
            (r) => `${r.phase} | ${r.measure} | ${r.spread.n} | ${r.spread.p50} | ${r.spread.max}`,
        );
        const s = (ms: number) => ms / 1000;
        assert.deepEqual(rows, [
            `rollout-restart | deletion → endpoint not ready | 4 | ${s(LAGS.endpointOut)} | ${s(LAGS.endpointOut)}`,
            `rollout-restart | deletion → ALB target draining | 4 | ${s(LAGS.draining)} | ${s(LAGS.draining)}`,
            `scale-in | deletion → endpoint not ready | 2 | ${s(LAGS.endpointOut)} | ${s(LAGS.endpointOut)}`,
            `scale-in | deletion → ALB target draining | 2 | ${s(LAGS.draining)} | ${s(LAGS.draining)}`,
            `rollout-restart | containers ready → ALB target healthy | 4 | ${s(LAGS.healthy)} | ${s(LAGS.healthy)}`,
            `rollout-restart | ALB target healthy → pod Ready (readiness gate) | 4 | ${s(LAGS.gate)} | ${s(LAGS.gate)}`,
        ]);
        // The raw timings carry the request time, 30 s (the grace) before each pod's deletionTimestamp.
        for (const t of outcome.timings.terminating) {
            assert.equal((t.drainingAt ?? 0) - t.deletedAt, LAGS.draining);
        }
        assert.ok(h.describeCalls() > 0, "target health came from ELBv2 DescribeTargetHealth");
    });

    it("without AWS credentials only the Kubernetes half is measured, and the verdict still stands", async () => {
        const h = harness({ hpa: HPA }, { elb: false });
        const outcome = await h.run(plan({ phases: ["rollout-restart"] }));
        assert.equal(exitCode(outcome), 0);
        assert.deepEqual(
            calibrationRows(outcome.timings, MODELS).map((r) => r.measure),
            ["deletion → endpoint not ready"],
        );
        assert.match(formatCalibration(outcome.timings, MODELS).at(-1) ?? "", /^preStop: no ALB deregistration was measured/);
    });

    it("a target-health read that fails is said once and left out; the run goes on", async () => {
        const h = harness({ hpa: HPA });
        h.cluster.failWith = (method) => (method === "describeTargets" ? new Error("Throttling: Rate exceeded") : undefined);
        const outcome = await h.run(plan({ phases: ["rollout-restart"] }));
        assert.equal(exitCode(outcome), 0);
        const warned = h.lines.filter((l) => l.includes("calibration: cannot read the target health"));
        assert.equal(warned.length, 1);
        assert.match(warned[0], /Throttling: Rate exceeded/);
    });
});

describe("[#14] the sampler times only what the phase moved", () => {
    it("a pod already terminating when the phase began is not this phase's to time", async () => {
        const h = harness({ hpa: HPA });
        const early = h.cluster.pods.find((p) => p.owner === "web/web");
        assert.ok(early);
        // Deleted during the ramp-up (after the preflight, before the first sample): already going at the first sample.
        h.cluster.after = (method) => {
            if (method === "createJob" && early.deletedAt === undefined) {
                early.deletedAt = h.cluster.clock.now();
            }
        };
        const outcome = await h.run(plan({ phases: ["rollout-restart"] }));
        assert.ok(
            outcome.timings.terminating.every((t) => t.pod !== early.name),
            "the pod that was going before the disruption is not timed",
        );
    });
});

describe("[#14] sampling ends with the disruption's last measurement", () => {
    it("a 300 s rollout phase samples until its pods are timed (about 40 s here), then polls every 5 s", async () => {
        const h = harness({ hpa: HPA });
        await h.run(plan({ phases: ["rollout-restart"] }));
        const samples = h.cluster.calls.filter((c) => c.method === "listEndpoints").length;
        assert.ok(samples >= 30 && samples <= 60, `${samples} samples`);
    });
});

describe("issue 21.9: the calibration is on one clock, the API server's", () => {
    const cases: { name: string; samples: DateSample[]; offset: ClockOffset | undefined }[] = [
        { name: "no answer yet", samples: [], offset: undefined },
        {
            // Sent at 0.2 s, back at 0.4 s, Date says 10 s: the server stamped 10.0-11.0 s somewhere in 0.2-0.4 s.
            name: "one answer bounds it to the Date's second widened by the round trip",
            samples: [{ sentAt: 200, receivedAt: 400, serverDate: 10_000 }],
            offset: { offsetMs: 10_200, uncertaintyMs: 600 },
        },
        {
            // The server 10 s ahead: answers just before and just after its second turns pin the turn down.
            name: "answers either side of a second's turn narrow it",
            samples: [
                { sentAt: 200, receivedAt: 400, serverDate: 10_000 },
                { sentAt: 900, receivedAt: 1_000, serverDate: 10_000 },
                { sentAt: 1_000, receivedAt: 1_100, serverDate: 11_000 },
            ],
            offset: { offsetMs: 10_000, uncertaintyMs: 100 },
        },
        {
            name: "a clock that jumped: bounds that cannot both hold give way to the newest answer",
            samples: [
                { sentAt: 200, receivedAt: 400, serverDate: 10_000 },
                { sentAt: 5_000, receivedAt: 5_100, serverDate: 4_000 },
            ],
            offset: { offsetMs: -550, uncertaintyMs: 550 },
        },
        {
            name: "an answer without a Date header is no sample",
            samples: [{ sentAt: 0, receivedAt: 10, serverDate: NaN }],
            offset: undefined,
        },
    ];
    for (const c of cases) {
        it(c.name, () => {
            const clock = new ServerClock();
            c.samples.forEach((s) => clock.add(s));
            assert.deepEqual(clock.offset(), c.offset);
        });
    }

    it("issue 21.9: a cluster clock 7 s ahead of this machine's changes no measured gap", async () => {
        const measured = async (serverClockAheadMs: number) => {
            const h = harness({ hpa: HPA, serverClockAheadMs });
            const outcome = await h.run(plan({ phases: ["rollout-restart", "scale-out"] }));
            assert.equal(exitCode(outcome), 0, outcome.error);
            const so = outcome.scaleOut;
            return {
                rows: calibrationRows(outcome.timings, MODELS).map((r) => [r.phase, r.measure, r.spread]),
                scaleOut: so && [so.measuredSeconds, (so.scaledAt ?? 0) - so.stepAt, (so.containersReadyAt ?? 0) - so.stepAt],
                lines: h.lines,
            };
        };
        const same = await measured(0);
        const ahead = await measured(7_000);
        assert.deepEqual(ahead.rows, same.rows);
        assert.deepEqual(ahead.scaleOut, same.scaleOut);
        // The fake's own lags, as the cluster's clock and verify's samples see them.
        const deletion = same.rows.find((r) => r[0] === "rollout-restart" && r[1] === "deletion → endpoint not ready");
        assert.equal((deletion?.[2] as { max: number }).max, LAGS.endpointOut / 1000);
        assert.ok(
            ahead.lines.includes(
                "clock: the API server's clock is 7.0 s ahead of this machine's (±0.0 s); verify's times are on the API server's clock",
            ),
        );
    });
});
