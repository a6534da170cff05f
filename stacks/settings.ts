// Reads the whole stack configuration once, validates all of it, and returns one typed settings
// object. Nothing else in the program reads configuration.
import { checkRollout } from "../rules/rollout";
import { checkTiming, Violation } from "../rules/timing";
import { CapacityVerdict, checkCapacity } from "../rules/capacity";
import {
    ADDON_DEFAULTS,
    APP_DEFAULTS,
    COLORS,
    Color,
    DEFAULTS,
    GATEWAY_TIMING,
    ENVIRONMENTS,
    Environment,
    LOAD_BALANCER_SCHEMES,
    LoadBalancerScheme,
    MTLS_MODES,
    MtlsMode,
    NAT_GATEWAY_MODES,
    NatGatewayMode,
} from "./defaults";
import { Problem, Section, SettingsError, show } from "./validate";

export const PROJECT = "zero-downtime-eks";

export interface NetworkSettings {
    cidrBlock: string;
    availabilityZoneCount: number;
    natGateways: NatGatewayMode;
}

export interface ClusterSettings {
    /** Physical EKS cluster name; also the `kubernetes.io/cluster/<name>` subnet tag. */
    name: string;
    version: string;
    instanceType: string;
    minSize: number;
    desiredSize: number;
    maxSize: number;
    publicAccessCidrs: string[];
}

export interface AddonsSettings {
    loadBalancerController: { enabled: boolean; replicas: number };
    metricsServer: { enabled: boolean };
    /** `gatewayTiming`: termination timing of the ingress gateway pods (a platform default, not a key). */
    istio: { enabled: boolean; mtlsMode: MtlsMode; ingressScheme: LoadBalancerScheme; gatewayTiming: typeof GATEWAY_TIMING };
    /** `targetHost`: URL Locust sends load to; defaults to the app's in-cluster Service. */
    locust: { enabled: boolean; targetHost: string; maxWorkers: number };
}

export interface AppSettings {
    enabled: boolean;
    name: string;
    namespace: string;
    image: string;
    port: number;
    /** Replicas without autoscaling; the HPA minimum with it. */
    replicas: number;
    resources: { cpuMillicores: number; memoryMiB: number; memoryLimitMiB: number };
    probes: typeof APP_DEFAULTS.probes;
    rollout: typeof APP_DEFAULTS.rollout;
    autoscaling: typeof APP_DEFAULTS.autoscaling;
    timing: typeof APP_DEFAULTS.timing;
    ingress: { scheme: LoadBalancerScheme };
    outlierDetection: typeof APP_DEFAULTS.outlierDetection;
    /** `images`: per color; a color not given runs `image`. */
    blueGreen: { enabled: boolean; activeColor: Color; images: Record<Color, string> };
}

export interface Settings {
    project: string;
    stack: string;
    environment: Environment;
    region: string;
    network: NetworkSettings;
    cluster: ClusterSettings;
    addons: AddonsSettings;
    app: AppSettings;
    /** Advisories that do not stop a deployment (e.g. capacity); printed as warnings. */
    warnings: string[];
    /** Tags put on every AWS resource that takes tags. */
    tags: Record<string, string>;
}

/** What the program was given: the stack name and the flat config map (`namespace:key` → string). */
export interface ConfigInput {
    project: string;
    stack: string;
    config: Record<string, string>;
}

// Kubernetes minors EKS offers (standard or extended support) as of 2026-11; see
// docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html. Widen when EKS does.
const KUBERNETES_MINOR = { min: 29, max: 37 };
// EKS cluster names: 1-100 characters, alphanumerics, hyphens and underscores, starting alphanumeric
// (docs.aws.amazon.com/eks/latest/APIReference/API_CreateCluster.html).
const CLUSTER_NAME = /^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/;
const INSTANCE_TYPE = /^[a-z][a-z0-9-]*\.[a-z0-9]+$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
// Managed node groups allow up to 450 nodes per group (EKS service quotas); far beyond this program's use.
const MAX_NODES = 450;

const SECTIONS = ["environment", "network", "cluster", "addons", "app"] as const;
// DNS-1123 label: Kubernetes names of namespaces, Services and Deployments.
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,50}[a-z0-9])?$/;
// An image reference pinned by tag or digest; `latest` is refused separately.
const IMAGE = /^[a-z0-9]+([._/-][a-z0-9]+)*(:\d+\/[a-z0-9._/-]+)?(:[A-Za-z0-9_][A-Za-z0-9._-]{0,127})?(@sha256:[a-f0-9]{64})?$/;
const PATH = /^\/[A-Za-z0-9._~/-]*$/;
// Istio's default sidecar requests (istiod values global.proxy.resources), part of every meshed pod's footprint.
const SIDECAR_REQUESTS = { cpuMillicores: 100, memoryMiB: 128 };
// Requests of the platform's own pods per node, budgeted before the app (aws-node, kube-proxy,
// ebs/efs-free; addons spread across nodes): a rough per-node share for the capacity warning.
const PLATFORM_REQUESTS_PER_NODE = { cpuMillicores: 350, memoryMiB: 600 };
const URL = /^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?(\/\S*)?$/;

/** Decodes one config value the way the Pulumi CLI encodes it: objects and lists as JSON text. */
function decode(raw: string | undefined): unknown {
    if (raw === undefined) {
        return undefined;
    }
    try {
        return JSON.parse(raw);
    } catch {
        return raw;
    }
}

function readEnvironment(input: ConfigInput, problems: Problem[]): Environment {
    const key = `${input.project}:environment`;
    const raw = input.config[key];
    const candidate = raw ?? input.stack;
    if ((ENVIRONMENTS as readonly string[]).includes(candidate)) {
        return candidate as Environment;
    }
    problems.push({
        key,
        given: raw === undefined ? `nothing, and the stack name ${JSON.stringify(input.stack)} is not an environment` : show(raw),
        expected: `one of ${ENVIRONMENTS.map((e) => JSON.stringify(e)).join(", ")} (it selects the defaults)`,
    });
    return "dev";
}

function readRegion(input: ConfigInput, problems: Problem[]): string {
    const region = input.config["aws:region"];
    if (region === undefined || !REGION.test(region)) {
        problems.push({ key: "aws:region", given: show(region), expected: 'an AWS region name, e.g. "ap-northeast-2"' });
        return "us-east-1";
    }
    return region;
}

function readNetwork(section: Section, env: Environment): NetworkSettings {
    const d = DEFAULTS[env].network;
    const settings: NetworkSettings = {
        // /16 to /20: each AZ gets a public and a private subnet, and the VPC CNI gives every pod a VPC address.
        cidrBlock: section.cidr("cidrBlock", d.cidrBlock, 16, 20),
        // EKS needs subnets in at least two AZs; the regions this targets have at least three.
        availabilityZoneCount: section.int("availabilityZoneCount", d.availabilityZoneCount, 2, 3),
        natGateways: section.oneOf("natGateways", d.natGateways, NAT_GATEWAY_MODES),
    };
    section.rejectUnknown();
    return settings;
}

function readCluster(section: Section, input: ConfigInput, env: Environment): ClusterSettings {
    const d = DEFAULTS[env].cluster;
    const name = section.string(
        "name",
        `${input.project}-${input.stack}`,
        CLUSTER_NAME,
        "1-100 letters, digits, '-' or '_', starting with a letter or digit",
    );
    if (!CLUSTER_NAME.test(name)) {
        section.problem("name", name, "a valid EKS cluster name; the stack name does not make one, so set this key");
    }
    const version = section.string("version", d.version, /^1\.\d+$/, 'a Kubernetes minor version as a string, e.g. "1.34"');
    const minor = Number(version.split(".")[1]);
    if (minor < KUBERNETES_MINOR.min || minor > KUBERNETES_MINOR.max) {
        section.problem("version", version, `a version EKS offers, from "1.${KUBERNETES_MINOR.min}" to "1.${KUBERNETES_MINOR.max}"`);
    }
    const instanceType = section.string("instanceType", d.instanceType, INSTANCE_TYPE, 'an EC2 instance type, e.g. "m5.large"');
    const minSize = section.int("minSize", d.minSize, 1, MAX_NODES);
    const desiredSize = section.int("desiredSize", d.desiredSize, 1, MAX_NODES);
    const maxSize = section.int("maxSize", d.maxSize, 1, MAX_NODES);
    if (minSize > desiredSize) {
        section.problem("minSize", minSize, `at most desiredSize (${desiredSize})`);
    }
    if (desiredSize > maxSize) {
        section.problem("desiredSize", desiredSize, `at most maxSize (${maxSize})`);
    }
    const cidrs = section.cidrList("publicAccessCidrs", undefined);
    if (cidrs === undefined && !section.has("publicAccessCidrs")) {
        section.problem("publicAccessCidrs", undefined, 'the CIDRs allowed to reach the Kubernetes API, e.g. ["203.0.113.0/24"]');
    }
    if (env === "prod" && cidrs?.includes("0.0.0.0/0")) {
        section.problem("publicAccessCidrs", cidrs, "prod to restrict the API endpoint: list your VPN or CI egress CIDRs, not 0.0.0.0/0");
    }
    section.rejectUnknown();
    return { name, version, instanceType, minSize, desiredSize, maxSize, publicAccessCidrs: cidrs ?? [] };
}

function readAddons(section: Section, defaultTarget: string): AddonsSettings {
    const d = ADDON_DEFAULTS;
    const lbcSection = section.section("loadBalancerController");
    const loadBalancerController = {
        enabled: lbcSection.bool("enabled", d.loadBalancerController.enabled),
        replicas: lbcSection.int("replicas", d.loadBalancerController.replicas, 1, 5),
    };
    lbcSection.rejectUnknown();
    const msSection = section.section("metricsServer");
    const metricsServer = { enabled: msSection.bool("enabled", d.metricsServer.enabled) };
    msSection.rejectUnknown();
    const istioSection = section.section("istio");
    const istio = {
        enabled: istioSection.bool("enabled", d.istio.enabled),
        mtlsMode: istioSection.oneOf("mtlsMode", d.istio.mtlsMode, MTLS_MODES),
        ingressScheme: istioSection.oneOf("ingressScheme", d.istio.ingressScheme, LOAD_BALANCER_SCHEMES),
        gatewayTiming: GATEWAY_TIMING,
    };
    if (istio.enabled && !loadBalancerController.enabled) {
        // The ingress gateway is reached through an ALB Ingress, which only the controller reconciles.
        istioSection.problem("enabled", true, `false while ${lbcSection.path("enabled")} is false: the gateway's ALB needs the controller`);
    }
    istioSection.rejectUnknown();
    const locustSection = section.section("locust");
    const locust = {
        enabled: locustSection.bool("enabled", d.locust.enabled),
        targetHost: locustSection.string("targetHost", defaultTarget, URL, 'an http(s) URL, e.g. "http://web.web.svc.cluster.local"'),
        maxWorkers: locustSection.int("maxWorkers", d.locust.maxWorkers, 1, 100),
    };
    locustSection.rejectUnknown();
    section.rejectUnknown();
    return { loadBalancerController, metricsServer, istio, locust };
}

function readImage(section: Section, name: string, fallback: string): string {
    const image = section.string(
        name,
        fallback,
        IMAGE,
        'a container image pinned by tag or digest, e.g. "nginxinc/nginx-unprivileged:1.29.4-alpine"',
    );
    const pinned = /:[^/]+$/.test(image.split("@")[0]) || image.includes("@sha256:");
    if (image.endsWith(":latest") || !pinned) {
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
    if (
        (typeof raw === "number" && Number.isInteger(raw) && raw >= 0) ||
        (typeof raw === "string" && /^\d{1,3}%$/.test(raw) && Number(raw.slice(0, -1)) <= 100)
    ) {
        return raw;
    }
    section.problem(name, raw, 'a whole number of pods (e.g. 1) or a percentage string (e.g. "25%")');
    return fallback;
}

/** Maps rule violations to problems on the config keys the rule reads. */
function reportViolations(section: Section, violations: Violation[], keyOf: Record<string, string>): void {
    for (const v of violations) {
        const keys = v.fields.map((f) => section.path(keyOf[f] ?? f));
        section.report({
            key: keys[0],
            given: v.message,
            expected: `${v.fix} [rule ${v.rule}; see also ${keys.slice(1).join(", ") || "-"}]`,
        });
    }
}

const TIMING_KEYS: Record<string, string> = {
    preStopSeconds: "timing.preStopSeconds",
    shutdownSeconds: "timing.shutdownSeconds",
    terminationGracePeriodSeconds: "timing.terminationGracePeriodSeconds",
    deregistrationDelaySeconds: "timing.deregistrationDelaySeconds",
    healthCheckIntervalSeconds: "timing.healthCheckIntervalSeconds",
    unhealthyThreshold: "timing.unhealthyThreshold",
    readinessPeriodSeconds: "probes.readinessPeriodSeconds",
    readinessFailureThreshold: "probes.readinessFailureThreshold",
    minReadySeconds: "rollout.minReadySeconds",
    maxSurge: "rollout.maxSurge",
    maxUnavailable: "rollout.maxUnavailable",
    replicas: "replicas",
};

function readApp(section: Section): AppSettings {
    const d = APP_DEFAULTS;
    const enabled = section.bool("enabled", d.enabled);
    const name = section.string("name", d.name, DNS_LABEL, "a DNS label: lowercase letters, digits and '-', at most 52 characters");
    const namespace = section.string("namespace", d.namespace, DNS_LABEL, "a DNS label: lowercase letters, digits and '-'");
    const image = readImage(section, "image", d.image);
    const port = section.int("port", d.port, 1024, 65535);
    const replicas = section.int("replicas", d.replicas, 2, 100);

    const res = section.section("resources");
    const resources = {
        cpuMillicores: res.int("cpuMillicores", d.resources.cpuMillicores, 10, 16_000),
        memoryMiB: res.int("memoryMiB", d.resources.memoryMiB, 16, 65_536),
        memoryLimitMiB: res.int("memoryLimitMiB", d.resources.memoryLimitMiB, 16, 65_536),
    };
    if (resources.memoryLimitMiB < resources.memoryMiB) {
        res.problem("memoryLimitMiB", resources.memoryLimitMiB, `at least memoryMiB (${resources.memoryMiB})`);
    }
    res.rejectUnknown();

    const pr = section.section("probes");
    const probes = {
        path: pr.string("path", d.probes.path, PATH, 'an HTTP path, e.g. "/ready"'),
        livenessPath: pr.string(
            "livenessPath",
            d.probes.livenessPath,
            /^$|^\/[A-Za-z0-9._~/-]*$/,
            'an HTTP path, or "" for a TCP liveness check',
        ),
        startupPeriodSeconds: pr.int("startupPeriodSeconds", d.probes.startupPeriodSeconds, 1, 60),
        startupFailureThreshold: pr.int("startupFailureThreshold", d.probes.startupFailureThreshold, 1, 300),
        readinessPeriodSeconds: pr.int("readinessPeriodSeconds", d.probes.readinessPeriodSeconds, 1, 60),
        readinessFailureThreshold: pr.int("readinessFailureThreshold", d.probes.readinessFailureThreshold, 1, 10),
        livenessPeriodSeconds: pr.int("livenessPeriodSeconds", d.probes.livenessPeriodSeconds, 1, 300),
        livenessFailureThreshold: pr.int("livenessFailureThreshold", d.probes.livenessFailureThreshold, 1, 10),
    };
    if (probes.livenessPath !== "" && probes.livenessPath === probes.path) {
        pr.problem(
            "livenessPath",
            probes.livenessPath,
            `a path other than the readiness path ${JSON.stringify(probes.path)}, or "" for TCP: a liveness copy of readiness restarts every pod when a dependency fails`,
        );
    }
    pr.rejectUnknown();

    const ro = section.section("rollout");
    const rollout = {
        maxSurge: intOrPercent(ro, "maxSurge", d.rollout.maxSurge),
        maxUnavailable: intOrPercent(ro, "maxUnavailable", d.rollout.maxUnavailable),
        minReadySeconds: ro.int("minReadySeconds", d.rollout.minReadySeconds, 0, 600),
        revisionHistoryLimit: ro.int("revisionHistoryLimit", d.rollout.revisionHistoryLimit, 1, 100),
    };
    ro.rejectUnknown();

    const as = section.section("autoscaling");
    const autoscaling = {
        enabled: as.bool("enabled", d.autoscaling.enabled),
        maxReplicas: as.int("maxReplicas", d.autoscaling.maxReplicas, 2, 1000),
        targetCpuUtilization: as.int("targetCpuUtilization", d.autoscaling.targetCpuUtilization, 10, 95),
    };
    if (autoscaling.enabled && autoscaling.maxReplicas < replicas) {
        as.problem("maxReplicas", autoscaling.maxReplicas, `at least ${section.path("replicas")} (${replicas}), the HPA minimum`);
    }
    as.rejectUnknown();

    const ti = section.section("timing");
    const timing = {
        preStopSeconds: ti.int("preStopSeconds", d.timing.preStopSeconds, 0, 600),
        shutdownSeconds: ti.int("shutdownSeconds", d.timing.shutdownSeconds, 0, 600),
        terminationGracePeriodSeconds: ti.int("terminationGracePeriodSeconds", d.timing.terminationGracePeriodSeconds, 1, 3600),
        // ELB API ranges (CreateTargetGroup / target group attributes).
        deregistrationDelaySeconds: ti.int("deregistrationDelaySeconds", d.timing.deregistrationDelaySeconds, 0, 3600),
        healthCheckIntervalSeconds: ti.int("healthCheckIntervalSeconds", d.timing.healthCheckIntervalSeconds, 5, 300),
        healthyThreshold: ti.int("healthyThreshold", d.timing.healthyThreshold, 2, 10),
        unhealthyThreshold: ti.int("unhealthyThreshold", d.timing.unhealthyThreshold, 2, 10),
    };
    ti.rejectUnknown();

    const ing = section.section("ingress");
    const ingress = { scheme: ing.oneOf("scheme", d.ingress.scheme, LOAD_BALANCER_SCHEMES) };
    ing.rejectUnknown();

    const od = section.section("outlierDetection");
    const outlierDetection = {
        consecutive5xxErrors: od.int("consecutive5xxErrors", d.outlierDetection.consecutive5xxErrors, 1, 100),
        intervalSeconds: od.int("intervalSeconds", d.outlierDetection.intervalSeconds, 1, 300),
        baseEjectionSeconds: od.int("baseEjectionSeconds", d.outlierDetection.baseEjectionSeconds, 1, 3600),
        maxEjectionPercent: od.int("maxEjectionPercent", d.outlierDetection.maxEjectionPercent, 1, 100),
    };
    od.rejectUnknown();

    const bg = section.section("blueGreen");
    const imagesSection = bg.section("images");
    const blueGreen = {
        enabled: bg.bool("enabled", d.blueGreen.enabled),
        activeColor: bg.oneOf("activeColor", d.blueGreen.activeColor, COLORS),
        images: { blue: readImage(imagesSection, "blue", image), green: readImage(imagesSection, "green", image) },
    };
    imagesSection.rejectUnknown();
    bg.rejectUnknown();
    section.rejectUnknown();

    if (enabled) {
        reportViolations(section, checkTiming({ ...timing, ...probes, minReadySeconds: rollout.minReadySeconds }), TIMING_KEYS);
        // The floor: a rollout or a drain never takes more than one ready pod away.
        reportViolations(section, checkRollout({ replicas, ...rollout, minAvailable: replicas - 1 }), TIMING_KEYS);
    }
    return {
        enabled,
        name,
        namespace,
        image,
        port,
        replicas,
        resources,
        probes,
        rollout,
        autoscaling,
        timing,
        ingress,
        outlierDetection,
        blueGreen,
    };
}

/** The app at its HPA maximum (sidecar included when meshed) against the node group at its largest. */
export function appCapacity(app: AppSettings, cluster: ClusterSettings, meshed: boolean): CapacityVerdict {
    const sidecar = meshed ? SIDECAR_REQUESTS : { cpuMillicores: 0, memoryMiB: 0 };
    return checkCapacity({
        instanceType: cluster.instanceType,
        maxNodes: cluster.maxSize,
        maxReplicas: (app.autoscaling.enabled ? app.autoscaling.maxReplicas : app.replicas) * (app.blueGreen.enabled ? 2 : 1),
        pod: { cpuMillicores: app.resources.cpuMillicores + sidecar.cpuMillicores, memoryMiB: app.resources.memoryMiB + sidecar.memoryMiB },
        reservedPerNode: PLATFORM_REQUESTS_PER_NODE,
    });
}

/** Warns when the app at its largest cannot fit the node group at its largest. */
function capacityWarnings(app: AppSettings, cluster: ClusterSettings, meshed: boolean, prefix: string): string[] {
    const capacity = appCapacity(app, cluster, meshed);
    return capacity.fits
        ? []
        : [`capacity: ${capacity.summary}; raise ${prefix}cluster.maxSize or lower ${prefix}app.autoscaling.maxReplicas`];
}

/**
 * Validates the configuration of one stack. Throws {@link SettingsError} listing every problem
 * when anything is wrong; returns the settings otherwise. Pure: no Pulumi runtime needed.
 */
export function parseSettings(input: ConfigInput): Settings {
    const problems: Problem[] = [];
    const prefix = `${input.project}:`;
    for (const key of Object.keys(input.config)) {
        const name = key.slice(prefix.length);
        if (key.startsWith(prefix) && !(SECTIONS as readonly string[]).includes(name)) {
            problems.push({
                key,
                given: show(decode(input.config[key])),
                expected: `one of the known keys (a typo is never ignored): ${SECTIONS.map((s) => prefix + s).join(", ")}`,
            });
        }
    }
    const environment = readEnvironment(input, problems);
    const region = readRegion(input, problems);
    const section = (name: string) => {
        const raw = decode(input.config[prefix + name]);
        return new Section(prefix + name, raw, problems);
    };
    const network = readNetwork(section("network"), environment);
    const cluster = readCluster(section("cluster"), input, environment);
    const app = readApp(section("app"));
    const addons = readAddons(section("addons"), `http://${app.name}.${app.namespace}.svc.cluster.local`);
    if (app.enabled && !addons.loadBalancerController.enabled) {
        problems.push({
            key: `${prefix}app.enabled`,
            given: "true",
            expected: `false while ${prefix}addons.loadBalancerController.enabled is false: the app is reached through an ALB`,
        });
    }
    const warnings = app.enabled ? capacityWarnings(app, cluster, addons.istio.enabled, prefix) : [];
    if (problems.length > 0) {
        throw new SettingsError(problems);
    }
    return {
        project: input.project,
        stack: input.stack,
        environment,
        region,
        network,
        cluster,
        addons,
        app,
        warnings,
        tags: { project: input.project, stack: input.stack, environment, "managed-by": "pulumi" },
    };
}
