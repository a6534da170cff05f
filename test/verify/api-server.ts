// A stand-in Kubernetes API server over HTTP on the loopback address, for runs of the real CLI
// (`npm run verify` as a child process): it answers each request verify/kube.ts sends, from the
// in-memory FakeCluster, with the object in the API's own shape (core/v1, apps/v1, autoscaling/v2,
// batch/v1, networking.k8s.io/v1, discovery.k8s.io/v1, policy/v1 Eviction, elbv2.k8s.aws/v1beta1,
// karpenter.sh/v1) and errors as the API server sends them: a Status object with the HTTP code.
// A request it has no route for is answered 501 and recorded in `unknown`, so a test sees it
// instead of a silent 404. Time is the wall clock: the CLI polls with the system clock.
import * as http from "node:http";
import { AddressInfo } from "node:net";
import type { V1Job } from "@kubernetes/client-node";
import { ApiError, MIRROR_ANNOTATION, PodState } from "../../verify/cluster-client";
import { FakeCluster, FakeClock } from "./fake-cluster";

/** FakeClock on the wall clock: the fake cluster's pods and Jobs age as the spawned CLI waits. */
export class WallClock extends FakeClock {
    override now(): number {
        return Date.now();
    }
}

/** Kubernetes timestamps are RFC 3339 with one-second resolution (metav1.Time). */
const rfc3339 = (ms: number | undefined): string | undefined =>
    ms === undefined ? undefined : new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");

/** metav1.Status, the body of every error answer (apimachinery pkg/apis/meta/v1 types.go). */
function status(code: number, reason: string, message: string): { code: number; body: unknown } {
    return { code, body: { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, code } };
}
const notFound = (what: string) => status(404, "NotFound", `${what} not found`);
const ok = (body: unknown, code = 200) => ({ code, body });

/** The group/version of each controller kind that owns pods here; ReplicaSet, DaemonSet and the rest are apps/v1. */
const OWNER_API_VERSIONS: Record<string, string> = { Job: "batch/v1", Node: "v1" };

/** A pod as the API returns it, from what verify reads of it (cluster-client.ts PodState). */
export function podObject(p: PodState): unknown {
    return {
        apiVersion: "v1",
        kind: "Pod",
        metadata: {
            name: p.name,
            namespace: p.namespace,
            labels: p.labels,
            creationTimestamp: rfc3339(p.createdAt),
            deletionTimestamp: rfc3339(p.deletionTimestamp),
            deletionGracePeriodSeconds: p.deletionGracePeriodSeconds,
            ownerReferences:
                p.ownerKind === undefined
                    ? undefined
                    : [
                          {
                              apiVersion: OWNER_API_VERSIONS[p.ownerKind] ?? "apps/v1",
                              kind: p.ownerKind,
                              name: `${p.name}-owner`,
                              uid: `uid-${p.name}`,
                              controller: true,
                          },
                      ],
            annotations: p.mirror ? { [MIRROR_ANNOTATION]: "mirror" } : undefined,
        },
        spec: {
            nodeName: p.nodeName,
            containers: [{ name: "main", image: "stand-in" }],
            readinessGates: p.readinessGates.map((conditionType) => ({ conditionType })),
        },
        status: {
            phase: p.phase,
            podIP: p.ip,
            conditions: Object.entries(p.conditions).map(([type, c]) => ({
                type,
                status: c.status ? "True" : "False",
                lastTransitionTime: rfc3339(c.since),
            })),
        },
    };
}

/** `a=b,c=d` (a labelSelector or fieldSelector of equalities) as a map. */
function selector(text: string | null): Record<string, string> {
    return Object.fromEntries(
        (text ?? "")
            .split(",")
            .filter((s) => s !== "")
            .map((s) => s.split("=") as [string, string]),
    );
}

const JOB_NAME_LABEL = "batch.kubernetes.io/job-name";

type Answer = { code: number; body: unknown };
type Route = (m: RegExpMatchArray, q: URLSearchParams, body: any) => Promise<Answer>;

export interface StandIn {
    /** http://127.0.0.1:<port> */
    url: string;
    /** Requests no route answered: "METHOD path". */
    unknown: string[];
    /** Every request, "METHOD path?query". */
    requests: string[];
    close: () => Promise<void>;
}

/** Starts the stand-in API server for `cluster`. */
export async function serveFakeCluster(cluster: FakeCluster): Promise<StandIn> {
    const routes: [string, RegExp, Route][] = [
        [
            "GET",
            /^\/api\/v1\/namespaces\/([^/]+)\/services\/([^/]+)$/,
            async ([, ns, name]) => {
                const svc = await cluster.getService(ns, name);
                return svc === undefined
                    ? notFound(`services "${name}"`)
                    : ok({ apiVersion: "v1", kind: "Service", metadata: { name, namespace: ns }, spec: { selector: svc.selector } });
            },
        ],
        [
            "PATCH",
            /^\/api\/v1\/namespaces\/([^/]+)\/services\/([^/]+)$/,
            async ([, ns, name], _q, body) => {
                await cluster.patchServiceSelector(ns, name, body.spec.selector);
                return ok({ apiVersion: "v1", kind: "Service", metadata: { name, namespace: ns }, spec: body.spec });
            },
        ],
        [
            "GET",
            /^\/apis\/apps\/v1\/namespaces\/([^/]+)\/deployments\/([^/]+)$/,
            async ([, ns, name]) => {
                const d = await cluster.getDeployment(ns, name);
                if (d === undefined) {
                    return notFound(`deployments.apps "${name}"`);
                }
                return ok({
                    apiVersion: "apps/v1",
                    kind: "Deployment",
                    metadata: { name, namespace: ns, generation: d.generation },
                    spec: { replicas: d.replicas, selector: { matchLabels: d.selector }, template: {} },
                    status: {
                        observedGeneration: d.observedGeneration,
                        replicas: d.currentReplicas,
                        updatedReplicas: d.updatedReplicas,
                        readyReplicas: d.readyReplicas,
                        availableReplicas: d.availableReplicas,
                        conditions: [
                            d.stalledReason === undefined
                                ? { type: "Progressing", status: "True", reason: "NewReplicaSetAvailable" }
                                : { type: "Progressing", status: "False", reason: d.stalledReason },
                        ],
                    },
                });
            },
        ],
        [
            "PATCH",
            /^\/apis\/apps\/v1\/namespaces\/([^/]+)\/deployments\/([^/]+)$/,
            async ([, ns, name], _q, body) => {
                const restartedAt = body.spec?.template?.metadata?.annotations?.["kubectl.kubernetes.io/restartedAt"] as string | undefined;
                await cluster.patchDeployment(ns, name, { replicas: body.spec?.replicas, restartedAt });
                return ok({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name, namespace: ns } });
            },
        ],
        [
            "GET",
            /^\/apis\/autoscaling\/v2\/namespaces\/([^/]+)\/horizontalpodautoscalers\/([^/]+)$/,
            async ([, ns, name]) => {
                const hpa = await cluster.getHpa(ns, name);
                return hpa === undefined
                    ? notFound(`horizontalpodautoscalers.autoscaling "${name}"`)
                    : ok({
                          apiVersion: "autoscaling/v2",
                          kind: "HorizontalPodAutoscaler",
                          metadata: { name, namespace: ns },
                          spec: { ...hpa, scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name } },
                      });
            },
        ],
        [
            "PATCH",
            /^\/apis\/autoscaling\/v2\/namespaces\/([^/]+)\/horizontalpodautoscalers\/([^/]+)$/,
            async ([, ns, name], _q, body) => {
                await cluster.patchHpa(ns, name, { minReplicas: body.spec.minReplicas, maxReplicas: body.spec.maxReplicas });
                return ok({ apiVersion: "autoscaling/v2", kind: "HorizontalPodAutoscaler", metadata: { name, namespace: ns } });
            },
        ],
        [
            "GET",
            /^\/apis\/networking\.k8s\.io\/v1\/namespaces\/([^/]+)\/ingresses\/([^/]+)$/,
            async ([, ns, name]) => {
                const ingress = await cluster.getIngress(ns, name);
                return ingress === undefined
                    ? notFound(`ingresses.networking.k8s.io "${name}"`)
                    : ok({
                          apiVersion: "networking.k8s.io/v1",
                          kind: "Ingress",
                          metadata: { name, namespace: ns },
                          status: { loadBalancer: ingress.hostname === undefined ? {} : { ingress: [{ hostname: ingress.hostname }] } },
                      });
            },
        ],
        [
            "GET",
            /^\/api\/v1\/namespaces\/([^/]+)\/pods$/,
            async ([, ns], q) => {
                const labels = selector(q.get("labelSelector"));
                const job = labels[JOB_NAME_LABEL];
                // The Job controller labels its pods with the Job's name; the fake names a Job's pod <job>-pod.
                const pods =
                    job === undefined
                        ? await cluster.listPods({ namespace: ns, selector: labels })
                        : (await cluster.listPods({ nodeName: cluster.options.loadNode ?? "node-c" })).filter(
                              (p) => p.namespace === ns && p.name === `${job}-pod`,
                          );
                return ok({ apiVersion: "v1", kind: "PodList", metadata: {}, items: pods.map(podObject) });
            },
        ],
        [
            "GET",
            /^\/api\/v1\/pods$/,
            async (_m, q) => {
                const node = selector(q.get("fieldSelector"))["spec.nodeName"];
                const pods = await cluster.listPods({ nodeName: node });
                return ok({ apiVersion: "v1", kind: "PodList", metadata: {}, items: pods.map(podObject) });
            },
        ],
        [
            "GET",
            /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/log$/,
            async ([, ns, pod], q) => {
                const job = pod.replace(/-pod$/, "");
                const tail = q.get("tailLines");
                const text = await cluster.readJobLog(ns, job, q.get("container") ?? "", tail === null ? undefined : Number(tail));
                return ok(tail === null ? text : text.split("\n").slice(-Number(tail)).join("\n"));
            },
        ],
        [
            "POST",
            /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/eviction$/,
            async ([, ns, pod]) => {
                const answer = await cluster.evictPod(ns, pod);
                // policy/v1 Eviction: 201 once evicted; 429 when a PodDisruptionBudget forbids it for now.
                return answer === "evicted"
                    ? ok({ kind: "Status", apiVersion: "v1", status: "Success", code: 201 }, 201)
                    : answer === "blocked"
                      ? status(429, "TooManyRequests", "Cannot evict pod as it would violate the pod's disruption budget.")
                      : notFound(`pods "${pod}"`);
            },
        ],
        [
            "GET",
            /^\/api\/v1\/namespaces\/([^/]+)\/configmaps\/([^/]+)$/,
            async ([, ns, name]) => {
                const keys = await cluster.getConfigMapKeys(ns, name);
                return keys === undefined
                    ? notFound(`configmaps "${name}"`)
                    : ok({
                          apiVersion: "v1",
                          kind: "ConfigMap",
                          metadata: { name, namespace: ns },
                          data: Object.fromEntries(keys.map((k) => [k, "# stand-in"])),
                      });
            },
        ],
        [
            "POST",
            /^\/apis\/batch\/v1\/namespaces\/([^/]+)\/jobs$/,
            async (_m, _q, body: V1Job) => {
                await cluster.createJob(body);
                return ok(body, 201);
            },
        ],
        [
            "GET",
            /^\/apis\/batch\/v1\/namespaces\/([^/]+)\/jobs\/([^/]+)$/,
            async ([, ns, name]) => {
                const known = cluster.jobs.get(name);
                if (known === undefined || known.deleted) {
                    return notFound(`jobs.batch "${name}"`);
                }
                const job = await cluster.getJob(ns, name);
                // batch/v1 JobStatus: active and ready pods while it runs; a Complete or Failed condition once it ended.
                const jobStatus =
                    job.phase === "succeeded"
                        ? { succeeded: 1, conditions: [{ type: "Complete", status: "True" }] }
                        : job.phase === "failed"
                          ? { failed: 1, conditions: [{ type: "Failed", status: "True", reason: job.reason }] }
                          : { active: 1, ready: job.phase === "running" ? 1 : 0 };
                return ok({ apiVersion: "batch/v1", kind: "Job", metadata: { name, namespace: ns }, status: jobStatus });
            },
        ],
        [
            "DELETE",
            /^\/apis\/batch\/v1\/namespaces\/([^/]+)\/jobs\/([^/]+)$/,
            async ([, ns, name]) => {
                await cluster.deleteJob(ns, name);
                return ok({ kind: "Status", apiVersion: "v1", status: "Success", details: { name, group: "batch", kind: "jobs" } });
            },
        ],
        [
            "GET",
            /^\/apis\/discovery\.k8s\.io\/v1\/namespaces\/([^/]+)\/endpointslices$/,
            async ([, ns], q) => {
                const service = selector(q.get("labelSelector"))["kubernetes.io/service-name"];
                const endpoints = await cluster.listEndpoints(ns, service);
                return ok({
                    apiVersion: "discovery.k8s.io/v1",
                    kind: "EndpointSliceList",
                    metadata: {},
                    items: [
                        {
                            metadata: { name: `${service}-abcde`, namespace: ns, labels: { "kubernetes.io/service-name": service } },
                            addressType: "IPv4",
                            endpoints: endpoints.map((e) => ({
                                addresses: [e.ip],
                                conditions: { ready: e.ready, serving: e.ready || e.terminating, terminating: e.terminating },
                                targetRef: e.pod === undefined ? undefined : { kind: "Pod", name: e.pod, namespace: ns },
                            })),
                        },
                    ],
                });
            },
        ],
        [
            "GET",
            /^\/api\/v1\/nodes\/([^/]+)$/,
            async ([, name]) => {
                const node = await cluster.getNode(name);
                return node === undefined
                    ? notFound(`nodes "${name}"`)
                    : ok({
                          apiVersion: "v1",
                          kind: "Node",
                          metadata: { name, labels: node.labels },
                          spec: { unschedulable: node.unschedulable },
                      });
            },
        ],
        [
            "PATCH",
            /^\/api\/v1\/nodes\/([^/]+)$/,
            async ([, name], _q, body) => {
                await cluster.setUnschedulable(name, body.spec.unschedulable as boolean);
                return ok({ apiVersion: "v1", kind: "Node", metadata: { name }, spec: body.spec });
            },
        ],
        [
            "GET",
            /^\/apis\/elbv2\.k8s\.aws\/v1beta1\/namespaces\/([^/]+)\/targetgroupbindings$/,
            async ([, ns]) => {
                const bindings = await cluster.listTargetGroupBindings(ns);
                return ok({
                    apiVersion: "elbv2.k8s.aws/v1beta1",
                    kind: "TargetGroupBindingList",
                    items: bindings.map((b) => ({
                        metadata: { name: b.name, namespace: b.namespace },
                        spec: { targetGroupARN: b.targetGroupArn, targetType: b.targetType, serviceRef: { name: b.service, port: 80 } },
                    })),
                });
            },
        ],
        [
            "GET",
            /^\/apis\/karpenter\.sh\/v1\/nodeclaims$/,
            async () => {
                const claims = await cluster.listNodeClaims();
                return ok({
                    apiVersion: "karpenter.sh/v1",
                    kind: "NodeClaimList",
                    items: claims.map((c) => ({
                        metadata: { name: c.name, ...(c.deleting ? { deletionTimestamp: rfc3339(Date.now()) } : {}) },
                        status: { nodeName: c.nodeName, conditions: [{ type: "Ready", status: c.ready ? "True" : "False" }] },
                    })),
                });
            },
        ],
        [
            "DELETE",
            /^\/apis\/karpenter\.sh\/v1\/nodeclaims\/([^/]+)$/,
            async ([, name]) => {
                await cluster.deleteNodeClaim(name);
                return ok({ apiVersion: "karpenter.sh/v1", kind: "NodeClaim", metadata: { name } });
            },
        ],
    ];

    const unknown: string[] = [];
    const requests: string[] = [];
    const answer = async (method: string, url: URL, text: string): Promise<Answer> => {
        for (const [m, pattern, route] of routes) {
            const match = method === m ? pattern.exec(url.pathname) : null;
            if (match !== null) {
                try {
                    return await route(match, url.searchParams, text === "" ? undefined : JSON.parse(text));
                } catch (err) {
                    // What the fake was told to fail with (failWith), as the API server would answer it.
                    const code = err instanceof ApiError ? err.code : 500;
                    return status(code, "InternalError", (err as Error).message);
                }
            }
        }
        unknown.push(`${method} ${url.pathname}`);
        return status(501, "NotImplemented", `the stand-in API server has no route for ${method} ${url.pathname}`);
    };
    const server = http.createServer((req, res) => {
        let text = "";
        req.on("data", (chunk: Buffer) => (text += chunk.toString()));
        req.on("end", () => {
            const url = new URL(req.url ?? "/", "http://stand-in");
            requests.push(`${req.method} ${url.pathname}${url.search}`);
            void answer(req.method ?? "", url, text).then(({ code, body }) => {
                const plain = typeof body === "string";
                res.writeHead(code, { "content-type": plain ? "text/plain" : "application/json" });
                res.end(plain ? body : JSON.stringify(body));
            });
        });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return {
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        unknown,
        requests,
        close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
}
