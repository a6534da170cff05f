// Shared by the tests: one synthesized result per stack and config, through the same harness as
// `npm run synth` (synth/engine.ts).
import { spawn } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import { availableParallelism } from "node:os";
import * as path from "node:path";
import { SHARE_ENV, Worker } from "node:worker_threads";
import * as pulumi from "@pulumi/pulumi";
import {
    DeployModelError,
    PROJECT_DIR,
    RecordedResource,
    SynthOptions,
    SynthResult,
    UnknownInvokeError,
    UnknownStackReferenceError,
    readStackConfig,
    synthesize,
} from "../synth/engine";
import { EntryError } from "../synth/entry";
import { waitsFor as waitsForIn } from "../synth/report";
import { PreflightError } from "../stacks/preflight";
import { StackFileError } from "../stacks/stack-file";
import { SettingsError } from "../stacks/validate";

const cache = new Map<string, Promise<SynthResult>>();

/** The errors a synth may end with, by class name: a test checks `instanceof` on what the thread reports. */
const ERROR_CLASSES: (new (...args: never[]) => Error)[] = [
    SettingsError,
    PreflightError,
    DeployModelError,
    UnknownInvokeError,
    UnknownStackReferenceError,
    StackFileError,
    EntryError,
    pulumi.InputPropertiesError,
    pulumi.RunError,
    pulumi.ResourceError,
];

interface ErrorData {
    classes: string[];
    name?: string;
    message: string;
    stack?: string;
    fields: Record<string, unknown>;
}

/** The thread's error as the class the engine threw, with its fields (e.g. a SettingsError's problems). */
function errorFrom(data: ErrorData): Error {
    const known = data.classes.map((name) => ERROR_CLASSES.find((c) => c.name === name)).find((c) => c !== undefined) ?? Error;
    const err = Object.create(known.prototype as object) as Error;
    Object.assign(err, data.fields);
    for (const [key, value] of Object.entries({ message: data.message, stack: data.stack, name: data.name })) {
        if (value !== undefined) {
            Object.defineProperty(err, key, { value, writable: true, configurable: true, enumerable: false });
        }
    }
    return err;
}

interface SynthThread {
    worker: Worker;
    pending: Map<number, { resolve(r: SynthResult): void; reject(e: Error): void }>;
}

/**
 * Two synth threads: the machine class has two cores, and while the tests wait for synths the test
 * thread is idle (profiled: half of the suite's wall time). Each thread evaluates one program at a
 * time (the Pulumi runtime is global to a thread); a synth goes to the thread with less queued.
 */
const SYNTH_THREADS = Math.min(2, availableParallelism());
const synthThreads: SynthThread[] = [];
let nextRequest = 0;

function startSynthThread(): SynthThread {
    // No --import tsx (execArgv): the thread registers tsx's CommonJS hook itself, after the SDKs.
    // SHARE_ENV: a test's environment (e.g. PULUMI_DEBUG_PROMISE_LEAKS) reaches the program as in-process.
    // A 192 MB young generation is what `npm run synth`'s --max-semi-space-size=64 gives (V8 sizes it as
    // three semi-spaces, heap.cc YoungGenerationSizeFromSemiSpaceSize): fewer collections while the SDKs
    // load and the program runs (day 2's file, CPU s: 22.0 vs 23.4 and 19.2 vs 24.6, machine under load).
    const worker = new Worker(path.join(PROJECT_DIR, "test", "synth-worker.cjs"), {
        execArgv: [],
        env: SHARE_ENV,
        resourceLimits: { maxYoungGenerationSizeMb: 192 },
    });
    const thread: SynthThread = { worker, pending: new Map() };
    worker.on("message", (m: { id: number; result?: SynthResult; error?: ErrorData }) => {
        const waiting = thread.pending.get(m.id);
        thread.pending.delete(m.id);
        if (thread.pending.size === 0) {
            // Idle, it does not keep the process alive.
            worker.unref();
        }
        if (m.error !== undefined) {
            waiting?.reject(errorFrom(m.error));
        } else {
            waiting?.resolve(m.result as SynthResult);
        }
    });
    // A thread that fails or ends fails the synths it held, by name, and is replaced on the next request.
    const fail = (err: Error) => {
        thread.pending.forEach((p) => p.reject(err));
        thread.pending.clear();
        if (synthThreads.includes(thread)) {
            synthThreads.splice(synthThreads.indexOf(thread), 1);
        }
    };
    worker.on("error", fail);
    worker.on("exit", (code) => fail(new Error(`the synth thread (test/synth-worker.cjs) exited with code ${code}`)));
    synthThreads.push(thread);
    return thread;
}

/** Synthesizes on a synth thread (test/synth-worker.cjs says why); a second starts once the first is busy. */
function synthesizeOnThread(options: SynthOptions): Promise<SynthResult> {
    const idle = synthThreads.find((t) => t.pending.size === 0);
    const thread =
        idle ??
        (synthThreads.length < SYNTH_THREADS
            ? startSynthThread()
            : synthThreads.reduce((least, t) => (t.pending.size < least.pending.size ? t : least)));
    const id = nextRequest++;
    thread.worker.ref();
    return new Promise((resolve, reject) => {
        thread.pending.set(id, { resolve, reject });
        thread.worker.postMessage({ id, options });
    });
}

/** Synths in this thread, one at a time: the Pulumi runtime is global to the thread. */
let inThisThread: Promise<unknown> = Promise.resolve();

/**
 * The engine with a cache: one evaluation per stack and config in the whole test run (the tests
 * share one process, test/all.mts), on the synth threads. Options that carry functions or collect
 * registrations are evaluated in this thread instead, one at a time.
 */
export function cachedSynthesize(options: SynthOptions): Promise<SynthResult> {
    const key = JSON.stringify([
        options.stack,
        options.config,
        options.projectDir,
        options.references,
        options.referencedResources,
        options.account,
    ]);
    let result = cache.get(key);
    if (result === undefined) {
        if (options.load === undefined && options.registrations === undefined) {
            result = synthesizeOnThread(options);
        } else {
            result = inThisThread.catch(() => undefined).then(() => synthesize(options));
            inThisThread = result;
        }
        cache.set(key, result);
    }
    return result;
}

/** JSON with object keys sorted: the same settings written in another order share one evaluation. */
function canonicalJson(value: unknown): string {
    return JSON.stringify(value, (_, v: unknown) =>
        typeof v === "object" && v !== null && !Array.isArray(v)
            ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
            : v,
    );
}

/** Synthesizes a stack from its stack file, with structured config sections replaced by `overrides`. */
export function synth(stack: string, overrides: Record<string, unknown> = {}): Promise<SynthResult> {
    const config = readStackConfig(stack);
    for (const [k, v] of Object.entries(overrides)) {
        config[k] = typeof v === "string" ? v : canonicalJson(v);
    }
    return cachedSynthesize({ stack, config: Object.fromEntries(Object.entries(config).sort(([a], [b]) => a.localeCompare(b))) });
}

/** The one resource of `type` whose name ends with `suffix`; fails loudly when there is not exactly one. */
export function only(result: SynthResult, type: string, suffix = ""): RecordedResource {
    const found = result.resources.filter((r) => r.type === type && r.name.endsWith(suffix));
    if (found.length !== 1) {
        throw new Error(`expected one ${type} named *${suffix}, found ${found.map((r) => r.name).join(", ") || "none"}`);
    }
    return found[0];
}

export const STACKS = ["dev", "staging", "prod"] as const;

export const RELEASE = "kubernetes:helm.sh/v3:Release";

/** True when `from` waits for `to`, directly or through other resources. */
export function waitsFor(result: SynthResult, from: string, to: string): boolean {
    return waitsForIn(result.resources, from, to);
}

/** The Helm release whose Helm release name (inputs.name) is `releaseName`. */
export function release(result: SynthResult, releaseName: string): RecordedResource {
    const found = result.resources.filter((r) => r.type === RELEASE && r.inputs.name === releaseName);
    if (found.length !== 1) {
        throw new Error(`expected one Helm release ${releaseName}, found ${found.length}`);
    }
    return found[0];
}

/** Values of a Helm release, typed loosely for deep assertions. */
export function valuesOf(r: RecordedResource): any {
    return r.inputs.values;
}

/**
 * Runs a CLI's main() in this process (a process start costs more than most cases) and returns its
 * exit status and what it printed on stdout and stderr.
 */
export async function runMain(main: () => Promise<number>): Promise<{ status: number; stdout: string; stderr: string }> {
    const out: string[] = [];
    const err: string[] = [];
    const saved = { log: console.log, error: console.error };
    console.log = (...line: unknown[]) => void out.push(line.join(" "));
    console.error = (...line: unknown[]) => void err.push(line.join(" "));
    try {
        const status = await main();
        return { status, stdout: out.join("\n"), stderr: err.join("\n") };
    } finally {
        console.log = saved.log;
        console.error = saved.error;
    }
}

/**
 * Blue/green with green active and its own image: two Deployments of the app. The app's pods run on
 * Karpenter's NodePool, so the system pool needs no more nodes for the second color.
 */
/** A domain: the entrypoint on HTTPS with an ACM certificate and an alias record (README "Alarms", HTTPS). */
export const DOMAIN = { "zero-downtime-eks:domain": { hostedZoneId: "Z0123456789ABCDEFGHIJ", hostName: "shop.example.com" } };

/**
 * One synth for the app's configurable front: without Istio, its own internal ALB on HTTPS (a domain),
 * an HTTP liveness path and readiness on /ready, and fixed replicas (no HPA).
 */
export const OWN_ALB = {
    ...DOMAIN,
    "zero-downtime-eks:addons": { istio: { enabled: false } },
    "zero-downtime-eks:app": {
        ingress: { scheme: "internal" },
        probes: { path: "/ready", livenessPath: "/healthz" },
        autoscaling: { enabled: false },
    },
};

export const BLUE_GREEN = {
    "zero-downtime-eks:app": {
        blueGreen: { enabled: true, activeColor: "green", images: { green: "nginxinc/nginx-unprivileged:1.29.3-alpine" } },
    },
};

/**
 * Every configuration a user can choose that changes what the program creates: each environment,
 * each addon off, Istio off (the app on its own ALB), blue/green. The schema, report and policy
 * tests run all of them.
 */
export const VARIANTS: { name: string; stack: string; overrides: Record<string, unknown> }[] = [
    ...STACKS.map((stack) => ({ name: stack, stack, overrides: {} })),
    { name: "Istio off: the app on its own ALB", stack: "dev", overrides: { "zero-downtime-eks:addons": { istio: { enabled: false } } } },
    { name: "metrics-server off", stack: "dev", overrides: { "zero-downtime-eks:addons": { metricsServer: { enabled: false } } } },
    { name: "Locust off", stack: "dev", overrides: { "zero-downtime-eks:addons": { locust: { enabled: false } } } },
    {
        name: "no controller, no Istio, no app",
        stack: "dev",
        overrides: {
            "zero-downtime-eks:addons": { loadBalancerController: { enabled: false }, istio: { enabled: false } },
            "zero-downtime-eks:app": { enabled: false },
            // Teams reach their services through the controller's ALBs: none without it.
            "zero-downtime-eks:teams": {},
        },
    },
    { name: "blue/green", stack: "dev", overrides: BLUE_GREEN },
    { name: "HTTPS (a domain)", stack: "dev", overrides: DOMAIN },
];

/**
 * Starts a process now and resolves with its exit status and output when it ends. Tests that need a
 * real process (an exit status, a CLI's start) start it when their file loads and await it in the
 * test, so the child runs on the other core while the suite goes on instead of blocking it.
 */
export function startProcess(
    args: string[],
    options: { cwd: string; env?: NodeJS.ProcessEnv; command?: string },
): Promise<{ status: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
        const child = spawn(options.command ?? process.execPath, args, { cwd: options.cwd, env: options.env ?? process.env });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        child.on("close", (status) => resolve({ status, stdout, stderr }));
    });
}

/**
 * `npm run <script> -- <args>` as README types it, started now (see startProcess): npm itself in front,
 * so package.json's script line, npm's argument passing and its exit status are part of what is tested.
 * Under `npm test` npm says where it is (npm_execpath); run alone, the `npm` on PATH.
 */
export function startNpmScript(
    script: string,
    args: string[],
    options: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<{ status: number | null; stdout: string; stderr: string }> {
    const npmCli = process.env.npm_execpath;
    const run = ["run", script, "--", ...args];
    return npmCli !== undefined && /npm-cli\.js$/.test(npmCli)
        ? startProcess([npmCli, ...run], options)
        : startProcess(run, { ...options, command: "npm" });
}

/** Git's blob hash of a file (`git hash-object`): how the tests check a file is upstream's, byte for byte. */
export function gitBlob(file: string): string {
    const bytes = fs.readFileSync(file);
    return crypto.createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
}
