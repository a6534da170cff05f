// Every cluster call verify makes, behind one small interface: kube.ts implements it with
// @kubernetes/client-node, the tests with a fake. Shapes are reduced to what verify reads, so the
// fake never has to build full Kubernetes objects.
import type { V1Job } from "@kubernetes/client-node";
import type { ClockOffset } from "./clock";
import type { ManagedFieldsEntry } from "./ownership";

export interface DeploymentState {
    /** spec.replicas: what the Deployment (or its HPA) asks for. */
    replicas: number;
    generation: number;
    observedGeneration: number;
    updatedReplicas: number;
    readyReplicas: number;
    availableReplicas: number;
    /** status.replicas: pods of every ReplicaSet of the Deployment, terminating ones excepted. */
    currentReplicas: number;
    /** spec.selector.matchLabels. */
    selector: Record<string, string>;
    /** Set when the Deployment gave up (Progressing=False, e.g. ProgressDeadlineExceeded). */
    stalledReason?: string;
}

export interface HpaState {
    minReplicas: number;
    maxReplicas: number;
}

export interface ServiceState {
    selector: Record<string, string>;
}

export interface IngressState {
    /** status.loadBalancer.ingress[0].hostname: the DNS name of the load balancer, once it is provisioned. */
    hostname?: string;
}

export type JobPhase = "pending" | "running" | "succeeded" | "failed";

export interface JobState {
    /** `running` once every pod of the Job runs (or already finished): `parallelism` of them. */
    phase: JobPhase;
    /** Why it is pending or failed, when the cluster says (e.g. ImagePullBackOff, DeadlineExceeded). */
    reason?: string;
}

export interface DeploymentPatch {
    replicas?: number;
    /** Value for the pod template annotation `kubectl.kubernetes.io/restartedAt`: what `kubectl rollout restart` sets. */
    restartedAt?: string;
}

/** Where the kubelet marks a static pod's mirror (core/v1 annotation_key_constants.go); the API cannot evict it. */
export const MIRROR_ANNOTATION = "kubernetes.io/config.mirror";

/** What verify reads of a pod: where it runs, whether it is going, and the times its conditions changed. */
export interface PodState {
    namespace: string;
    name: string;
    /** spec.nodeName; undefined while unscheduled. */
    nodeName?: string;
    /** status.podIP: the target id of an `ip` target group. */
    ip?: string;
    /** status.phase: Pending, Running, Succeeded, Failed. */
    phase: string;
    labels: Record<string, string>;
    /** metadata.creationTimestamp, ms since the epoch. */
    createdAt: number;
    /**
     * metadata.deletionTimestamp (ms): set once the pod is terminating. For a pod it is the moment the
     * grace period ends (request time + grace), not when the deletion was asked for: see deletionRequestedAt.
     */
    deletionTimestamp?: number;
    /** metadata.deletionGracePeriodSeconds: the grace the deletion was given. */
    deletionGracePeriodSeconds?: number;
    /** spec.readinessGates[].conditionType. */
    readinessGates: string[];
    /** status.conditions by type: whether True, and lastTransitionTime (ms). */
    conditions: Record<string, { status: boolean; since?: number }>;
    /** Kind of the controller owning it (ReplicaSet, DaemonSet, Job...); undefined for a bare pod. */
    ownerKind?: string;
    /** A static pod's mirror (annotation kubernetes.io/config.mirror): the API cannot evict it. */
    mirror: boolean;
}

/** One endpoint of a Service's EndpointSlices (discovery.k8s.io/v1). */
export interface EndpointState {
    ip: string;
    /** targetRef.name, when the endpoint is a pod. */
    pod?: string;
    /** conditions.ready: the endpoint takes new traffic (false once the pod terminates). */
    ready: boolean;
    /** conditions.terminating. */
    terminating: boolean;
}

export interface NodeState {
    name: string;
    unschedulable: boolean;
    labels: Record<string, string>;
}

/** A TargetGroupBinding (elbv2.k8s.aws/v1beta1): the load balancer controller's link from a Service port to a target group. */
export interface TargetGroupBindingState {
    namespace: string;
    name: string;
    /** spec.targetGroupARN; optional in the CRD (targetGroupName may stand instead), normally filled in by the controller's webhook. */
    targetGroupArn?: string;
    /** spec.targetType: `ip` (pods are targets, with readiness gates) or `instance`. */
    targetType?: string;
    /** spec.serviceRef.name. */
    service: string;
}

/** A Karpenter NodeClaim (karpenter.sh/v1). */
export interface NodeClaimState {
    name: string;
    /** status.nodeName, once the node registered. */
    nodeName?: string;
    /** The Ready condition is True. */
    ready: boolean;
    /** metadata.deletionTimestamp is set. */
    deleting: boolean;
}

/** One pod's CPU, as the metrics API (metrics.k8s.io/v1beta1 PodMetrics, served by metrics-server) and its spec give it. */
export interface PodCpu {
    pod: string;
    /** CPU used over the window, every container summed (millicores). */
    usageMillicores: number;
    /** CPU requested, every container summed, native sidecars included (millicores): what the HPA divides by. */
    requestMillicores: number;
    /** The end of the window the use was measured over (ms, the cluster's clock), and its length. */
    windowEnd: number;
    windowSeconds: number;
}

/** The field manager verify's changes are recorded under, next to Pulumi's in managedFields. */
export const VERIFY_FIELD_MANAGER = "npm-run-verify";

/** An object whose fields verify changes, and so whose field ownership it gives back (ownership.ts). */
export interface ObjectRef {
    kind: "HorizontalPodAutoscaler" | "Deployment" | "Service";
    namespace: string;
    name: string;
}

/** An object as read for its field ownership: its JSON, its managedFields and the resourceVersion they go with. */
export interface OwnedObject {
    resourceVersion: string;
    managedFields: ManagedFieldsEntry[];
    object: unknown;
}

/** What the Eviction API answered: done, refused for now by a PodDisruptionBudget (HTTP 429), or the pod is gone. */
export type EvictionAnswer = "evicted" | "blocked" | "gone";

/** Reads return undefined when the object does not exist; anything else that goes wrong throws. */
export interface ClusterClient {
    /** The API server URL, for messages. */
    readonly server: string;
    /** The API server's clock minus this machine's, measured from its answers so far (clock.ts); undefined before any. */
    clockOffset(): ClockOffset | undefined;
    getDeployment(namespace: string, name: string): Promise<DeploymentState | undefined>;
    patchDeployment(namespace: string, name: string, patch: DeploymentPatch): Promise<void>;
    getHpa(namespace: string, name: string): Promise<HpaState | undefined>;
    patchHpa(namespace: string, name: string, patch: HpaState): Promise<void>;
    getService(namespace: string, name: string): Promise<ServiceState | undefined>;
    /** Merges `selector` into the Service's selector. */
    patchServiceSelector(namespace: string, name: string, selector: Record<string, string>): Promise<void>;
    getIngress(namespace: string, name: string): Promise<IngressState | undefined>;
    /** Pods matching the labels that have not finished, terminating ones included. */
    countPods(namespace: string, selector: Record<string, string>): Promise<number>;
    /** Data keys of a ConfigMap. */
    getConfigMapKeys(namespace: string, name: string): Promise<string[] | undefined>;
    createJob(job: V1Job): Promise<void>;
    getJob(namespace: string, name: string): Promise<JobState>;
    /** Log of one container of the Job's (first) pod; `tailLines` limits it to the end. */
    readJobLog(namespace: string, name: string, container: string, tailLines?: number): Promise<string>;
    /** Logs of one container of every pod of the Job (a Job of several parallel pods has one each). */
    readJobLogs(namespace: string, name: string, container: string): Promise<string[]>;
    /** CPU use and requests of the pods matching the labels; undefined when the cluster serves no metrics API. */
    podCpu(namespace: string, selector: Record<string, string>): Promise<PodCpu[] | undefined>;
    /** Deletes the Job and its pod; a Job already gone is not an error. */
    deleteJob(namespace: string, name: string): Promise<void>;
    /** Pods matching the labels in a namespace, or on a node in every namespace when `nodeName` is given. */
    listPods(query: { namespace: string; selector: Record<string, string> } | { nodeName: string }): Promise<PodState[]>;
    /** Endpoints of every EndpointSlice of the Service (label kubernetes.io/service-name). */
    listEndpoints(namespace: string, service: string): Promise<EndpointState[]>;
    getNode(name: string): Promise<NodeState | undefined>;
    /** Cordons (true) or uncordons (false) the node: spec.unschedulable, as kubectl cordon sets it. */
    setUnschedulable(name: string, unschedulable: boolean): Promise<void>;
    /** Asks the Eviction API (policy/v1) to evict the pod; PodDisruptionBudgets decide. */
    evictPod(namespace: string, name: string): Promise<EvictionAnswer>;
    /** The object with its managedFields; undefined when it does not exist (or the client tracks no field ownership). */
    readOwnership(ref: ObjectRef): Promise<OwnedObject | undefined>;
    /**
     * Replaces the object's managedFields with a patch that changes no value; false when the object is
     * no longer at `resourceVersion` (HTTP 409), so nobody else's ownership change is overwritten.
     */
    writeManagedFields(ref: ObjectRef, managedFields: ManagedFieldsEntry[], resourceVersion: string): Promise<boolean>;
    listTargetGroupBindings(namespace: string): Promise<TargetGroupBindingState[]>;
    listNodeClaims(): Promise<NodeClaimState[]>;
    /** Deletes the NodeClaim: Karpenter drains its node and terminates the instance. */
    deleteNodeClaim(name: string): Promise<void>;
}

/** The cluster cannot be used at all: unreachable, credentials refused, no kubeconfig. Bad input, not a failed verification. */
export class ClusterAccessError extends Error {}

/** The API server answered a request with an HTTP error (other than "access denied"); `code` is its status. */
export class ApiError extends Error {
    constructor(
        readonly code: number,
        message: string,
    ) {
        super(message);
    }
}

/**
 * Runs reads made before verify changed anything. An error answer from the API server then (HTTP 500,
 * etcd timing out) means the cluster cannot be used right now: a ClusterAccessError, bad input with
 * one line, not a failed proof, since nothing was changed and nothing needs restoring.
 */
export async function beforeAnyChange<T>(server: string, read: () => Promise<T>): Promise<T> {
    try {
        return await read();
    } catch (err) {
        if (err instanceof ApiError) {
            throw new ClusterAccessError(`cannot use the Kubernetes API at ${server}: ${err.message.split("\n")[0]}; nothing was changed`);
        }
        throw err;
    }
}

/**
 * When the pod's deletion was requested (ms): the API server sets deletionTimestamp to the request time
 * plus the grace period (apiserver pkg/registry/rest/delete.go BeforeDelete: now + gracePeriodSeconds),
 * so the request time is deletionTimestamp − deletionGracePeriodSeconds. Undefined while not terminating.
 */
export function deletionRequestedAt(pod: Pick<PodState, "deletionTimestamp" | "deletionGracePeriodSeconds">): number | undefined {
    return pod.deletionTimestamp === undefined ? undefined : pod.deletionTimestamp - (pod.deletionGracePeriodSeconds ?? 0) * 1000;
}

/** Renders a label map the way kubectl's `-l` takes it. */
export function labelSelector(labels: Record<string, string>): string {
    return Object.entries(labels)
        .map(([k, v]) => `${k}=${v}`)
        .join(",");
}
