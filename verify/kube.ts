// The ClusterClient verify uses for real: @kubernetes/client-node 1.x (object-parameter API). Every
// failure is translated here, so the rest of verify sees either "not found" (undefined), a
// ClusterAccessError (cannot use the cluster at all) or an Error with one readable line.
import * as fs from "fs";
import * as k8s from "@kubernetes/client-node";
import {
    ApiError,
    ClusterAccessError,
    ClusterClient,
    DeploymentPatch,
    DeploymentState,
    EndpointState,
    EvictionAnswer,
    HpaState,
    IngressState,
    JobState,
    MIRROR_ANNOTATION,
    NodeClaimState,
    NodeState,
    ObjectRef,
    OwnedObject,
    PodCpu,
    PodState,
    TargetGroupBindingState,
    VERIFY_FIELD_MANAGER,
    labelSelector,
} from "./cluster-client";
import type { ManagedFieldsEntry } from "./ownership";
import { cpuMillicores, goDurationSeconds } from "./step-size";
import { ClockOffset, ServerClock } from "./clock";

// The field manager recorded for verify's changes, next to Pulumi's in managedFields.
const FIELD_MANAGER = VERIFY_FIELD_MANAGER;
const RESTARTED_AT = "kubectl.kubernetes.io/restartedAt";
// Set by the Job controller on its pods (Kubernetes 1.27+).
const JOB_NAME_LABEL = "batch.kubernetes.io/job-name";
// A request the API server has not answered by then will not be answered; without it an unroutable
// server would hang verify for the OS's TCP timeout.
const REQUEST_TIMEOUT_MS = 30_000;
// What loadFromDefault falls back to when it finds no kubeconfig at all.
const NO_CONFIG_SERVER = "http://localhost:8080";

export interface KubeOptions {
    /** A kubeconfig file; without it KUBECONFIG or ~/.kube/config. */
    kubeconfig?: string;
    /** A context of the kubeconfig; without it the current one. */
    context?: string;
}

/** Loads the kubeconfig; every way it can be missing or unusable is a ClusterAccessError. */
export function loadKubeConfig(options: KubeOptions): k8s.KubeConfig {
    const kc = new k8s.KubeConfig();
    if (options.kubeconfig !== undefined) {
        if (!fs.existsSync(options.kubeconfig)) {
            throw new ClusterAccessError(`no kubeconfig at ${options.kubeconfig}`);
        }
        try {
            kc.loadFromFile(options.kubeconfig);
        } catch (err) {
            throw new ClusterAccessError(`${options.kubeconfig} is not a kubeconfig: ${firstLine(err)}`);
        }
    } else {
        try {
            kc.loadFromDefault();
        } catch (err) {
            throw new ClusterAccessError(`cannot read the kubeconfig (KUBECONFIG or ~/.kube/config): ${firstLine(err)}`);
        }
        if (kc.getCurrentCluster()?.server === NO_CONFIG_SERVER) {
            throw new ClusterAccessError("no kubeconfig: pass --kubeconfig <file>, set KUBECONFIG, or write ~/.kube/config");
        }
    }
    if (options.context !== undefined) {
        if (kc.getContextObject(options.context) === null) {
            throw new ClusterAccessError(`the kubeconfig has no context ${JSON.stringify(options.context)}`);
        }
        kc.setCurrentContext(options.context);
    }
    if (kc.getCurrentCluster() === null) {
        throw new ClusterAccessError("the kubeconfig has no current context; pass --context <name>");
    }
    return kc;
}

function firstLine(err: unknown): string {
    return (err instanceof Error ? err.message : String(err)).split("\n")[0];
}

/** The API server's own message from an error body (a Status object, possibly as JSON text). */
function statusMessage(body: unknown): string | undefined {
    let parsed = body;
    if (typeof body === "string") {
        try {
            parsed = JSON.parse(body);
        } catch {
            return body.split("\n")[0] || undefined;
        }
    }
    const message = (parsed as { message?: unknown } | undefined)?.message;
    return typeof message === "string" ? message : undefined;
}

const NOT_FOUND = 404;
/** The API server's answer to a write whose resourceVersion precondition no longer holds. */
const CONFLICT = 409;
const DENIED = [401, 403];
// The Eviction API's answer when a PodDisruptionBudget forbids the eviction for now (policy/v1: 429
// "Cannot evict pod as it would violate the pod's disruption budget.").
const TOO_MANY_REQUESTS = 429;
/** Label the EndpointSlice controller puts on every slice of a Service (discovery/v1 well_known_labels.go). */
const SERVICE_NAME_LABEL = "kubernetes.io/service-name";
/** The load balancer controller's TargetGroupBinding CRD (apis/elbv2/v1beta1, the stored version in v3.5.0). */
const TARGET_GROUP_BINDINGS = { group: "elbv2.k8s.aws", version: "v1beta1", plural: "targetgroupbindings" };
/** metrics-server's PodMetrics (metrics.k8s.io/v1beta1), what the HPA reads for CPU utilization. */
const POD_METRICS = { group: "metrics.k8s.io", version: "v1beta1", plural: "pods" };
/** Karpenter's NodeClaim CRD (karpenter.sh/v1, cluster-scoped). */
const NODE_CLAIMS = { group: "karpenter.sh", version: "v1", plural: "nodeclaims" };

const ms = (t: Date | string | undefined): number | undefined => (t === undefined ? undefined : new Date(t).getTime());

/** The fields verify reads of a pod (shape in cluster-client.ts). */
export function podState(p: k8s.V1Pod): PodState {
    const meta = p.metadata ?? {};
    return {
        namespace: meta.namespace ?? "",
        name: meta.name ?? "",
        nodeName: p.spec?.nodeName,
        ip: p.status?.podIP,
        phase: p.status?.phase ?? "Unknown",
        labels: meta.labels ?? {},
        createdAt: ms(meta.creationTimestamp) ?? 0,
        deletionTimestamp: ms(meta.deletionTimestamp),
        deletionGracePeriodSeconds: meta.deletionGracePeriodSeconds,
        readinessGates: (p.spec?.readinessGates ?? []).map((g) => g.conditionType),
        conditions: Object.fromEntries(
            (p.status?.conditions ?? []).map((c) => [c.type, { status: c.status === "True", since: ms(c.lastTransitionTime) }]),
        ),
        ownerKind: meta.ownerReferences?.find((o) => o.controller === true)?.kind,
        mirror: meta.annotations?.[MIRROR_ANNOTATION] !== undefined,
    };
}

/**
 * The Date header of the latest answer and when it arrived: `call` pairs it with the moment its request
 * was sent to measure the API server's clock (clock.ts). Answers counted, so a call can tell whether the
 * latest is its own.
 */
const answers = { count: 0, receivedAt: 0, serverDate: NaN };

/** Options that bound every request in time and, for patches, name the patch format. */
function requestOptions(contentType?: string): k8s.ConfigurationOptions {
    const timeout: k8s.ObservableMiddleware = {
        pre: (context) => {
            context.setSignal(AbortSignal.timeout(REQUEST_TIMEOUT_MS));
            return new k8s.Observable(Promise.resolve(context));
        },
        post: (context) => {
            answers.count++;
            answers.receivedAt = Date.now();
            answers.serverDate = Date.parse(context.headers.date ?? "");
            return new k8s.Observable(Promise.resolve(context));
        },
    };
    const options: k8s.ConfigurationOptions = { middleware: [timeout], middlewareMergeStrategy: "append" };
    // 1.x picks the first content type the API lists for a patch (JSON Patch); ours are merge patches.
    return contentType === undefined ? options : k8s.setHeaderOptions("Content-Type", contentType, options);
}

const MERGE_PATCH = requestOptions(k8s.PatchStrategy.MergePatch);
const PLAIN = requestOptions();

export class KubeClusterClient implements ClusterClient {
    readonly server: string;
    private readonly apps: k8s.AppsV1Api;
    private readonly autoscaling: k8s.AutoscalingV2Api;
    private readonly core: k8s.CoreV1Api;
    private readonly batch: k8s.BatchV1Api;
    private readonly networking: k8s.NetworkingV1Api;
    private readonly discovery: k8s.DiscoveryV1Api;
    private readonly custom: k8s.CustomObjectsApi;

    constructor(kc: k8s.KubeConfig) {
        this.server = kc.getCurrentCluster()?.server ?? "(no server)";
        this.apps = kc.makeApiClient(k8s.AppsV1Api);
        this.autoscaling = kc.makeApiClient(k8s.AutoscalingV2Api);
        this.core = kc.makeApiClient(k8s.CoreV1Api);
        this.batch = kc.makeApiClient(k8s.BatchV1Api);
        this.networking = kc.makeApiClient(k8s.NetworkingV1Api);
        this.discovery = kc.makeApiClient(k8s.DiscoveryV1Api);
        this.custom = kc.makeApiClient(k8s.CustomObjectsApi);
    }

    /** The API server's clock, from the Date headers of the answers to calls made one at a time. */
    private readonly serverClock = new ServerClock();
    private inFlight = 0;

    clockOffset(): ClockOffset | undefined {
        return this.serverClock.offset();
    }

    /** Runs one API call; `what` names it in errors ("read Deployment web/web"). */
    private async call<T>(what: string, request: () => Promise<T>): Promise<T> {
        const sentAt = Date.now();
        const before = answers.count;
        const alone = this.inFlight++ === 0;
        try {
            return await request();
        } catch (err) {
            if (err instanceof k8s.ApiException) {
                const { code, body } = err as k8s.ApiException<unknown>;
                const detail = statusMessage(body) ?? "no message";
                if (DENIED.includes(code)) {
                    throw new ClusterAccessError(
                        `the Kubernetes API at ${this.server} refused to ${what} (HTTP ${code}: ${detail}); check your credentials and access`,
                    );
                }
                throw new ApiError(code, `${what}: HTTP ${code}: ${detail}`);
            }
            // Anything else never got an HTTP answer: refused, timed out, DNS, TLS, or the exec credential plugin failed.
            const error = err instanceof Error ? err : new Error(String(err));
            const reason = error.name === "AbortError" ? `no answer within ${REQUEST_TIMEOUT_MS / 1000} s` : connectReason(error);
            throw new ClusterAccessError(`cannot use the Kubernetes API at ${this.server} (${what}): ${reason}`);
        } finally {
            this.inFlight--;
            // Only an answer that is surely this call's: no other call overlapped it.
            if (alone && this.inFlight === 0 && answers.count === before + 1) {
                this.serverClock.add({ sentAt, receivedAt: answers.receivedAt, serverDate: answers.serverDate });
            }
        }
    }

    /** Like call, with "not found" as undefined. */
    private async read<T>(what: string, request: () => Promise<T>): Promise<T | undefined> {
        try {
            return await this.call(what, request);
        } catch (err) {
            if (err instanceof ApiError && err.code === NOT_FOUND) {
                return undefined;
            }
            throw err;
        }
    }

    async getDeployment(namespace: string, name: string): Promise<DeploymentState | undefined> {
        const d = await this.read(`read Deployment ${namespace}/${name}`, () =>
            this.apps.readNamespacedDeployment({ namespace, name }, PLAIN),
        );
        if (d === undefined) {
            return undefined;
        }
        const status = d.status ?? {};
        const progressing = status.conditions?.find((c) => c.type === "Progressing");
        return {
            replicas: d.spec?.replicas ?? 1,
            generation: d.metadata?.generation ?? 0,
            observedGeneration: status.observedGeneration ?? 0,
            updatedReplicas: status.updatedReplicas ?? 0,
            readyReplicas: status.readyReplicas ?? 0,
            availableReplicas: status.availableReplicas ?? 0,
            currentReplicas: status.replicas ?? 0,
            selector: d.spec?.selector.matchLabels ?? {},
            stalledReason: progressing?.status === "False" ? (progressing.reason ?? "not progressing") : undefined,
        };
    }

    async patchDeployment(namespace: string, name: string, patch: DeploymentPatch): Promise<void> {
        const body: Record<string, unknown> = {};
        if (patch.replicas !== undefined) {
            body.replicas = patch.replicas;
        }
        if (patch.restartedAt !== undefined) {
            body.template = { metadata: { annotations: { [RESTARTED_AT]: patch.restartedAt } } };
        }
        await this.call(`patch Deployment ${namespace}/${name}`, () =>
            this.apps.patchNamespacedDeployment({ namespace, name, body: { spec: body }, fieldManager: FIELD_MANAGER }, MERGE_PATCH),
        );
    }

    async getHpa(namespace: string, name: string): Promise<HpaState | undefined> {
        const hpa = await this.read(`read HorizontalPodAutoscaler ${namespace}/${name}`, () =>
            this.autoscaling.readNamespacedHorizontalPodAutoscaler({ namespace, name }, PLAIN),
        );
        // minReplicas defaults to 1 when unset (autoscaling/v2 API).
        return hpa === undefined ? undefined : { minReplicas: hpa.spec?.minReplicas ?? 1, maxReplicas: hpa.spec?.maxReplicas ?? 1 };
    }

    async patchHpa(namespace: string, name: string, patch: HpaState): Promise<void> {
        await this.call(`patch HorizontalPodAutoscaler ${namespace}/${name}`, () =>
            this.autoscaling.patchNamespacedHorizontalPodAutoscaler(
                {
                    namespace,
                    name,
                    body: { spec: { minReplicas: patch.minReplicas, maxReplicas: patch.maxReplicas } },
                    fieldManager: FIELD_MANAGER,
                },
                MERGE_PATCH,
            ),
        );
    }

    async getService(namespace: string, name: string): Promise<{ selector: Record<string, string> } | undefined> {
        const svc = await this.read(`read Service ${namespace}/${name}`, () => this.core.readNamespacedService({ namespace, name }, PLAIN));
        return svc === undefined ? undefined : { selector: svc.spec?.selector ?? {} };
    }

    async patchServiceSelector(namespace: string, name: string, selector: Record<string, string>): Promise<void> {
        await this.call(`patch Service ${namespace}/${name}`, () =>
            this.core.patchNamespacedService({ namespace, name, body: { spec: { selector } }, fieldManager: FIELD_MANAGER }, MERGE_PATCH),
        );
    }

    async getIngress(namespace: string, name: string): Promise<IngressState | undefined> {
        const ingress = await this.read(`read Ingress ${namespace}/${name}`, () =>
            this.networking.readNamespacedIngress({ namespace, name }, PLAIN),
        );
        return ingress === undefined ? undefined : { hostname: ingress.status?.loadBalancer?.ingress?.[0]?.hostname || undefined };
    }

    async countPods(namespace: string, selector: Record<string, string>): Promise<number> {
        const pods = await this.call(`list pods ${labelSelector(selector)} in ${namespace}`, () =>
            this.core.listNamespacedPod({ namespace, labelSelector: labelSelector(selector) }, PLAIN),
        );
        return pods.items.filter((p) => p.status?.phase !== "Succeeded" && p.status?.phase !== "Failed").length;
    }

    async getConfigMapKeys(namespace: string, name: string): Promise<string[] | undefined> {
        const cm = await this.read(`read ConfigMap ${namespace}/${name}`, () =>
            this.core.readNamespacedConfigMap({ namespace, name }, PLAIN),
        );
        return cm === undefined ? undefined : Object.keys(cm.data ?? {});
    }

    async createJob(job: k8s.V1Job): Promise<void> {
        const namespace = job.metadata?.namespace ?? "default";
        await this.call(`create Job ${namespace}/${job.metadata?.name}`, () =>
            this.batch.createNamespacedJob({ namespace, body: job, fieldManager: FIELD_MANAGER }, PLAIN),
        );
    }

    async getJob(namespace: string, name: string): Promise<JobState> {
        const what = `read Job ${namespace}/${name}`;
        const job = await this.read(what, () => this.batch.readNamespacedJob({ namespace, name }, PLAIN));
        if (job === undefined) {
            return { phase: "failed", reason: "the Job is gone (deleted by someone else?)" };
        }
        const status = job.status ?? {};
        const condition = (type: string) => status.conditions?.find((c) => c.type === type && c.status === "True");
        const failed = condition("Failed");
        if (condition("Complete")) {
            return { phase: "succeeded" };
        }
        if (failed) {
            return { phase: "failed", reason: failed.reason ?? failed.message };
        }
        // Every pod of a Job of parallel pods runs (or has already run its course): the whole load is on.
        const pods = job.spec?.parallelism ?? 1;
        if ((status.ready ?? 0) > 0 && (status.ready ?? 0) + (status.succeeded ?? 0) >= pods) {
            return { phase: "running" };
        }
        return { phase: "pending", reason: await this.waitingReason(namespace, name) };
    }

    /** Why the Job's pod is not running yet (ImagePullBackOff, ContainerCreating, Unschedulable...). */
    private async waitingReason(namespace: string, job: string): Promise<string | undefined> {
        const pods = await this.call(`list pods of Job ${namespace}/${job}`, () =>
            this.core.listNamespacedPod({ namespace, labelSelector: `${JOB_NAME_LABEL}=${job}` }, PLAIN),
        );
        // The first pod still waiting: with parallel pods, some may run already.
        const pod = pods.items.find((p) => p.status?.phase !== "Running") ?? pods.items[0];
        if (pod === undefined) {
            return "no pod yet";
        }
        const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
        const waiting = statuses.find((s) => s.state?.waiting?.reason !== undefined)?.state?.waiting;
        const unscheduled = pod.status?.conditions?.find((c) => c.type === "PodScheduled" && c.status === "False");
        return waiting?.reason ?? unscheduled?.reason ?? pod.status?.phase;
    }

    async readJobLog(namespace: string, name: string, container: string, tailLines?: number): Promise<string> {
        const pods = await this.call(`list pods of Job ${namespace}/${name}`, () =>
            this.core.listNamespacedPod({ namespace, labelSelector: `${JOB_NAME_LABEL}=${name}` }, PLAIN),
        );
        const pod = pods.items[0]?.metadata?.name;
        if (pod === undefined) {
            return "";
        }
        return this.call(`read the log of pod ${namespace}/${pod}`, () =>
            this.core.readNamespacedPodLog({ namespace, name: pod, container, tailLines }, PLAIN),
        );
    }

    async readJobLogs(namespace: string, name: string, container: string): Promise<string[]> {
        const pods = await this.call(`list pods of Job ${namespace}/${name}`, () =>
            this.core.listNamespacedPod({ namespace, labelSelector: `${JOB_NAME_LABEL}=${name}` }, PLAIN),
        );
        const logs: string[] = [];
        for (const pod of pods.items.flatMap((p) => (p.metadata?.name === undefined ? [] : [p.metadata.name]))) {
            logs.push(
                await this.call(`read the log of pod ${namespace}/${pod}`, () =>
                    this.core.readNamespacedPodLog({ namespace, name: pod, container }, PLAIN),
                ),
            );
        }
        return logs;
    }

    async podCpu(namespace: string, selector: Record<string, string>): Promise<PodCpu[] | undefined> {
        const what = `read the CPU of pods ${labelSelector(selector)} in ${namespace} (metrics.k8s.io)`;
        // Read as "not found" when no metrics API is served: nothing to measure.
        const metrics = (await this.read(what, () =>
            this.custom.listNamespacedCustomObject({ ...POD_METRICS, namespace, labelSelector: labelSelector(selector) }, PLAIN),
        )) as
            | {
                  items?: {
                      metadata?: { name?: string };
                      timestamp?: string;
                      window?: string;
                      containers?: { usage?: { cpu?: string } }[];
                  }[];
              }
            | undefined;
        if (metrics === undefined) {
            return undefined;
        }
        const pods = await this.call(`list pods ${labelSelector(selector)} in ${namespace}`, () =>
            this.core.listNamespacedPod({ namespace, labelSelector: labelSelector(selector) }, PLAIN),
        );
        const requested = new Map(
            pods.items.map((p) => {
                // Native sidecars (init containers that keep running) use CPU beside the app and count alike.
                const sidecars = (p.spec?.initContainers ?? []).filter((c) => c.restartPolicy === "Always");
                const cpu = [...(p.spec?.containers ?? []), ...sidecars].map((c) => cpuMillicores(c.resources?.requests?.cpu) ?? 0);
                return [p.metadata?.name ?? "", cpu.reduce((a, b) => a + b, 0)];
            }),
        );
        return (metrics.items ?? []).flatMap((m) => {
            const pod = m.metadata?.name ?? "";
            const windowSeconds = goDurationSeconds(m.window);
            const windowEnd = ms(m.timestamp);
            const requestMillicores = requested.get(pod);
            const usage = (m.containers ?? []).map((c) => cpuMillicores(c.usage?.cpu));
            if (windowSeconds === undefined || windowEnd === undefined || requestMillicores === undefined || usage.includes(undefined)) {
                return [];
            }
            const usageMillicores = usage.reduce((a: number, b) => a + (b ?? 0), 0);
            return [{ pod, usageMillicores, requestMillicores, windowEnd, windowSeconds }];
        });
    }

    async deleteJob(namespace: string, name: string): Promise<void> {
        // Background: the garbage collector removes the pod too (the API's default for Jobs orphans it).
        await this.read(`delete Job ${namespace}/${name}`, () =>
            this.batch.deleteNamespacedJob({ namespace, name, propagationPolicy: "Background" }, PLAIN),
        );
    }
    async listPods(query: { namespace: string; selector: Record<string, string> } | { nodeName: string }): Promise<PodState[]> {
        const list =
            "nodeName" in query
                ? await this.call(`list pods on node ${query.nodeName}`, () =>
                      this.core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${query.nodeName}` }, PLAIN),
                  )
                : await this.call(`list pods ${labelSelector(query.selector)} in ${query.namespace}`, () =>
                      this.core.listNamespacedPod({ namespace: query.namespace, labelSelector: labelSelector(query.selector) }, PLAIN),
                  );
        return list.items.map(podState);
    }

    async listEndpoints(namespace: string, service: string): Promise<EndpointState[]> {
        const slices = await this.call(`list EndpointSlices of Service ${namespace}/${service}`, () =>
            this.discovery.listNamespacedEndpointSlice({ namespace, labelSelector: `${SERVICE_NAME_LABEL}=${service}` }, PLAIN),
        );
        // `endpoints` has no omitempty (discovery/v1 types.go): an empty slice may come back as null.
        return slices.items.flatMap((slice) =>
            (slice.endpoints ?? []).flatMap((e) =>
                e.addresses.map((ip) => ({
                    ip,
                    pod: e.targetRef?.kind === "Pod" ? e.targetRef.name : undefined,
                    // Unset conditions mean ready, not terminating (discovery/v1 EndpointConditions).
                    ready: e.conditions?.ready ?? true,
                    terminating: e.conditions?.terminating ?? false,
                })),
            ),
        );
    }

    async getNode(name: string): Promise<NodeState | undefined> {
        const node = await this.read(`read Node ${name}`, () => this.core.readNode({ name }, PLAIN));
        return node === undefined
            ? undefined
            : { name, unschedulable: node.spec?.unschedulable ?? false, labels: node.metadata?.labels ?? {} };
    }

    async setUnschedulable(name: string, unschedulable: boolean): Promise<void> {
        // A merge patch, as kubectl cordon's strategic merge of spec.unschedulable (kubectl pkg/drain/cordon.go).
        await this.call(`${unschedulable ? "cordon" : "uncordon"} Node ${name}`, () =>
            this.core.patchNode({ name, body: { spec: { unschedulable } }, fieldManager: FIELD_MANAGER }, MERGE_PATCH),
        );
    }

    async evictPod(namespace: string, name: string): Promise<EvictionAnswer> {
        try {
            await this.call(`evict pod ${namespace}/${name}`, () =>
                this.core.createNamespacedPodEviction(
                    { namespace, name, body: { apiVersion: "policy/v1", kind: "Eviction", metadata: { namespace, name } } },
                    PLAIN,
                ),
            );
            return "evicted";
        } catch (err) {
            if (err instanceof ApiError && err.code === TOO_MANY_REQUESTS) {
                return "blocked";
            }
            if (err instanceof ApiError && err.code === NOT_FOUND) {
                return "gone";
            }
            throw err;
        }
    }

    async readOwnership(ref: ObjectRef): Promise<OwnedObject | undefined> {
        const { namespace, name } = ref;
        const what = `read ${ref.kind} ${namespace}/${name}`;
        const object =
            ref.kind === "HorizontalPodAutoscaler"
                ? await this.read(what, () => this.autoscaling.readNamespacedHorizontalPodAutoscaler({ namespace, name }, PLAIN))
                : ref.kind === "Deployment"
                  ? await this.read(what, () => this.apps.readNamespacedDeployment({ namespace, name }, PLAIN))
                  : await this.read(what, () => this.core.readNamespacedService({ namespace, name }, PLAIN));
        if (object === undefined) {
            return undefined;
        }
        const managedFields: ManagedFieldsEntry[] = (object.metadata?.managedFields ?? []).map((e) => ({
            manager: e.manager,
            operation: e.operation,
            apiVersion: e.apiVersion,
            // Read as a Date by the client; written back as the RFC 3339 time the API server keeps.
            time: e.time === undefined ? undefined : new Date(e.time).toISOString().replace(/\.\d{3}Z$/, "Z"),
            fieldsType: e.fieldsType,
            fieldsV1: e.fieldsV1 as Record<string, unknown> | undefined,
            subresource: e.subresource,
        }));
        return { resourceVersion: object.metadata?.resourceVersion ?? "", managedFields, object };
    }

    async writeManagedFields(ref: ObjectRef, managedFields: ManagedFieldsEntry[], resourceVersion: string): Promise<boolean> {
        const { namespace, name } = ref;
        // A merge patch replaces the list whole; the resourceVersion makes it fail (409) if anything changed since the read.
        const body = { metadata: { managedFields, resourceVersion } };
        const request = { namespace, name, body, fieldManager: FIELD_MANAGER };
        try {
            await this.call<unknown>(`give back field ownership on ${ref.kind} ${namespace}/${name}`, () =>
                ref.kind === "HorizontalPodAutoscaler"
                    ? this.autoscaling.patchNamespacedHorizontalPodAutoscaler(request, MERGE_PATCH)
                    : ref.kind === "Deployment"
                      ? this.apps.patchNamespacedDeployment(request, MERGE_PATCH)
                      : this.core.patchNamespacedService(request, MERGE_PATCH),
            );
            return true;
        } catch (err) {
            if (err instanceof ApiError && err.code === CONFLICT) {
                return false;
            }
            throw err;
        }
    }

    async listTargetGroupBindings(namespace: string): Promise<TargetGroupBindingState[]> {
        // Read as "not found" when the controller's CRD is not installed: no binding, nothing to check.
        const list = (await this.read(`list TargetGroupBindings in ${namespace}`, () =>
            this.custom.listNamespacedCustomObject({ ...TARGET_GROUP_BINDINGS, namespace }, PLAIN),
        )) as
            | {
                  items?: {
                      metadata?: { name?: string };
                      spec?: { targetGroupARN?: string; targetType?: string; serviceRef?: { name?: string } };
                  }[];
              }
            | undefined;
        return (list?.items ?? []).map((b) => ({
            namespace,
            name: b.metadata?.name ?? "",
            targetGroupArn: b.spec?.targetGroupARN,
            targetType: b.spec?.targetType,
            service: b.spec?.serviceRef?.name ?? "",
        }));
    }

    async listNodeClaims(): Promise<NodeClaimState[]> {
        // Read as "not found" without Karpenter's CRD: no NodeClaim.
        const list = (await this.read("list NodeClaims", () => this.custom.listClusterCustomObject(NODE_CLAIMS, PLAIN))) as
            | {
                  items?: {
                      metadata?: { name?: string; deletionTimestamp?: string };
                      status?: { nodeName?: string; conditions?: { type: string; status: string }[] };
                  }[];
              }
            | undefined;
        return (list?.items ?? []).map((c) => ({
            name: c.metadata?.name ?? "",
            nodeName: c.status?.nodeName,
            ready: c.status?.conditions?.some((x) => x.type === "Ready" && x.status === "True") ?? false,
            deleting: c.metadata?.deletionTimestamp !== undefined,
        }));
    }

    async deleteNodeClaim(name: string): Promise<void> {
        await this.read(`delete NodeClaim ${name}`, () => this.custom.deleteClusterCustomObject({ ...NODE_CLAIMS, name }, PLAIN));
    }
}

/** The useful part of a connection error: node-fetch puts the socket error after "reason: ". */
function connectReason(err: Error): string {
    const line = err.message.split("\n")[0];
    const reason = /reason: (.*)$/.exec(line)?.[1];
    return reason ?? line;
}
