// The AWS API limits' exact violations: which API refuses, the range, the fix, each field named.
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { CONTROLLER_DEFAULTS, checkAlbHealthCheck, checkNameLength, checkNodeGroupScaling, validAlarmPeriod } from "../../rules/aws-limits";

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
