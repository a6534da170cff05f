// parseSettings' exact values: the messages a user reads for the stack-wide keys (region, environment,
// stack name, a misspelt section), the tags every AWS resource gets, and the app's default surge.
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { ConfigInput, PROJECT, STACK_NAME_KEY, Settings, parseSettings, todayUtc } from "../../stacks/settings";
import { problemsOf } from "./problems";
import { sizedSurge } from "../../stacks/capacity";

const P = `${PROJECT}:`;
const TODAY = "2026-12-01";

/** A valid dev stack (open API endpoint, as the committed dev stack file), with keys added. */
function input(config: Record<string, unknown> = {}, stack = "dev"): ConfigInput {
    const merged: Record<string, unknown> = {
        "aws:region": "ap-northeast-2",
        [`${P}cluster`]: { publicAccessCidrs: ["0.0.0.0/0"] },
        ...config,
    };
    const flat: Record<string, string> = {};
    for (const [k, v] of Object.entries(merged)) {
        if (v !== undefined) {
            flat[k] = typeof v === "string" ? v : JSON.stringify(v);
        }
    }
    return { project: PROJECT, stack, config: flat, today: TODAY };
}

const REGION_EXPECTED = 'an AWS region name, e.g. "ap-northeast-2"';

describe("parseSettings: exact values", () => {
    // Region names as the EC2 DescribeRegions API lists them: `<area>-<direction…>-<n>`, GovCloud with two words.
    const regions: { region: string | undefined; ok: boolean }[] = [
        { region: "ap-northeast-2", ok: true },
        { region: "us-gov-west-1", ok: true },
        { region: "eu-central-12", ok: true },
        { region: "us-east-1a", ok: false }, // an availability zone, not a region
        { region: "aws-us-east-1", ok: false },
        { region: "useast1", ok: false },
        { region: undefined, ok: false },
    ];
    for (const r of regions) {
        it(`aws:region ${JSON.stringify(r.region)} is ${r.ok ? "accepted" : "refused"}`, () => {
            if (r.ok) {
                assert.equal(parseSettings(input({ "aws:region": r.region })).region, r.region);
            } else {
                const given = r.region === undefined ? "nothing (the key is not set)" : JSON.stringify(r.region);
                assert.deepEqual(problemsOf(input({ "aws:region": r.region })), [{ key: "aws:region", given, expected: REGION_EXPECTED }]);
            }
        });
    }

    const ENV_EXPECTED = 'one of "dev", "staging", "prod" (it selects the defaults)';
    it("environment: unset on a stack not named after one, or set to an unknown one, each says what it got", () => {
        assert.deepEqual(problemsOf(input({}, "qa")), [
            { key: `${P}environment`, given: 'nothing, and the stack name "qa" is not an environment', expected: ENV_EXPECTED },
        ]);
        assert.deepEqual(problemsOf(input({ [`${P}environment`]: "test" }, "qa")), [
            { key: `${P}environment`, given: '"test"', expected: ENV_EXPECTED },
        ]);
        assert.equal(parseSettings(input({ [`${P}environment`]: "staging" }, "qa")).environment, "staging");
    });

    it("a stack name AWS names cannot carry is reported on the stack name", () => {
        // The cluster name derived from it is refused too (its own problem, on cluster.name).
        const problems = problemsOf(input({ [`${P}environment`]: "dev" }, "dev.eu")).filter((p) => p.key === "stack name");
        assert.equal(STACK_NAME_KEY, "stack name");
        assert.equal(problems.length, 1);
        assert.equal(problems[0].given, '"dev.eu"');
        assert.match(problems[0].expected, /^only letters, digits, '-' and '_'/);
    });

    it("a misspelt section lists every known key", () => {
        assert.deepEqual(problemsOf(input({ [`${P}netwrok`]: { a: 1 } })), [
            {
                key: `${P}netwrok`,
                given: '{"a":1}',
                expected:
                    "one of the known keys (a typo is never ignored): zero-downtime-eks:environment, zero-downtime-eks:network, zero-downtime-eks:cluster, zero-downtime-eks:addons, zero-downtime-eks:app, zero-downtime-eks:alarms, zero-downtime-eks:domain, zero-downtime-eks:teams",
            },
        ]);
    });

    it("today is the UTC date alone, the form the EKS calendar uses", () => {
        assert.match(todayUtc(), /^\d{4}-\d{2}-\d{2}$/);
    });

    it("every AWS resource is tagged with project, stack, environment and managed-by", () => {
        assert.deepEqual(parseSettings(input({ [`${P}environment`]: "staging" }, "team-a")).tags, {
            project: PROJECT,
            stack: "team-a",
            environment: "staging",
            "managed-by": "pulumi",
        });
    });

    it("Locust's default target is the app's in-cluster Service", () => {
        const s = parseSettings(input({ [`${P}app`]: { name: "shop", namespace: "store" } }));
        assert.equal(s.addons.locust.targetHost, "http://shop.store.svc.cluster.local");
    });

    it("capacity is judged only once every other value is valid (a bad value has been replaced by its default)", () => {
        // maxNodes 3 is too small for the app at its HPA maximum (settings.test.ts: at least 8), which a
        // valid stack is told; next to a bad key, only the bad key is reported.
        const tooFewNodes = { [`${P}addons`]: { karpenter: { maxNodes: 3 } } };
        assert.deepEqual(
            problemsOf(input(tooFewNodes)).map((p) => p.key),
            [`${P}addons.karpenter.maxNodes`],
        );
        assert.deepEqual(
            problemsOf(input({ ...tooFewNodes, [`${P}network`]: { availabilityZoneCount: 1 } })).map((p) => p.key),
            [`${P}network.availabilityZoneCount`],
        );
    });

    describe("the app's surge on a fixed node group (no Karpenter)", () => {
        const fixed = { [`${P}addons`]: { karpenter: { enabled: false } } };
        const read = (config: Record<string, unknown>): Settings => parseSettings(input({ ...fixed, ...config }));
        it("unset: sized to what the nodes have room for, not the component's default", () => {
            const s = read({});
            const sized = sizedSurge(s.cluster, s.addons, s.app);
            assert.equal(s.app.rollout.maxSurge, sized);
            const unsized = parseSettings(input()).app.rollout.maxSurge;
            assert.notEqual(sized, unsized, "the case must tell sizing from the default");
        });
        it("set by the stack: kept as given", () => {
            assert.equal(read({ [`${P}app`]: { rollout: { maxSurge: "25%" } } }).app.rollout.maxSurge, "25%");
        });
    });
});
