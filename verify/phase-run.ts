// What a phase's disruption may use of the run in progress (run.ts implements it; disruptions.ts,
// node-drain.ts and scale-out.ts use it). Types only.
import type { Sampler, TargetHealthSource, Watched } from "./calibration";
import type { Target, WorkloadState } from "./discover";
import type { Plan, RunDeps, RunEvent, ScaleOutMeasure, Step } from "./plan";
import type { PhaseName } from "./phases";
import type { Restorer } from "./restore";

/** What a disruption may use of the run in progress. */
export interface PhaseRun {
    readonly plan: Plan;
    readonly target: Target;
    readonly deps: RunDeps;
    readonly restorer: Restorer;
    /** The workloads the calibration samples, with the target group of each (when the ALB targets its pods). */
    readonly watched: Watched[];
    /** ELBv2 target health; undefined without AWS credentials or target groups. */
    readonly elb?: TargetHealthSource;
    /** The current phase's sampler; undefined for phases that are not calibrated. */
    readonly sampler?: Sampler;
    /** Set by the scale-out phase. */
    scaleOut?: ScaleOutMeasure;
    /** Throws InterruptedError after Ctrl-C: called before every change to the cluster. */
    guard(): void;
    /** Polls `step` until it is done; fails after `timeoutSeconds` with the last status. */
    poll<T>(phase: PhaseName, what: string, timeoutSeconds: number, step: () => Promise<Step<T>>): Promise<T>;
    /** Keeps the load running for `seconds`, printing `status` as progress. */
    hold(phase: PhaseName, seconds: number, status: string): Promise<void>;
    /** Waits (bounded) until the Deployment (the app's by default) is at rest and `enough(replicas)`. */
    settle(phase: PhaseName, what: string, enough: (replicas: number) => boolean, workload?: WorkloadState): Promise<void>;
    /** Now on the API server's clock (this machine's plus the measured offset): the clock of every moment a run records. */
    serverNow(): number;
    /** Records a disruption event (and logs it). */
    event(phase: PhaseName, kind: RunEvent["kind"], text: string): void;
    /**
     * Starts the load step: a second Locust Job of `users` spread over `pods` pods, for what is left of
     * the phase now, counted from when its pods run; resolves with that moment.
     */
    startStep(phase: PhaseName, users: number, pods: number): Promise<number>;
    /** Locust's current requests per second of the phase's own load (its log's last console table). */
    baseLoadRate(): Promise<number | undefined>;
    /** Marks the current phase as having proved nothing, with the reason the verdict gives. */
    unproven(reason: string): void;
    /** Seconds of load left in the current phase. */
    remainingSeconds(): number;
    /** Seconds of the load step left (0 before it runs). */
    stepRemainingSeconds(): number;
}
