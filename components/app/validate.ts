// What ZeroDowntimeService refuses before it creates anything: the same rules config validation
// runs (rules/), reported against the component's own property paths, so a team that uses the
// component from its own program gets the same protection as this stack. Pure: no Pulumi import.
import { Violation, checkTiming } from "../../rules/timing";
import { checkDisruptionRange, checkUnhealthyEviction } from "../../rules/drain";
import { checkRolloutRange } from "../../rules/rollout";
import { ELBV2_TARGET_GROUP, checkAlbHealthCheck } from "../../rules/aws-limits";
import { DNS_LABEL, IMAGE_REFERENCE, imagePinned } from "../../rules/formats";
import { RESERVED_NAMESPACES } from "../addons/names";
import { PATH_PREFIX, ROUTE_HOST } from "./routes";
import type { ZeroDowntimeServiceArgs } from "./zero-downtime-service";

/** One bad property: its path in the args and why (pulumi's InputPropertyErrorDetails). */
export interface PropertyProblem {
    propertyPath: string;
    reason: string;
}

/**
 * Where each rule field lives in the component's args, which is also where it lives under the
 * `zero-downtime-eks:app` config key (settings report rule violations with it). null: not an arg.
 */
export const RULE_FIELD_PATHS: Record<string, string | null> = {
    preStopSeconds: "timing.preStopSeconds",
    shutdownSeconds: "timing.shutdownSeconds",
    terminationGracePeriodSeconds: "timing.terminationGracePeriodSeconds",
    deregistrationDelaySeconds: "timing.deregistrationDelaySeconds",
    healthCheckIntervalSeconds: "timing.healthCheckIntervalSeconds",
    healthCheckTimeoutSeconds: "timing.healthCheckTimeoutSeconds",
    healthyThreshold: "timing.healthyThreshold",
    unhealthyThreshold: "timing.unhealthyThreshold",
    sidecarInboundDrainSeconds: "sidecarInboundDrainSeconds",
    readinessPeriodSeconds: "probes.readinessPeriodSeconds",
    readinessFailureThreshold: "probes.readinessFailureThreshold",
    minReadySeconds: "rollout.minReadySeconds",
    maxSurge: "rollout.maxSurge",
    maxUnavailable: "rollout.maxUnavailable",
    replicas: "replicas",
};

function fromViolations(violations: Violation[]): PropertyProblem[] {
    return violations.map((v) => ({
        propertyPath: RULE_FIELD_PATHS[v.fields[0]] ?? v.fields[0],
        reason: `${v.message}; fix: ${v.fix} [rule ${v.rule}]`,
    }));
}

function wholeNumber(path: string, value: number, min: number, max: number): PropertyProblem[] {
    return Number.isInteger(value) && value >= min && value <= max
        ? []
        : [{ propertyPath: path, reason: `${value} is not a whole number from ${min} to ${max}` }];
}

/** Every problem with the args, all at once; empty when the component can be created. */
export function validateZeroDowntimeServiceArgs(args: ZeroDowntimeServiceArgs): PropertyProblem[] {
    const problems: PropertyProblem[] = [];
    for (const [path, value] of [
        ["name", args.name],
        ["namespace", args.namespace],
    ] as const) {
        if (!DNS_LABEL.test(value)) {
            problems.push({
                propertyPath: path,
                reason: `${JSON.stringify(value)} is not a DNS label (lowercase letters, digits and '-', at most 52)`,
            });
        }
    }
    if (args.serviceAccount !== undefined && !DNS_LABEL.test(args.serviceAccount.name)) {
        problems.push({ propertyPath: "serviceAccount.name", reason: `${JSON.stringify(args.serviceAccount.name)} is not a DNS label` });
    }
    if (RESERVED_NAMESPACES.includes(args.namespace)) {
        problems.push({
            propertyPath: "namespace",
            reason: `${args.namespace} belongs to Kubernetes or the platform's addons (${RESERVED_NAMESPACES.join(", ")}): an app runs in a namespace of its own`,
        });
    }
    const images: [string, string][] = [["image", args.image]];
    if (args.blueGreen.enabled) {
        images.push(["blueGreen.images.blue", args.blueGreen.images.blue], ["blueGreen.images.green", args.blueGreen.images.green]);
    }
    for (const [path, image] of images) {
        if (!IMAGE_REFERENCE.test(image) || !imagePinned(image)) {
            problems.push({ propertyPath: path, reason: `${JSON.stringify(image)} is not an image pinned to a version tag or digest` });
        }
    }
    problems.push(...wholeNumber("port", args.port, 1, 65535));
    problems.push(...wholeNumber("resources.cpuMillicores", args.resources.cpuMillicores, 1, 1_000_000));
    problems.push(...wholeNumber("resources.memoryMiB", args.resources.memoryMiB, 1, 1_000_000));
    if (args.resources.memoryLimitMiB < args.resources.memoryMiB) {
        problems.push({
            propertyPath: "resources.memoryLimitMiB",
            reason: `${args.resources.memoryLimitMiB} is below memoryMiB ${args.resources.memoryMiB}`,
        });
    }
    for (const [field, range] of Object.entries(ELBV2_TARGET_GROUP)) {
        problems.push(...wholeNumber(`timing.${field}`, args.timing[field as keyof typeof ELBV2_TARGET_GROUP], range.min, range.max));
    }
    problems.push(...wholeNumber("timing.preStopSeconds", args.timing.preStopSeconds, 1, 3600));
    if (args.autoscaling.enabled && args.autoscaling.maxReplicas < args.replicas) {
        problems.push({
            propertyPath: "autoscaling.maxReplicas",
            reason: `${args.autoscaling.maxReplicas} is below replicas ${args.replicas}, the HPA minimum`,
        });
    }
    problems.push(
        ...fromViolations(
            checkTiming({
                ...args.timing,
                ...args.probes,
                minReadySeconds: args.rollout.minReadySeconds,
                ...(args.mesh ? { sidecarInboundDrainSeconds: args.sidecarInboundDrainSeconds } : {}),
                // Meshed without an ALB of its own: the mesh gateway's Envoys route to it.
                reachedThrough: args.mesh && args.exposure.kind !== "alb" ? "mesh" : "alb",
            }),
        ),
    );
    if (args.exposure.kind === "alb") {
        problems.push(...fromViolations(checkAlbHealthCheck(args.timing).filter((v) => v.rule !== "aws-api-range")));
    }
    problems.push(
        ...fromViolations(
            checkRolloutRange({
                minReplicas: args.replicas,
                maxReplicas: args.autoscaling.enabled ? Math.max(args.autoscaling.maxReplicas, args.replicas) : args.replicas,
                maxSurge: args.rollout.maxSurge,
                maxUnavailable: args.rollout.maxUnavailable,
                maxLostPods: 1,
            }),
        ),
    );
    if (args.disruptionBudget !== undefined) {
        const { maxUnavailable, minAvailable, unhealthyPodEvictionPolicy } = args.disruptionBudget;
        if ((maxUnavailable === undefined) === (minAvailable === undefined)) {
            problems.push({
                propertyPath: "disruptionBudget",
                reason: "set exactly one of maxUnavailable and minAvailable (policy/v1 PodDisruptionBudgetSpec)",
            });
        } else {
            const path = maxUnavailable !== undefined ? "disruptionBudget.maxUnavailable" : "disruptionBudget.minAvailable";
            // The ready floor of the rollout holds for drains too: one pod at a time, at any replica count.
            const maxReplicas = args.autoscaling.enabled ? Math.max(args.autoscaling.maxReplicas, args.replicas) : args.replicas;
            problems.push(
                ...checkDisruptionRange({ workload: args.name, replicas: args.replicas, maxReplicas, maxUnavailable, minAvailable }, 1).map(
                    (v) => ({ propertyPath: path, reason: `${v.message}; fix: ${v.fix} [rule ${v.rule}]` }),
                ),
            );
        }
        problems.push(
            ...checkUnhealthyEviction(args.name, unhealthyPodEvictionPolicy).map((v) => ({
                propertyPath: "disruptionBudget.unhealthyPodEvictionPolicy",
                reason: `${v.message}; fix: ${v.fix} [rule ${v.rule}]`,
            })),
        );
    }
    if (args.exposure.kind === "istio-gateway") {
        const { hosts, pathPrefix } = args.exposure;
        if (hosts !== undefined && hosts.length === 0) {
            problems.push({
                propertyPath: "exposure.hosts",
                reason: "an empty list routes nothing; leave it out for every host the Gateway admits",
            });
        }
        (hosts ?? []).forEach((h, i) => {
            if (!ROUTE_HOST.test(h)) {
                problems.push({
                    propertyPath: `exposure.hosts[${i}]`,
                    reason: `${JSON.stringify(h)} is not a VirtualService host: a lower-case DNS name, "*.<domain>" or "*"`,
                });
            }
        });
        if (pathPrefix !== undefined && !PATH_PREFIX.test(pathPrefix)) {
            problems.push({
                propertyPath: "exposure.pathPrefix",
                reason: `${JSON.stringify(pathPrefix)} is not a path prefix that starts and ends with "/" (e.g. "/orders/"): without the last "/", "/orders" would also take "/orders-admin"`,
            });
        }
    }
    if (args.blueGreen.enabled && args.exposure.kind === "alb") {
        problems.push({
            propertyPath: "blueGreen.enabled",
            reason: "blue/green switches through the mesh; on a bare ALB the idle color has no readiness gates and the switch drops requests",
        });
    }
    // No two checks above report the same path with the same reason (each rule once, each path its
    // own), so the list is returned as it is: nothing to merge.
    return problems;
}
