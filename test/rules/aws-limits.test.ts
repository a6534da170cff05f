import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import {
    ALB_METRIC_INTERVAL_SECONDS,
    AlbHealthCheck,
    checkAlarmWindow,
    checkAlbHealthCheck,
    checkNameLength,
    checkNodeGroupScaling,
    maxAlarmWindowSeconds,
} from "../../rules/aws-limits";

// The app's defaults: interval 5, timeout 3, 2/2 thresholds, 30 s deregistration delay.
const OK: AlbHealthCheck = {
    healthCheckIntervalSeconds: 5,
    healthCheckTimeoutSeconds: 3,
    healthyThreshold: 2,
    unhealthyThreshold: 2,
    deregistrationDelaySeconds: 30,
};

// Each ELB API range (botocore elbv2 service-2.json; ALB user guide), at and just past both ends.
const RANGES: { field: keyof AlbHealthCheck; min: number; max: number }[] = [
    { field: "healthCheckIntervalSeconds", min: 5, max: 300 },
    { field: "healthCheckTimeoutSeconds", min: 2, max: 120 },
    { field: "healthyThreshold", min: 2, max: 10 },
    { field: "unhealthyThreshold", min: 2, max: 10 },
    { field: "deregistrationDelaySeconds", min: 0, max: 3600 },
];

describe("AWS API limits: ALB target group", () => {
    it("[#11.1] the defaults are accepted", () => {
        assert.deepEqual(checkAlbHealthCheck(OK), []);
    });

    it("[#11.1] interval 5 with the controller's default timeout 5 is refused, naming the fix", () => {
        const v = checkAlbHealthCheck({ ...OK, healthCheckTimeoutSeconds: 5 });
        assert.deepEqual(
            v.map((x) => x.rule),
            ["alb-timeout-below-interval"],
        );
        assert.match(v[0].fix, /at most 4/);
    });

    it("timeout one below the interval is accepted", () => {
        assert.deepEqual(checkAlbHealthCheck({ ...OK, healthCheckIntervalSeconds: 30, healthCheckTimeoutSeconds: 29 }), []);
    });

    for (const r of RANGES) {
        it(`${r.field}: ${r.min} and ${r.max} accepted, ${r.min - 1} and ${r.max + 1} refused`, () => {
            // Keep the interval above any timeout tried, and the timeout below any interval tried.
            const base = { ...OK, healthCheckIntervalSeconds: 300, healthCheckTimeoutSeconds: 2 };
            const probe = (value: number) => checkAlbHealthCheck({ ...base, [r.field]: value }).filter((v) => v.rule === "aws-api-range");
            assert.deepEqual(probe(r.min), []);
            assert.deepEqual(probe(r.max), []);
            assert.equal(probe(r.min - 1).length, 1);
            assert.equal(probe(r.max + 1).length, 1);
            assert.match(probe(r.max + 1)[0].fix, new RegExp(`from ${r.min} to ${r.max}`));
        });
    }

    it("a fraction is refused", () => {
        assert.equal(checkAlbHealthCheck({ ...OK, healthyThreshold: 2.5 }).length, 1);
    });
});

describe("AWS API limits: managed node group scaling", () => {
    const CASES = [
        { case: "3/3/4", s: { minSize: 3, desiredSize: 3, maxSize: 4 }, rules: [] },
        { case: "min above desired", s: { minSize: 4, desiredSize: 3, maxSize: 4 }, rules: ["node-group-min-le-desired"] },
        { case: "desired above max", s: { minSize: 1, desiredSize: 5, maxSize: 4 }, rules: ["node-group-desired-le-max"] },
        { case: "max 0", s: { minSize: 0, desiredSize: 0, maxSize: 0 }, rules: ["aws-api-range"] },
        { case: "451 nodes", s: { minSize: 1, desiredSize: 1, maxSize: 451 }, rules: ["aws-api-range"] },
        { case: "450 nodes", s: { minSize: 1, desiredSize: 1, maxSize: 450 }, rules: [] },
    ];
    for (const c of CASES) {
        it(c.case, () => {
            assert.deepEqual(
                checkNodeGroupScaling(c.s).map((v) => v.rule),
                c.rules,
            );
        });
    }
});

describe("AWS API limits: names", () => {
    it("an autonamed IAM role: 56 characters + Pulumi's 8 fit the 64 limit, 57 do not", () => {
        assert.deepEqual(checkNameLength("iamRole", "r".repeat(56), true), []);
        assert.match(checkNameLength("iamRole", "r".repeat(57), true)[0].message, /is 65 characters; AWS accepts 64/);
    });

    it("a literal name is checked as it is", () => {
        assert.deepEqual(checkNameLength("iamRole", "r".repeat(64), false), []);
        assert.equal(checkNameLength("iamRole", "r".repeat(65), false).length, 1);
    });
});

describe("AWS API limits: CloudWatch alarm windows", () => {
    it("issue 22.12: one day for periods under an hour, seven days from an hour (PutMetricAlarm)", () => {
        assert.equal(maxAlarmWindowSeconds(3599), 86_400);
        assert.equal(maxAlarmWindowSeconds(3600), 604_800);
    });

    it("issue 22.12: a 10 s period is accepted on a 10 s metric and refused on the ALB's 60 s metrics", () => {
        assert.deepEqual(checkAlarmWindow({ periodSeconds: 10, evaluationPeriods: 6 }, 10), []);
        assert.deepEqual(
            checkAlarmWindow({ periodSeconds: 10, evaluationPeriods: 6 }, ALB_METRIC_INTERVAL_SECONDS).map((v) => v.rule),
            ["alarm-period-matches-metric"],
        );
    });

    it("a period CloudWatch refuses and no evaluation period are both reported", () => {
        assert.deepEqual(
            checkAlarmWindow({ periodSeconds: 45, evaluationPeriods: 0 }, ALB_METRIC_INTERVAL_SECONDS).map((v) => v.rule),
            ["alarm-period-accepted", "alarm-evaluation-periods"],
        );
    });
});
