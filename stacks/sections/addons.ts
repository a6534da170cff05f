// `zero-downtime-eks:addons`: one sub-section per addon, each with its switch.
import { LOAD_BALANCER_SCHEMES, MTLS_MODES } from "../../components/choices";
import { ADDON_DEFAULTS, GATEWAY_TIMING } from "../defaults";
import type { AddonsSettings } from "../settings";
import { Section } from "../validate";

const URL = /^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?(\/\S*)?$/;

export function readAddons(addons: Section, defaultTarget: string): AddonsSettings {
    const d = ADDON_DEFAULTS;
    const loadBalancerController = addons.within("loadBalancerController", (lbc) => ({
        enabled: lbc.bool("enabled", d.loadBalancerController.enabled),
        replicas: lbc.int("replicas", d.loadBalancerController.replicas, 1, 5),
    }));
    const metricsServer = addons.within("metricsServer", (metrics) => ({ enabled: metrics.bool("enabled", d.metricsServer.enabled) }));
    const istio = addons.within("istio", (istio) => {
        const read = {
            enabled: istio.bool("enabled", d.istio.enabled),
            mtlsMode: istio.oneOf("mtlsMode", d.istio.mtlsMode, MTLS_MODES),
            ingressScheme: istio.oneOf("ingressScheme", d.istio.ingressScheme, LOAD_BALANCER_SCHEMES),
            gatewayTiming: GATEWAY_TIMING,
        };
        if (read.enabled && !loadBalancerController.enabled) {
            // The ingress gateway is reached through an ALB Ingress, which only the controller reconciles.
            istio.problem(
                "enabled",
                true,
                `false while ${addons.path("loadBalancerController.enabled")} is false: the gateway's ALB needs the controller`,
            );
        }
        return read;
    });
    const locust = addons.within("locust", (locust) => ({
        enabled: locust.bool("enabled", d.locust.enabled),
        targetHost: locust.string("targetHost", defaultTarget, URL, 'an http(s) URL, e.g. "http://web.web.svc.cluster.local"'),
        maxWorkers: locust.int("maxWorkers", d.locust.maxWorkers, 1, 100),
    }));
    return { loadBalancerController, metricsServer, istio, locust };
}
