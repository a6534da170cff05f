// Rule verdicts as the problems a user reads: on which key, with which "see also".
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { Problem, Section } from "../../stacks/validate";
import { reportViolations } from "../../stacks/violations";
import { Violation } from "../../rules/timing";

const KEY = "zero-downtime-eks:app";
const VIOLATION: Violation = {
    rule: "r",
    fields: ["preStop", "grace", "platform"],
    message: "preStop 5 s is too short",
    fix: "raise it",
};
// preStop and grace are config keys; `platform` is a constant with no key (null: left out).
const KEY_OF: Record<string, string | null> = {
    preStop: "timing.preStopSeconds",
    grace: "timing.terminationGracePeriodSeconds",
    platform: null,
};

function reported(value: unknown, violation: Violation, keyOf = KEY_OF): Problem[] {
    const problems: Problem[] = [];
    reportViolations(new Section(KEY, value, problems), [violation], keyOf);
    return problems;
}

describe("reportViolations", () => {
    const cases: { case: string; value: unknown; violation?: Violation; keyOf?: Record<string, string | null>; want: Problem }[] = [
        {
            case: "all defaults: the rule's first key, the other named as see also",
            value: {},
            want: {
                key: `${KEY}.timing.preStopSeconds`,
                given: "preStop 5 s is too short",
                expected: `raise it (see also ${KEY}.timing.terminationGracePeriodSeconds)`,
                rule: "r",
            },
        },
        {
            case: "the key the stack set is blamed, the default one is see also",
            value: { timing: { terminationGracePeriodSeconds: 10 } },
            want: {
                key: `${KEY}.timing.terminationGracePeriodSeconds`,
                given: "preStop 5 s is too short",
                expected: `raise it (see also ${KEY}.timing.preStopSeconds)`,
                rule: "r",
            },
        },
        {
            case: "two other keys: both named, comma-separated",
            value: {},
            violation: { ...VIOLATION, fields: ["preStop", "grace", "replicas"] },
            want: {
                key: `${KEY}.timing.preStopSeconds`,
                given: "preStop 5 s is too short",
                expected: `raise it (see also ${KEY}.timing.terminationGracePeriodSeconds, ${KEY}.replicas)`,
                rule: "r",
            },
        },
        {
            case: "a single key: no see also",
            value: {},
            violation: { ...VIOLATION, fields: ["preStop", "platform"] },
            want: { key: `${KEY}.timing.preStopSeconds`, given: "preStop 5 s is too short", expected: "raise it", rule: "r" },
        },
        {
            case: "a field without a keyOf entry is its own key",
            value: {},
            violation: { ...VIOLATION, fields: ["replicas", "preStop"] },
            want: {
                key: `${KEY}.replicas`,
                given: "preStop 5 s is too short",
                expected: `raise it (see also ${KEY}.timing.preStopSeconds)`,
                rule: "r",
            },
        },
    ];
    for (const c of cases) {
        it(c.case, () => {
            assert.deepEqual(reported(c.value, c.violation ?? VIOLATION, c.keyOf), [c.want]);
        });
    }
});
