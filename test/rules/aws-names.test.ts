import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { AWS_NAMED_TYPES, MAX_STACK_NAME, NAME_RULES, NameKind, checkAwsName, fitAutonamed, stackNameProblem } from "../../rules/aws-names";
import { AUTONAME_SUFFIX_LENGTH } from "../../rules/aws-limits";

const check = (kind: NameKind, name: string, autonameMax?: number) =>
    checkAwsName({
        resource: "r",
        kind,
        name,
        ...(autonameMax === undefined ? {} : { autoname: { property: "name", maxLength: autonameMax } }),
    }).map((v) => v.rule);

describe("AWS names: each API's length limit, given and autonamed", () => {
    for (const [kind, rule] of Object.entries(NAME_RULES) as [NameKind, (typeof NAME_RULES)[NameKind]][]) {
        it(`${rule.label}: ${rule.maxLength} characters pass, ${rule.maxLength + 1} are refused (${rule.source})`, () => {
            assert.deepEqual(check(kind, "a".repeat(rule.maxLength)), []);
            assert.deepEqual(check(kind, "a".repeat(rule.maxLength + 1)), ["aws-name-length"]);
        });
    }

    for (const [type, named] of Object.entries(AWS_NAMED_TYPES)) {
        if (!named?.autoname) {
            continue;
        }
        const limit = Math.min(named.autoname.maxLength, NAME_RULES[named.kind].maxLength);
        it(`${type}: a logical name of ${limit - AUTONAME_SUFFIX_LENGTH} autonames within ${limit}, one more does not`, () => {
            assert.deepEqual(check(named.kind, "a".repeat(limit - AUTONAME_SUFFIX_LENGTH), named.autoname?.maxLength), []);
            assert.equal(check(named.kind, "a".repeat(limit - AUTONAME_SUFFIX_LENGTH + 1), named.autoname?.maxLength).length, 1);
        });
    }

    it("issue 22.2: feature-x's capacity-reservation rule is 66 characters with its suffix, past EventBridge's 64", () => {
        const v = checkAwsName({
            resource: "feature-x-karpenter-capacity-reservation-interruption-rule",
            kind: "eventRule",
            name: "feature-x-karpenter-capacity-reservation-interruption-rule",
            autoname: { property: "name", maxLength: 64 },
        });
        assert.equal(v.length, 1);
        assert.match(v[0].message, /is 66 characters; AWS accepts 1 to 64/);
        assert.match(v[0].message, /API_PutRule/);
    });

    it("an SNS topic's autoname stops at pulumi-aws's 80 though SNS takes 256: the preview fails, and the message says so", () => {
        const v = checkAwsName({ resource: "t", kind: "snsTopic", name: "t".repeat(73), autoname: { property: "name", maxLength: 80 } });
        assert.equal(v[0].rule, "aws-autoname-length");
        assert.match(v[0].message, /pulumi-aws autonames SNS topic names up to 80 and fails the preview/);
    });
});

describe("AWS names: characters and reserved prefixes", () => {
    for (const [kind, name, ok] of [
        ["loadBalancer", "zero-downtime-eks-dev-edge", true],
        ["loadBalancer", "zero-downtime-eks-f_x-edge", false],
        ["loadBalancer", "-edge", false],
        ["loadBalancer", "edge-", false],
        ["eventRule", "a.b_c-d", true],
        ["eventRule", "a b", false],
        ["sqsQueue", "feature.x-queue", false],
        ["snsTopic", "feature_x-topic", true],
        ["iamRole", "a+b=c,d.e@f-g_h", true],
        ["iamRole", "a/b", false],
        ["eksNodeGroup", "_nodes", false],
        ["eksCluster", "zero-downtime-eks_dev", true],
        ["dashboard", "zero-downtime-eks-dev-entrypoint", true],
        ["logGroup", "/aws/eks/zero-downtime-eks-dev/cluster", true],
        ["launchTemplate", "ab", false],
    ] as const) {
        it(`${NAME_RULES[kind].label} ${JSON.stringify(name)}: ${ok ? "accepted" : "refused"}`, () => {
            assert.equal(check(kind, name).length === 0, ok, JSON.stringify(check(kind, name)));
        });
    }

    it("issue 22.3: an ALB name starting with internal- is refused (CreateLoadBalancer reserves it)", () => {
        assert.deepEqual(check("loadBalancer", "internal-shop-edge"), ["aws-name-prefix"]);
    });
});

describe("AWS names: fitting a logical name to its autoname limit", () => {
    it("a name that fits is kept, so existing stacks keep their resources", () => {
        assert.equal(
            fitAutonamed("dev-karpenter-capacity-reservation-interruption-rule", 64),
            "dev-karpenter-capacity-reservation-interruption-rule",
        );
    });

    it("a long name is cut and hashed to exactly the room left for the suffix, and two long names stay two", () => {
        const a = fitAutonamed("feature-checkout-eu-karpenter-capacity-reservation-interruption-rule", 64);
        const b = fitAutonamed("feature-checkout-us-karpenter-capacity-reservation-interruption-rule", 64);
        for (const n of [a, b]) {
            assert.equal(n.length, 64 - AUTONAME_SUFFIX_LENGTH, n);
            assert.deepEqual(check("eventRule", n, 64), []);
            assert.match(n, /^feature-checkout-\w+-karpenter-capacity-[a-z-]+-[0-9a-f]{8}$/);
        }
        assert.notEqual(a, b);
    });
});

describe("stack names settings accept", () => {
    it(`the limit is IAM's 64 less the suffix and pulumi-eks's "-cluster-eks-eksRole-role": ${MAX_STACK_NAME}`, () => {
        assert.equal(MAX_STACK_NAME, 64 - 8 - "-cluster-eks-eksRole-role".length);
        assert.equal(MAX_STACK_NAME, 31);
    });

    for (const [stack, ok] of [
        ["dev", true],
        ["feature-x", true],
        ["feature-checkout-eu", true],
        ["feature_checkout_eu", true],
        ["s".repeat(MAX_STACK_NAME), true],
        ["s".repeat(MAX_STACK_NAME + 1), false],
        ["feature.x", false],
        ["-x", false],
    ] as const) {
        it(`${JSON.stringify(stack)}: ${ok ? "accepted" : "refused"}`, () => {
            assert.equal(stackNameProblem(stack) === undefined, ok, stackNameProblem(stack));
        });
    }

    it("a refusal names the limit and the name that cannot fit", () => {
        assert.match(String(stackNameProblem("s".repeat(32))), /at most 31 characters \(it is 32\).*eksRole-role.*64/);
        assert.match(String(stackNameProblem("feature.x")), /SQS queue and SNS topic names/);
    });
});
