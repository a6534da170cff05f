// Reads the whole stack configuration once, validates all of it, and returns one typed settings
// object. Nothing else in the program reads configuration.
import type { NetworkArgs } from "../components/network";
import type { ClusterArgs } from "../components/cluster";
import type { LoadBalancerControllerArgs } from "../components/addons/lbc";
import type { IstioArgs } from "../components/addons/istio";
import type { LocustArgs } from "../components/addons/locust";
import type { ZeroDowntimeServiceArgs } from "../components/app/zero-downtime-service";
import { RULE_FIELD_PATHS } from "../components/app/validate";
import { LOAD_BALANCER_SCHEMES, LoadBalancerScheme, MTLS_MODES, NAT_GATEWAY_MODES } from "../components/choices";
import { checkRolloutRange } from "../rules/rollout";
import { checkTiming, Violation } from "../rules/timing";
import {
    ELBV2_TARGET_GROUP,
    LOG_RETENTION_DAYS,
    NODE_GROUP_SCALING,
    checkAlbHealthCheck,
    checkNodeGroupScaling,
} from "../rules/aws-limits";
import { checkKubernetesVersion } from "../rules/versions";
import { DNS_LABEL, IMAGE_REFERENCE, imagePinned } from "../rules/formats";
import { ACCESS_POLICIES, AccessGrant, AccessLevel } from "../components/cluster-access";
import { KUBERNETES_SUPPORT, VERSIONS } from "../components/versions";
import { RESERVED_NAMESPACES } from "../components/addons/names";
import { StackCapacity, stackCapacity } from "./capacity";
import { ADDON_DEFAULTS, APP_DEFAULTS, COLORS, DEFAULTS, GATEWAY_TIMING, ENVIRONMENTS, Environment } from "./defaults";
import { Problem, Section, SettingsError, show } from "./validate";

export const PROJECT = "zero-downtime-eks";

// Settings are the components' own argument types, less what the program wires in (one
// declaration per shape, as pulumi-eks derives ManagedNodeGroupOptions with Omit<…> &).

/** `zero-downtime-eks:network`. */
export type NetworkSettings = Omit<NetworkArgs, "clusterName" | "tags">;

/** `zero-downtime-eks:cluster`. */
export type ClusterSettings = Omit<ClusterArgs, "clusterName" | "vpcId" | "publicSubnetIds" | "privateSubnetIds" | "tags"> & {
    /** Physical EKS cluster name; also the `kubernetes.io/cluster/<name>` subnet tag. */
    name: string;
};

export interface AddonsSettings {
    loadBalancerController: Pick<LoadBalancerControllerArgs, "replicas"> & { enabled: boolean };
    metricsServer: { enabled: boolean };
    /** `gatewayTiming`: termination timing of the ingress gateway pods (a platform default, not a key). */
    istio: Pick<IstioArgs, "mtlsMode" | "ingressScheme" | "gatewayTiming"> & { enabled: boolean };
    /** `targetHost`: URL Locust sends load to; defaults to the app's in-cluster Service. */
    locust: Pick<LocustArgs, "targetHost" | "maxWorkers"> & { enabled: boolean };
}

/** `zero-downtime-eks:app`: the service's arguments, less what the platform decides (mesh, exposure, order, tags). */
export type AppSettings = Omit<
    ZeroDowntimeServiceArgs,
    "kubernetesVersion" | "mesh" | "meshDrainSeconds" | "exposure" | "dependsOn" | "tags"
> & {
    enabled: boolean;
    /** The app's own ALB (only without Istio). */
    ingress: { scheme: LoadBalancerScheme };
};

export interface Settings {
    project: string;
    stack: string;
    environment: Environment;
    region: string;
    network: NetworkSettings;
    cluster: ClusterSettings;
    addons: AddonsSettings;
    app: AppSettings;
    /** Advisories that do not stop a deployment (e.g. capacity at the HPA maximum); printed as warnings. */
    warnings: string[];
    /** Every pod of the stack placed on its nodes (the synth report prints it). */
    capacity: StackCapacity;
    /** Tags put on every AWS resource that takes tags. */
    tags: Record<string, string>;
}

/** What the program was given: the stack name and the flat config map (`namespace:key` → string). */
export interface ConfigInput {
    project: string;
    stack: string;
    config: Record<string, string>;
    /** The day of the deployment, `YYYY-MM-DD`: which Kubernetes versions EKS still supports depends on it. */
    today: string;
}

// EKS cluster names: 1-100 characters, alphanumerics, hyphens and underscores, starting alphanumeric
// (docs.aws.amazon.com/eks/latest/APIReference/API_CreateCluster.html).
const CLUSTER_NAME = /^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/;
const INSTANCE_TYPE = /^[a-z][a-z0-9-]*\.[a-z0-9]+$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
// At least one node: the platform's own pods need somewhere to run (the API itself accepts 0).
const MIN_NODES = 1;
// An IAM role or user ARN (IAM user guide, "IAM identifiers": arn:partition:iam::account:role/path/name).
const PRINCIPAL_ARN = /^arn:aws(-[a-z]+)*:iam::\d{12}:(role|user)\/[\w+=,.@/-]{1,512}$/;

const SECTIONS = ["environment", "network", "cluster", "addons", "app"] as const;
const PATH = /^\/[A-Za-z0-9._~/-]*$/;
// Outlier detection never ejects more than half of an app's endpoints.
const MAX_EJECTION_PERCENT = 50;
const URL = /^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?(\/\S*)?$/;

/** Today in UTC, `YYYY-MM-DD`, the form the EKS calendar uses. */
export function todayUtc(): string {
    return new Date().toISOString().slice(0, 10);
}

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
    const version = section.string("version", d.version, /^1\.\d+$/, 'a Kubernetes minor version as a string, e.g. "1.36"');
    const instanceType = section.string("instanceType", d.instanceType, INSTANCE_TYPE, 'an EC2 instance type, e.g. "m5.large"');
    const minSize = section.int("minSize", d.minSize, MIN_NODES, NODE_GROUP_SCALING.maxNodes);
    const desiredSize = section.int("desiredSize", d.desiredSize, MIN_NODES, NODE_GROUP_SCALING.maxNodes);
    const maxSize = section.int("maxSize", d.maxSize, MIN_NODES, NODE_GROUP_SCALING.maxNodes);
    reportViolations(section, checkNodeGroupScaling({ minSize, desiredSize, maxSize }), {});
    const cidrs = section.cidrList("publicAccessCidrs", undefined);
    if (cidrs === undefined && !section.has("publicAccessCidrs")) {
        section.problem("publicAccessCidrs", undefined, 'the CIDRs allowed to reach the Kubernetes API, e.g. ["203.0.113.0/24"]');
    }
    if (env === "prod" && cidrs?.includes("0.0.0.0/0")) {
        section.problem("publicAccessCidrs", cidrs, "prod to restrict the API endpoint: list your VPN or CI egress CIDRs, not 0.0.0.0/0");
    }
    const access = readAccess(section);
    const logRetentionDays = section.int("logRetentionDays", d.logRetentionDays, 1, 3653);
    if (!LOG_RETENTION_DAYS.includes(logRetentionDays)) {
        section.problem("logRetentionDays", logRetentionDays, `one of the retentions CloudWatch accepts: ${LOG_RETENTION_DAYS.join(", ")}`);
    }
    const protect = section.bool("protect", d.protect);
    section.rejectUnknown();
    return {
        name,
        version,
        instanceType,
        minSize,
        desiredSize,
        maxSize,
        publicAccessCidrs: cidrs ?? [],
        access,
        logRetentionDays,
        protect,
    };
}

/** `cluster.access`: a list of `{ principalArn, policy, namespaces? }`, every bad entry named by index. */
function readAccess(section: Section): AccessGrant[] {
    const raw = section.take("access");
    if (raw === undefined) {
        return [];
    }
    if (!Array.isArray(raw)) {
        section.problem(
            "access",
            raw,
            'a list of {principalArn, policy, namespaces?}, e.g. [{principalArn: "arn:aws:iam::123456789012:role/ci", policy: "cluster-admin"}]',
        );
        return [];
    }
    const grants: AccessGrant[] = [];
    const seen = new Set<string>();
    const policies = Object.keys(ACCESS_POLICIES) as AccessLevel[];
    raw.forEach((value, i) => {
        const item = section.child(`access[${i}]`, value);
        const principalArn = item.string(
            "principalArn",
            "",
            PRINCIPAL_ARN,
            'an IAM role or user ARN, e.g. "arn:aws:iam::123456789012:role/ci-deployer"',
        );
        if (!item.has("principalArn")) {
            item.problem("principalArn", undefined, "the ARN of the IAM role or user to grant access to");
        } else if (seen.has(principalArn)) {
            item.problem("principalArn", principalArn, "each principal once (EKS allows one access entry per principal)");
        }
        seen.add(principalArn);
        const policy = item.oneOf("policy", "view", policies);
        if (!item.has("policy")) {
            item.problem("policy", undefined, `one of ${policies.map((p) => JSON.stringify(p)).join(", ")}`);
        }
        const namespaces = item.take("namespaces");
        let scoped: string[] | undefined;
        if (namespaces !== undefined) {
            if (
                !Array.isArray(namespaces) ||
                namespaces.length === 0 ||
                namespaces.some((n) => typeof n !== "string" || !DNS_LABEL.test(n))
            ) {
                item.problem(
                    "namespaces",
                    namespaces,
                    'a non-empty list of namespace names, e.g. ["team-a"]; leave it out for the whole cluster',
                );
            } else if (policy === "cluster-admin") {
                item.problem(
                    "namespaces",
                    namespaces,
                    'no namespaces with policy "cluster-admin" (it is cluster-wide); use "admin" for namespace administrators',
                );
            } else {
                scoped = namespaces as string[];
            }
        }
        item.rejectUnknown();
        grants.push({ principalArn, policy, ...(scoped ? { namespaces: scoped } : {}) });
    });
    return grants;
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
    if (
        (typeof raw === "number" && Number.isInteger(raw) && raw >= 0) ||
        (typeof raw === "string" && /^\d{1,3}%$/.test(raw) && Number(raw.slice(0, -1)) <= 100)
    ) {
        return raw;
    }
    section.problem(name, raw, 'a whole number of pods (e.g. 1) or a percentage string (e.g. "25%")');
    return fallback;
}

/**
 * Maps rule violations to problems. Each is reported against the first key of the rule the stack
 * set itself (the one the user changed), or the rule's first key when all are defaults; the others
 * are named as "see also". Fields with no config key (e.g. a platform constant) are left out.
 */
function reportViolations(section: Section, violations: Violation[], keyOf: Record<string, string | null>): void {
    for (const v of violations) {
        const relative = v.fields.map((f) => (f in keyOf ? keyOf[f] : f)).filter((k): k is string => k !== null);
        const blamed = relative.find((k) => section.hasPath(k)) ?? relative[0];
        const others = relative.filter((k) => k !== blamed).map((k) => section.path(k));
        section.report({
            key: section.path(blamed),
            given: v.message,
            expected: others.length > 0 ? `${v.fix} (see also ${others.join(", ")})` : v.fix,
            rule: v.rule,
        });
    }
}

// The app's config keys are the component's property paths; the sidecar's drain is the mesh-wide
// default, not a key of the app.
const TIMING_KEYS: Record<string, string | null> = { ...RULE_FIELD_PATHS, meshDrainSeconds: null };

function readApp(section: Section): AppSettings {
    const d = APP_DEFAULTS;
    const enabled = section.bool("enabled", d.enabled);
    const name = section.string("name", d.name, DNS_LABEL, "a DNS label: lowercase letters, digits and '-', at most 52 characters");
    const namespace = section.string("namespace", d.namespace, DNS_LABEL, "a DNS label: lowercase letters, digits and '-'");
    if (RESERVED_NAMESPACES.includes(namespace)) {
        section.problem(
            "namespace",
            namespace,
            `a namespace of the app's own: ${RESERVED_NAMESPACES.join(", ")} are created by Kubernetes, EKS or the platform's addons (creating one again fails with AlreadyExists)`,
        );
    }
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
        // ELB API ranges (rules/aws-limits.ts); the interval/timeout constraint is checked with the rules.
        deregistrationDelaySeconds: elb(ti, "deregistrationDelaySeconds", d.timing.deregistrationDelaySeconds),
        healthCheckIntervalSeconds: elb(ti, "healthCheckIntervalSeconds", d.timing.healthCheckIntervalSeconds),
        healthCheckTimeoutSeconds: elb(ti, "healthCheckTimeoutSeconds", d.timing.healthCheckTimeoutSeconds),
        healthyThreshold: elb(ti, "healthyThreshold", d.timing.healthyThreshold),
        unhealthyThreshold: elb(ti, "unhealthyThreshold", d.timing.unhealthyThreshold),
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
        // At most half: a bad rollout must not eject every endpoint (README "Timing"; seed 000 allowed 100).
        maxEjectionPercent: od.int("maxEjectionPercent", d.outlierDetection.maxEjectionPercent, 1, MAX_EJECTION_PERCENT),
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

/** A number the ELB API takes, within its documented range. */
function elb(section: Section, name: keyof typeof ELBV2_TARGET_GROUP, fallback: number): number {
    const range = ELBV2_TARGET_GROUP[name];
    return section.int(name, fallback, range.min, range.max);
}

/**
 * The rules that need more than the app section: the sidecar's drain (when Istio is on), the ALB
 * the app gets (only without Istio), and the replica range the HPA may choose.
 */
function checkApp(section: Section, app: AppSettings, addons: AddonsSettings): void {
    if (!app.enabled) {
        return;
    }
    const meshed = addons.istio.enabled;
    const meshDrainSeconds = meshed ? addons.istio.gatewayTiming.drainSeconds : 0;
    reportViolations(
        section,
        checkTiming({ ...app.timing, ...app.probes, minReadySeconds: app.rollout.minReadySeconds, meshDrainSeconds }),
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
function checkVersion(section: Section, cluster: ClusterSettings, addons: AddonsSettings, today: string, warnings: string[]): void {
    const ranges = addons.istio.enabled ? [{ component: `Istio ${VERSIONS.istio.version}`, ...VERSIONS.istio.kubernetes }] : [];
    const verdict = checkKubernetesVersion(cluster.version, today, KUBERNETES_SUPPORT, ranges);
    reportViolations(section, verdict.violations, {});
    warnings.push(...verdict.warnings.map((w) => `${section.path("version")}: ${w}`));
}

/**
 * Places every pod of the stack on `desiredSize` nodes. The platform at rest must fit: a Pending
 * pod makes its PDB allow no disruption, so drains and node group updates fail. The app at its HPA
 * maximum that does not fit is a warning: nothing adds nodes yet, so those pods would wait.
 */
function checkStackCapacity(
    section: Section,
    cluster: ClusterSettings,
    addons: AddonsSettings,
    app: AppSettings,
    warnings: string[],
): StackCapacity {
    const capacity = stackCapacity(cluster, addons, app);
    if (capacity.atMinimum.allocatable === undefined) {
        section.problem("instanceType", cluster.instanceType, capacity.atMinimum.summary);
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
    const appSection = section("app");
    const app = readApp(appSection);
    const addons = readAddons(section("addons"), `http://${app.name}.${app.namespace}.svc.cluster.local`);
    if (app.enabled && !addons.loadBalancerController.enabled) {
        problems.push({
            key: `${prefix}app.enabled`,
            given: "true",
            expected: `false while ${prefix}addons.loadBalancerController.enabled is false: the app is reached through an ALB`,
        });
    }
    const warnings: string[] = [];
    const clusterSection = section("cluster");
    checkVersion(clusterSection, cluster, addons, input.today, warnings);
    checkApp(appSection, app, addons);
    // Capacity is judged only on valid settings: a bad value has been replaced by its default above.
    const capacity = problems.length === 0 ? checkStackCapacity(clusterSection, cluster, addons, app, warnings) : undefined;
    if (problems.length > 0 || capacity === undefined) {
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
        capacity,
        tags: { project: input.project, stack: input.stack, environment, "managed-by": "pulumi" },
    };
}
