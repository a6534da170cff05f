// Reads the whole stack configuration once, validates all of it, and returns one typed settings
// object. Nothing else in the program reads configuration.
import {
    ADDON_DEFAULTS,
    DEFAULTS,
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
    istio: { enabled: boolean; mtlsMode: MtlsMode; ingressScheme: LoadBalancerScheme };
    /** `targetHost`: URL Locust sends load to; defaults to the app's in-cluster Service. */
    locust: { enabled: boolean; targetHost: string; maxWorkers: number };
}

export interface Settings {
    project: string;
    stack: string;
    environment: Environment;
    region: string;
    network: NetworkSettings;
    cluster: ClusterSettings;
    addons: AddonsSettings;
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

// The app's in-cluster address, the default Locust target (the app issue makes name and namespace configurable).
const APP_TARGET = "http://web.web.svc.cluster.local";
const SECTIONS = ["environment", "network", "cluster", "addons"] as const;
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
    const addons = readAddons(section("addons"), APP_TARGET);
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
        tags: { project: input.project, stack: input.stack, environment, "managed-by": "pulumi" },
    };
}
