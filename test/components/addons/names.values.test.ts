// The names the addons give what they create, exactly: the IRSA trust policies' `:sub` conditions,
// the charts' release values and the settings' reserved namespaces all name these objects, so a
// changed letter breaks a controller's credentials or lets an app take a platform namespace.
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as names from "../../../components/addons/names";

describe("addon names: exact values", () => {
    it("namespaces, service accounts and the gateway's objects", () => {
        assert.deepEqual(
            {
                LBC_NAMESPACE: names.LBC_NAMESPACE,
                LBC_SERVICE_ACCOUNT: names.LBC_SERVICE_ACCOUNT,
                ISTIO_NAMESPACE: names.ISTIO_NAMESPACE,
                GATEWAY_NAMESPACE: names.GATEWAY_NAMESPACE,
                GATEWAY_NAME: names.GATEWAY_NAME,
                SHARED_GATEWAY_NAME: names.SHARED_GATEWAY_NAME,
                ENTRYPOINT_INGRESS: names.ENTRYPOINT_INGRESS,
                KARPENTER_NAMESPACE: names.KARPENTER_NAMESPACE,
                KARPENTER_SERVICE_ACCOUNT: names.KARPENTER_SERVICE_ACCOUNT,
                NODE_POOL_NAME: names.NODE_POOL_NAME,
                NODE_POOL_LABEL: names.NODE_POOL_LABEL,
                LOCUST_NAMESPACE: names.LOCUST_NAMESPACE,
                LOCUSTFILE_CONFIG_MAP: names.LOCUSTFILE_CONFIG_MAP,
            },
            {
                LBC_NAMESPACE: "kube-system",
                LBC_SERVICE_ACCOUNT: "aws-load-balancer-controller",
                ISTIO_NAMESPACE: "istio-system",
                GATEWAY_NAMESPACE: "istio-ingress",
                GATEWAY_NAME: "istio-ingressgateway",
                SHARED_GATEWAY_NAME: "platform",
                ENTRYPOINT_INGRESS: "platform-entrypoint",
                KARPENTER_NAMESPACE: "kube-system",
                KARPENTER_SERVICE_ACCOUNT: "karpenter",
                NODE_POOL_NAME: "workloads",
                NODE_POOL_LABEL: "karpenter.sh/nodepool",
                LOCUST_NAMESPACE: "locust",
                LOCUSTFILE_CONFIG_MAP: { name: "locustfile", key: "main.py" },
            },
        );
    });

    it("the namespaces an app may not take: Kubernetes' own four and the platform's", () => {
        assert.deepEqual(names.RESERVED_NAMESPACES, [
            "default",
            "kube-system",
            "kube-public",
            "kube-node-lease",
            "istio-system",
            "istio-ingress",
            "locust",
        ]);
    });
});
