// Reads the whole stack configuration once, validates all of it, and returns one typed settings
// object. Nothing else in the program reads configuration. One reader per section lives in
// sections/; the rules that span sections in cross-section.ts.
import type { NetworkArgs } from "../components/network";
import type { ClusterArgs } from "../components/cluster";
import type { LoadBalancerControllerArgs } from "../components/addons/lbc";
import type { IstioArgs } from "../components/addons/istio";
import type { LocustArgs } from "../components/addons/locust";
import type { KarpenterArgs, NodePoolSettings } from "../components/addons/karpenter";
import type { EntrypointAlarmsArgs } from "../components/alarms";
import type { DomainArgs } from "../components/https";
import type { ZeroDowntimeServiceArgs } from "../components/app/zero-downtime-service";
import type { LoadBalancerScheme } from "../components/choices";
import type { NamespaceDeployer, ServiceNamespaceArgs } from "../components/service-namespace";
import type { MeshRoute } from "../components/app/routes";
import { StackCapacity, sizedSurge } from "./capacity";
import { MESH_PROPAGATION_SECONDS } from "../rules/timing";
import { checkApp, checkDrains, checkStackCapacity, checkVersion } from "./cross-section";
import { ENVIRONMENTS, Environment } from "./defaults";
import { stackNameProblem } from "../rules/aws-names";
import { readAddons } from "./sections/addons";
import { readApp } from "./sections/app";
import { checkPublicAccess, readCluster } from "./sections/cluster";
import { readNetwork } from "./sections/network";
import { readAlarms } from "./sections/alarms";
import { readDomain } from "./sections/domain";
import { readTeams } from "./sections/teams";
import { Problem, Section, SettingsError, show } from "./validate";

export const PROJECT = "zero-downtime-eks";

/** How a problem with the stack name (`pulumi stack init <name>`, not a config key) is reported. */
export const STACK_NAME_KEY = "stack name";

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
    /**
     * `gatewayTiming`: termination timing of the ingress gateway pods; `sidecarInboundDrainSeconds`: the
     * mesh's drainDuration (platform defaults, not keys).
     */
    istio: Pick<IstioArgs, "mtlsMode" | "ingressScheme" | "gatewayTiming" | "sidecarInboundDrainSeconds"> & { enabled: boolean };
    /** `targetHost`: URL Locust sends load to; defaults to the app's in-cluster Service. */
    locust: Pick<LocustArgs, "targetHost" | "maxWorkers"> & { enabled: boolean };
    /** `maxNodes`: the NodePool's size limit when the stack sets one; otherwise derived from the HPA maxima (stacks/capacity.ts). */
    karpenter: Omit<NodePoolSettings, "maxNodes"> &
        Pick<KarpenterArgs, "createSpotServiceLinkedRole"> & { enabled: boolean; maxNodes: number | undefined };
    /** Prometheus, Grafana and Kiali (on in dev and staging; only with Istio). */
    observability: { enabled: boolean };
}

/** `zero-downtime-eks:alarms`: the entrypoint ALB's alarms, less what the program derives (names, tags). */
export type AlarmsSettings = Pick<EntrypointAlarmsArgs, "periodSeconds" | "evaluationPeriods"> & { enabled: boolean };

/** `zero-downtime-eks:domain`: the entrypoint's HTTPS name (absent: HTTP only). */
export type DomainSettings = DomainArgs;

/** `zero-downtime-eks:app`: the service's arguments, less what the platform decides (mesh, exposure, order, tags). */
export type AppSettings = Omit<
    ZeroDowntimeServiceArgs,
    | "kubernetesVersion"
    | "mesh"
    | "sidecarInboundDrainSeconds"
    | "exposure"
    | "dependsOn"
    | "tags"
    | "nodeSelector"
    | "tolerations"
    | "disruptionBudget"
    | "serviceAccount"
> & {
    enabled: boolean;
    /** The app's own ALB (only without Istio). */
    ingress: { scheme: LoadBalancerScheme };
};

/**
 * `zero-downtime-eks:teams.<name>`: a team's namespace (its name), the principal it deploys with, and
 * the hosts and path prefix the shared Gateway gives it (defaults: every host, under `/<name>/`).
 */
export type TeamSettings = Pick<ServiceNamespaceArgs, "name"> & Pick<NamespaceDeployer, "principalArn"> & MeshRoute;

export interface Settings {
    project: string;
    stack: string;
    environment: Environment;
    region: string;
    network: NetworkSettings;
    cluster: ClusterSettings;
    addons: AddonsSettings;
    alarms: AlarmsSettings;
    /** Absent: the entrypoint serves HTTP only. */
    domain: DomainSettings | undefined;
    app: AppSettings;
    /** Application teams, each with a namespace of its own (empty: none). */
    teams: TeamSettings[];
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
    /**
     * True when a Pulumi engine acts on these settings (`pulumi preview` / `pulumi up`): a value that
     * only an example can have (a documentation CIDR) is then refused before anything is created.
     * False (the default) for offline readings (`npm run synth`, verify's model, the tests), which get
     * it as a warning, so the committed example stack files still synthesize.
     */
    live?: boolean;
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

const SECTIONS = ["environment", "network", "cluster", "addons", "app", "alarms", "domain", "teams"] as const;

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
    // The stack name starts every logical name, so every autonamed AWS name (rules/aws-names.ts).
    const stackProblem = stackNameProblem(input.stack);
    if (stackProblem !== undefined) {
        problems.push({ key: STACK_NAME_KEY, given: show(input.stack), expected: stackProblem });
    }
    const environment = readEnvironment(input, problems);
    const region = readRegion(input, problems);
    // Each section is read whole by its reader, then every key the reader did not ask for is refused.
    const sections = new Map<string, Section>();
    const section = (name: string): Section => {
        const existing = sections.get(name);
        if (existing !== undefined) {
            return existing;
        }
        const created = new Section(prefix + name, decode(input.config[prefix + name]), problems);
        sections.set(name, created);
        return created;
    };
    const read = <T>(name: string, reader: (s: Section) => T): T => {
        const value = reader(section(name));
        section(name).rejectUnknown();
        return value;
    };
    const network = read("network", (s) => readNetwork(s, environment));
    const cluster = read("cluster", (s) => readCluster(s, input, environment));
    const appRead = read("app", readApp);
    const alarms = read("alarms", readAlarms);
    const domain = read("domain", readDomain);
    const addons = read("addons", (s) => readAddons(s, `http://${appRead.name}.${appRead.namespace}.svc.cluster.local`, environment));
    // The default surge is the HPA minimum where Karpenter adds nodes; on a fixed node group it is the
    // most pods the nodes have room for (stacks/capacity.ts sizedSurge), so a rollout never stalls on
    // Pending pods. A surge the stack sets is kept (and judged by the capacity model).
    const sized =
        section("app").hasPath("rollout.maxSurge") || problems.length > 0
            ? appRead
            : { ...appRead, rollout: { ...appRead.rollout, maxSurge: sizedSurge(cluster, addons, appRead) } };
    // A meshed app is no ALB target: unless the stack sets its preStop, it keeps serving for the mesh's
    // propagation (rules/timing.ts MESH_PROPAGATION_SECONDS), not the ALB's.
    const app =
        addons.istio.enabled && !section("app").hasPath("timing.preStopSeconds")
            ? { ...sized, timing: { ...sized.timing, preStopSeconds: MESH_PROPAGATION_SECONDS } }
            : sized;
    const teams = read("teams", (s) => readTeams(s, { app, addons, cluster, domain }));
    if (app.enabled && !addons.loadBalancerController.enabled) {
        problems.push({
            key: `${prefix}app.enabled`,
            given: "true",
            expected: `false while ${prefix}addons.loadBalancerController.enabled is false: the app is reached through an ALB`,
        });
    }
    const warnings: string[] = [];
    checkVersion(section("cluster"), cluster, addons, input.today, warnings);
    checkPublicAccess(section("cluster"), cluster.publicAccessCidrs, input.live ?? false, warnings);
    checkApp(section("app"), app, addons);
    // Capacity is judged only on valid settings: a bad value has been replaced by its default above.
    const capacity = problems.length === 0 ? checkStackCapacity(section("cluster"), cluster, addons, app, warnings) : undefined;
    if (capacity !== undefined) {
        checkDrains(section("addons"), section("app"), addons, app, capacity);
    }
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
        alarms,
        domain,
        app,
        teams,
        warnings,
        capacity,
        tags: { project: input.project, stack: input.stack, environment, "managed-by": "pulumi" },
    };
}
