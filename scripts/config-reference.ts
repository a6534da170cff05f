// The configuration reference (docs/configuration.md), derived from the settings code itself: every
// key a section reader asks for, with the kind of value it accepts (the reader's own bounds, choices
// and "expected" text), the default it falls back to in each environment, and whether changing it
// on a deployed stack replaces something (stacks/create-only.ts). Nothing here is typed twice: the
// readers are run on a minimal stack per environment while their calls are recorded, and the defaults
// are read from the settings they return. Only the meaning of each key is written by hand
// (DESCRIPTIONS), and test/docs/configuration.test.ts refuses a key without one or one for a key
// no reader asks for.
import { CREATE_ONLY_KEYS } from "../stacks/create-only";
import { ENVIRONMENTS, Environment } from "../stacks/defaults";
import { PROJECT, Settings, parseSettings } from "../stacks/settings";
import { Section, SettingsError } from "../stacks/validate";

/** What a reader said about one key: how it reads it, and its bounds. */
export interface KeyRead {
    /** Section-relative path with list indexes as `[]`, e.g. `cluster.access[].policy`. */
    key: string;
    /** The accepted values in words, from the reader's own arguments. */
    accepts: string;
    /** The fallback the reader was handed (for keys read only when a stack sets them). */
    fallback: unknown;
}

/** A stack that sets only what has no default (the region, who may reach the API). */
const MINIMAL: Record<string, unknown> = {
    "aws:region": "ap-northeast-2",
    [`${PROJECT}:cluster`]: { publicAccessCidrs: ["10.0.0.0/8"] },
};

/** The team placeholder, so that a team's keys read as `teams.<team>.…`. */
export const TEAM = "<team>";

/**
 * The keys a reader reads only when the stack sets their parent (list entries, a domain, a team, the
 * NodePool limit, a budget window): set here so that their readers run and say what they accept.
 */
const REACH: Record<string, unknown> = {
    ...MINIMAL,
    [`${PROJECT}:cluster`]: {
        publicAccessCidrs: ["10.0.0.0/8"],
        access: [{ principalArn: "arn:aws:iam::123456789012:role/a", policy: "edit", namespaces: ["a"] }],
    },
    [`${PROJECT}:domain`]: { hostedZoneId: "Z0123456789ABCDEFGHIJ", hostName: "shop.example.com" },
    [`${PROJECT}:teams`]: { [TEAM]: { principalArn: "arn:aws:iam::123456789012:role/b" } },
    [`${PROJECT}:addons`]: {
        karpenter: { maxNodes: 20, budgets: [{ nodes: "10%", schedule: "0 9 * * mon-fri", duration: "8h" }] },
    },
};

const encode = (config: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(config).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));

const quoted = (values: readonly unknown[]) => values.map((v) => JSON.stringify(v)).join(" | ");

/** How each Section reader's arguments read as words; `take` is a key read raw (its reader checks it itself). */
const DESCRIBE: Record<string, (args: unknown[]) => string> = {
    int: ([, , min, max]) => `integer ${String(min)}–${String(max)}`,
    bool: () => "boolean",
    string: ([, , , expected]) => String(expected),
    oneOf: ([, , choices]) => quoted(choices as unknown[]),
    cidr: ([, , min, max]) => `IPv4 CIDR, /${String(min)} to /${String(max)}`,
    cidrList: () => "list of IPv4 CIDRs",
    stringList: ([, , , expected]) => (typeof expected === "string" ? `list, each ${expected}` : "list of strings"),
    objectList: () => "list of objects",
    take: () => "",
};

/** Runs parseSettings while recording every key each Section reader is asked for; returns the settings (or none). */
function recorded(stack: string, config: Record<string, unknown>): { reads: KeyRead[]; settings: Settings | undefined } {
    const reads = new Map<string, KeyRead>();
    const proto = Section.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
    const originals = Object.fromEntries(Object.keys(DESCRIBE).map((m) => [m, proto[m]]));
    for (const [method, describe] of Object.entries(DESCRIBE)) {
        proto[method] = function (this: Section, ...args: unknown[]) {
            const key = this.path(String(args[0]))
                .slice(PROJECT.length + 1)
                .replace(/\[\d+\]/g, "[]");
            // The outermost reader of a key names it (cidrList reads through stringList, which takes).
            if (!reads.has(key)) {
                reads.set(key, { key, accepts: describe(args), fallback: method === "take" ? undefined : args[1] });
            }
            return originals[method].apply(this, args);
        };
    }
    try {
        // A fixed day: the reference must not change with the calendar (the default version is in support on it).
        const settings = parseSettings({ project: PROJECT, stack, config: encode(config), today: "2026-12-01" });
        return { reads: [...reads.values()], settings };
    } catch (err) {
        if (err instanceof SettingsError) {
            return { reads: [...reads.values()], settings: undefined };
        }
        throw err;
    } finally {
        Object.assign(proto, originals);
    }
}

/** The value at a dotted settings path (`app.timing.preStopSeconds`), or undefined. */
function at(settings: Settings, key: string): unknown {
    let value: unknown = settings;
    for (const part of key.split(".")) {
        value = typeof value === "object" && value !== null ? (value as Record<string, unknown>)[part] : undefined;
    }
    return value;
}

/** One row of the reference. */
export interface KeyReference {
    key: string;
    accepts: string;
    /** Per environment, as shown (`undefined`: the key has no default; DESCRIPTIONS says what applies). */
    defaults: Record<Environment, string | undefined>;
    createOnly: string | undefined;
    /** True when a stack that sets nothing optional reads it (its defaults are then the settings' values). */
    readByMinimal: boolean;
}

function show(value: unknown, stack: string): string | undefined {
    if (value === undefined) {
        return undefined;
    }
    const text = typeof value === "string" ? value : JSON.stringify(value);
    return text.split(`${PROJECT}-${stack}`).join(`${PROJECT}-<stack>`);
}

/** Every key the readers ask for, in reading order, with its default per environment. */
export function configurationKeys(): KeyReference[] {
    const perEnv = Object.fromEntries(ENVIRONMENTS.map((env) => [env, recorded(env, MINIMAL)])) as Record<
        Environment,
        ReturnType<typeof recorded>
    >;
    const reach = recorded("dev", REACH).reads;
    const seen = new Set(perEnv.dev.reads.map((r) => r.key));
    const all = [...perEnv.dev.reads, ...reach.filter((r) => !seen.has(r.key))];
    // A key with keys below it is a section, not a setting (a list of objects stays: it has a default).
    const leaves = all.filter((r) => !all.some((o) => o.key.startsWith(`${r.key}.`)));
    return leaves.map((r) => ({
        key: r.key,
        accepts: r.accepts,
        defaults: Object.fromEntries(
            ENVIRONMENTS.map((env) => {
                const { settings, reads } = perEnv[env];
                if (settings === undefined) {
                    throw new Error(`the minimal ${env} stack does not parse`);
                }
                // Read by the minimal stack: its value in the settings; otherwise the reader's fallback.
                const read = reads.some((x) => x.key === r.key);
                return [env, read ? show(at(settings, r.key), env) : show(r.fallback, env)];
            }),
        ) as Record<Environment, string | undefined>,
        createOnly: CREATE_ONLY_KEYS[r.key],
        readByMinimal: seen.has(r.key),
    }));
}

/** The keys the minimal stack has to set: they have no default. */
export const REQUIRED_KEYS = ["cluster.publicAccessCidrs"];

/** The keys outside the project's sections, read by parseSettings itself. */
export const TOP_LEVEL = [
    { key: "aws:region", accepts: 'an AWS region name, e.g. "ap-northeast-2"', default: "required" },
    {
        key: `${PROJECT}:environment`,
        accepts: quoted(ENVIRONMENTS),
        default: "the stack name (required when it is not an environment)",
    },
];

/** What a key means, in words; `accepts` only for a key its reader reads raw, `default` only for one the minimal stack never reads. */
export interface KeyDoc {
    meaning: string;
    accepts?: string;
    default?: string;
}

/** The meaning of every key (the only hand-written column; test/docs/configuration.test.ts holds it to the readers). */
export const DESCRIPTIONS: Record<string, KeyDoc> = {
    "network.cidrBlock": { meaning: "the VPC's range; each AZ gets a public and a private subnet" },
    "network.availabilityZoneCount": { meaning: "AZs with a public and a private subnet each" },
    "network.natGateways": { meaning: "one NAT gateway, or one per AZ (an AZ outage then cuts no other AZ's egress)" },
    "cluster.name": { meaning: "EKS cluster name" },
    "cluster.version": {
        meaning:
            "Kubernetes minor version; refused when EKS or the pinned Istio no longer supports it ([operations](operations.md#kubernetes-versions))",
    },
    "cluster.instanceType": { meaning: "the system pool's instance type: one the capacity model sizes (`rules/instance-types.json`)" },
    "cluster.minSize": { meaning: "node group minimum (≤ desiredSize)" },
    "cluster.desiredSize": { meaning: "nodes the system pool gets (nothing scales the group); must hold every platform pod" },
    "cluster.maxSize": { meaning: "node group maximum (≥ desiredSize)" },
    "cluster.publicAccessCidrs": {
        meaning:
            "who may reach the public API endpoint; `0.0.0.0/0` refused in prod, a documentation range refused by `pulumi up` (a warning offline)",
    },
    "cluster.access": {
        meaning: "IAM roles/users given Kubernetes access ([cluster access](#cluster-access))",
        accepts: "list of `{principalArn, policy, namespaces?}`",
    },
    "cluster.access[].principalArn": { meaning: "the role or user; each principal once", default: "required" },
    "cluster.access[].policy": {
        meaning: "the EKS access policy: `AmazonEKSClusterAdminPolicy`, `…AdminPolicy`, `…EditPolicy`, `…ViewPolicy`",
        default: "required",
    },
    "cluster.access[].namespaces": {
        meaning: "scope the grant to these namespaces (not with `cluster-admin`)",
        accepts: "non-empty list of namespace names",
        default: "unset: the whole cluster",
    },
    "cluster.logRetentionDays": { meaning: "days the control-plane logs are kept: a retention CloudWatch accepts (1, 3, 5, 7, 14, 30, …)" },
    "cluster.protect": { meaning: "protect the cluster, its secrets key and its log group from `pulumi destroy`" },
    "addons.loadBalancerController.enabled": { meaning: "install the AWS Load Balancer Controller (Istio and the app need it)" },
    "addons.loadBalancerController.replicas": { meaning: "controller replicas" },
    "addons.metricsServer.enabled": { meaning: "install metrics-server (the HPAs' metrics)" },
    "addons.istio.enabled": { meaning: "install Istio and the ALB entrypoint in front of its gateway" },
    "addons.istio.mtlsMode": { meaning: "mesh-wide PeerAuthentication" },
    "addons.istio.ingressScheme": { meaning: "scheme of the entrypoint ALB" },
    "addons.locust.enabled": { meaning: "install Locust" },
    "addons.locust.targetHost": { meaning: "where Locust's own UI sends load (the app's Service, from `app.name` and `app.namespace`)" },
    "addons.locust.maxWorkers": { meaning: "most Locust workers the worker HPA runs" },
    "addons.karpenter.enabled": { meaning: "install Karpenter and its NodePool (the app and the Locust workers run there)" },
    "addons.karpenter.instanceTypes": {
        meaning: "what the NodePool may launch: types the capacity model sizes",
        accepts: "list of instance types",
    },
    "addons.karpenter.capacityTypes": { meaning: "`karpenter.sh/capacity-type`" },
    "addons.karpenter.createSpotServiceLinkedRole": {
        meaning:
            "create the account's `AWSServiceRoleForEC2Spot` (default: whenever `capacityTypes` has `spot`); `false` where the account has it",
    },
    "addons.karpenter.amiAlias": { meaning: "the nodes' AMI; pin it in production" },
    "addons.karpenter.consolidateAfter": { meaning: "how long an empty or underused node stays" },
    "addons.karpenter.budgets": {
        meaning: 'nodes disrupted at once; `{nodes: "0", schedule, duration}` is a window with none',
        accepts: "list of `{nodes, schedule?, duration?}`",
    },
    "addons.karpenter.budgets[].nodes": { meaning: "nodes at once, a count or a percentage", default: "required" },
    "addons.karpenter.budgets[].schedule": { meaning: "when the window opens (with `duration`)", default: "unset: always" },
    "addons.karpenter.budgets[].duration": { meaning: "how long the window stays open (with `schedule`)", default: "unset: always" },
    "addons.karpenter.expireAfter": { meaning: "age at which a node is replaced" },
    "addons.karpenter.terminationGracePeriod": { meaning: "longest a draining node waits; must exceed every pod's grace period" },
    "addons.karpenter.maxNodes": {
        meaning: "the NodePool's limit in nodes; refused below the peak or with no room to replace a node",
        default: "derived: the workloads' peak + 1",
    },
    "addons.observability.enabled": { meaning: "Prometheus, Grafana (Istio's dashboards) and Kiali; refused without Istio" },
    "app.enabled": { meaning: "deploy the app (needs the controller)" },
    "app.name": { meaning: "name of the app's objects" },
    "app.namespace": { meaning: "the app's namespace; not one Kubernetes or the platform creates" },
    "app.image": { meaning: "the app's image; `latest` and untagged images are refused" },
    "app.port": { meaning: "container port" },
    "app.replicas": { meaning: "replicas, the HPA minimum when autoscaling" },
    "app.resources.cpuMillicores": { meaning: "CPU request (no CPU limit)" },
    "app.resources.memoryMiB": { meaning: "memory request" },
    "app.resources.memoryLimitMiB": { meaning: "memory limit (≥ the request)" },
    "app.probes.path": { meaning: "readiness (and startup) probe path" },
    "app.probes.livenessPath": { meaning: 'liveness path; `""` is a TCP check (never a copy of readiness)' },
    "app.probes.startupPeriodSeconds": { meaning: "startup probe period" },
    "app.probes.startupFailureThreshold": { meaning: "startup probe failures before a restart (period × this = time to start)" },
    "app.probes.readinessPeriodSeconds": { meaning: "readiness probe period" },
    "app.probes.readinessFailureThreshold": { meaning: "readiness failures before the pod is unready" },
    "app.probes.livenessPeriodSeconds": { meaning: "liveness probe period" },
    "app.probes.livenessFailureThreshold": { meaning: "liveness failures before a restart" },
    "app.rollout.maxSurge": {
        meaning: "new pods before old ones go; default: the HPA minimum with Karpenter, else what the node group has room for",
        accepts: 'whole number or `"NN%"`',
    },
    "app.rollout.maxUnavailable": { meaning: "ready pods a rollout may take away", accepts: 'whole number or `"NN%"`' },
    "app.rollout.minReadySeconds": { meaning: "a new pod stays ready this long before the next step" },
    "app.rollout.revisionHistoryLimit": { meaning: "old ReplicaSets kept for `kubectl rollout undo`" },
    "app.autoscaling.enabled": { meaning: "an HPA from `replicas` to `maxReplicas`" },
    "app.autoscaling.maxReplicas": { meaning: "the HPA maximum" },
    "app.autoscaling.targetCpuUtilization": { meaning: "the HPA's CPU target, % of the request" },
    "app.timing.preStopSeconds": {
        meaning: "the pod keeps serving after termination starts: 15 behind the mesh (the default shown), 25 as an ALB target",
    },
    "app.timing.shutdownSeconds": { meaning: "the app's own graceful shutdown after SIGTERM" },
    "app.timing.terminationGracePeriodSeconds": { meaning: "≥ preStop + shutdown" },
    "app.timing.deregistrationDelaySeconds": { meaning: "the ALB's deregistration delay (≤ the grace)" },
    "app.timing.healthCheckIntervalSeconds": { meaning: "ALB health check interval" },
    "app.timing.healthCheckTimeoutSeconds": { meaning: "ALB health check timeout, below the interval" },
    "app.timing.healthyThreshold": { meaning: "good checks before the ALB routes to a target" },
    "app.timing.unhealthyThreshold": { meaning: "failed checks before the ALB stops routing to a target" },
    "app.ingress.scheme": { meaning: "the app's own ALB (Istio off); refused with Istio on" },
    "app.outlierDetection.consecutive5xxErrors": { meaning: "5xx in a row that eject an endpoint" },
    "app.outlierDetection.intervalSeconds": { meaning: "how often ejection is evaluated" },
    "app.outlierDetection.baseEjectionSeconds": { meaning: "how long an endpoint stays ejected" },
    "app.outlierDetection.maxEjectionPercent": { meaning: "most endpoints ejected at once" },
    "app.blueGreen.enabled": { meaning: "two Deployments, one Service selecting the active color (needs Istio)" },
    "app.blueGreen.activeColor": { meaning: "the color the Service selects" },
    "app.blueGreen.images.blue": { meaning: "the blue color's image (default: `app.image`)" },
    "app.blueGreen.images.green": { meaning: "the green color's image (default: `app.image`)" },
    "alarms.enabled": { meaning: "5xx and target-health alarms and a dashboard on the entrypoint ALB" },
    "alarms.periodSeconds": { meaning: "the window each alarm sums over: a multiple of 60 (the ALB reports every 60 s)" },
    "alarms.evaluationPeriods": { meaning: "windows in a row before an alarm fires; × period ≤ 1 day (period < 1 h) or ≤ 7 days" },
    "domain.hostedZoneId": { meaning: "the Route 53 zone that holds `hostName`; set with it", default: "unset: HTTP only" },
    "domain.hostName": {
        meaning: "the entrypoint's HTTPS name: certificate, listener, redirect, alias record",
        default: "unset: HTTP only",
    },
    "teams.<team>.principalArn": {
        meaning: "the role the team deploys with: edit in its namespace, and the mesh Role",
        default: "required",
    },
    "teams.<team>.hosts": { meaning: "hosts the shared Gateway gives the team ([teams](teams.md))" },
    "teams.<team>.pathPrefix": { meaning: "the team's path on shared hosts (`/` on hosts of its own); overlaps refused" },
};

const SECTION_ORDER = ["network", "cluster", "addons", "app", "alarms", "domain", "teams"];

const cell = (text: string) => text.replace(/\|/g, "\\|");
const code = (text: string) => (text.includes("`") ? text : `\`${text}\``);

/** The default column: one value when every environment has it, else `dev / staging / prod`. */
function defaultCell(k: KeyReference): string {
    const doc = DESCRIPTIONS[k.key];
    if (REQUIRED_KEYS.includes(k.key)) {
        return "required";
    }
    if (doc?.default !== undefined) {
        return doc.default;
    }
    const values = ENVIRONMENTS.map((env) => k.defaults[env] ?? "");
    const shown = values.map((v) => code(v === "" ? '""' : v));
    return new Set(values).size === 1 ? shown[0] : shown.join(" / ");
}

/** The generated reference: a table per section, then the create-only keys with what a change does. */
export function renderReference(keys: KeyReference[] = configurationKeys()): string {
    const out: string[] = [];
    out.push("| key | accepts | default |", "|---|---|---|");
    for (const top of TOP_LEVEL) {
        out.push(`| \`${top.key}\` | ${cell(top.accepts)} | ${top.default} |`);
    }
    out.push("");
    for (const section of SECTION_ORDER) {
        out.push(`### \`${PROJECT}:${section}\``, "", "| key | accepts | default (dev / staging / prod) | meaning |", "|---|---|---|---|");
        const inSection = keys.filter((x) => x.key.split(/[.[]/)[0] === section);
        // A list's entry keys right after the list.
        const ordered = inSection
            .filter((x) => !x.key.includes("[]"))
            .flatMap((x) => [x, ...inSection.filter((y) => y.key.startsWith(`${x.key}[]`))]);
        for (const k of ordered) {
            const doc = DESCRIPTIONS[k.key];
            const accepts = doc?.accepts ?? k.accepts;
            const createOnly = k.createOnly === undefined ? "" : " **[create-only](#create-only-keys)**";
            out.push(`| \`${k.key}\` | ${cell(accepts)} | ${cell(defaultCell(k))} | ${cell(doc?.meaning ?? "")}${createOnly} |`);
        }
        out.push("");
    }
    out.push("### Create-only keys", "", "| key | what changing it on a deployed stack does |", "|---|---|");
    for (const [key, effect] of Object.entries(CREATE_ONLY_KEYS)) {
        out.push(`| \`${key}\` | ${cell(effect)} |`);
    }
    out.push("");
    return out.join("\n");
}
