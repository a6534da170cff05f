// Every cluster call verify makes, behind one small interface: kube.ts implements it with
// @kubernetes/client-node, the tests with a fake. Shapes are reduced to what verify reads, so the
// fake never has to build full Kubernetes objects.
import type { V1Job } from "@kubernetes/client-node";

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
    phase: JobPhase;
    /** Why it is pending or failed, when the cluster says (e.g. ImagePullBackOff, DeadlineExceeded). */
    reason?: string;
}

export interface DeploymentPatch {
    replicas?: number;
    /** Value for the pod template annotation `kubectl.kubernetes.io/restartedAt`: what `kubectl rollout restart` sets. */
    restartedAt?: string;
}

/** Reads return undefined when the object does not exist; anything else that goes wrong throws. */
export interface ClusterClient {
    /** The API server URL, for messages. */
    readonly server: string;
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
    /** Log of one container of the Job's pod; `tailLines` limits it to the end. */
    readJobLog(namespace: string, name: string, container: string, tailLines?: number): Promise<string>;
    /** Deletes the Job and its pod; a Job already gone is not an error. */
    deleteJob(namespace: string, name: string): Promise<void>;
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

/** Renders a label map the way kubectl's `-l` takes it. */
export function labelSelector(labels: Record<string, string>): string {
    return Object.entries(labels)
        .map(([k, v]) => `${k}=${v}`)
        .join(",");
}
