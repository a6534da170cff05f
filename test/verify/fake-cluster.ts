// A ClusterClient that keeps a tiny cluster in memory: one app (Service, Deployment(s), optional HPA),
// optionally the Istio ingress gateway, the locustfile ConfigMap, Locust Jobs whose logs come from the
// fixtures, and the pods behind it all: on nodes, in EndpointSlices, in an ALB target group (read
// through describeTargets, which the tests serve as ELBv2 DescribeTargetHealth), under a
// PodDisruptionBudget, on Karpenter NodeClaims. Time comes from a fake clock, so a 300 s phase runs in
// milliseconds. Every call is recorded for the assertions.
import * as fs from "node:fs";
import * as path from "node:path";
import type { V1Job } from "@kubernetes/client-node";
import type { ClockOffset } from "../../verify/clock";
import {
    ClusterClient,
    DeploymentPatch,
    DeploymentState,
    EndpointState,
    EvictionAnswer,
    HpaState,
    IngressState,
    JobState,
    NodeClaimState,
    NodeState,
    ObjectRef,
    OwnedObject,
    PodCpu,
    PodState,
    ServiceState,
    TargetGroupBindingState,
} from "../../verify/cluster-client";
import {
    FAILURES_FILE,
    HISTORY_FILE,
    JOB_LABELS,
    JOB_NAMESPACE,
    LOCUSTFILE_CONFIG_MAP,
    STATS_FILE,
    beginMarker,
    endMarker,
} from "../../verify/job";
import { PhaseName } from "../../verify/verdict";
import { Clock, InterruptedError } from "../../verify/run";
import { TARGET_HEALTH_GATE_PREFIX } from "../../verify/preflight";
import { LOCUST_PROCESS_RPS } from "../../verify/step-size";
import { ENTRYPOINT_INGRESS, GATEWAY_NAME, GATEWAY_NAMESPACE, NODE_POOL_LABEL } from "../../components/addons/names";

export const FIXTURES = path.join(__dirname, "fixtures", "locust");
export const fixture = (name: string): string => fs.readFileSync(path.join(FIXTURES, name), "utf8");

/** A clock whose sleep advances time at once (after letting other callbacks run). */
export class FakeClock implements Clock {
    t = Date.UTC(2025, 0, 14, 9, 12, 0);
    now(): number {
        return this.t;
    }
    async sleep(ms: number, signal: AbortSignal): Promise<void> {
        await new Promise((resolve) => setImmediate(resolve));
        if (signal.aborted) {
            throw new InterruptedError();
        }
        this.t += ms;
    }
}

/** The log a Locust Job prints: a console summary, then its CSV files between markers. */
export function jobLog(stats: string, failures = fixture("empty_failures.csv"), history = fixture("baseline_stats_history.csv")): string {
    const block = (file: string, text: string) => `${beginMarker(file)}\n${text}${endMarker(file)}\n`;
    return `[2025-01-14 09:17:03,164] pod/INFO/locust.main: Shutting down (exit code 0)\n${block(STATS_FILE, stats)}${block(FAILURES_FILE, failures)}${block(HISTORY_FILE, history)}`;
}

/** How the fake cluster's pods move, in ms: what the calibration should measure. */
export const LAGS = {
    /** Created → containers ready (the readiness probe passed). */
    start: 3_000,
    /** Containers ready → ALB target healthy. */
    healthy: 8_000,
    /** Target healthy → pod Ready (the load balancer controller flips the gate). */
    gate: 1_000,
    /** Deletion requested → endpoint not ready. */
    endpointOut: 1_000,
    /** Deletion requested → target draining. */
    draining: 6_000,
    /** The pods' terminationGracePeriodSeconds: deletionTimestamp = request + this. */
    graceSeconds: 30,
};

interface FakePod {
    namespace: string;
    name: string;
    /** "namespace/deployment" of the owning Deployment; undefined for DaemonSet and Job pods. */
    owner?: string;
    /** The controller's kind; undefined for a pod that declares no controller. */
    ownerKind?: string;
    labels: Record<string, string>;
    node?: string;
    ip: string;
    createdAt: number;
    /** When its deletion was requested. */
    deletedAt?: number;
    gated: boolean;
}

interface FakeDeployment {
    replicas: number;
    generation: number;
    selector: Record<string, string>;
    /** Polls left before a rollout finishes. */
    rolling: number;
}

export interface FakeOptions {
    namespace?: string;
    name?: string;
    /** HPA bounds of the (active) Deployment; undefined for none. */
    hpa?: HpaState;
    replicas?: number;
    /** Blue/green: the color the Service selects. */
    activeColor?: "blue" | "green";
    /** Log of each phase's Job; baseline fixture by default. */
    logs?: Partial<Record<PhaseName, string>>;
    /** Polls a rollout restart takes to finish. */
    rolloutPolls?: number;
    locustfile?: boolean;
    /** The Istio ingress gateway: the ALB's target group then holds its pods, not the app's. */
    gateway?: boolean;
    /** The app's pods (or the gateway's) lack the load balancer controller's readiness gate. */
    noGates?: boolean;
    /** No TargetGroupBinding at all (load not through an ALB). */
    noBinding?: boolean;
    /** The app's PDB: at most this many pods unavailable (default 1). */
    pdbMaxUnavailable?: number;
    /** The node verify's Locust Job pods run on. */
    loadNode?: string;
    /** Under the scale-out step's load, the HPA adds this many pods after `scaleOutAfterMs` (default 2 after 30 s). */
    scaleOutBy?: number;
    scaleOutAfterMs?: number;
    /** The API server URL the client reports (default https://fake.example). */
    server?: string;
    /** The log of each Job at `now` (ms), from what it was asked to run (instead of `logs`): the simulated run's Locust. */
    jobLog?: (job: FakeJob, now: number) => string;
    /**
     * How long an HPA keeps a higher recommendation before it scales down: the app's HPA's
     * behavior.scaleDown.stabilizationWindowSeconds (components/app/zero-downtime-service.ts: 300 s).
     */
    scaleDownStabilizationMs?: number;
    /** How long the scale-out step's Job pod waits for a node before it runs (Karpenter launching one); 0 by default. */
    stepPendingMs?: number;
    /** How far the cluster's clock (API server, kubelets) is ahead of the machine verify runs on; 0 by default. */
    serverClockAheadMs?: number;
    /**
     * CPU the app spends per request a second (millicores per req/s), spread over its pods; 0.2 by
     * default: the default app's 4 pods × 250 m at 60 % then take 3,000 req/s, far beyond one Locust process.
     */
    cpuPerRequestMillicores?: number;
    /** The HPA's target CPU utilization (percent); 60, the app's default (components/app/defaults.ts). */
    targetCpuUtilization?: number;
    /** The cluster serves no metrics API (no metrics-server). */
    noMetrics?: boolean;
    /** Requests a second one Locust user sends, for the app's CPU; {@link USER_RPS} by default (the simulated run passes its own). */
    userRps?: number;
    /**
     * What Karpenter launches once it removed a node whose NodeClaim was deleted: these nodes, each Ready
     * `readyAfterMs` after the launch; node-d at once by default, none when the pods fit elsewhere.
     */
    launch?: { nodes: string[]; readyAfterMs: number };
}

/** A Locust Job as the fake cluster keeps it: when it was created and what its command line asked for. */
export interface FakeJob {
    name: string;
    phase: PhaseName;
    /** ms since the epoch. */
    created: number;
    /** Locust's -t. */
    seconds: number;
    /** Locust's -u and -r. */
    users: number;
    spawnRate: number;
    deleted: boolean;
    /** ms since the epoch: when its pods run (scheduled and started; later than `created` while they wait for a node). */
    startAt: number;
    /** Locust pods the Job runs (its parallelism). */
    pods: number;
}

/** Requests a second one user of the locustfile sends: the baseline fixture's 5,871 requests by 50 users in 60 s. */
export const USER_RPS = 2;
/** The app's pods' CPU requests (components/app/defaults.ts: 250 m; no sidecar in the fake). */
export const POD_CPU_REQUEST_MILLICORES = 250;
/** metrics-server's resolution (chart 3.13.1 `--metric-resolution=15s`): the window of each PodMetrics. */
export const METRICS_WINDOW_MS = 15_000;

/** The app's nodes are Karpenter's; the gateway runs on the system node group. */
const APP_NODES = ["node-a", "node-b", "node-c"];
export const SYSTEM_NODE = "system-a";
export const APP_TARGET_GROUP =
    "arn:aws:elasticloadbalancing:ap-northeast-2:111122223333:targetgroup/k8s-web-web-0123456789/0123456789abcdef";
export const GATEWAY_TARGET_GROUP =
    "arn:aws:elasticloadbalancing:ap-northeast-2:111122223333:targetgroup/k8s-istioing-istioing-0123456789/fedcba9876543210";

export type Call = { method: string; args: unknown[] };

export class FakeCluster implements ClusterClient {
    readonly server: string;
    readonly calls: Call[] = [];
    readonly deployments = new Map<string, FakeDeployment>();
    readonly hpas = new Map<string, HpaState>();
    readonly services = new Map<string, ServiceState>();
    /** The app's own Ingress and the Istio entrypoint, each with its ALB's hostname. */
    readonly ingresses = new Map<string, IngressState>();
    readonly jobs = new Map<string, FakeJob>();
    readonly pods: FakePod[] = [];
    readonly nodes = new Map<string, NodeState>();
    readonly nodeClaims = new Map<string, NodeClaimState & { deletedAt?: number; readyAt?: number }>();
    readonly bindings: TargetGroupBindingState[] = [];
    /** Every answer of the Eviction API, in order: pod and answer. */
    readonly evictions: { pod: string; answer: EvictionAnswer; at: number }[] = [];
    private nextIp = 10;
    /** The nodes the app's pods may run on (Karpenter's); node-d replaces one Karpenter removed. */
    private readonly appNodes = [...APP_NODES];
    /** Each HPA's recommendations (ms, replicas) within its scale-down stabilization window. */
    private readonly recommendations = new Map<string, { at: number; replicas: number }[]>();
    /** The replicas each HPA'd Deployment had when the fake cluster was made: its recommendation without verify's step. */
    private readonly baseReplicas = new Map<string, number>();
    readonly createdJobs: V1Job[] = [];
    /** Throw from a method: return an Error for the calls that should fail. */
    failWith: (method: string, args: unknown[]) => Error | undefined = () => undefined;
    /** The call lands, but its answer never comes back: return an Error for the calls whose answer is lost. */
    answerLost: (method: string, args: unknown[]) => Error | undefined = () => undefined;
    /** Runs after each recorded call (e.g. to press Ctrl-C at a chosen moment). */
    after: (method: string, args: unknown[]) => void = () => undefined;

    constructor(
        readonly clock: FakeClock,
        readonly options: FakeOptions = {},
    ) {
        this.server = options.server ?? "https://fake.example";
        const ns = this.namespace;
        const name = options.name ?? "web";
        const labels = { "app.kubernetes.io/name": name };
        const colors = options.activeColor ? (["blue", "green"] as const) : [undefined];
        for (const color of colors) {
            const workload = color ? `${name}-${color}` : name;
            const selector = color ? { ...labels, version: color } : labels;
            this.deployments.set(`${ns}/${workload}`, { replicas: options.replicas ?? 4, generation: 1, selector, rolling: 0 });
            if (options.hpa) {
                this.hpas.set(`${ns}/${workload}`, { ...options.hpa });
            }
        }
        this.services.set(`${ns}/${name}`, { selector: options.activeColor ? { ...labels, version: options.activeColor } : labels });
        this.ingresses.set(`${ns}/${name}`, { hostname: `k8s-${ns}-${name}-0123456789.ap-northeast-2.elb.amazonaws.com` });
        this.ingresses.set(`${GATEWAY_NAMESPACE}/${ENTRYPOINT_INGRESS}`, {
            hostname: "k8s-istioing-platform-0123456789.ap-northeast-2.elb.amazonaws.com",
        });
        for (const node of [...this.appNodes, SYSTEM_NODE]) {
            const karpenter = node !== SYSTEM_NODE;
            this.nodes.set(node, { name: node, unschedulable: false, labels: karpenter ? { [NODE_POOL_LABEL]: "workloads" } : {} });
            if (karpenter) {
                this.nodeClaims.set(`workloads-${node}`, { name: `workloads-${node}`, nodeName: node, ready: true, deleting: false });
            }
            this.pods.push({
                namespace: "kube-system",
                name: `aws-node-${node}`,
                ownerKind: "DaemonSet",
                labels: { "k8s-app": "aws-node" },
                node,
                ip: this.ip(),
                createdAt: clock.now() - 3_600_000,
                gated: false,
            });
        }
        if (options.gateway) {
            const gw = `${GATEWAY_NAMESPACE}/${GATEWAY_NAME}`;
            const selector = { istio: "ingressgateway" };
            this.deployments.set(gw, { replicas: 2, generation: 1, selector, rolling: 0 });
            this.hpas.set(gw, { minReplicas: 2, maxReplicas: 5 });
            this.services.set(gw, { selector });
        }
        if (!options.noBinding) {
            const [namespace, service, arn] = options.gateway
                ? [GATEWAY_NAMESPACE, GATEWAY_NAME, GATEWAY_TARGET_GROUP]
                : [ns, name, APP_TARGET_GROUP];
            this.bindings.push({
                namespace,
                name: `k8s-${namespace.slice(0, 8)}-${service.slice(0, 8)}-0123456789`,
                targetGroupArn: arn,
                targetType: "ip",
                service,
            });
        }
        this.reconcile(clock.now() - 3_600_000);
    }

    private ip(): string {
        const n = this.nextIp++;
        return `10.0.${Math.floor(n / 250)}.${n % 250}`;
    }

    /** The binding whose Service selects pods of this Deployment, if any. */
    private bindingOf(owner: string): TargetGroupBindingState | undefined {
        const d = this.deployments.get(owner);
        return this.bindings.find((b) => {
            const svc = this.services.get(`${b.namespace}/${b.service}`);
            return (
                d !== undefined &&
                owner.startsWith(`${b.namespace}/`) &&
                svc !== undefined &&
                Object.entries(svc.selector).every(([k, v]) => d.selector[k] === v || (k === "version" && d.selector.version !== undefined))
            );
        });
    }

    /** Where the scheduler puts a new pod of `owner`: the schedulable node with the fewest of its pods; ties by name. */
    private place(owner: string): string | undefined {
        const gateway = owner === `${GATEWAY_NAMESPACE}/${GATEWAY_NAME}`;
        const candidates = (gateway ? [SYSTEM_NODE] : this.appNodes).filter((n) => {
            const node = this.nodes.get(n);
            const claim = [...this.nodeClaims.values()].find((c) => c.nodeName === n);
            return node !== undefined && !node.unschedulable && !(claim?.deleting ?? false);
        });
        const count = (n: string) => this.pods.filter((p) => p.owner === owner && p.node === n && p.deletedAt === undefined).length;
        return candidates.sort((a, b) => count(a) - count(b) || a.localeCompare(b))[0];
    }

    private createPod(owner: string, at: number): void {
        const d = this.deployments.get(owner);
        if (d === undefined) {
            return;
        }
        const [namespace, deployment] = owner.split("/");
        this.pods.push({
            namespace,
            // Unique, as the ReplicaSet's random suffixes are: a name never comes back.
            name: `${deployment}-${d.generation}-${this.nextIp}`,
            owner,
            ownerKind: "ReplicaSet",
            labels: { ...d.selector },
            node: this.place(owner),
            ip: this.ip(),
            createdAt: at,
            gated: this.bindingOf(owner) !== undefined && !this.options.noGates,
        });
    }

    private deletePod(pod: FakePod, at: number): void {
        pod.deletedAt ??= at;
    }

    /** The controllers: HPA, ReplicaSets, pods finishing their grace period, Karpenter. */
    private reconcile(now = this.clock.now()): void {
        this.syncHpas();
        // Karpenter: a deleted NodeClaim's node is drained (PDBs honoured), then removed; a replacement is launched.
        for (const claim of this.nodeClaims.values()) {
            if (!claim.deleting || claim.nodeName === undefined) {
                continue;
            }
            const node = claim.nodeName;
            for (const p of this.pods.filter((x) => x.node === node && x.deletedAt === undefined && x.ownerKind !== "DaemonSet")) {
                if (this.pdbAllows(p, now)) {
                    this.deletePod(p, now);
                }
            }
            if (this.pods.every((x) => x.node !== node || x.ownerKind === "DaemonSet" || x.deletedAt !== undefined)) {
                this.nodes.delete(node);
                this.nodeClaims.delete(claim.name);
                this.pods.splice(0, this.pods.length, ...this.pods.filter((x) => x.node !== node));
                const launch = this.options.launch ?? { nodes: ["node-d"], readyAfterMs: 0 };
                for (const n of launch.nodes) {
                    this.nodes.set(n, { name: n, unschedulable: false, labels: { [NODE_POOL_LABEL]: "workloads" } });
                    const readyAt = now + launch.readyAfterMs;
                    this.nodeClaims.set(`workloads-${n}`, { name: `workloads-${n}`, nodeName: n, ready: false, deleting: false, readyAt });
                }
                this.appNodes.splice(this.appNodes.indexOf(node), 1, ...launch.nodes);
            }
        }
        for (const claim of this.nodeClaims.values()) {
            claim.ready ||= claim.readyAt !== undefined && now >= claim.readyAt;
        }
        for (const [owner, d] of this.deployments) {
            const live = this.pods.filter((p) => p.owner === owner && p.deletedAt === undefined);
            for (const extra of live.slice(d.replicas).reverse()) {
                this.deletePod(extra, now);
            }
            for (let i = live.length; i < d.replicas; i++) {
                this.createPod(owner, now);
            }
        }
        const gone = (p: FakePod) => p.deletedAt !== undefined && now >= p.deletedAt + LAGS.graceSeconds * 1000;
        this.pods.splice(0, this.pods.length, ...this.pods.filter((p) => !gone(p)));
    }

    private readyAt(p: FakePod): number {
        return p.createdAt + LAGS.start + (p.gated ? LAGS.healthy + LAGS.gate : 0);
    }

    /** The PDB of the app (and the gateway): at most pdbMaxUnavailable pods not Ready or terminating. */
    private pdbAllows(pod: FakePod, now: number): boolean {
        if (pod.owner === undefined) {
            return true;
        }
        const d = this.deployments.get(pod.owner);
        const healthy = this.pods.filter((p) => p.owner === pod.owner && p.deletedAt === undefined && now >= this.readyAt(p)).length;
        return healthy - 1 >= (d?.replicas ?? 0) - (this.options.pdbMaxUnavailable ?? 1);
    }

    /** What a perfect reading of the API server's Date headers would give. */
    clockOffset(): ClockOffset {
        return { offsetMs: this.options.serverClockAheadMs ?? 0, uncertaintyMs: 0 };
    }

    /** A pod as the API server reports it: its timestamps on the cluster's clock. */
    private podState(p: FakePod): PodState {
        const state = this.podStateHere(p);
        const ahead = this.options.serverClockAheadMs ?? 0;
        const shift = (t: number | undefined) => (t === undefined ? undefined : t + ahead);
        return {
            ...state,
            createdAt: state.createdAt + ahead,
            deletionTimestamp: shift(state.deletionTimestamp),
            conditions: Object.fromEntries(Object.entries(state.conditions).map(([k, c]) => [k, { ...c, since: shift(c.since) }])),
        };
    }

    private podStateHere(p: FakePod): PodState {
        const now = this.clock.now();
        const ready = p.deletedAt === undefined && now >= this.readyAt(p);
        const binding = p.owner === undefined ? undefined : this.bindingOf(p.owner);
        const gate = binding === undefined ? undefined : `${TARGET_HEALTH_GATE_PREFIX}${binding.name}`;
        const healthyAt = p.createdAt + LAGS.start + LAGS.healthy;
        const conditions: PodState["conditions"] = {
            PodScheduled: { status: p.node !== undefined, since: p.createdAt },
            ContainersReady: { status: now >= p.createdAt + LAGS.start, since: p.createdAt + LAGS.start },
            Ready: { status: ready, since: this.readyAt(p) },
        };
        if (gate !== undefined && p.gated) {
            conditions[gate] = { status: now >= healthyAt, since: healthyAt };
        }
        return {
            namespace: p.namespace,
            name: p.name,
            nodeName: p.node,
            ip: p.ip,
            phase: p.node === undefined ? "Pending" : "Running",
            labels: p.labels,
            createdAt: p.createdAt,
            deletionTimestamp: p.deletedAt === undefined ? undefined : p.deletedAt + LAGS.graceSeconds * 1000,
            deletionGracePeriodSeconds: p.deletedAt === undefined ? undefined : LAGS.graceSeconds,
            readinessGates: gate !== undefined && p.gated ? [gate] : [],
            conditions,
            ownerKind: p.ownerKind,
            mirror: false,
        };
    }

    /** ELBv2's view of a target group: the tests answer DescribeTargetHealth from it. */
    describeTargets(arn: string): { id: string; port: number; state: string }[] {
        this.record("describeTargets", arn);
        const now = this.clock.now();
        const binding = this.bindings.find((b) => b.targetGroupArn === arn);
        if (binding === undefined) {
            throw new Error(`TargetGroupNotFound: ${arn}`);
        }
        return this.pods
            .filter((p) => p.owner !== undefined && this.bindingOf(p.owner) === binding)
            .map((p) => {
                const draining = p.deletedAt !== undefined && now >= p.deletedAt + LAGS.draining;
                const healthy = now >= p.createdAt + LAGS.start + LAGS.healthy;
                return { id: p.ip, port: 8080, state: draining ? "draining" : healthy ? "healthy" : "initial" };
            });
    }

    get namespace(): string {
        return this.options.namespace ?? "web";
    }

    private record(method: string, ...args: unknown[]): void {
        this.calls.push({ method, args });
        const err = this.failWith(method, args);
        if (err) {
            throw err;
        }
        this.reconcile();
        this.after(method, args);
    }

    /** A pod no controller owns (someone's `kubectl run`), running on `node`. */
    addBarePod(namespace: string, name: string, node: string, labels: Record<string, string> = { run: name }): void {
        this.pods.push({ namespace, name, labels, node, ip: this.ip(), createdAt: this.clock.now(), gated: false });
    }

    /** The methods that changed something, in order. */
    mutations(): Call[] {
        return this.calls.filter((c) => /^(patch|create|delete|evict|set)/.test(c.method));
    }

    /**
     * Whether the scale-out step's load is on the app now, for long enough that the HPA has seen it, and
     * heavy enough: the app's utilization past the HPA's target and its 10 % tolerance.
     */
    private stepLoadOn(now: number): boolean {
        const step = [...this.jobs.entries()].find(([name]) => name.startsWith("verify-step-"))?.[1];
        const seen = now - (this.options.scaleOutAfterMs ?? 30_000);
        return (
            step !== undefined &&
            !step.deleted &&
            seen >= step.startAt &&
            now < step.startAt + step.seconds * 1000 &&
            this.utilizationAt(seen) > (this.options.targetCpuUtilization ?? 60) * 1.1
        );
    }

    /**
     * What each HPA controller does at its next sync (kubernetes pkg/controller/podautoscaler/horizontal.go
     * reconcileAutoscaler): replicas above maxReplicas go to maxReplicas and below minReplicas to
     * minReplicas at once; otherwise the load's recommendation, scaling up at once (the app's scale-up
     * window is 0) and down only to the highest recommendation of the stabilization window.
     */
    syncHpas(): void {
        const now = this.clock.now();
        const app = `${this.namespace}/${this.options.name ?? "web"}`;
        const window = this.options.scaleDownStabilizationMs ?? 300_000;
        for (const [key, hpa] of this.hpas) {
            const d = this.deployments.get(key);
            if (d === undefined) {
                continue;
            }
            if (!this.baseReplicas.has(key)) {
                this.baseReplicas.set(key, d.replicas);
            }
            if (d.replicas > hpa.maxReplicas) {
                d.replicas = hpa.maxReplicas;
                continue;
            }
            if (d.replicas < hpa.minReplicas) {
                d.replicas = hpa.minReplicas;
                continue;
            }
            const load =
                (this.baseReplicas.get(key) ?? d.replicas) + (key === app && this.stepLoadOn(now) ? (this.options.scaleOutBy ?? 2) : 0);
            const recommendation = Math.min(Math.max(load, hpa.minReplicas), hpa.maxReplicas);
            // The fake reconciles on every API call, so many syncs share one clock reading: they are kept as
            // one entry holding their highest recommendation (the same maximum, and lists of a window's
            // length instead of one entry per call: the verify tests spent 1.3 s here).
            const previous = this.recommendations.get(key) ?? [];
            const last = previous.at(-1);
            const recent = (
                last?.at === now
                    ? [...previous.slice(0, -1), { at: now, replicas: Math.max(last.replicas, recommendation) }]
                    : [...previous, { at: now, replicas: recommendation }]
            ).filter((r) => now - r.at < window);
            this.recommendations.set(key, recent);
            const down = Math.max(...recent.map((r) => r.replicas));
            if (d.replicas < recommendation) {
                d.replicas = recommendation;
            } else if (d.replicas > down) {
                d.replicas = down;
            }
        }
    }

    getDeployment(namespace: string, name: string): Promise<DeploymentState | undefined> {
        this.record("getDeployment", namespace, name);
        this.syncHpas();
        const d = this.deployments.get(`${namespace}/${name}`);
        if (d === undefined) {
            return Promise.resolve(undefined);
        }
        const rolling = d.rolling > 0;
        if (rolling) {
            d.rolling--;
        }
        return Promise.resolve({
            replicas: d.replicas,
            generation: d.generation,
            observedGeneration: d.generation,
            updatedReplicas: rolling ? 1 : d.replicas,
            readyReplicas: d.replicas,
            availableReplicas: d.replicas,
            currentReplicas: rolling ? d.replicas + 1 : d.replicas,
            selector: d.selector,
        });
    }

    patchDeployment(namespace: string, name: string, patch: DeploymentPatch): Promise<void> {
        this.record("patchDeployment", namespace, name, patch);
        const d = this.deployments.get(`${namespace}/${name}`);
        if (d === undefined) {
            throw new Error(`no Deployment ${namespace}/${name}`);
        }
        d.generation++;
        if (patch.replicas !== undefined) {
            d.replicas = patch.replicas;
        }
        if (patch.restartedAt !== undefined) {
            d.rolling = this.options.rolloutPolls ?? 2;
            // A new ReplicaSet: every pod replaced (the fake surges them all at once).
            const key = `${namespace}/${name}`;
            for (const p of this.pods.filter((x) => x.owner === key && x.deletedAt === undefined)) {
                this.deletePod(p, this.clock.now());
            }
            this.reconcile();
        }
        return Promise.resolve();
    }

    getHpa(namespace: string, name: string): Promise<HpaState | undefined> {
        this.record("getHpa", namespace, name);
        const hpa = this.hpas.get(`${namespace}/${name}`);
        return Promise.resolve(hpa ? { ...hpa } : undefined);
    }

    patchHpa(namespace: string, name: string, patch: HpaState): Promise<void> {
        this.record("patchHpa", namespace, name, patch);
        this.hpas.set(`${namespace}/${name}`, { ...patch });
        return Promise.resolve();
    }

    getService(namespace: string, name: string): Promise<ServiceState | undefined> {
        this.record("getService", namespace, name);
        const svc = this.services.get(`${namespace}/${name}`);
        return Promise.resolve(svc ? { selector: { ...svc.selector } } : undefined);
    }

    patchServiceSelector(namespace: string, name: string, selector: Record<string, string>): Promise<void> {
        this.record("patchServiceSelector", namespace, name, selector);
        const svc = this.services.get(`${namespace}/${name}`);
        if (svc) {
            Object.assign(svc.selector, selector);
        }
        return Promise.resolve();
    }

    getIngress(namespace: string, name: string): Promise<IngressState | undefined> {
        this.record("getIngress", namespace, name);
        const ingress = this.ingresses.get(`${namespace}/${name}`);
        return Promise.resolve(ingress ? { ...ingress } : undefined);
    }

    countPods(namespace: string, selector: Record<string, string>): Promise<number> {
        this.record("countPods", namespace, selector);
        const matches = this.pods.filter((p) => p.namespace === namespace && Object.entries(selector).every(([k, v]) => p.labels[k] === v));
        const d = [...this.deployments.entries()].find(
            ([key, dep]) => key.startsWith(`${namespace}/`) && JSON.stringify(dep.selector) === JSON.stringify(selector),
        );
        return Promise.resolve(matches.length + (d !== undefined && d[1].rolling > 0 ? 1 : 0));
    }

    getConfigMapKeys(namespace: string, name: string): Promise<string[] | undefined> {
        this.record("getConfigMapKeys", namespace, name);
        const present = namespace === JOB_NAMESPACE && name === LOCUSTFILE_CONFIG_MAP.name && this.options.locustfile !== false;
        return Promise.resolve(present ? [LOCUSTFILE_CONFIG_MAP.key] : undefined);
    }

    createJob(job: V1Job): Promise<void> {
        const name = job.metadata?.name ?? "";
        this.record("createJob", name);
        const args = job.spec?.template.spec?.containers[0].command ?? [];
        const seconds = Number(/^(\d+)s$/.exec(args[args.indexOf("-t") + 1])?.[1]);
        const phase = /^verify-(.+)-[^-]+$/.exec(name)?.[1] as PhaseName;
        const [users, spawnRate] = ["-u", "-r"].map((flag) => Number(args[args.indexOf(flag) + 1]));
        const pods = job.spec?.parallelism ?? 1;
        const pending = name.startsWith("verify-step-") ? (this.options.stepPendingMs ?? 0) : 0;
        const created = this.clock.now();
        this.jobs.set(name, { name, created, startAt: created + pending, seconds, users, spawnRate, phase, deleted: false, pods });
        this.createdJobs.push(job);
        const lost = this.answerLost("createJob", [name]);
        return lost === undefined ? Promise.resolve() : Promise.reject(lost);
    }

    getJob(namespace: string, name: string): Promise<JobState> {
        this.record("getJob", namespace, name);
        const job = this.jobs.get(name);
        if (job === undefined || job.deleted) {
            return Promise.resolve({ phase: "failed", reason: "gone" });
        }
        const now = this.clock.now();
        if (now < job.startAt) {
            return Promise.resolve({ phase: "pending", reason: "Unschedulable" });
        }
        return Promise.resolve({ phase: now < job.startAt + job.seconds * 1000 ? "running" : "succeeded" });
    }

    readJobLog(namespace: string, name: string, container: string, tailLines?: number): Promise<string> {
        this.record("readJobLog", namespace, name, container, tailLines);
        const job = this.jobs.get(name);
        if (job !== undefined && this.options.jobLog !== undefined) {
            return Promise.resolve(this.options.jobLog(job, this.clock.now()));
        }
        const given = this.options.logs?.[job?.phase ?? "baseline"];
        if (given === undefined && tailLines !== undefined && job !== undefined) {
            // While it runs, the tail of a Locust log is its console table, the current rate in its req/s column.
            const rate = this.jobRate(job, this.clock.now()) / job.pods;
            return Promise.resolve(
                `Type     Name  # reqs      # fails |    Avg     Min     Max    Med |   req/s  failures/s\n` +
                    `         Aggregated     ${Math.round(rate * 10)}     0(0.00%) |      5       1     121      4 |   ${rate.toFixed(2)}        0.00\n`,
            );
        }
        return Promise.resolve(given ?? jobLog(fixture("baseline_stats.csv")));
    }

    readJobLogs(namespace: string, name: string, container: string): Promise<string[]> {
        this.record("readJobLogs", namespace, name, container);
        const job = this.jobs.get(name);
        const log =
            job !== undefined && this.options.jobLog !== undefined
                ? this.options.jobLog(job, this.clock.now())
                : (this.options.logs?.[job?.phase ?? "baseline"] ?? jobLog(fixture("baseline_stats.csv")));
        return Promise.resolve(Array.from({ length: job?.pods ?? 1 }, () => log));
    }

    /** Requests a second a Job sends at `at`: each pod its users' rate, up to what one Locust process can send. */
    private jobRate(job: FakeJob, at: number): number {
        const on = !job.deleted && at >= job.startAt && at < job.startAt + job.seconds * 1000;
        return on ? job.pods * Math.min(job.users * (this.options.userRps ?? USER_RPS), LOCUST_PROCESS_RPS) : 0;
    }

    /** The app's CPU utilization (percent of its pods' requests) under every Job's load at `at`. */
    utilizationAt(at: number): number {
        const rate = [...this.jobs.values()].reduce((n, j) => n + this.jobRate(j, at), 0);
        const app = this.deployments.get(`${this.namespace}/${this.options.name ?? "web"}`);
        const requests = (app?.replicas ?? 1) * POD_CPU_REQUEST_MILLICORES;
        return (100 * rate * (this.options.cpuPerRequestMillicores ?? 0.2)) / requests;
    }

    podCpu(namespace: string, selector: Record<string, string>): Promise<PodCpu[] | undefined> {
        this.record("podCpu", namespace, selector);
        if (this.options.noMetrics) {
            return Promise.resolve(undefined);
        }
        // metrics-server's latest sample: the last full window, its use averaged over it.
        const end = Math.floor(this.clock.now() / METRICS_WINDOW_MS) * METRICS_WINDOW_MS;
        const pods = this.pods.filter(
            (p) => p.namespace === namespace && p.deletedAt === undefined && Object.entries(selector).every(([k, v]) => p.labels[k] === v),
        );
        const share = (this.utilizationAt(end - METRICS_WINDOW_MS / 2) / 100) * POD_CPU_REQUEST_MILLICORES;
        return Promise.resolve(
            pods.map((p) => ({
                pod: p.name,
                usageMillicores: share,
                requestMillicores: POD_CPU_REQUEST_MILLICORES,
                windowEnd: end + (this.options.serverClockAheadMs ?? 0),
                windowSeconds: METRICS_WINDOW_MS / 1000,
            })),
        );
    }

    deleteJob(namespace: string, name: string): Promise<void> {
        this.record("deleteJob", namespace, name);
        const job = this.jobs.get(name);
        if (job) {
            job.deleted = true;
        }
        return Promise.resolve();
    }

    listPods(query: { namespace: string; selector: Record<string, string> } | { nodeName: string }): Promise<PodState[]> {
        this.record("listPods", query);
        const jobPods: FakePod[] = [...this.jobs.entries()]
            .filter(([, j]) => !j.deleted)
            .map(([name, j]) => ({
                namespace: JOB_NAMESPACE,
                name: `${name}-pod`,
                ownerKind: "Job",
                labels: { ...JOB_LABELS },
                // Unscheduled while it waits for a node.
                node: this.clock.now() < j.startAt ? undefined : (this.options.loadNode ?? "node-c"),
                ip: "10.0.99.1",
                createdAt: j.created,
                gated: false,
            }));
        const finished = new Set(
            [...this.jobs.entries()].filter(([, j]) => this.clock.now() >= j.startAt + j.seconds * 1000).map(([name]) => `${name}-pod`),
        );
        const all = [...this.pods, ...jobPods];
        const picked =
            "nodeName" in query
                ? all.filter((p) => p.node === query.nodeName)
                : all.filter((p) => p.namespace === query.namespace && Object.entries(query.selector).every(([k, v]) => p.labels[k] === v));
        return Promise.resolve(
            picked.map((p) => ({ ...this.podState(p), phase: finished.has(p.name) ? "Succeeded" : this.podState(p).phase })),
        );
    }

    listEndpoints(namespace: string, service: string): Promise<EndpointState[]> {
        this.record("listEndpoints", namespace, service);
        const svc = this.services.get(`${namespace}/${service}`);
        const now = this.clock.now();
        const selected = this.pods.filter(
            (p) => svc !== undefined && p.namespace === namespace && Object.entries(svc.selector).every(([k, v]) => p.labels[k] === v),
        );
        return Promise.resolve(
            selected.map((p) => {
                const terminating = p.deletedAt !== undefined && now >= p.deletedAt + LAGS.endpointOut;
                return { ip: p.ip, pod: p.name, ready: !terminating && now >= this.readyAt(p), terminating };
            }),
        );
    }

    getNode(name: string): Promise<NodeState | undefined> {
        this.record("getNode", name);
        const node = this.nodes.get(name);
        return Promise.resolve(node ? { ...node, labels: { ...node.labels } } : undefined);
    }

    setUnschedulable(name: string, unschedulable: boolean): Promise<void> {
        this.record("setUnschedulable", name, unschedulable);
        const node = this.nodes.get(name);
        if (node === undefined) {
            throw new Error(`no Node ${name}`);
        }
        node.unschedulable = unschedulable;
        return Promise.resolve();
    }

    evictPod(namespace: string, name: string): Promise<EvictionAnswer> {
        this.record("evictPod", namespace, name);
        const now = this.clock.now();
        const pod = this.pods.find((p) => p.namespace === namespace && p.name === name);
        const answer: EvictionAnswer = pod === undefined ? "gone" : this.pdbAllows(pod, now) ? "evicted" : "blocked";
        if (pod !== undefined && answer === "evicted") {
            this.deletePod(pod, now);
            this.reconcile();
        }
        this.evictions.push({ pod: name, answer, at: now });
        return Promise.resolve(answer);
    }

    /** The fake tracks no field ownership (the stand-in API server of ownership.test.ts does). */
    readOwnership(ref: ObjectRef): Promise<OwnedObject | undefined> {
        this.record("readOwnership", ref);
        return Promise.resolve(undefined);
    }

    writeManagedFields(ref: ObjectRef): Promise<boolean> {
        this.record("writeManagedFields", ref);
        return Promise.resolve(true);
    }

    listTargetGroupBindings(namespace: string): Promise<TargetGroupBindingState[]> {
        this.record("listTargetGroupBindings", namespace);
        return Promise.resolve(this.bindings.filter((b) => b.namespace === namespace).map((b) => ({ ...b })));
    }

    listNodeClaims(): Promise<NodeClaimState[]> {
        this.record("listNodeClaims");
        return Promise.resolve([...this.nodeClaims.values()].map(({ deletedAt: _deletedAt, readyAt: _readyAt, ...c }) => ({ ...c })));
    }

    deleteNodeClaim(name: string): Promise<void> {
        this.record("deleteNodeClaim", name);
        const claim = this.nodeClaims.get(name);
        if (claim !== undefined) {
            claim.deleting = true;
            claim.deletedAt = this.clock.now();
        }
        return Promise.resolve();
    }
}
