// The defaults a stack gets when its file says nothing, as literals with the reason each was chosen
// (stacks/defaults.ts cites the sources): a change to any of them must be made here too, on purpose.
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { ADDON_DEFAULTS, ALARM_DEFAULTS, DEFAULTS, ENVIRONMENTS } from "../../stacks/defaults";

describe("defaults", () => {
    it("every addon is on by default", () => {
        for (const [addon, d] of Object.entries(ADDON_DEFAULTS)) {
            assert.equal(d.enabled, true, addon);
        }
    });

    it("Karpenter's NodePool: the upstream defaults the comments cite", () => {
        const k = ADDON_DEFAULTS.karpenter;
        const cases: [string, unknown, unknown][] = [
            // Follows every new EKS AL2023 AMI until a stack pins a dated alias.
            ["amiAlias", k.amiAlias, "al2023@latest"],
            // The getting-started NodePool (step12-add-nodepool.sh).
            ["consolidateAfter", k.consolidateAfter, "1m"],
            // The NodePool CRD's default: 30 days.
            ["expireAfter", k.expireAfter, "720h"],
            // An EKS managed node update's wait for pods (rules/drain.ts).
            ["terminationGracePeriod", k.terminationGracePeriod, "15m"],
            // The CRD's default budget.
            ["budgets", k.budgets, [{ nodes: "10%" }]],
            ["instanceTypes", k.instanceTypes, ["m5.large"]],
            ["capacityTypes", k.capacityTypes, ["on-demand"]],
        ];
        for (const [name, got, want] of cases) {
            assert.deepEqual(got, want, name);
        }
    });

    it("the entrypoint's alarms are on, one 60 s period (the ALB reports every 60 s)", () => {
        assert.deepEqual(ALARM_DEFAULTS, { enabled: true, periodSeconds: 60, evaluationPeriods: 1 });
    });

    // Per environment: mesh dashboards where people debug (not prod), NAT per AZ and protect in prod,
    // log retention a month / a quarter / a year.
    const PER_ENV = {
        dev: { observability: true, azs: 2, nat: "single", max: 4, logs: 30, protect: false },
        staging: { observability: true, azs: 2, nat: "single", max: 6, logs: 90, protect: false },
        prod: { observability: false, azs: 3, nat: "onePerAz", max: 12, logs: 365, protect: true },
    };
    for (const env of ENVIRONMENTS) {
        it(`${env}: its network, node group and dashboards`, () => {
            const want = PER_ENV[env];
            const d = DEFAULTS[env];
            assert.equal(d.observability, want.observability);
            assert.deepEqual(d.network, { cidrBlock: "10.0.0.0/16", availabilityZoneCount: want.azs, natGateways: want.nat });
            assert.deepEqual(
                { ...d.cluster, version: undefined },
                {
                    version: undefined,
                    instanceType: "m5.large",
                    minSize: 3,
                    desiredSize: 3,
                    maxSize: want.max,
                    logRetentionDays: want.logs,
                    protect: want.protect,
                },
            );
        });
    }
});
