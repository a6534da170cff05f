import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { readAlarms } from "../../../stacks/sections/alarms";
import { Problem, Section } from "../../../stacks/validate";

const KEY = "zero-downtime-eks:alarms";

/** The problems `readAlarms` finds in one alarms section. */
function problemsOf(value: Record<string, unknown>): Problem[] {
    const problems: Problem[] = [];
    readAlarms(new Section(KEY, value, problems));
    return problems;
}

// issue 22.12: windows PutMetricAlarm refuses (period × evaluationPeriods over a day for periods under an
// hour, over seven days otherwise), and high-resolution periods on the ALB's 60 s metrics, which never fire.
// Every "refused" row was accepted before (periods 10/20/30 and any multiple of 60, 1 to 1440 evaluation periods).
const WINDOWS: { periodSeconds: number; evaluationPeriods: number; rule?: string; key?: string }[] = [
    { periodSeconds: 60, evaluationPeriods: 1 },
    { periodSeconds: 60, evaluationPeriods: 1440 },
    { periodSeconds: 3600, evaluationPeriods: 168 },
    { periodSeconds: 86_400, evaluationPeriods: 7 },
    { periodSeconds: 10, evaluationPeriods: 1, rule: "alarm-period-matches-metric", key: "periodSeconds" },
    { periodSeconds: 30, evaluationPeriods: 3, rule: "alarm-period-matches-metric", key: "periodSeconds" },
    { periodSeconds: 120, evaluationPeriods: 1440, rule: "alarm-window-within-limit", key: "evaluationPeriods" },
    { periodSeconds: 3540, evaluationPeriods: 25, rule: "alarm-window-within-limit", key: "evaluationPeriods" },
    { periodSeconds: 3600, evaluationPeriods: 169, rule: "alarm-window-within-limit", key: "evaluationPeriods" },
    { periodSeconds: 86_400, evaluationPeriods: 8, rule: "alarm-window-within-limit", key: "evaluationPeriods" },
];

describe("settings: zero-downtime-eks:alarms", () => {
    for (const w of WINDOWS) {
        const window = { periodSeconds: w.periodSeconds, evaluationPeriods: w.evaluationPeriods };
        it(`issue 22.12: ${w.evaluationPeriods} × ${w.periodSeconds} s is ${w.rule ? `refused (${w.rule})` : "accepted"}`, () => {
            const problems = problemsOf(window);
            if (w.rule === undefined) {
                assert.deepEqual(problems, []);
                return;
            }
            assert.deepEqual(
                problems.map((p) => [p.key, p.rule]),
                [[`${KEY}.${w.key}`, w.rule]],
            );
            assert.match(problems[0].given, new RegExp(String(w.periodSeconds)));
        });
    }

    it("issue 22.12: the fix names the longest window that works", () => {
        const [problem] = problemsOf({ periodSeconds: 300, evaluationPeriods: 300 });
        assert.match(problem.given, /90000 s, more than the 86400 s \(one day/);
        assert.match(problem.expected, /at most 288/);
    });
});

describe("settings: zero-downtime-eks:alarms values", () => {
    it("non-default values are returned as given", () => {
        const problems: Problem[] = [];
        // stacks/defaults.ts: the alarms are on by default.
        const alarms = readAlarms(new Section(KEY, { enabled: false, periodSeconds: 300, evaluationPeriods: 5 }, problems));
        assert.deepEqual(problems, []);
        assert.deepEqual(alarms, { enabled: false, periodSeconds: 300, evaluationPeriods: 5 });
    });

    it("evaluationPeriods past seven days of 60 s periods is refused as a bound, not as a window", () => {
        // CloudWatch PutMetricAlarm: the longest window is 7 days = 604800 s, in periods of at least 60 s: 10080.
        assert.deepEqual(problemsOf({ evaluationPeriods: 10_081 }), [
            { key: `${KEY}.evaluationPeriods`, given: "10081", expected: "a whole number from 1 to 10080" },
        ]);
    });
});
