import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as path from "node:path";
import { POLICIES, ResourceView, checkResources } from "../../policy/checks";
import { policies } from "../../policy/policies";
import { PROJECT_DIR } from "../../synth/engine";

const NS = "shop";
const LABELS = { app: "api" };

/** A compliant workload behind an ALB: the baseline every case mutates. */
function compliant(): ResourceView[] {
    return [
        {
            type: "kubernetes:core/v1:Namespace",
            name: "ns",
            props: { metadata: { name: NS, labels: { "elbv2.k8s.aws/pod-readiness-gate-inject": "enabled" } } },
        },
        {
            type: "kubernetes:apps/v1:Deployment",
            name: "api",
            props: {
                metadata: { name: "api", namespace: NS },
                spec: {
                    minReadySeconds: 10,
                    strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
                    template: {
                        metadata: { labels: LABELS, annotations: { "zero-downtime-eks.io/shutdown-seconds": "10" } },
                        spec: {
                            terminationGracePeriodSeconds: 60,
                            nodeSelector: { "karpenter.sh/nodepool": "workloads" },
                            containers: [
                                {
                                    name: "api",
                                    image: "registry.example/api:1.2.3",
                                    resources: { requests: { cpu: "100m" } },
                                    readinessProbe: { httpGet: { path: "/ready", port: 8080 }, periodSeconds: 5, failureThreshold: 2 },
                                    lifecycle: { preStop: { sleep: { seconds: 30 } } },
                                },
                            ],
                        },
                    },
                },
            },
        },
        {
            type: "kubernetes:networking.k8s.io/v1:Ingress",
            name: "api-ingress",
            props: {
                metadata: {
                    name: "api",
                    namespace: NS,
                    annotations: {
                        "alb.ingress.kubernetes.io/target-type": "ip",
                        "alb.ingress.kubernetes.io/healthcheck-interval-seconds": "5",
                        "alb.ingress.kubernetes.io/healthcheck-timeout-seconds": "3",
                        "alb.ingress.kubernetes.io/target-group-attributes": "deregistration_delay.timeout_seconds=30",
                    },
                },
                spec: { ingressClassName: "alb" },
            },
        },
        {
            type: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
            name: "api-hpa",
            props: { metadata: { name: "api", namespace: NS }, spec: { scaleTargetRef: { name: "api" }, minReplicas: 3, maxReplicas: 6 } },
        },
        {
            type: "kubernetes:policy/v1:PodDisruptionBudget",
            name: "api-pdb",
            props: {
                metadata: { name: "api", namespace: NS },
                spec: { maxUnavailable: 1, unhealthyPodEvictionPolicy: "AlwaysAllow", selector: { matchLabels: LABELS } },
            },
        },
        {
            type: "kubernetes:karpenter.sh/v1:NodePool",
            name: "pool",
            props: {
                metadata: { name: "workloads" },
                spec: { limits: { cpu: "16" }, template: { spec: { terminationGracePeriod: "15m" } } },
            },
        },
    ];
}

type Mutation = (rs: ResourceView[]) => void;
const byName = (rs: ResourceView[], name: string) => rs.find((r) => r.name === name)!.props as any;
const container = (rs: ResourceView[]) => byName(rs, "api").spec.template.spec.containers[0];

// Each policy: a mutation of the compliant stack that violates it, and a word its message must carry.
const VIOLATIONS: { policy: string; mutate: Mutation; says: RegExp }[] = [
    { policy: "readiness-probe-present", mutate: (rs) => delete container(rs).readinessProbe, says: /no readinessProbe/ },
    { policy: "prestop-covers-deregistration", mutate: (rs) => delete container(rs).lifecycle, says: /no preStop hook/ },
    {
        policy: "prestop-covers-deregistration",
        mutate: (rs) => (container(rs).lifecycle.preStop = { sleep: { seconds: 5 } }),
        says: /at least 25/,
    },
    {
        policy: "prestop-covers-deregistration",
        mutate: (rs) => (container(rs).lifecycle.preStop = { exec: { command: ["/bin/sh", "-c", "sleep 10"] } }),
        says: /at least 25/,
    },
    {
        policy: "grace-covers-prestop-and-shutdown",
        mutate: (rs) => (byName(rs, "api").spec.template.spec.terminationGracePeriodSeconds = 35),
        says: /at least 40/,
    },
    {
        policy: "deregistration-within-grace",
        mutate: (rs) => delete byName(rs, "api-ingress").metadata.annotations["alb.ingress.kubernetes.io/target-group-attributes"],
        says: /at most 60/,
    },
    {
        policy: "alb-target-type-ip",
        mutate: (rs) => delete byName(rs, "api-ingress").metadata.annotations["alb.ingress.kubernetes.io/target-type"],
        says: /target-type: ip/,
    },
    { policy: "alb-readiness-gate-namespace", mutate: (rs) => (byName(rs, "ns").metadata.labels = {}), says: /pod-readiness-gate-inject/ },
    { policy: "hpa-targets-request-cpu", mutate: (rs) => delete container(rs).resources, says: /requests\.cpu/ },
    {
        policy: "rollout-keeps-ready-floor",
        mutate: (rs) => (byName(rs, "api").spec.strategy.rollingUpdate.maxUnavailable = "67%"),
        says: /at most 1/,
    },
    { policy: "rollout-keeps-ready-floor", mutate: (rs) => (byName(rs, "api").spec.strategy = { type: "Recreate" }), says: /Recreate/ },
    { policy: "rollout-can-progress", mutate: (rs) => (byName(rs, "api").spec.strategy.rollingUpdate.maxSurge = 0), says: /maxSurge to 1/ },
    { policy: "no-latest-image", mutate: (rs) => (container(rs).image = "api:latest"), says: /pin a version/ },
    {
        policy: "pdb-allows-one-eviction",
        mutate: (rs) => (byName(rs, "api-pdb").spec.maxUnavailable = 0),
        says: /allows no eviction at 3 replicas/,
    },
    {
        policy: "pdb-allows-one-eviction",
        // minAvailable 3 at the HPA minimum of 3: nothing may go.
        mutate: (rs) => {
            delete byName(rs, "api-pdb").spec.maxUnavailable;
            byName(rs, "api-pdb").spec.minAvailable = 3;
        },
        says: /run at least 4 replicas/,
    },
    {
        policy: "pdb-evicts-unhealthy-pods",
        mutate: (rs) => delete byName(rs, "api-pdb").spec.unhealthyPodEvictionPolicy,
        says: /unhealthyPodEvictionPolicy: AlwaysAllow/,
    },
    {
        policy: "grace-within-node-update",
        mutate: (rs) => (byName(rs, "api").spec.template.spec.terminationGracePeriodSeconds = 901),
        says: /at most 900/,
    },
    {
        policy: "node-pool-holds-peak",
        // (6 pods at the HPA maximum + 1 surge pod of a rolling update) × 100m = 700m against half a CPU.
        mutate: (rs) => (byName(rs, "pool").spec.limits.cpu = "500m"),
        says: /request 700m CPU, above its limit of 500m/,
    },
    {
        policy: "grace-within-node-pool",
        mutate: (rs) => (byName(rs, "pool").spec.template.spec.terminationGracePeriod = "45s"),
        says: /NodePool's terminationGracePeriod \(45 s\)/,
    },
    { policy: "no-latest-image", mutate: (rs) => (container(rs).image = "api"), says: /pin a version/ },
    {
        policy: "readiness-detects-before-rollout-step",
        mutate: (rs) => (byName(rs, "api").spec.minReadySeconds = 0),
        says: /minReadySeconds to at least 10/,
    },
    {
        policy: "alb-health-check-accepted",
        // [#11.1] Interval 5 and no timeout: the controller sends its default 5, which the ELB API refuses.
        mutate: (rs) => delete byName(rs, "api-ingress").metadata.annotations["alb.ingress.kubernetes.io/healthcheck-timeout-seconds"],
        says: /timeout 5s is not below the 5s interval.*at most 4/,
    },
    {
        policy: "alb-health-check-accepted",
        mutate: (rs) => (byName(rs, "api-ingress").metadata.annotations["alb.ingress.kubernetes.io/healthy-threshold-count"] = "11"),
        says: /from 2 to 10/,
    },
    {
        policy: "rollout-keeps-ready-floor",
        // [#11.19] 25% is one pod at the HPA's 3 to 7 but two at 8.
        mutate: (rs) => {
            byName(rs, "api").spec.strategy.rollingUpdate.maxUnavailable = "25%";
            byName(rs, "api-hpa").spec.maxReplicas = 8;
        },
        says: /at 8 replicas/,
    },
    {
        policy: "sidecar-inbound-covers-deregistration",
        // issue 22.13: the pod's own proxy config names its drainDuration, shorter than the 25 s the ALB may still route.
        mutate: (rs) => {
            byName(rs, "ns").metadata.labels["istio-injection"] = "enabled";
            byName(rs, "api").spec.template.metadata.annotations["proxy.istio.io/config"] = '{"drainDuration":"20s"}';
        },
        says: /inbound listeners 20s after the pod starts terminating.*at least 25s/,
    },
    {
        policy: "sidecar-inbound-covers-deregistration",
        // issue 22.13: else the mesh default istiod was installed with.
        mutate: (rs) => {
            byName(rs, "ns").metadata.labels["istio-injection"] = "enabled";
            rs.push({
                type: "kubernetes:helm.sh/v3:Release",
                name: "istiod",
                props: { name: "istiod", values: { meshConfig: { defaultConfig: { drainDuration: "10s" } } } },
            });
        },
        says: /inbound listeners 10s after/,
    },
    {
        policy: "aws-name-length",
        mutate: (rs) => rs.push({ type: "aws:iam/role:Role", name: `${"a-very-long-stack-name".repeat(2)}-cluster-node-role`, props: {} }),
        says: /is 70 characters; AWS accepts 64/,
    },
    {
        policy: "pdb-for-multi-replica",
        mutate: (rs) =>
            rs.splice(
                rs.findIndex((r) => r.name === "api-pdb"),
                1,
            ),
        says: /maxUnavailable: 1/,
    },
];

describe("policy checks", () => {
    it("the compliant workload passes every policy", () => {
        assert.deepEqual(checkResources(compliant()), []);
    });

    for (const v of VIOLATIONS) {
        it(`${v.policy} (${POLICIES[v.policy].enforcement}) catches: ${v.says.source}`, () => {
            const rs = compliant();
            v.mutate(rs);
            const findings = checkResources(rs).filter((f) => f.policy === v.policy);
            assert.equal(findings.length, 1, JSON.stringify(checkResources(rs)));
            assert.match(findings[0].message, v.says);
            assert.equal(findings[0].enforcement, v.policy === "pdb-for-multi-replica" ? "advisory" : "mandatory");
        });
    }

    it("every policy has a violating case above", () => {
        assert.deepEqual([...new Set(VIOLATIONS.map((v) => v.policy))].sort(), Object.keys(POLICIES).sort());
    });

    it("issue 22.13: a meshed workload's grace covers preStop + shutdown only (a native sidecar exits at once), and Istio's 45 s drainDuration covers routing", () => {
        const rs = compliant();
        byName(rs, "ns").metadata.labels["istio-injection"] = "enabled";
        // 30 s preStop + 10 s shutdown: 40 s of grace, nothing added for the sidecar.
        byName(rs, "api").spec.template.spec.terminationGracePeriodSeconds = 40;
        assert.deepEqual(checkResources(rs), []);
    });

    it("a workload behind the mesh (no ALB Ingress) only needs preStop to cover endpoint propagation", () => {
        const rs = compliant().filter((r) => r.name !== "api-ingress");
        container(rs).lifecycle.preStop = { sleep: { seconds: 15 } };
        assert.deepEqual(checkResources(rs), []);
        container(rs).lifecycle.preStop = { sleep: { seconds: 14 } };
        assert.deepEqual(
            checkResources(rs).map((f) => f.policy),
            ["prestop-covers-deregistration"],
        );
    });
});

// Started when this file loads, so the pack loads @pulumi/policy on the other core while the suite runs.
const packServing = (() => {
    const child = spawn(process.execPath, ["--import", "tsx", "index.ts"], { cwd: path.join(PROJECT_DIR, "policy") });
    return new Promise<string>((resolve, reject) => {
        let out = "";
        child.stdout.on("data", (d: Buffer) => {
            out += d.toString();
            const m = /^(\d+)\s*$/m.exec(out);
            if (m) {
                resolve(m[1]);
            }
        });
        child.on("exit", (code) => reject(new Error(`pack exited ${code}: ${out}`)));
    }).finally(() => child.kill());
})();

describe("policy pack", () => {
    it("each CrossGuard policy reports its violations against the resource's URN", () => {
        const rs = compliant();
        container(rs).image = "api:latest";
        const args = { resources: rs.map((r) => ({ ...r, urn: `urn:pulumi:s::p::${r.type}::${r.name}` })) } as any;
        const reported: { policy: string; message: string; urn?: string }[] = [];
        for (const p of policies) {
            void p.validateStack(args, (message, urn) => reported.push({ policy: p.name, message, urn }));
        }
        assert.deepEqual(
            reported.map((r) => [r.policy, r.urn]),
            [["no-latest-image", "urn:pulumi:s::p::kubernetes:apps/v1:Deployment::api"]],
        );
        assert.deepEqual(
            policies.map((p) => [p.name, p.enforcementLevel]).sort(),
            Object.entries(POLICIES)
                .map(([n, p]) => [n, p.enforcement])
                .sort(),
        );
    });

    it("loads with @pulumi/policy and serves (prints its port)", async () => {
        assert.ok(Number(await packServing) > 0);
    });
});
