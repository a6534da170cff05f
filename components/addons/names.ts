// Names the addons give the Kubernetes objects they create, shared with config validation (which
// refuses them as app namespaces), the capacity model and verify. Pure: no Pulumi import.

/** Namespace and service account the load balancer controller runs as; its IRSA `:sub` condition names exactly these. */
export const LBC_NAMESPACE = "kube-system";
export const LBC_SERVICE_ACCOUNT = "aws-load-balancer-controller";

export const ISTIO_NAMESPACE = "istio-system";
export const GATEWAY_NAMESPACE = "istio-ingress";
/** Gateway name: the chart names the Deployment and Service after it and labels pods `istio: ingressgateway`. */
export const GATEWAY_NAME = "istio-ingressgateway";
/** The shared Istio Gateway (in GATEWAY_NAMESPACE) that apps and teams bind their VirtualServices to. */
export const SHARED_GATEWAY_NAME = "platform";
/** The ALB Ingress in front of the ingress gateway, the platform's entrypoint. */
export const ENTRYPOINT_INGRESS = "platform-entrypoint";

/** Where the Karpenter controller runs and as whom (the getting-started guide's KARPENTER_NAMESPACE, kube-system); its IRSA `:sub` names these. */
export const KARPENTER_NAMESPACE = "kube-system";
export const KARPENTER_SERVICE_ACCOUNT = "karpenter";
/** The NodePool the app and the Locust workers run on; nodes carry it as the `karpenter.sh/nodepool` label. */
export const NODE_POOL_NAME = "workloads";
/** Label every Karpenter node carries with its NodePool's name (karpenter.sh well-known label). */
export const NODE_POOL_LABEL = "karpenter.sh/nodepool";
/** A pod toleration (core/v1 Toleration), as the app and the charts take it. */
export interface Toleration {
    key: string;
    operator: "Equal" | "Exists";
    value?: string;
    effect?: "NoSchedule" | "PreferNoSchedule" | "NoExecute";
}
/**
 * The taint on a NodePool's nodes, valued with its name: only pods that tolerate it (the app and the
 * Locust workers) run there, so the platform's own pods stay on the system pool, where the capacity
 * model places them (stacks/capacity.ts onNodePool), and Karpenter never launches a node for them ("If
 * Karpenter encounters a taint in the NodePool that is not tolerated by a Pod, Karpenter won't use that
 * NodePool to provision the pod": karpenter-provider-aws website/content/en/v1.14/concepts/nodepools.md).
 */
export const NODE_POOL_TAINT_KEY = "zero-downtime-eks.io/nodepool";
export const NODE_POOL_TAINT = { key: NODE_POOL_TAINT_KEY, value: NODE_POOL_NAME, effect: "NoSchedule" } as const;

/** What a pod needs to run on the NodePool `nodePool`: select its nodes and tolerate their taint. */
export function nodePoolPlacement(nodePool: string): { nodeSelector: Record<string, string>; tolerations: Toleration[] } {
    return {
        nodeSelector: { [NODE_POOL_LABEL]: nodePool },
        tolerations: [{ key: NODE_POOL_TAINT_KEY, operator: "Equal", value: nodePool, effect: NODE_POOL_TAINT.effect }],
    };
}

export const LOCUST_NAMESPACE = "locust";
/** The locustfile ConfigMap; the chart loads `<locust_locustfile_path>/<locust_locustfile>` from it, and so do verify's Jobs. */
export const LOCUSTFILE_CONFIG_MAP = { name: "locustfile", key: "main.py" } as const;

/**
 * Namespaces an app may not take: created by Kubernetes itself (kubernetes.io/docs/concepts/overview/
 * working-with-objects/namespaces: default, kube-system, kube-public, kube-node-lease) or by this
 * platform's addons. Creating one again fails `pulumi up` with AlreadyExists after the cluster is built.
 */
export const RESERVED_NAMESPACES = [
    "default",
    "kube-system",
    "kube-public",
    "kube-node-lease",
    ISTIO_NAMESPACE,
    GATEWAY_NAMESPACE,
    LOCUST_NAMESPACE,
];
