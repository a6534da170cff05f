// The preflight: what settings cannot see offline (who deploys, what a previous `up` left), judged
// purely (preflightProblems) and through the real program under the engine, whose mocks answer the
// lookups from a modelled account.
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { samePrincipal } from "../../components/cluster-access";
import { subnetLayout } from "../../components/network-layout";
import { parseSettings, todayUtc } from "../../stacks";
import { DeployedState, PreflightError, preflightProblems } from "../../stacks/preflight";
import { FIRST_UP, MockAccount, MockSubnet, RecordedResource, projectName, readStackConfig, synthesize } from "../../synth/engine";
import { cachedSynthesize } from "../harness";

const PROJECT = "zero-downtime-eks";
const ACCOUNT = "123456789012";
const CI_ROLE = `arn:aws:iam::${ACCOUNT}:role/ci-deployer`;
const CI_SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/ci-deployer/github-run-42`;
const SSO_ROLE = `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/ap-northeast-2/AWSReservedSSO_Admin_0123abcd`;
const SSO_SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/AWSReservedSSO_Admin_0123abcd/alice@example.com`;
const CLUSTER = "zero-downtime-eks-dev";

/** The dev stack's config with its cluster and network sections set. */
function devConfig(cluster: Record<string, unknown> = {}, network: Record<string, unknown> = {}): Record<string, string> {
    return {
        ...readStackConfig("dev"),
        [`${PROJECT}:cluster`]: JSON.stringify({ publicAccessCidrs: ["0.0.0.0/0"], ...cluster }),
        [`${PROJECT}:network`]: JSON.stringify(network),
    };
}

function settingsOf(config: Record<string, string>) {
    return parseSettings({ project: projectName(), stack: "dev", config, today: todayUtc() });
}

/** The private subnets a previous `up` of a stack with this network left, tagged as components/network.ts tags them. */
function deployedSubnets(cidrBlock: string, azs: number): MockSubnet[] {
    return subnetLayout("dev-network-vpc", cidrBlock, azs).map((s, i) => ({
        id: `subnet-0${i}deployed`,
        cidrBlock: s.cidrBlock,
        availabilityZone: `ap-northeast-2${"abc"[s.azIndex]}`,
        tags: {
            [`kubernetes.io/cluster/${CLUSTER}`]: "shared",
            ...(s.type === "Private" ? { "kubernetes.io/role/internal-elb": "1" } : { "kubernetes.io/role/elb": "1" }),
        },
    }));
}

const NOTHING: DeployedState = {
    callerArn: CI_SESSION,
    principalArn: CI_ROLE,
    clusterExists: false,
    privateSubnetIds: [],
    privateSubnetIdsInLayout: [],
};

describe("preflight (stacks/preflight.ts)", () => {
    const grant = (principalArn: string) => ({
        access: [
            { principalArn: `arn:aws:iam::${ACCOUNT}:role/team-a`, policy: "view" },
            { principalArn, policy: "cluster-admin" },
        ],
    });
    const CASES: {
        name: string;
        cluster?: Record<string, unknown>;
        network?: Record<string, unknown>;
        deployed: Partial<DeployedState>;
        keys: string[];
    }[] = [
        {
            name: "first up by the CI role, which the stack grants access",
            cluster: grant(CI_ROLE),
            deployed: {},
            keys: ["cluster.access[1].principalArn"],
        },
        {
            name: "first up by an SSO role, granted by its ARN without the path",
            cluster: grant(`arn:aws:iam::${ACCOUNT}:role/awsreservedsso_admin_0123abcd`),
            deployed: { callerArn: SSO_SESSION, principalArn: SSO_ROLE },
            keys: ["cluster.access[1].principalArn"],
        },
        {
            name: "first up by an IAM user the stack grants access",
            cluster: grant(`arn:aws:iam::${ACCOUNT}:user/alice`),
            deployed: { callerArn: `arn:aws:iam::${ACCOUNT}:user/alice`, principalArn: `arn:aws:iam::${ACCOUNT}:user/alice` },
            keys: ["cluster.access[1].principalArn"],
        },
        {
            name: "a later up by the CI role the creator granted access (README's flow)",
            cluster: grant(CI_ROLE),
            deployed: { clusterExists: true },
            keys: [],
        },
        {
            name: "first up by someone the stack does not grant",
            cluster: grant(`arn:aws:iam::${ACCOUNT}:role/other`),
            deployed: {},
            keys: [],
        },
        {
            name: "the same role name in another account is another principal",
            cluster: grant("arn:aws:iam::210987654321:role/ci-deployer"),
            deployed: {},
            keys: [],
        },
        {
            name: "a deployed 2-AZ network, configured for 3",
            network: { availabilityZoneCount: 3 },
            deployed: { clusterExists: true, privateSubnetIds: ["a", "b"], privateSubnetIdsInLayout: [] },
            keys: ["network.availabilityZoneCount"],
        },
        {
            name: "a deployed network whose private subnets are not the configured CIDR's",
            network: { cidrBlock: "10.1.0.0/16" },
            deployed: { clusterExists: true, privateSubnetIds: ["a", "b"], privateSubnetIdsInLayout: [] },
            keys: ["network.cidrBlock"],
        },
        {
            name: "a deployed network as configured",
            deployed: { clusterExists: true, privateSubnetIds: ["a", "b"], privateSubnetIdsInLayout: ["a", "b"] },
            keys: [],
        },
        {
            name: "every problem at once",
            cluster: grant(CI_ROLE),
            network: { availabilityZoneCount: 3 },
            deployed: { privateSubnetIds: ["a", "b"], privateSubnetIdsInLayout: ["a", "b"] },
            keys: ["cluster.access[1].principalArn", "network.availabilityZoneCount"],
        },
    ];
    for (const c of CASES) {
        it(`${c.name}: ${c.keys.length === 0 ? "no problem" : c.keys.join(", ")}`, () => {
            const problems = preflightProblems(settingsOf(devConfig(c.cluster, c.network)), { ...NOTHING, ...c.deployed });
            assert.deepEqual(
                problems.map((p) => p.key),
                c.keys.map((k) => `${PROJECT}:${k}`),
            );
        });
    }

    it("samePrincipal: account, kind and name, whatever the path and case", () => {
        assert.ok(samePrincipal(SSO_ROLE, `arn:aws:iam::${ACCOUNT}:role/AWSReservedSSO_Admin_0123abcd`));
        assert.ok(!samePrincipal(CI_ROLE, `arn:aws:iam::${ACCOUNT}:user/ci-deployer`), "a user is not a role");
        assert.ok(!samePrincipal(CI_ROLE, CI_SESSION), "a session ARN is not its role: getSessionContext maps it first");
    });
});

describe("the preflight in the deploy (index.ts under the engine)", () => {
    const CI_ACCOUNT: MockAccount = { ...FIRST_UP, callerArn: CI_SESSION, roles: [CI_ROLE] };
    const ciGranted = devConfig({ access: [{ principalArn: CI_ROLE, policy: "cluster-admin" }] });
    const AWS = /^(aws|awsx|eks):/;

    it("[issue 22.4] the first up by the role README grants (ci-deployer) is refused before anything is created, naming the entry", async () => {
        const registrations: RecordedResource[] = [];
        await assert.rejects(synthesize({ stack: "dev", config: ciGranted, account: CI_ACCOUNT, registrations }), (err: Error) => {
            // The engine loads index.ts (and so stacks/preflight.ts) through require: another module instance.
            assert.equal(err.constructor.name, PreflightError.name, String(err));
            assert.ok(pulumi.RunError.isInstance(err), "a RunError: the CLI prints it without a stack trace");
            assert.match(
                err.message,
                /^Invalid stack configuration \(1 problem\):\n {2}- zero-downtime-eks:cluster\.access\[0\]\.principalArn: got "arn:aws:iam::123456789012:role\/ci-deployer"/,
            );
            assert.match(err.message, /assumed-role\/ci-deployer\/github-run-42/);
            assert.match(err.message, /409 ResourceInUseException/);
            assert.doesNotMatch(err.message, /error serializing/, "the SDK's prefixes stay out of the report");
            return true;
        });
        assert.deepEqual(
            registrations.filter((r) => AWS.test(r.type)).map((r) => r.name),
            [],
            "no AWS resource reached the engine",
        );
    });

    it("[issue 22.4] a later up by that role, once the cluster exists, keeps its access entry", async () => {
        const result = await cachedSynthesize({ stack: "dev", config: ciGranted, account: { ...CI_ACCOUNT, clusters: [CLUSTER] } });
        const entries = result.resources.filter((r) => r.type === "aws:eks/accessEntry:AccessEntry" && r.inputs.principalArn === CI_ROLE);
        assert.equal(entries.length, 1);
    });

    it("[issue 22.6] a deployed 2-AZ stack asked for 3 AZs is refused before anything is created; as deployed, it synthesizes", async () => {
        const deployed: MockAccount = { ...FIRST_UP, clusters: [CLUSTER], subnets: deployedSubnets("10.0.0.0/16", 2) };
        const registrations: RecordedResource[] = [];
        await assert.rejects(
            synthesize({ stack: "dev", config: devConfig({}, { availabilityZoneCount: 3 }), account: deployed, registrations }),
            (err: Error) => {
                assert.match(
                    err.message,
                    /zero-downtime-eks:network\.availabilityZoneCount: got 3, but the stack's VPC already has private subnets in 2 AZs; expected 2, the count the stack was created with: it is create-only/,
                );
                return true;
            },
        );
        assert.deepEqual(
            registrations.filter((r) => AWS.test(r.type)),
            [],
        );
        await assert.rejects(
            synthesize({ stack: "dev", config: devConfig({}, { cidrBlock: "10.1.0.0/16" }), account: deployed }),
            /zero-downtime-eks:network\.cidrBlock: got "10\.1\.0\.0\/16"/,
        );
        const same = await cachedSynthesize({ stack: "dev", config: devConfig(), account: deployed });
        assert.ok(same.resources.some((r) => r.type === "awsx:ec2:Vpc"));
    });
});
