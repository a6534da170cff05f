// `zero-downtime-eks:addons`: one sub-section per addon, each with its switch.
import { LOAD_BALANCER_SCHEMES, MTLS_MODES } from "../../components/choices";
import { ADDON_DEFAULTS, DEFAULTS, Environment, GATEWAY_TIMING, SIDECAR_INBOUND_DRAIN_SECONDS } from "../defaults";
import type { AddonsSettings } from "../settings";
import { Section } from "../validate";
import { BUDGET_DURATION, BUDGET_NODES, BUDGET_SCHEDULE, NODE_POOL_DURATION, TERMINATION_GRACE_PERIOD } from "../../rules/drain";
import { instanceTypeProblem } from "../../rules/capacity";

const CAPACITY_TYPES = ["on-demand", "spot"] as const;

const URL = /^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?(\/\S*)?$/;

export function readAddons(addons: Section, defaultTarget: string, env: Environment): AddonsSettings {
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
            sidecarInboundDrainSeconds: SIDECAR_INBOUND_DRAIN_SECONDS,
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
    const karpenter = addons.within("karpenter", (k) => {
        const dk = d.karpenter;
        const read = {
            enabled: k.bool("enabled", dk.enabled),
            // Types the capacity model can size (rules/capacity.ts): a NodePool of a type it cannot size
            // would get limits nobody checked.
            instanceTypes: k.stringList(
                "instanceTypes",
                dk.instanceTypes,
                (t) => instanceTypeProblem(t) === undefined,
                (t) => `an instance type the capacity model sizes: ${instanceTypeProblem(t) ?? ""}`,
            ),
            capacityTypes: k.stringList(
                "capacityTypes",
                dk.capacityTypes,
                /^(on-demand|spot)$/,
                `one of ${CAPACITY_TYPES.map((c) => JSON.stringify(c)).join(", ")}`,
            ) as ("on-demand" | "spot")[],
            amiAlias: k.string("amiAlias", dk.amiAlias, /^al2023@(latest|v[0-9]{8})$/, '"al2023@latest" or a pinned "al2023@vYYYYMMDD"'),
            consolidateAfter: k.string(
                "consolidateAfter",
                dk.consolidateAfter,
                NODE_POOL_DURATION,
                'a duration such as "1m" or "30s", or "Never"',
            ),
            budgets: k.objectList("budgets", dk.budgets, (b) => {
                const budget: { nodes: string; schedule?: string; duration?: string } = {
                    // Unset, the CRD's own default (karpenter-crd 1.14.1 karpenter.sh_nodepools.yaml budgets[].nodes: 10%).
                    nodes: b.string("nodes", "10%", BUDGET_NODES, 'a node count ("1") or a percentage ("10%")'),
                };
                // Karpenter's CRD: "'schedule' must be set with 'duration'" (x-kubernetes-validations).
                const hasSchedule = b.has("schedule");
                if (hasSchedule !== b.has("duration")) {
                    const missing = hasSchedule ? "duration" : "schedule";
                    b.problem(
                        missing,
                        undefined,
                        `set together with ${hasSchedule ? "schedule" : "duration"} (a budget window needs both)`,
                    );
                }
                if (hasSchedule) {
                    budget.schedule = b.string("schedule", "", BUDGET_SCHEDULE, 'a cron schedule in UTC, e.g. "0 9 * * mon-fri"');
                }
                if (b.has("duration")) {
                    budget.duration = b.string("duration", "", BUDGET_DURATION, 'hours and minutes, e.g. "8h" or "1h30m"');
                }
                return budget;
            }),
            expireAfter: k.string("expireAfter", dk.expireAfter, NODE_POOL_DURATION, 'a duration such as "720h", or "Never"'),
            terminationGracePeriod: k.string(
                "terminationGracePeriod",
                dk.terminationGracePeriod,
                TERMINATION_GRACE_PERIOD,
                'a duration such as "15m" ("Never" is not allowed)',
            ),
            maxNodes: k.has("maxNodes") ? k.int("maxNodes", 0, 1, 1000) : undefined,
        };
        // Default: create the account's Spot role whenever Spot is used (components/addons/karpenter.ts says
        // why, and why an account that already has it sets false).
        const usesSpot = read.capacityTypes.includes("spot");
        const createSpotServiceLinkedRole = k.bool("createSpotServiceLinkedRole", usesSpot);
        if (createSpotServiceLinkedRole && !usesSpot) {
            k.problem(
                "createSpotServiceLinkedRole",
                true,
                `false (or unset) while ${addons.path("karpenter.capacityTypes")} has no "spot": nothing would launch Spot with the role`,
            );
        }
        return { ...read, createSpotServiceLinkedRole };
    });
    const observability = addons.within("observability", (o) => {
        const explicit = o.has("enabled");
        const enabled = o.bool("enabled", DEFAULTS[env].observability);
        if (explicit && enabled && !istio.enabled) {
            // Prometheus scrapes the sidecars and Kiali draws the mesh: without Istio there is nothing to show.
            o.problem("enabled", true, `false while ${addons.path("istio.enabled")} is false: the dashboards show the mesh`);
        }
        // The environment's default follows Istio: off without a mesh.
        return { enabled: enabled && istio.enabled };
    });
    return { loadBalancerController, metricsServer, istio, locust, karpenter, observability };
}
