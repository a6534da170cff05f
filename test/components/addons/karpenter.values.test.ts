// The EC2NodeClass and NodePool specs Karpenter receives, whole: the selectors that decide which
// subnets and security groups its nodes land in, the role they run as, and the NodePool's limits.
// karpenter.test.ts checks them in the synthesized stacks; these pin every field of the pure builders.
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { NodePoolSettings, nodeClassSpec, nodePoolSpec } from "../../../components/addons/karpenter";
import { nodePoolPlacement } from "../../../components/addons/names";
import { KARPENTER_DISCOVERY_TAG } from "../../../components/network";

describe("Karpenter specs: exact values", () => {
    it("karpenter.sh/discovery is the tag Karpenter's getting-started guide selects by", () => {
        assert.equal(KARPENTER_DISCOVERY_TAG, "karpenter.sh/discovery");
    });

    it("EC2NodeClass: subnets and security groups of this cluster only, its node role, IMDSv2 with hop limit 1, an encrypted root volume", () => {
        assert.deepEqual(
            nodeClassSpec({ role: "zde-test-node-role", clusterName: "zde-test", amiAlias: "al2023@v20250101", tags: { stack: "test" } }),
            {
                role: "zde-test-node-role",
                amiSelectorTerms: [{ alias: "al2023@v20250101" }],
                subnetSelectorTerms: [{ tags: { "karpenter.sh/discovery": "zde-test" } }],
                securityGroupSelectorTerms: [{ tags: { "karpenter.sh/discovery": "zde-test" } }],
                metadataOptions: {
                    httpEndpoint: "enabled",
                    httpProtocolIPv6: "disabled",
                    httpPutResponseHopLimit: 1,
                    httpTokens: "required",
                },
                blockDeviceMappings: [
                    { deviceName: "/dev/xvda", ebs: { volumeSize: "20Gi", volumeType: "gp3", encrypted: true, deleteOnTermination: true } },
                ],
                tags: { stack: "test" },
            },
        );
    });

    it("the pool's placement: the well-known karpenter.sh/nodepool label and a toleration of exactly its taint", () => {
        assert.deepEqual(nodePoolPlacement("workloads"), {
            nodeSelector: { "karpenter.sh/nodepool": "workloads" },
            tolerations: [{ key: "zero-downtime-eks.io/nodepool", operator: "Equal", value: "workloads", effect: "NoSchedule" }],
        });
    });

    it("NodePool: its NodeClass, the instance and capacity types asked for, Linux, its taint, disruption as set, limits of maxNodes nodes", () => {
        const settings: NodePoolSettings = {
            instanceTypes: ["m5.large", "m5.xlarge"],
            capacityTypes: ["spot"],
            amiAlias: "al2023@latest",
            consolidateAfter: "5m",
            budgets: [{ nodes: "0", schedule: "0 9 * * mon-fri", duration: "8h" }, { nodes: "20%" }],
            expireAfter: "336h",
            terminationGracePeriod: "30m",
            maxNodes: 3,
        };
        assert.deepEqual(nodePoolSpec(settings, { cpuMillicores: 1930, memoryMiB: 6950 }), {
            template: {
                spec: {
                    nodeClassRef: { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: "workloads" },
                    requirements: [
                        { key: "node.kubernetes.io/instance-type", operator: "In", values: ["m5.large", "m5.xlarge"] },
                        { key: "karpenter.sh/capacity-type", operator: "In", values: ["spot"] },
                        { key: "kubernetes.io/os", operator: "In", values: ["linux"] },
                    ],
                    // Only pods that tolerate the pool's taint land here (names.ts NODE_POOL_TAINT).
                    taints: [{ key: "zero-downtime-eks.io/nodepool", value: "workloads", effect: "NoSchedule" }],
                    expireAfter: "336h",
                    terminationGracePeriod: "30m",
                },
            },
            disruption: {
                consolidationPolicy: "WhenEmptyOrUnderutilized",
                consolidateAfter: "5m",
                budgets: [{ nodes: "0", schedule: "0 9 * * mon-fri", duration: "8h" }, { nodes: "20%" }],
            },
            limits: { cpu: "5.79", memory: "20850Mi" },
        });
    });
});
