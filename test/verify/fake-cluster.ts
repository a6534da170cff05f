// A ClusterClient that keeps a tiny cluster in memory: one app (Service, Deployment(s), optional HPA),
// the locustfile ConfigMap, and Locust Jobs whose logs come from the fixtures. Time comes from a fake
// clock, so a 300 s phase runs in milliseconds. Every call is recorded for the assertions.
import * as fs from "node:fs";
import * as path from "node:path";
import type { V1Job } from "@kubernetes/client-node";
import {
    ClusterClient,
    DeploymentPatch,
    DeploymentState,
    HpaState,
    IngressState,
    JobState,
    ServiceState,
} from "../../verify/cluster-client";
import { FAILURES_FILE, JOB_NAMESPACE, LOCUSTFILE_CONFIG_MAP, STATS_FILE, beginMarker, endMarker } from "../../verify/job";
import { PhaseName } from "../../verify/verdict";
import { Clock, InterruptedError } from "../../verify/run";
import { ENTRYPOINT_INGRESS, GATEWAY_NAMESPACE } from "../../components/addons/names";

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
export function jobLog(stats: string, failures = fixture("empty_failures.csv")): string {
    const block = (file: string, text: string) => `${beginMarker(file)}\n${text}${endMarker(file)}\n`;
    return `[2025-01-14 09:17:03,164] pod/INFO/locust.main: Shutting down (exit code 0)\n${block(STATS_FILE, stats)}${block(FAILURES_FILE, failures)}`;
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
}

export type Call = { method: string; args: unknown[] };

export class FakeCluster implements ClusterClient {
    readonly server = "https://fake.example";
    readonly calls: Call[] = [];
    readonly deployments = new Map<string, FakeDeployment>();
    readonly hpas = new Map<string, HpaState>();
    readonly services = new Map<string, ServiceState>();
    /** The app's own Ingress and the Istio entrypoint, each with its ALB's hostname. */
    readonly ingresses = new Map<string, IngressState>();
    readonly jobs = new Map<string, { created: number; seconds: number; phase: PhaseName; deleted: boolean }>();
    readonly createdJobs: V1Job[] = [];
    /** Throw from a method: return an Error for the calls that should fail. */
    failWith: (method: string, args: unknown[]) => Error | undefined = () => undefined;
    /** Runs after each recorded call (e.g. to press Ctrl-C at a chosen moment). */
    after: (method: string, args: unknown[]) => void = () => undefined;

    constructor(
        readonly clock: FakeClock,
        readonly options: FakeOptions = {},
    ) {
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
        this.after(method, args);
    }

    /** The methods that changed something, in order. */
    mutations(): Call[] {
        return this.calls.filter((c) => /^(patch|create|delete)/.test(c.method));
    }

    /** What each HPA controller does at its next sync: replicas within [min, max]. */
    syncHpas(): void {
        for (const [key, hpa] of this.hpas) {
            const d = this.deployments.get(key);
            if (d) {
                d.replicas = Math.min(Math.max(d.replicas, hpa.minReplicas), hpa.maxReplicas);
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
        const d = [...this.deployments.entries()].find(
            ([key, dep]) => key.startsWith(`${namespace}/`) && JSON.stringify(dep.selector) === JSON.stringify(selector),
        );
        return Promise.resolve(d ? d[1].replicas + (d[1].rolling > 0 ? 1 : 0) : 0);
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
        this.jobs.set(name, { created: this.clock.now(), seconds, phase, deleted: false });
        this.createdJobs.push(job);
        return Promise.resolve();
    }

    getJob(namespace: string, name: string): Promise<JobState> {
        this.record("getJob", namespace, name);
        const job = this.jobs.get(name);
        if (job === undefined || job.deleted) {
            return Promise.resolve({ phase: "failed", reason: "gone" });
        }
        return Promise.resolve({ phase: this.clock.now() < job.created + job.seconds * 1000 ? "running" : "succeeded" });
    }

    readJobLog(namespace: string, name: string, container: string, tailLines?: number): Promise<string> {
        this.record("readJobLog", namespace, name, container, tailLines);
        const phase = this.jobs.get(name)?.phase ?? "baseline";
        return Promise.resolve(this.options.logs?.[phase] ?? jobLog(fixture("baseline_stats.csv")));
    }

    deleteJob(namespace: string, name: string): Promise<void> {
        this.record("deleteJob", namespace, name);
        const job = this.jobs.get(name);
        if (job) {
            job.deleted = true;
        }
        return Promise.resolve();
    }
}
