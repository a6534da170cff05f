// The mocks stand in for AWS and the remote components: what they return must have the real shape
// (each case cites where the shape was read), or a test asserts the wrong contract.
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { FIRST_UP, MOCK_ACCOUNT, MockAccount, UnknownInvokeError, mockInvoke, mockState } from "../../synth/engine";

const REGION = "ap-northeast-2";

describe("mocks return the real providers' shapes", () => {
    it("[#11.4] eks:index:Cluster: oidcProviderUrl keeps https:// (the cluster's issuer), oidcIssuer does not (pulumi-eks v4.3.0 cluster.ts)", () => {
        const out = mockState("eks:index:Cluster", "c", { name: "zde-dev", version: "1.36" }, REGION) as any;
        assert.match(out.oidcProviderUrl, /^https:\/\/oidc\.eks\.ap-northeast-2\.amazonaws\.com\/id\/[0-9A-F]+$/);
        assert.equal(out.oidcIssuer, out.oidcProviderUrl.replace("https://", ""));
        assert.equal(out.eksCluster.identities[0].oidcs[0].issuer, out.oidcProviderUrl);
        assert.equal(out.oidcProviderArn, `arn:aws:iam::${MOCK_ACCOUNT}:oidc-provider/${out.oidcIssuer}`);
        assert.match(out.eksCluster.endpoint, /^https:\/\//);
        assert.equal(out.eksCluster.arn, `arn:aws:eks:${REGION}:${MOCK_ACCOUNT}:cluster/zde-dev`);
        assert.equal(out.kubeconfig.clusters[0].cluster.server, out.eksCluster.endpoint);
        assert.equal(out.kubeconfig["current-context"], "aws");
        assert.deepEqual(out.kubeconfig.users[0].user.exec.args.slice(2, 6), ["eks", "get-token", "--cluster-name", "zde-dev"]);
        // Every output the schema requires, except awsProvider, which the provider never sets.
        for (const key of [
            "autoModeNodeRoleName",
            "clusterIngressRuleId",
            "clusterSecurityGroupId",
            "core",
            "defaultNodeGroupAsgName",
            "eksCluster",
            "fargateProfileId",
            "fargateProfileStatus",
            "instanceRoles",
            "kubeconfig",
            "kubeconfigJson",
            "nodeSecurityGroupId",
            "oidcIssuer",
            "oidcProviderArn",
            "oidcProviderUrl",
        ]) {
            assert.ok(key in out, `missing ${key}`);
        }
    });

    it("eks:index:ManagedNodeGroup: nodeGroup with the EKS node group ARN and `<cluster>:<name>` id, placementGroupName", () => {
        const out = mockState("eks:index:ManagedNodeGroup", "ng", { cluster: "c" }, REGION) as any;
        assert.match(out.nodeGroup.arn, new RegExp(`^arn:aws:eks:${REGION}:${MOCK_ACCOUNT}:nodegroup/c/ng-[0-9a-f]+/`));
        assert.match(out.nodeGroup.id, /^c:ng-/);
        assert.equal(out.placementGroupName, "");
    });

    it("awsx:ec2:Vpc: all 17 outputs, subnets per AZ, NAT gateways by strategy", () => {
        const out = mockState("awsx:ec2:Vpc", "v", { numberOfAvailabilityZones: 3, natGateways: { strategy: "Single" } }, REGION) as any;
        assert.equal(Object.keys(out).length, 17);
        assert.equal(out.privateSubnetIds.length, 3);
        assert.equal(out.natGateways.length, 1);
        assert.match(out.vpcId, /^vpc-/);
    });

    it("an invoke nobody modelled fails loudly, naming the token", () => {
        assert.throws(
            () => mockInvoke("aws:ec2/getAmi:getAmi", { owners: ["amazon"] }, REGION),
            (err: unknown) => {
                assert.ok(err instanceof UnknownInvokeError);
                assert.match(err.message, /aws:ec2\/getAmi:getAmi/);
                return true;
            },
        );
    });

    it("getAddonVersion answers in EKS's version format", () => {
        const out = mockInvoke("aws:eks/getAddonVersion:getAddonVersion", { addonName: "coredns", kubernetesVersion: "1.36" }, REGION);
        assert.match(String(out.version), /^v\d+\.\d+\.\d+-eksbuild\.\d+$/);
    });
    describe("the preflight's lookups answer from the modelled account", () => {
        const role = `arn:aws:iam::${MOCK_ACCOUNT}:role/ci/ci-deployer`;
        const session = `arn:aws:sts::${MOCK_ACCOUNT}:assumed-role/ci-deployer/run-7`;
        const account: MockAccount = {
            callerArn: session,
            roles: [role],
            clusters: ["c1"],
            subnets: [
                {
                    id: "subnet-1",
                    cidrBlock: "10.0.64.0/18",
                    availabilityZone: "ap-northeast-2a",
                    tags: { "kubernetes.io/cluster/c1": "shared", "kubernetes.io/role/internal-elb": "1" },
                },
                {
                    id: "subnet-2",
                    cidrBlock: "10.0.0.0/18",
                    availabilityZone: "ap-northeast-2a",
                    tags: { "kubernetes.io/cluster/c1": "shared", "kubernetes.io/role/elb": "1" },
                },
            ],
        };

        it("getCallerIdentity: the session's ARN, a `<role id>:<session>` user ID (STS GetCallerIdentity)", () => {
            const out = mockInvoke("aws:index/getCallerIdentity:getCallerIdentity", {}, REGION, account);
            assert.deepEqual(Object.keys(out).sort(), ["accountId", "arn", "id", "userId"]);
            assert.equal(out.arn, session);
            assert.match(String(out.userId), /^AROA[0-9A-F]{17}:run-7$/);
            assert.match(String(mockInvoke("aws:index/getCallerIdentity:getCallerIdentity", {}, REGION).userId), /^AIDA[0-9A-F]{17}$/);
        });

        it("getSessionContext: an assumed-role session maps to its role's ARN with the path; any other ARN is its own issuer", () => {
            const out = mockInvoke("aws:iam/getSessionContext:getSessionContext", { arn: session }, REGION, account);
            assert.deepEqual(out, {
                arn: session,
                id: session,
                issuerArn: role,
                issuerId: out.issuerId,
                issuerName: "ci-deployer",
                sessionName: "run-7",
            });
            assert.match(String(out.issuerId), /^AROA/);
            const user = `arn:aws:iam::${MOCK_ACCOUNT}:user/alice`;
            assert.deepEqual(mockInvoke("aws:iam/getSessionContext:getSessionContext", { arn: user }, REGION, account), {
                arn: user,
                id: user,
                issuerArn: user,
                issuerId: "",
                issuerName: "",
                sessionName: "",
            });
            // The data source fails when iam:GetRole finds no such role.
            assert.throws(
                () => mockInvoke("aws:iam/getSessionContext:getSessionContext", { arn: session }, REGION, FIRST_UP),
                /unable to get role \(ci-deployer\)/,
            );
        });

        it("getClusters and getSubnets: the region as ID, names and IDs filtered by tags and exact CIDR", () => {
            assert.deepEqual(mockInvoke("aws:eks/getClusters:getClusters", {}, REGION, account), {
                id: REGION,
                names: ["c1"],
                region: REGION,
            });
            const tags = { "kubernetes.io/cluster/c1": "shared", "kubernetes.io/role/internal-elb": "1" };
            assert.deepEqual(mockInvoke("aws:ec2/getSubnets:getSubnets", { tags }, REGION, account).ids, ["subnet-1"]);
            const miss = mockInvoke(
                "aws:ec2/getSubnets:getSubnets",
                { tags, filters: [{ name: "cidr-block", values: ["10.0.32.0/19"] }] },
                REGION,
                account,
            );
            assert.deepEqual([miss.id, miss.ids, miss.region], [REGION, [], REGION]);
            assert.throws(
                () => mockInvoke("aws:ec2/getSubnets:getSubnets", { filters: [{ name: "state", values: ["available"] }] }, REGION, account),
                UnknownInvokeError,
            );
        });
    });
});
