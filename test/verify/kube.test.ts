// The real ClusterClient against a stand-in API server on the loopback address: the requests it sends
// (paths, patch content type, field manager) and how it reads answers and errors.
import { describe, it, before, after } from "node:test";
import * as assert from "node:assert/strict";
import * as http from "node:http";
import { AddressInfo } from "node:net";
import { ApiError, ClusterAccessError } from "../../verify/cluster-client";
import { locustJob } from "../../verify/job";
import { KubeClusterClient, loadKubeConfig } from "../../verify/kube";
import { writeKubeconfig } from "./kubeconfig";

interface Seen {
    method: string;
    url: string;
    contentType?: string;
    body: string;
}

type Route = (req: Seen) => { status: number; body: unknown } | undefined;

describe("KubeClusterClient", () => {
    const seen: Seen[] = [];
    let routes: Route[] = [];
    /** How far the stand-in's clock (its Date header) is ahead of the test's. */
    let dateAheadMs = 0;
    let server: http.Server;
    let client: KubeClusterClient;
    let kubeconfigPath = "";

    before(async () => {
        server = http.createServer((req, res) => {
            let body = "";
            req.on("data", (chunk: Buffer) => (body += chunk.toString()));
            req.on("end", () => {
                const request = { method: req.method ?? "", url: req.url ?? "", contentType: req.headers["content-type"], body };
                seen.push(request);
                const answer = routes.map((r) => r(request)).find((a) => a !== undefined) ?? {
                    status: 404,
                    body: { kind: "Status", status: "Failure", message: "not found", reason: "NotFound", code: 404 },
                };
                res.setHeader("Date", new Date(Date.now() + dateAheadMs).toUTCString());
                res.writeHead(answer.status, { "content-type": typeof answer.body === "string" ? "text/plain" : "application/json" });
                res.end(typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body));
            });
        });
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        const port = (server.address() as AddressInfo).port;
        const kubeconfig = writeKubeconfig(`http://127.0.0.1:${port}`);
        kubeconfigPath = kubeconfig;
        client = new KubeClusterClient(loadKubeConfig({ kubeconfig }));
    });
    after(() => server.close());

    const reset = (...r: Route[]) => {
        seen.length = 0;
        routes = r;
    };
    const at = (method: string, prefix: string, status: number, body: unknown): Route => {
        return (req) => (req.method === method && req.url.startsWith(prefix) ? { status, body } : undefined);
    };

    it("reads a Deployment's status; a missing object is undefined", async () => {
        reset(
            at("GET", "/apis/apps/v1/namespaces/web/deployments/web", 200, {
                metadata: { name: "web", generation: 3 },
                spec: { replicas: 4, selector: { matchLabels: { "app.kubernetes.io/name": "web" } }, template: {} },
                status: {
                    observedGeneration: 3,
                    replicas: 4,
                    updatedReplicas: 4,
                    readyReplicas: 4,
                    availableReplicas: 4,
                    conditions: [{ type: "Progressing", status: "True", reason: "NewReplicaSetAvailable" }],
                },
            }),
        );
        assert.deepEqual(await client.getDeployment("web", "web"), {
            replicas: 4,
            generation: 3,
            observedGeneration: 3,
            updatedReplicas: 4,
            readyReplicas: 4,
            availableReplicas: 4,
            currentReplicas: 4,
            selector: { "app.kubernetes.io/name": "web" },
            stalledReason: undefined,
        });
        assert.equal(await client.getService("web", "nope"), undefined);
        assert.equal(await client.getHpa("web", "nope"), undefined);
    });

    it("issue 21.9: measures the API server's clock from the Date headers of its answers", async () => {
        const fresh = new KubeClusterClient(loadKubeConfig({ kubeconfig: kubeconfigPath }));
        assert.equal(fresh.clockOffset(), undefined, "no answer yet");
        reset(at("GET", "/api/v1/namespaces/web/services/web", 200, { spec: { selector: { app: "web" } } }));
        dateAheadMs = 7_000;
        try {
            for (let i = 0; i < 3; i++) {
                await fresh.getService("web", "web");
            }
        } finally {
            dateAheadMs = 0;
        }
        const offset = fresh.clockOffset();
        assert.ok(offset !== undefined);
        // The Date header has whole seconds: one answer pins the offset to about a second.
        assert.ok(offset.uncertaintyMs <= 1_000, `±${offset.uncertaintyMs} ms`);
        assert.ok(Math.abs(offset.offsetMs - 7_000) <= offset.uncertaintyMs, `${offset.offsetMs} ms`);
    });

    it("issue 21.8: reads the app's CPU from the metrics API and its pods' requests, native sidecars included; no metrics API is undefined", async () => {
        reset(
            at("GET", "/apis/metrics.k8s.io/v1beta1/namespaces/web/pods?labelSelector=app.kubernetes.io%2Fname%3Dweb", 200, {
                kind: "PodMetricsList",
                items: [
                    {
                        metadata: { name: "web-1" },
                        timestamp: "2026-12-01T10:00:15Z",
                        window: "15.02s",
                        containers: [
                            { name: "web", usage: { cpu: "12345678n", memory: "10Mi" } },
                            { name: "istio-proxy", usage: { cpu: "3m", memory: "40Mi" } },
                        ],
                    },
                ],
            }),
            at("GET", "/api/v1/namespaces/web/pods?labelSelector=app.kubernetes.io%2Fname%3Dweb", 200, {
                items: [
                    {
                        metadata: { name: "web-1" },
                        spec: {
                            containers: [{ name: "web", resources: { requests: { cpu: "250m" } } }],
                            initContainers: [
                                { name: "istio-init", resources: { requests: { cpu: "10m" } } },
                                { name: "istio-proxy", restartPolicy: "Always", resources: { requests: { cpu: "100m" } } },
                            ],
                        },
                    },
                ],
            }),
        );
        assert.deepEqual(await client.podCpu("web", { "app.kubernetes.io/name": "web" }), [
            {
                pod: "web-1",
                usageMillicores: 12.345678 + 3,
                requestMillicores: 350,
                windowEnd: Date.parse("2026-12-01T10:00:15Z"),
                windowSeconds: 15.02,
            },
        ]);
        reset();
        assert.equal(await client.podCpu("web", { "app.kubernetes.io/name": "web" }), undefined);
    });

    it("issue 21.8: a Job of parallel pods runs once every pod does; its statistics are the logs of all of them", async () => {
        const job = (status: unknown) =>
            at("GET", "/apis/batch/v1/namespaces/locust/jobs/j", 200, { metadata: { name: "j" }, spec: { parallelism: 3 }, status });
        const pods = at("GET", "/api/v1/namespaces/locust/pods?", 200, {
            items: ["j-a", "j-b", "j-c"].map((name, i) => ({ metadata: { name }, status: { phase: i < 2 ? "Running" : "Pending" } })),
        });
        reset(job({ ready: 2, active: 3 }), pods);
        assert.deepEqual(await client.getJob("locust", "j"), { phase: "pending", reason: "Pending" });
        reset(job({ ready: 3, active: 3 }));
        assert.deepEqual(await client.getJob("locust", "j"), { phase: "running" });
        reset(job({ ready: 2, active: 2, succeeded: 1 }));
        assert.deepEqual(await client.getJob("locust", "j"), { phase: "running" }, "one pod done already, the others still loading");
        reset(
            pods,
            ...["j-a", "j-b", "j-c"].map((name) => at("GET", `/api/v1/namespaces/locust/pods/${name}/log`, 200, `log of ${name}\n`)),
        );
        assert.deepEqual(await client.readJobLogs("locust", "j", "locust"), ["log of j-a\n", "log of j-b\n", "log of j-c\n"]);
    });

    it("reads the ALB hostname from an Ingress's status; none yet, and a missing Ingress, are undefined", async () => {
        const path = "/apis/networking.k8s.io/v1/namespaces/istio-ingress/ingresses/platform-entrypoint";
        const hostname = "k8s-istioing-platform-0123456789.ap-northeast-2.elb.amazonaws.com";
        reset(at("GET", path, 200, { metadata: { name: "platform-entrypoint" }, status: { loadBalancer: { ingress: [{ hostname }] } } }));
        assert.deepEqual(await client.getIngress("istio-ingress", "platform-entrypoint"), { hostname });
        assert.deepEqual(
            seen.map((s) => [s.method, s.url]),
            [["GET", path]],
        );
        reset(at("GET", path, 200, { metadata: { name: "platform-entrypoint" }, status: { loadBalancer: {} } }));
        assert.deepEqual(await client.getIngress("istio-ingress", "platform-entrypoint"), { hostname: undefined });
        reset();
        assert.equal(await client.getIngress("istio-ingress", "platform-entrypoint"), undefined);
    });

    it("an HTTP error answer other than 401/403/404 is an ApiError with its code and one line", async () => {
        reset(
            at("GET", "/api/v1/namespaces/web/services/web", 500, { kind: "Status", message: "etcdserver: request timed out", code: 500 }),
        );
        await assert.rejects(
            client.getService("web", "web"),
            (err: Error) =>
                err instanceof ApiError &&
                err.code === 500 &&
                err.message === "read Service web/web: HTTP 500: etcdserver: request timed out",
        );
    });

    it("patches as JSON merge patches under its own field manager", async () => {
        reset(
            at("PATCH", "/apis/autoscaling/v2/namespaces/web/horizontalpodautoscalers/web", 200, { spec: { maxReplicas: 2 } }),
            at("PATCH", "/apis/apps/v1/namespaces/web/deployments/web", 200, { spec: { selector: {}, template: {} } }),
            at("PATCH", "/api/v1/namespaces/web/services/web", 200, {}),
        );
        await client.patchHpa("web", "web", { minReplicas: 2, maxReplicas: 2 });
        await client.patchDeployment("web", "web", { restartedAt: "2025-01-14T09:13:10.000Z" });
        await client.patchServiceSelector("web", "web", { version: "green" });
        assert.deepEqual(
            seen.map((s) => [s.contentType, new URL(s.url, "http://x").searchParams.get("fieldManager"), JSON.parse(s.body)]),
            [
                ["application/merge-patch+json", "npm-run-verify", { spec: { minReplicas: 2, maxReplicas: 2 } }],
                [
                    "application/merge-patch+json",
                    "npm-run-verify",
                    {
                        spec: {
                            template: { metadata: { annotations: { "kubectl.kubernetes.io/restartedAt": "2025-01-14T09:13:10.000Z" } } },
                        },
                    },
                ],
                ["application/merge-patch+json", "npm-run-verify", { spec: { selector: { version: "green" } } }],
            ],
        );
    });

    it("an API server that refuses the credentials is a ClusterAccessError naming the server", async () => {
        reset(at("GET", "/api/v1/namespaces/web/services/web", 403, { kind: "Status", message: 'services "web" is forbidden', code: 403 }));
        await assert.rejects(
            client.getService("web", "web"),
            (err: Error) =>
                err instanceof ClusterAccessError &&
                /refused to read Service web\/web \(HTTP 403: services "web" is forbidden\)/.test(err.message),
        );
    });

    it("creates the Job, reads the log of its pod's Locust container, deletes it with its pod", async () => {
        const pod = { metadata: { name: "verify-baseline-t1-abcde" }, status: { phase: "Running" } };
        reset(
            at("POST", "/apis/batch/v1/namespaces/locust/jobs", 201, {}),
            at("GET", "/api/v1/namespaces/locust/pods?", 200, { items: [pod] }),
            at("GET", "/api/v1/namespaces/locust/pods/verify-baseline-t1-abcde/log", 200, "locust output\n"),
            at("DELETE", "/apis/batch/v1/namespaces/locust/jobs/verify-baseline-t1", 200, { kind: "Status", status: "Success" }),
        );
        const job = locustJob({
            name: "verify-baseline-t1",
            load: { users: 5, spawnRate: 5, seconds: 60, host: "http://web" },
            activeDeadlineSeconds: 480,
        });
        await client.createJob(job);
        assert.equal(await client.readJobLog("locust", "verify-baseline-t1", "locust", 40), "locust output\n");
        await client.deleteJob("locust", "verify-baseline-t1");
        assert.equal(JSON.parse(seen[0].body).spec.template.spec.containers[0].image, "locustio/locust:2.32.2");
        const urls = seen.map((s) => decodeURIComponent(s.url));
        assert.match(urls[1], /labelSelector=batch\.kubernetes\.io\/job-name=verify-baseline-t1/);
        assert.match(urls[2], /container=locust/);
        assert.match(urls[2], /tailLines=40/);
        assert.match(urls[3], /propagationPolicy=Background/);
    });

    it("reads the Job's state from its conditions and ready count", async () => {
        const job = (status: unknown) => at("GET", "/apis/batch/v1/namespaces/locust/jobs/j", 200, { metadata: { name: "j" }, status });
        reset(job({ ready: 1, active: 1 }));
        assert.deepEqual(await client.getJob("locust", "j"), { phase: "running" });
        reset(job({ conditions: [{ type: "Complete", status: "True" }] }));
        assert.deepEqual(await client.getJob("locust", "j"), { phase: "succeeded" });
        reset(job({ conditions: [{ type: "Failed", status: "True", reason: "DeadlineExceeded" }] }));
        assert.deepEqual(await client.getJob("locust", "j"), { phase: "failed", reason: "DeadlineExceeded" });
        reset(
            job({ active: 1 }),
            at("GET", "/api/v1/namespaces/locust/pods?", 200, {
                items: [
                    {
                        metadata: { name: "p" },
                        status: {
                            phase: "Pending",
                            containerStatuses: [{ name: "locust", state: { waiting: { reason: "ImagePullBackOff" } } }],
                        },
                    },
                ],
            }),
        );
        assert.deepEqual(await client.getJob("locust", "j"), { phase: "pending", reason: "ImagePullBackOff" });
    });

    it("[#14] reads a pod: deletion timestamp and grace, readiness gates, conditions with their times, owner, mirror", async () => {
        reset(
            at("GET", "/api/v1/namespaces/web/pods?labelSelector=app.kubernetes.io%2Fname%3Dweb", 200, {
                items: [
                    {
                        metadata: {
                            name: "web-1",
                            namespace: "web",
                            creationTimestamp: "2026-12-01T10:00:00Z",
                            deletionTimestamp: "2026-12-01T10:05:30Z",
                            deletionGracePeriodSeconds: 90,
                            ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: "web-7d9", uid: "u", controller: true }],
                            labels: { "app.kubernetes.io/name": "web" },
                        },
                        spec: {
                            nodeName: "node-a",
                            containers: [],
                            readinessGates: [{ conditionType: "target-health.elbv2.k8s.aws/k8s-web-web-0123" }],
                        },
                        status: {
                            phase: "Running",
                            podIP: "10.0.1.7",
                            conditions: [
                                { type: "Ready", status: "True", lastTransitionTime: "2026-12-01T10:00:12Z" },
                                {
                                    type: "target-health.elbv2.k8s.aws/k8s-web-web-0123",
                                    status: "True",
                                    lastTransitionTime: "2026-12-01T10:00:11Z",
                                },
                            ],
                        },
                    },
                ],
            }),
        );
        const [pod] = await client.listPods({ namespace: "web", selector: { "app.kubernetes.io/name": "web" } });
        assert.deepEqual(pod, {
            namespace: "web",
            name: "web-1",
            nodeName: "node-a",
            ip: "10.0.1.7",
            phase: "Running",
            labels: { "app.kubernetes.io/name": "web" },
            createdAt: Date.parse("2026-12-01T10:00:00Z"),
            deletionTimestamp: Date.parse("2026-12-01T10:05:30Z"),
            deletionGracePeriodSeconds: 90,
            readinessGates: ["target-health.elbv2.k8s.aws/k8s-web-web-0123"],
            conditions: {
                Ready: { status: true, since: Date.parse("2026-12-01T10:00:12Z") },
                "target-health.elbv2.k8s.aws/k8s-web-web-0123": { status: true, since: Date.parse("2026-12-01T10:00:11Z") },
            },
            ownerKind: "ReplicaSet",
            mirror: false,
        });
        reset(at("GET", "/api/v1/pods?fieldSelector=spec.nodeName%3Dnode-a", 200, { items: [] }));
        assert.deepEqual(await client.listPods({ nodeName: "node-a" }), []);
        assert.equal(seen.length, 1);
    });

    it("[#14] reads EndpointSlices by the service-name label; unset conditions mean ready, a null endpoints list means none", async () => {
        reset(
            at("GET", "/apis/discovery.k8s.io/v1/namespaces/web/endpointslices?labelSelector=kubernetes.io%2Fservice-name%3Dweb", 200, {
                items: [
                    {
                        addressType: "IPv4",
                        endpoints: [
                            { addresses: ["10.0.1.7"], targetRef: { kind: "Pod", name: "web-1" } },
                            {
                                addresses: ["10.0.1.8"],
                                conditions: { ready: false, serving: true, terminating: true },
                                targetRef: { kind: "Pod", name: "web-2" },
                            },
                        ],
                    },
                    { addressType: "IPv4", endpoints: null },
                ],
            }),
        );
        assert.deepEqual(await client.listEndpoints("web", "web"), [
            { ip: "10.0.1.7", pod: "web-1", ready: true, terminating: false },
            { ip: "10.0.1.8", pod: "web-2", ready: false, terminating: true },
        ]);
    });

    it("[#14] cordons with a merge patch of spec.unschedulable; evicts through policy/v1, a 429 is a PDB's refusal, a 404 a pod gone", async () => {
        reset(at("PATCH", "/api/v1/nodes/node-a", 200, { metadata: { name: "node-a" } }));
        await client.setUnschedulable("node-a", true);
        assert.equal(seen[0].contentType, "application/merge-patch+json");
        assert.deepEqual(JSON.parse(seen[0].body), { spec: { unschedulable: true } });
        assert.match(seen[0].url, /fieldManager=npm-run-verify/);

        const eviction = "/api/v1/namespaces/web/pods/web-1/eviction";
        reset(at("POST", eviction, 201, { kind: "Status", status: "Success" }));
        assert.equal(await client.evictPod("web", "web-1"), "evicted");
        assert.deepEqual(JSON.parse(seen[0].body), {
            apiVersion: "policy/v1",
            kind: "Eviction",
            metadata: { name: "web-1", namespace: "web" },
        });
        reset(
            at("POST", eviction, 429, {
                kind: "Status",
                status: "Failure",
                message: "Cannot evict pod as it would violate the pod's disruption budget.",
                reason: "TooManyRequests",
                code: 429,
            }),
        );
        assert.equal(await client.evictPod("web", "web-1"), "blocked");
        reset();
        assert.equal(await client.evictPod("web", "web-1"), "gone");
        reset(at("POST", eviction, 500, { kind: "Status", message: "This pod has more than one PodDisruptionBudget", code: 500 }));
        await assert.rejects(
            client.evictPod("web", "web-1"),
            (err: Error) => err instanceof ApiError && /more than one PodDisruptionBudget/.test(err.message),
        );
    });

    it("[#14] TargetGroupBindings (elbv2.k8s.aws/v1beta1) and NodeClaims (karpenter.sh/v1); a CRD that is not installed reads as none", async () => {
        reset(
            at("GET", "/apis/elbv2.k8s.aws/v1beta1/namespaces/istio-ingress/targetgroupbindings", 200, {
                items: [
                    {
                        metadata: { name: "k8s-istioing-istioing-0123" },
                        spec: {
                            targetGroupARN:
                                "arn:aws:elasticloadbalancing:ap-northeast-2:111122223333:targetgroup/k8s-istioing-istioing-0123/fedcba",
                            targetType: "ip",
                            serviceRef: { name: "istio-ingressgateway", port: 80 },
                        },
                    },
                ],
            }),
            at("GET", "/apis/karpenter.sh/v1/nodeclaims", 200, {
                items: [
                    {
                        metadata: { name: "workloads-abcde" },
                        status: {
                            nodeName: "ip-10-0-12-34.ap-northeast-2.compute.internal",
                            conditions: [{ type: "Ready", status: "True" }],
                        },
                    },
                    { metadata: { name: "workloads-fghij", deletionTimestamp: "2026-12-01T10:00:00Z" }, status: {} },
                ],
            }),
            at("DELETE", "/apis/karpenter.sh/v1/nodeclaims/workloads-abcde", 200, {}),
        );
        assert.deepEqual(await client.listTargetGroupBindings("istio-ingress"), [
            {
                namespace: "istio-ingress",
                name: "k8s-istioing-istioing-0123",
                targetGroupArn: "arn:aws:elasticloadbalancing:ap-northeast-2:111122223333:targetgroup/k8s-istioing-istioing-0123/fedcba",
                targetType: "ip",
                service: "istio-ingressgateway",
            },
        ]);
        assert.deepEqual(await client.listNodeClaims(), [
            { name: "workloads-abcde", nodeName: "ip-10-0-12-34.ap-northeast-2.compute.internal", ready: true, deleting: false },
            { name: "workloads-fghij", nodeName: undefined, ready: false, deleting: true },
        ]);
        await client.deleteNodeClaim("workloads-abcde");
        assert.equal(seen.at(-1)?.method, "DELETE");
        reset();
        assert.deepEqual(await client.listTargetGroupBindings("web"), []);
        assert.deepEqual(await client.listNodeClaims(), []);
    });
});
