// How big the scale-out phase's load step must be for the app's HPA to add a pod, and whether verify
// can generate it. The HPA adds pods once the app's CPU use, as a share of its pods' CPU requests, is
// past its target by more than its tolerance; what one request costs in CPU is the app's own business,
// so verify measures it under the phase's base load (the app's pods' CPU from the metrics API, the
// requests per second from Locust) and scales that up. One Locust process sends only so many requests
// a second, so the step runs as several Locust pods, as many as the stack leaves room for. Pure.

/**
 * The HPA acts only when the ratio of current to target utilization is off 1.0 by more than this
 * (Kubernetes docs, "Horizontal Pod Autoscaling", algorithm details: "a globally-configurable
 * tolerance, 0.1 by default", kube-controller-manager --horizontal-pod-autoscaler-tolerance).
 */
export const HPA_TOLERANCE = 0.1;

/**
 * Requests per second one Locust process sends with HttpUser, the locustfile's user class. Locust's
 * docs: "close to 5000 requests per second per core [FastHttpUser], instead of around 850 for the normal
 * HttpUser (tested on a 2018 MacBook Pro i7 2.6GHz)" (locust docs/increase-performance.rst, 2.0.0);
 * from 2.15 on the same page gives 4000 for HttpUser in a best case (a `while True` loop without wait,
 * a 2021 M1 core). An m5.large vCPU is one hyperthread of a 2.5-3.1 GHz Xeon, nearer the first machine,
 * and the locustfile waits between requests: the 850 plans, the docs' own caveat ("impossible to say
 * how many requests Locust can do on your particular hardware") stands.
 */
export const LOCUST_PROCESS_RPS = 850;

/**
 * The utilization the step aims at, as a multiple of the HPA's target: past its 10 % tolerance with room
 * for the estimate (CPU taken as proportional to requests from one measurement) being off. Our choice;
 * at 1.5 the HPA asks for half as many pods again (desiredReplicas = ceil(replicas × 1.5)).
 */
export const STEP_HEADROOM = 1.5;

/** The app under the phase's base load, as measured. */
export interface BaseLoad {
    /** The app's pods. */
    pods: number;
    /** Their CPU use, summed (millicores), over a window of steady base load. */
    usageMillicores: number;
    /** Their CPU requests, summed over every container (millicores): what the HPA divides the use by. */
    requestMillicores: number;
    /** Requests per second of the base load at the time (Locust's current rate). */
    requestsPerSecond: number;
    /** Users of the base load. */
    users: number;
}

/** What the step may use and must reach. */
export interface StepLimits {
    /** The HPA's target average CPU utilization, percent (app.autoscaling.targetCpuUtilization). */
    targetCpuUtilization: number;
    /** Locust pods the step may run (stacks/models.ts scaleOutBudget). */
    maxPods: number;
}

export interface StepSize {
    /** Users the step adds to the base load, spread over `pods`. */
    users: number;
    /** Locust pods (one process each). */
    pods: number;
    /** The step's requests per second, base load included, as estimated. */
    requestsPerSecond: number;
    /** The app's average CPU utilization (percent of requests) the step is estimated to bring. */
    utilization: number;
}

export type Sizing = { size: StepSize; why: string } | { cannot: string };

const percent = (n: number): string => `${Math.round(n)} %`;
const rps = (n: number): string => `${Math.round(n).toLocaleString("en-US")} req/s`;

/** The utilization the HPA computes: use over requests, in percent. */
export const utilizationOf = (load: Pick<BaseLoad, "usageMillicores" | "requestMillicores">): number =>
    (100 * load.usageMillicores) / load.requestMillicores;

/**
 * Sizes the step from the measured base load: the rate that brings the app's utilization to
 * STEP_HEADROOM × target, the users that send it at the base load's rate per user, and the Locust
 * pods that can send it. When that needs more pods than the stack leaves, says so instead: the
 * phase could not prove anything.
 */
export function sizeStep(load: BaseLoad, limits: StepLimits): Sizing {
    const { targetCpuUtilization: target } = limits;
    const now = utilizationOf(load);
    if (!(load.usageMillicores > 0 && load.requestMillicores > 0 && load.requestsPerSecond > 0 && load.users > 0)) {
        return {
            cannot: `the base load's cost could not be measured (${load.usageMillicores} m CPU at ${rps(load.requestsPerSecond)}), so the step cannot be sized`,
        };
    }
    const aim = target * STEP_HEADROOM;
    // CPU taken as proportional to requests: the rate at which the pods reach `aim`.
    const needed = (load.requestsPerSecond * aim) / now;
    const extra = Math.max(0, needed - load.requestsPerSecond);
    const pods = Math.max(1, Math.ceil(extra / LOCUST_PROCESS_RPS));
    const users = Math.max(1, Math.ceil(extra / (load.requestsPerSecond / load.users)));
    const cost = `the app's ${load.pods} pods use ${Math.round(load.usageMillicores)} m CPU (${percent(now)} of their ${load.requestMillicores} m requests) at ${rps(load.requestsPerSecond)}`;
    const threshold = `its HPA adds a pod past ${percent(target * (1 + HPA_TOLERANCE))} (target ${percent(target)} + ${HPA_TOLERANCE * 100} % tolerance)`;
    if (pods > limits.maxPods) {
        return {
            cannot:
                `${cost}; ${threshold}. Aiming at ${percent(aim)} takes about ${rps(needed)}: ${pods} Locust pods at ${LOCUST_PROCESS_RPS} req/s each ` +
                `(Locust docs), more than the ${limits.maxPods} the stack leaves for verify's step (addons.locust.maxWorkers, less the chart's own worker and the base load's Job)`,
        };
    }
    return {
        size: { users, pods, requestsPerSecond: needed, utilization: aim },
        why: `${cost}; ${threshold}. The step aims at ${percent(aim)}: about ${rps(needed)}, ${users} more users on ${pods} Locust pod(s)`,
    };
}

/** The users per pod of a step of `users` on `pods` pods: every pod runs the same Locust. */
export const usersPerPod = (users: number, pods: number): number => Math.ceil(users / pods);

const CPU = /^(\d+(?:\.\d+)?)(n|u|m|)$/;
const CPU_SCALE: Record<string, number> = { n: 1e-6, u: 1e-3, m: 1, "": 1000 };

/** A CPU quantity ("250m", "1", "0.5", "123456789n" as the metrics API writes it) in millicores; undefined when not one. */
export function cpuMillicores(quantity: string | undefined): number | undefined {
    const m = CPU.exec(quantity?.trim() ?? "");
    return m === null ? undefined : Number(m[1]) * CPU_SCALE[m[2]];
}

const DURATION_PART = /(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)/g;
const DURATION_SCALE: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 1e-3, us: 1e-6, µs: 1e-6, ns: 1e-9 };

/** A Go duration as metav1.Duration writes it ("20.008s", "1m0.5s") in seconds; undefined when not one. */
export function goDurationSeconds(text: string | undefined): number | undefined {
    const parts = [...(text ?? "").matchAll(DURATION_PART)];
    if (parts.length === 0 || parts.map((p) => p[0]).join("") !== text) {
        return undefined;
    }
    return parts.reduce((sum, p) => sum + Number(p[1]) * DURATION_SCALE[p[2]], 0);
}
