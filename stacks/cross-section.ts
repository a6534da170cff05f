// The rules that span sections: the app's timing with the mesh's drain, the Kubernetes version with
// the addons' ranges, and whether every pod of the stack fits its nodes.
import { RULE_FIELD_PATHS } from "../components/app/validate";
import { KUBERNETES_SUPPORT, VERSIONS } from "../components/versions";
import { checkAlbHealthCheck } from "../rules/aws-limits";
import { checkRolloutRange } from "../rules/rollout";
import { checkTiming } from "../rules/timing";
import { checkKubernetesVersion } from "../rules/versions";
import { checkDisruptionRange, checkGraceWithinDrain, durationSeconds } from "../rules/drain";
import { ISTIO } from "../components/footprints";
import { GATEWAY_NAME, GATEWAY_NAMESPACE } from "../components/addons/names";
import { StackCapacity, stackCapacity } from "./capacity";
import type { AddonsSettings, AppSettings, ClusterSettings } from "./settings";
import { Section } from "./validate";
import { reportViolations } from "./violations";

// The app's config keys are the component's property paths; the sidecar's inbound drain is the
// mesh-wide default, not a key of the app.
const TIMING_KEYS: Record<string, string | null> = { ...RULE_FIELD_PATHS, sidecarInboundDrainSeconds: null, reachedThrough: null };

/**
 * The rules that need more than the app section: the sidecar's drain (when Istio is on), the ALB
 * the app gets (only without Istio), and the replica range the HPA may choose.
 */
export function checkApp(section: Section, app: AppSettings, addons: AddonsSettings): void {
    if (!app.enabled) {
        return;
    }
    const meshed = addons.istio.enabled;
    reportViolations(
        section,
        checkTiming({
            ...app.timing,
            ...app.probes,
            minReadySeconds: app.rollout.minReadySeconds,
            ...(meshed ? { sidecarInboundDrainSeconds: addons.istio.sidecarInboundDrainSeconds, reachedThrough: "mesh" as const } : {}),
        }),
        TIMING_KEYS,
    );
    reportViolations(section, checkAlbHealthCheck(app.timing), TIMING_KEYS);
    // The floor: a rollout or a drain never takes more than one ready pod away, at any replica count.
    reportViolations(
        section,
        checkRolloutRange({
            minReplicas: app.replicas,
            maxReplicas: app.autoscaling.enabled ? app.autoscaling.maxReplicas : app.replicas,
            maxSurge: app.rollout.maxSurge,
            maxUnavailable: app.rollout.maxUnavailable,
            maxLostPods: 1,
        }),
        TIMING_KEYS,
    );
    const istioKey = (k: string) => `${section.key.slice(0, section.key.lastIndexOf(":") + 1)}addons.istio.${k}`;
    if (meshed && section.hasPath("ingress.scheme") && app.ingress.scheme !== addons.istio.ingressScheme) {
        // With Istio the app is reached through the platform's entrypoint ALB; its own scheme would be ignored.
        section.problem(
            "ingress.scheme",
            app.ingress.scheme,
            `no app scheme while Istio is on: the app is reached through the platform's entrypoint, whose scheme is ${istioKey("ingressScheme")} (${addons.istio.ingressScheme}); set that key instead`,
        );
    }
    if (app.blueGreen.enabled && !meshed) {
        // The controller injects readiness gates only into pods created while a target group selects them
        // (docs/deploy/pod_readiness_gate.md): the idle color has none, and switching the Service selector
        // swaps every ALB target at once, new ones still `initial`, old ones `draining`.
        section.problem(
            "blueGreen.enabled",
            true,
            `false while ${istioKey("enabled")} is false: blue/green switches through the mesh; on a bare ALB the switch drops requests`,
        );
    }
}

/** Refuses a Kubernetes version EKS no longer supports or a pinned component does not; warns about extended support. */
export function checkVersion(section: Section, cluster: ClusterSettings, addons: AddonsSettings, today: string, warnings: string[]): void {
    const ranges = [
        ...(addons.istio.enabled ? [{ component: `Istio ${VERSIONS.istio.version}`, ...VERSIONS.istio.kubernetes }] : []),
        ...(addons.karpenter.enabled ? [{ component: `Karpenter ${VERSIONS.karpenter.version}`, ...VERSIONS.karpenter.kubernetes }] : []),
    ];
    const verdict = checkKubernetesVersion(cluster.version, today, KUBERNETES_SUPPORT, ranges);
    reportViolations(section, verdict.violations, {});
    warnings.push(...verdict.warnings.map((w) => `${section.path("version")}: ${w}`));
}

/**
 * Places every pod of the stack on `desiredSize` nodes. The platform at rest must fit: a Pending
 * pod makes its PDB allow no disruption, so drains and node group updates fail. The app at its HPA
 * maximum that does not fit is a warning: nothing adds nodes yet, so those pods would wait.
 */
export function checkStackCapacity(
    section: Section,
    cluster: ClusterSettings,
    addons: AddonsSettings,
    app: AppSettings,
    warnings: string[],
): StackCapacity {
    const capacity = stackCapacity(cluster, addons, app);
    if (capacity.atMinimum.allocatable === undefined) {
        section.problem("instanceType", cluster.instanceType, `an instance type the capacity model sizes: ${capacity.atMinimum.summary}`);
    } else if (!capacity.atMinimum.fits) {
        const needed = capacity.nodesNeeded;
        section.report({
            key: section.path("desiredSize"),
            given: `${cluster.desiredSize}, on which the stack's own pods do not fit: ${capacity.atMinimum.summary}`,
            expected:
                needed === undefined
                    ? "a larger instanceType: no node count fits these pods"
                    : `at least ${needed} (and maxSize at least ${needed}), a larger instanceType, or fewer addons/replicas`,
        });
    } else if (app.enabled && !capacity.atPeak.fits) {
        const key = section.path("desiredSize").replace(/cluster\.desiredSize$/, "app.autoscaling.maxReplicas");
        warnings.push(
            `capacity at the HPA maximum: ${capacity.atPeak.summary}; nothing adds nodes, so those pods stay Pending: raise ${section.path("desiredSize")} or lower ${key}`,
        );
    }
    return capacity;
}

/**
 * With Karpenter on: the NodePool can hold the workloads at their maximum and still replace a node
 * at their minimum, and every pod's grace period fits inside the drains that will end it (the
 * managed node update's 15 minutes for every pod; the NodePool's terminationGracePeriod for the
 * pods on its nodes). The PDB rules are the app's own (components/app/validate.ts).
 */
export function checkDrains(
    addonsSection: Section,
    appSection: Section,
    addons: AddonsSettings,
    app: AppSettings,
    capacity: StackCapacity,
): void {
    const karpenter = addonsSection.child("karpenter", undefined);
    const nodePool = capacity.nodePool;
    if (nodePool !== undefined) {
        if (nodePool.nodesAtPeak === undefined) {
            karpenter.problem(
                "instanceTypes",
                addons.karpenter.instanceTypes,
                `instance types that hold the app and the Locust workers at their maximum: ${nodePool.atPeak.summary}`,
            );
        } else if (!nodePool.derived && nodePool.maxNodes < nodePool.nodesAtPeak) {
            karpenter.report({
                key: karpenter.path("maxNodes"),
                given: `${nodePool.maxNodes}, but the app at its HPA maximum and every Locust worker need ${nodePool.nodesAtPeak} × ${nodePool.instanceType}: ${nodePool.atPeak.summary}`,
                expected: `at least ${nodePool.nodesAtPeak} (or leave maxNodes unset: derived as ${nodePool.nodesAtPeak + 1})`,
                rule: "node-pool-holds-peak",
            });
        } else if (!nodePool.derived && nodePool.nodesAtMinimum !== undefined && nodePool.maxNodes < nodePool.nodesAtMinimum + 1) {
            karpenter.report({
                key: karpenter.path("maxNodes"),
                given: `${nodePool.maxNodes}: the workloads at their minimum fill ${nodePool.nodesAtMinimum} nodes, so a drifted or expired node cannot be replaced before it is drained (Karpenter launches the replacement first)`,
                expected: `at least ${nodePool.nodesAtMinimum + 1}`,
                rule: "node-pool-replaces-a-node",
            });
        }
    }
    const nodePoolGrace = addons.karpenter.enabled ? durationSeconds(addons.karpenter.terminationGracePeriod) : undefined;
    if (app.enabled) {
        // The app runs on the NodePool's nodes when Karpenter is on; on the node group otherwise.
        for (const v of checkGraceWithinDrain(
            { workload: `${app.namespace}/${app.name}`, terminationGracePeriodSeconds: app.timing.terminationGracePeriodSeconds },
            nodePoolGrace,
        )) {
            const blameNodePool =
                v.rule === "grace-within-node-pool" &&
                addonsSection.hasPath("karpenter.terminationGracePeriod") &&
                !appSection.hasPath("timing.terminationGracePeriodSeconds");
            const [blamed, other] = blameNodePool
                ? [karpenter.path("terminationGracePeriod"), appSection.path("timing.terminationGracePeriodSeconds")]
                : [
                      appSection.path("timing.terminationGracePeriodSeconds"),
                      v.rule === "grace-within-node-pool" ? karpenter.path("terminationGracePeriod") : undefined,
                  ];
            appSection.report({ key: blamed, given: v.message, expected: other ? `${v.fix} (see also ${other})` : v.fix, rule: v.rule });
        }
    }
    if (addons.istio.enabled) {
        // The gateway's grace is a platform constant (defaults.ts GATEWAY_TIMING): a breach is this code's bug.
        for (const v of checkGraceWithinDrain(
            {
                workload: "istio-ingress/istio-ingressgateway",
                terminationGracePeriodSeconds: addons.istio.gatewayTiming.terminationGracePeriodSeconds,
            },
            undefined,
        )) {
            addonsSection.report({ key: addonsSection.path("istio"), given: v.message, expected: v.fix, rule: v.rule });
        }
        // The gateway's PDB over its HPA range, by the app's rule (one pod at a time); also a platform constant.
        for (const v of checkDisruptionRange(
            {
                workload: `${GATEWAY_NAMESPACE}/${GATEWAY_NAME}`,
                replicas: ISTIO.gateway.replicas,
                maxReplicas: ISTIO.gateway.maxReplicas,
                maxUnavailable: ISTIO.gateway.maxUnavailable,
            },
            1,
        )) {
            addonsSection.report({ key: addonsSection.path("istio"), given: v.message, expected: v.fix, rule: v.rule });
        }
    }
}
