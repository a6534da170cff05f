// `zero-downtime-eks:app`: the service ZeroDowntimeService deploys for this stack.
import { RESERVED_NAMESPACES } from "../../components/addons/names";
import { LOAD_BALANCER_SCHEMES } from "../../components/choices";
import { ELBV2_TARGET_GROUP } from "../../rules/aws-limits";
import { DNS_LABEL, IMAGE_REFERENCE, imagePinned } from "../../rules/formats";
import { APP_DEFAULTS, COLORS } from "../defaults";
import type { AppSettings } from "../settings";
import { Section } from "../validate";

const PATH = /^\/[A-Za-z0-9._~/-]*$/;
// Outlier detection never ejects more than half of an app's endpoints.
const MAX_EJECTION_PERCENT = 50;

function readImage(section: Section, name: string, fallback: string): string {
    const image = section.string(
        name,
        fallback,
        IMAGE_REFERENCE,
        'a container image pinned by tag or digest, e.g. "nginxinc/nginx-unprivileged:1.29.4-alpine"',
    );
    if (!imagePinned(image)) {
        section.problem(
            name,
            image,
            "an image pinned to a version tag or digest (not latest, not untagged): rollbacks must mean something",
        );
    }
    return image;
}

function intOrPercent(section: Section, name: string, fallback: number | string): number | string {
    const raw = section.take(name) ?? fallback;
    if (typeof raw === "number" && Number.isInteger(raw) && raw >= 0) {
        return raw;
    }
    const percent = typeof raw === "string" ? /^(\d{1,3})%$/.exec(raw) : null;
    if (percent !== null && Number(percent[1]) <= 100) {
        return percent[0];
    }
    section.problem(name, raw, 'a whole number of pods (e.g. 1) or a percentage string (e.g. "25%")');
    return fallback;
}

export function readApp(app: Section): AppSettings {
    const d = APP_DEFAULTS;
    const enabled = app.bool("enabled", d.enabled);
    const name = app.string("name", d.name, DNS_LABEL, "a DNS label: lowercase letters, digits and '-', at most 52 characters");
    const namespace = app.string("namespace", d.namespace, DNS_LABEL, "a DNS label: lowercase letters, digits and '-'");
    if (RESERVED_NAMESPACES.includes(namespace)) {
        app.problem(
            "namespace",
            namespace,
            `a namespace of the app's own: ${RESERVED_NAMESPACES.join(", ")} are created by Kubernetes, EKS or the platform's addons (creating one again fails with AlreadyExists)`,
        );
    }
    const image = readImage(app, "image", d.image);
    const replicas = app.int("replicas", d.replicas, 2, 100);
    return {
        enabled,
        name,
        namespace,
        image,
        port: app.int("port", d.port, 1024, 65535),
        replicas,
        resources: app.within("resources", readResources),
        probes: app.within("probes", readProbes),
        rollout: app.within("rollout", readRollout),
        autoscaling: app.within("autoscaling", (autoscaling) => readAutoscaling(autoscaling, replicas, app.path("replicas"))),
        timing: app.within("timing", readTiming),
        ingress: app.within("ingress", (ingress) => ({ scheme: ingress.oneOf("scheme", d.ingress.scheme, LOAD_BALANCER_SCHEMES) })),
        outlierDetection: app.within("outlierDetection", readOutlierDetection),
        blueGreen: app.within("blueGreen", (blueGreen) => readBlueGreen(blueGreen, image)),
    };
}

function readResources(resources: Section): AppSettings["resources"] {
    const d = APP_DEFAULTS.resources;
    const read = {
        cpuMillicores: resources.int("cpuMillicores", d.cpuMillicores, 10, 16_000),
        memoryMiB: resources.int("memoryMiB", d.memoryMiB, 16, 65_536),
        memoryLimitMiB: resources.int("memoryLimitMiB", d.memoryLimitMiB, 16, 65_536),
    };
    if (read.memoryLimitMiB < read.memoryMiB) {
        resources.problem("memoryLimitMiB", read.memoryLimitMiB, `at least memoryMiB (${read.memoryMiB})`);
    }
    return read;
}

function readProbes(probes: Section): AppSettings["probes"] {
    const d = APP_DEFAULTS.probes;
    const read = {
        path: probes.string("path", d.path, PATH, 'an HTTP path, e.g. "/ready"'),
        livenessPath: probes.string(
            "livenessPath",
            d.livenessPath,
            /^$|^\/[A-Za-z0-9._~/-]*$/,
            'an HTTP path, or "" for a TCP liveness check',
        ),
        startupPeriodSeconds: probes.int("startupPeriodSeconds", d.startupPeriodSeconds, 1, 60),
        startupFailureThreshold: probes.int("startupFailureThreshold", d.startupFailureThreshold, 1, 300),
        readinessPeriodSeconds: probes.int("readinessPeriodSeconds", d.readinessPeriodSeconds, 1, 60),
        readinessFailureThreshold: probes.int("readinessFailureThreshold", d.readinessFailureThreshold, 1, 10),
        livenessPeriodSeconds: probes.int("livenessPeriodSeconds", d.livenessPeriodSeconds, 1, 300),
        livenessFailureThreshold: probes.int("livenessFailureThreshold", d.livenessFailureThreshold, 1, 10),
    };
    // read.path matches PATH (a leading "/"; an invalid one falls back to the default), so a TCP
    // liveness check ("") never equals it.
    if (read.livenessPath === read.path) {
        probes.problem(
            "livenessPath",
            read.livenessPath,
            `a path other than the readiness path ${JSON.stringify(read.path)}, or "" for TCP: a liveness copy of readiness restarts every pod when a dependency fails`,
        );
    }
    return read;
}

function readRollout(rollout: Section): AppSettings["rollout"] {
    const d = APP_DEFAULTS.rollout;
    return {
        maxSurge: intOrPercent(rollout, "maxSurge", d.maxSurge),
        maxUnavailable: intOrPercent(rollout, "maxUnavailable", d.maxUnavailable),
        minReadySeconds: rollout.int("minReadySeconds", d.minReadySeconds, 0, 600),
        revisionHistoryLimit: rollout.int("revisionHistoryLimit", d.revisionHistoryLimit, 1, 100),
    };
}

function readAutoscaling(autoscaling: Section, replicas: number, replicasKey: string): AppSettings["autoscaling"] {
    const d = APP_DEFAULTS.autoscaling;
    const read = {
        enabled: autoscaling.bool("enabled", d.enabled),
        maxReplicas: autoscaling.int("maxReplicas", d.maxReplicas, 2, 1000),
        targetCpuUtilization: autoscaling.int("targetCpuUtilization", d.targetCpuUtilization, 10, 95),
    };
    if (read.enabled && read.maxReplicas < replicas) {
        autoscaling.problem("maxReplicas", read.maxReplicas, `at least ${replicasKey} (${replicas}), the HPA minimum`);
    }
    return read;
}

function readTiming(timing: Section): AppSettings["timing"] {
    const d = APP_DEFAULTS.timing;
    return {
        preStopSeconds: timing.int("preStopSeconds", d.preStopSeconds, 0, 600),
        shutdownSeconds: timing.int("shutdownSeconds", d.shutdownSeconds, 0, 600),
        terminationGracePeriodSeconds: timing.int("terminationGracePeriodSeconds", d.terminationGracePeriodSeconds, 1, 3600),
        // ELB API ranges (rules/aws-limits.ts); the interval/timeout constraint is checked with the rules.
        deregistrationDelaySeconds: elb(timing, "deregistrationDelaySeconds", d.deregistrationDelaySeconds),
        healthCheckIntervalSeconds: elb(timing, "healthCheckIntervalSeconds", d.healthCheckIntervalSeconds),
        healthCheckTimeoutSeconds: elb(timing, "healthCheckTimeoutSeconds", d.healthCheckTimeoutSeconds),
        healthyThreshold: elb(timing, "healthyThreshold", d.healthyThreshold),
        unhealthyThreshold: elb(timing, "unhealthyThreshold", d.unhealthyThreshold),
    };
}

function readOutlierDetection(outliers: Section): AppSettings["outlierDetection"] {
    const d = APP_DEFAULTS.outlierDetection;
    return {
        consecutive5xxErrors: outliers.int("consecutive5xxErrors", d.consecutive5xxErrors, 1, 100),
        intervalSeconds: outliers.int("intervalSeconds", d.intervalSeconds, 1, 300),
        baseEjectionSeconds: outliers.int("baseEjectionSeconds", d.baseEjectionSeconds, 1, 3600),
        // At most half: a bad rollout must not eject every endpoint (docs/zero-downtime.md "Timing"; seed 000 allowed 100).
        maxEjectionPercent: outliers.int("maxEjectionPercent", d.maxEjectionPercent, 1, MAX_EJECTION_PERCENT),
    };
}

function readBlueGreen(blueGreen: Section, image: string): AppSettings["blueGreen"] {
    const d = APP_DEFAULTS.blueGreen;
    return {
        enabled: blueGreen.bool("enabled", d.enabled),
        activeColor: blueGreen.oneOf("activeColor", d.activeColor, COLORS),
        // A color not given runs the app's image.
        images: blueGreen.within("images", (images) => ({
            blue: readImage(images, "blue", image),
            green: readImage(images, "green", image),
        })),
    };
}

/** A number the ELB API takes, within its documented range. */
function elb(section: Section, name: keyof typeof ELBV2_TARGET_GROUP, fallback: number): number {
    const range = ELBV2_TARGET_GROUP[name];
    return section.int(name, fallback, range.min, range.max);
}
