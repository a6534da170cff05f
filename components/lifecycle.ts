// Pod lifecycle shapes shared by every workload this program deploys. Pure: no Pulumi import.

/**
 * Kubernetes minor from which the preStop `sleep` action is on by default
 * (PodLifecycleSleepAction, beta and enabled in 1.30: kubernetes.io/docs/concepts/containers/container-lifecycle-hooks).
 */
export const NATIVE_SLEEP_MINOR = 30;

/** Minor number of a `"1.NN"` version string. */
export function kubernetesMinor(version: string): number {
    return Number(version.split(".")[1]);
}

/**
 * preStop handler that keeps a terminating pod serving for `seconds` while the load balancer stops
 * routing to it: the native sleep action where the cluster has it (works in distroless images),
 * otherwise `sleep` run in the container.
 */
export function preStopSleep(seconds: number, kubernetesVersion: string): Record<string, unknown> {
    if (kubernetesMinor(kubernetesVersion) >= NATIVE_SLEEP_MINOR) {
        return { sleep: { seconds } };
    }
    return { exec: { command: ["sleep", String(seconds)] } };
}

/** Namespace label that makes the AWS Load Balancer Controller inject readiness gates into new pods (docs/deploy/pod_readiness_gate.md). */
export const READINESS_GATE_LABEL = { "elbv2.k8s.aws/pod-readiness-gate-inject": "enabled" };
