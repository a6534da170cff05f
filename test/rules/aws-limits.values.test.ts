// The AWS API limits' exact violations: which API refuses, the range, the fix, each field named.
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import {
    CONTROLLER_DEFAULTS,
    checkAlarmWindow,
    checkAlbHealthCheck,
    checkNameLength,
    checkNodeGroupScaling,
    validAlarmPeriod,
} from "../../rules/aws-limits";

describe("AWS API limits: exact values", () => {
    it("a target group out of the ELB API's ranges, and a timeout not below the interval", () => {
        assert.deepEqual(checkAlbHealthCheck({ ...CONTROLLER_DEFAULTS, healthCheckIntervalSeconds: 4, healthCheckTimeoutSeconds: 4 }), [
            {
                rule: "aws-api-range",
                fields: ["healthCheckIntervalSeconds"],
                message: "healthCheckIntervalSeconds 4 is outside what the ELB API accepts (5 to 300): AWS refuses it at deploy time",
                fix: "set healthCheckIntervalSeconds to a whole number from 5 to 300",
            },
            {
                rule: "alb-timeout-below-interval",
                fields: ["healthCheckTimeoutSeconds", "healthCheckIntervalSeconds"],
                message:
                    "health check timeout 4s is not below the 4s interval: the ELB API refuses the target group, and the Ingress never gets an address",
                fix: "set healthCheckTimeoutSeconds to at most 3, or raise healthCheckIntervalSeconds",
            },
        ]);
    });

    it("a node group out of EKS's ranges (maxSize at least 1) and out of order", () => {
        assert.deepEqual(checkNodeGroupScaling({ minSize: 3, desiredSize: 2, maxSize: 0 }), [
            {
                rule: "aws-api-range",
                fields: ["maxSize"],
                message: "maxSize 0 is outside what EKS (NodegroupScalingConfig) accepts (1 to 450): AWS refuses it at deploy time",
                fix: "set maxSize to a whole number from 1 to 450",
            },
            {
                rule: "node-group-min-le-desired",
                fields: ["minSize", "desiredSize"],
                message: "minSize 3 is above desiredSize 2: EKS refuses the node group",
                fix: "set minSize to at most 2",
            },
            {
                rule: "node-group-desired-le-max",
                fields: ["desiredSize", "maxSize"],
                message: "desiredSize 2 is above maxSize 0: EKS refuses the node group",
                fix: "set desiredSize to at most 0",
            },
        ]);
    });

    it("a name too long for AWS, with and without Pulumi's autoname suffix", () => {
        const role = "r".repeat(60);
        assert.deepEqual(checkNameLength("iamRole", role, true), [
            {
                rule: "aws-name-length",
                fields: ["name"],
                message: `iamRole name "${role}" plus Pulumi's 8-character suffix is 68 characters; AWS accepts 64`,
                fix: "shorten it to at most 56 characters",
            },
        ]);
        assert.deepEqual(checkNameLength("iamRole", role, false), []);
        assert.deepEqual(checkNameLength("iamRole", `${role}abcde`, false), [
            {
                rule: "aws-name-length",
                fields: ["name"],
                message: `iamRole name "${role}abcde" is 65 characters; AWS accepts 64`,
                fix: "shorten it to at most 64 characters",
            },
        ]);
    });

    it("alarm periods: 10, 20, 30 or a positive multiple of 60", () => {
        const table: [number, boolean][] = [
            [10, true],
            [20, true],
            [30, true],
            [60, true],
            [300, true],
            [0, false],
            [-60, false],
            [40, false],
            [90, false],
            [60.5, false],
        ];
        assert.deepEqual(
            table.map(([s]) => [s, validAlarmPeriod(s)]),
            table,
        );
    });
});

describe("CloudWatch alarm windows: exact violations", () => {
    const ACCEPTED = "(PutMetricAlarm Period: 10, 20, 30 or a multiple of 60)";

    it("a period CloudWatch refuses and a fractional evaluation count: both said, no window check on a refused period", () => {
        assert.deepEqual(checkAlarmWindow({ periodSeconds: 45, evaluationPeriods: 0.5 }, 10), [
            {
                rule: "alarm-period-accepted",
                fields: ["periodSeconds"],
                message: `periodSeconds 45 is not one CloudWatch accepts ${ACCEPTED}`,
                fix: "set periodSeconds to a multiple of 60 (the metric is reported every 10 s)",
            },
            {
                rule: "alarm-evaluation-periods",
                fields: ["evaluationPeriods"],
                message: "evaluationPeriods 0.5 is not a whole number from 1",
                fix: "set evaluationPeriods to 1 or more",
            },
        ]);
        assert.deepEqual(
            checkAlarmWindow({ periodSeconds: 45, evaluationPeriods: 100_000 }, 60).map((v) => v.rule),
            ["alarm-period-accepted"],
        );
    });

    it("a period finer than the metric: accepted by CloudWatch, but the alarm would never fire", () => {
        assert.deepEqual(checkAlarmWindow({ periodSeconds: 10, evaluationPeriods: 2 }, 60), [
            {
                rule: "alarm-period-matches-metric",
                fields: ["periodSeconds"],
                message:
                    "periodSeconds 10 is shorter than the 60 s the metric is reported at: most periods get no datapoint, and with missing data not breaching the alarm never fires",
                fix: "set periodSeconds to a multiple of 60 (the metric is reported every 60 s)",
            },
        ]);
    });

    it("the window: one day for periods under an hour, seven days from an hour, each at its exact edge", () => {
        assert.deepEqual(checkAlarmWindow({ periodSeconds: 60, evaluationPeriods: 1440 }, 60), []);
        assert.deepEqual(checkAlarmWindow({ periodSeconds: 60, evaluationPeriods: 1441 }, 60), [
            {
                rule: "alarm-window-within-limit",
                fields: ["evaluationPeriods", "periodSeconds"],
                message:
                    "1441 periods of 60 s span 86460 s, more than the 86400 s (one day (periods under an hour)) PutMetricAlarm accepts: AWS refuses the alarm at deploy time",
                fix: "set evaluationPeriods to at most 1440, or shorten periodSeconds",
            },
        ]);
        assert.deepEqual(checkAlarmWindow({ periodSeconds: 3600, evaluationPeriods: 168 }, 60), []);
        assert.deepEqual(checkAlarmWindow({ periodSeconds: 3600, evaluationPeriods: 169 }, 60), [
            {
                rule: "alarm-window-within-limit",
                fields: ["evaluationPeriods", "periodSeconds"],
                message:
                    "169 periods of 3600 s span 608400 s, more than the 604800 s (seven days) PutMetricAlarm accepts: AWS refuses the alarm at deploy time",
                fix: "set evaluationPeriods to at most 168, or shorten periodSeconds",
            },
        ]);
    });
});
