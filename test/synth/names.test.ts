// Names as AWS sees them: every name the program hands AWS, for any stack and project name settings
// accept, passes its API's rules, and a stack name that cannot work is refused before anything is created.
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";
import { PROJECT_DIR, RecordedResource, SynthResult, readStackConfig } from "../../synth/engine";
import { PULUMI_EKS_MODELLED, UnmodelledNamesError, awsNames, checkNames, remoteChildNames } from "../../synth/names";
import { MAX_STACK_NAME, NAME_RULES, checkAwsName } from "../../rules/aws-names";
import { AUTONAME_SUFFIX_LENGTH } from "../../rules/aws-limits";
import { loadBalancerNameFor } from "../../components/alb";
import { parseSettings, PROJECT, STACK_NAME_KEY, SettingsError, todayUtc } from "../../stacks";
import { npmScriptArgs } from "../../scripts/npm-scripts";
import { main } from "../../synth/cli";
import { cachedSynthesize, runMain, startProcess, synth } from "../harness";

const P = `${PROJECT}:`;
const ENTRYPOINT_LB = "alb.ingress.kubernetes.io/load-balancer-name";

/** A stack named `stack` with dev's stack file (the environment set, as a non-environment name needs). */
function devLike(stack: string, extra: Record<string, string> = {}): Promise<SynthResult> {
    const config = { ...readStackConfig("dev"), [`${P}environment`]: "dev", ...extra };
    return cachedSynthesize({ stack, config: Object.fromEntries(Object.entries(config).sort(([a], [b]) => a.localeCompare(b))) });
}

/** The names of `type` in a synth, autonamed from their logical names (none sets a name). */
const logicalNames = (result: SynthResult, type: string) => result.resources.filter((r) => r.type === type).map((r) => r.name);

/** A temp dir holding `Pulumi.<stack>.yaml` with dev's settings under the environment `dev`. */
function stackDir(stack: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zde-names-"));
    const dev = fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.dev.yaml"), "utf8");
    fs.writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), dev.replace(/^config:\n/m, `config:\n    ${P}environment: dev\n`));
    return dir;
}

const FEATURE = "feature-checkout-eu";
const TOO_LONG = `feature-checkout-eu-${"x".repeat(MAX_STACK_NAME - 19)}`;
// What a user types, as a process: the stack file in its own directory (--stack-dir).
const featureRun = startProcess(
    [
        ...npmScriptArgs(PROJECT_DIR, "synth"),
        "--stack",
        FEATURE,
        "--stack-dir",
        stackDir(FEATURE),
        "--out",
        fs.mkdtempSync(path.join(os.tmpdir(), "zde-out-")),
    ],
    {
        cwd: PROJECT_DIR,
    },
);

describe("issue 22.2: any stack name settings accept deploys", () => {
    for (const stack of ["feature-x", FEATURE]) {
        it(`issue 22.2 (${stack}): every EventBridge rule name and target Id, with pulumi-aws's 8-character suffix, fits 64`, async () => {
            const result = await devLike(stack);
            for (const type of ["aws:cloudwatch/eventRule:EventRule", "aws:cloudwatch/eventTarget:EventTarget"]) {
                const names = logicalNames(result, type);
                assert.equal(names.length, 5, `the template's five rules (${type})`);
                for (const name of names) {
                    assert.ok(
                        name.length + AUTONAME_SUFFIX_LENGTH <= NAME_RULES.eventRule.maxLength,
                        `${name}: ${name.length + AUTONAME_SUFFIX_LENGTH}`,
                    );
                }
            }
            assert.deepEqual(checkNames(result.resources), []);
        });
    }

    it("issue 22.2: short stacks keep their rule names (no replacement for dev, staging, prod)", async () => {
        assert.ok(
            logicalNames(await synth("dev"), "aws:cloudwatch/eventRule:EventRule").includes(
                "dev-karpenter-capacity-reservation-interruption-rule",
            ),
        );
    });

    it("issue 22.2: `npm run synth -- --stack feature-checkout-eu` exits 0", async () => {
        const run = await featureRun;
        assert.equal(run.status, 0, run.stderr);
        assert.match(run.stdout, /synth: stack feature-checkout-eu: \d+ resources/);
    });

    it(`issue 22.2: a stack name of ${MAX_STACK_NAME + 1} characters is refused before anything is created, naming the limit`, async () => {
        const run = await runMain(() =>
            main(
                ["--stack", TOO_LONG, "--stack-dir", stackDir(TOO_LONG), "--out", fs.mkdtempSync(path.join(os.tmpdir(), "zde-out-"))],
                cachedSynthesize,
            ),
        );
        assert.equal(run.status, 1);
        assert.match(run.stderr, new RegExp(`- ${STACK_NAME_KEY}: got "${TOO_LONG}"; expected at most ${MAX_STACK_NAME} characters`));
        assert.match(run.stderr, /IAM role names end at 64/);
    });

    it("settings refuse a '.' (SQS and SNS names cannot carry one), naming the stack name", () => {
        const config = {
            "aws:region": "ap-northeast-2",
            [`${P}environment`]: "dev",
            [`${P}cluster`]: JSON.stringify({ publicAccessCidrs: ["0.0.0.0/0"] }),
        };
        assert.throws(
            () => parseSettings({ project: PROJECT, stack: "feature.x", config, today: todayUtc() }),
            (err: unknown) =>
                err instanceof SettingsError && err.problems.some((p) => p.key === STACK_NAME_KEY && /SQS queue/.test(p.expected)),
        );
    });
});

describe("the longest names settings accept", () => {
    // A 100-character project (Pulumi's limit: pkg/backend/diy/store.go) with a 100-character cluster
    // name (EKS's limit), and the longest stack name, with '_'.
    const project = "p".repeat(100);
    const stack = `feature_checkout_${"x".repeat(MAX_STACK_NAME - 17)}`;
    const clusterName = `c_${"c".repeat(98)}`;

    function longProject(): string {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zde-project-"));
        fs.writeFileSync(path.join(dir, "Pulumi.yaml"), stringify({ name: project, runtime: { name: "nodejs" } }));
        // The platform's own program under this project name (evaluated afresh: the engine re-requires its entry).
        const entry = path.join(PROJECT_DIR, "index.ts");
        fs.writeFileSync(
            path.join(dir, "index.ts"),
            `delete require.cache[require.resolve(${JSON.stringify(entry)})];\nmodule.exports = require(${JSON.stringify(entry)});\n`,
        );
        return dir;
    }
    const longest = () =>
        cachedSynthesize({
            stack,
            projectDir: longProject(),
            config: {
                "aws:region": "ap-northeast-2",
                [`${project}:environment`]: "dev",
                [`${project}:cluster`]: JSON.stringify({ name: clusterName, publicAccessCidrs: ["0.0.0.0/0"] }),
            },
        });

    it(`a ${MAX_STACK_NAME}-character stack of a 100-character project with a 100-character cluster synthesizes: every name passes`, async () => {
        const result = await longest();
        const { names, unknownTypes } = awsNames(result.resources);
        assert.deepEqual(unknownTypes, []);
        assert.deepEqual(names.flatMap(checkAwsName), []);
        // Every kind the program names is in the check, the remote components' children included.
        assert.deepEqual([...new Set(names.map((n) => n.kind))].sort(), [
            "dashboard",
            "eksCluster",
            "eksNodeGroup",
            "eventRule",
            "eventTargetId",
            "iamPolicy",
            "iamRole",
            "launchTemplate",
            "loadBalancer",
            "logGroup",
            "metricAlarm",
            "snsTopic",
            "sqsQueue",
        ]);
    });

    it("the limit is tight: pulumi-eks's cluster role is then exactly IAM's 64 characters", async () => {
        const { names } = awsNames((await longest()).resources);
        const role = names.find((n) => n.name.endsWith("-eksRole-role"));
        assert.equal(role?.name, `${stack}-cluster-eks-eksRole-role`);
        assert.equal(String(role?.name).length + AUTONAME_SUFFIX_LENGTH, NAME_RULES.iamRole.maxLength);
    });
});

describe("issue 22.3: a stack or cluster name with '_'", () => {
    it("issue 22.3: the entrypoint ALB name has only letters, digits and hyphens (CreateLoadBalancer), and stays unique", () => {
        for (const cluster of ["zero-downtime-eks-qa_eu", "shop_eu", "internal-shop", "internal"]) {
            const name = loadBalancerNameFor(cluster, "edge");
            assert.deepEqual(checkAwsName({ resource: cluster, kind: "loadBalancer", name }), [], name);
        }
        assert.notEqual(loadBalancerNameFor("shop_eu", "edge"), loadBalancerNameFor("shop-eu", "edge"));
    });

    for (const [label, stack, extra] of [
        ["a stack named qa_eu", "qa_eu", {}],
        ["a cluster named shop_eu", "qa-eu", { [`${P}cluster`]: JSON.stringify({ name: "shop_eu", publicAccessCidrs: ["0.0.0.0/0"] }) }],
    ] as const) {
        it(`issue 22.3: ${label}: the Ingress asks the controller for a name ELB accepts`, async () => {
            const result = await devLike(stack, extra);
            const ingress = result.resources.find((r) => r.type === "kubernetes:networking.k8s.io/v1:Ingress") as RecordedResource;
            const name = String((ingress.inputs.metadata as { annotations: Record<string, string> }).annotations[ENTRYPOINT_LB]);
            assert.deepEqual(checkAwsName({ resource: ingress.name, kind: "loadBalancer", name }), [], name);
            // The alarms look the ALB up by the same name.
            const dashboard = result.resources.find((r) => r.type === "aws:cloudwatch/dashboard:Dashboard");
            assert.ok(JSON.stringify(dashboard?.inputs).includes(name));
        });
    }
});

describe("the names model", () => {
    it("an AWS type without a name rule fails, naming the type and where to add it", () => {
        const bucket: RecordedResource = { type: "aws:s3/bucket:Bucket", name: "dev-logs", parent: null, dependsOn: [], inputs: {} };
        const v = checkNames([bucket]);
        assert.equal(v[0].rule, "aws-name-unknown-type");
        assert.match(v[0].message, /dev-logs: the program creates aws:s3\/bucket:Bucket, which has no name rule/);
        assert.match(v[0].fix, /rules\/aws-names\.ts/);
    });

    it("a given name is checked as given, an absent one as pulumi-aws's autoname", () => {
        const given: RecordedResource = {
            type: "aws:iam/role:Role",
            name: "r",
            parent: null,
            dependsOn: [],
            inputs: { name: "x".repeat(65) },
        };
        const auto: RecordedResource = { type: "aws:iam/role:Role", name: "y".repeat(57), parent: null, dependsOn: [], inputs: {} };
        assert.deepEqual(
            checkNames([given, auto]).map((v) => v.resource),
            ["r", "y".repeat(57)],
        );
    });
});

describe("the names model: remote components' children", () => {
    it("knows pulumi-eks's children at the pinned version only (a bump must re-read cluster.ts and nodegroup.ts)", () => {
        const pkg = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "package.json"), "utf8")) as { dependencies: Record<string, string> };
        assert.equal(pkg.dependencies["@pulumi/eks"], PULUMI_EKS_MODELLED);
    });

    it("an eks.Cluster with options whose children it does not know fails instead of passing", () => {
        const cluster: RecordedResource = {
            type: "eks:index:Cluster",
            name: "c",
            parent: null,
            dependsOn: [],
            inputs: { skipDefaultNodeGroup: false },
        };
        assert.throws(() => remoteChildNames(cluster), UnmodelledNamesError);
    });

    it("counts pulumi-eks's cluster role and node group, autonamed, and the cluster's given name", async () => {
        const { names } = awsNames((await synth("dev")).resources);
        const of = (kind: string) => names.filter((n) => n.kind === kind).map((n) => [n.name, n.autoname !== undefined]);
        assert.deepEqual(of("eksCluster"), [["zero-downtime-eks-dev", false]]);
        assert.deepEqual(of("eksNodeGroup"), [["dev-cluster-nodes", true]]);
        assert.ok(names.some((n) => n.kind === "iamRole" && n.name === "dev-cluster-eks-eksRole-role" && n.autoname));
    });
});
