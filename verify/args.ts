// `npm run verify -- --stack <name> [flags]`: the command line, checked before anything touches a cluster.
import { PHASES, PHASE_INFO, PhaseName, isPhase } from "./phases";

export class UsageError extends Error {}

/** Starts every line verify prints of its own (not the run's phase lines). */
export const PREFIX = "verify:";

export interface VerifyArgs {
    stack: string;
    /** Directory holding Pulumi.<stack>.yaml. */
    stackDir?: string;
    kubeconfig?: string;
    context?: string;
    /** Base URL Locust loads; defaults to the app's public URL through its ALB, read from the Ingress in front of it. */
    host?: string;
    users: number;
    spawnRate: number;
    /** Seconds of load in each disruption phase. */
    durationSeconds: number;
    /** Seconds of load in the baseline phase. */
    baselineSeconds: number;
    /** Replicas the scale-in phase goes down to; defaults to half, rounded up. */
    scaleInTo?: number;
    /** Users during the scale-out phase's load step (the step adds the difference); by default sized from the app's measured CPU cost. */
    stepUsers?: number;
    /** Phases to run (`--phases`); undefined: every phase that applies to the stack. */
    phases?: PhaseName[];
    /** node-drain deletes the node's NodeClaim and waits for Karpenter's replacement instead of uncordoning. */
    nodeReplace: boolean;
    /** node-drain evicts pods that declare no controller too, as `kubectl drain --force` does. */
    force: boolean;
    /** Where to write the JSON report (results, events, raw per-pod timings). */
    json?: string;
    /** Where to write the self-contained HTML report. */
    html?: string;
    help: boolean;
}

/** The largest --users and --step-users accepted (the base load is one Locust process; a step is spread over several). */
export const MAX_USERS = 5000;

interface IntFlag {
    key: "users" | "spawnRate" | "durationSeconds" | "baselineSeconds" | "scaleInTo" | "stepUsers";
    min: number;
    max: number;
    meaning: string;
}
interface TextFlag {
    key: "stack" | "stackDir" | "kubeconfig" | "context" | "host" | "json" | "html";
    meaning: string;
}

// Bounds: a phase needs time to ramp up and to see old pods terminate (grace 70 s by default), and
// an hour of load per phase is beyond any sensible run.
const INT_FLAGS: Record<string, IntFlag> = {
    "--users": { key: "users", min: 1, max: MAX_USERS, meaning: "concurrent Locust users" },
    "--spawn-rate": { key: "spawnRate", min: 1, max: 1000, meaning: "users started per second" },
    "--duration": { key: "durationSeconds", min: 60, max: 3600, meaning: "seconds of load in each disruption phase" },
    "--baseline": { key: "baselineSeconds", min: 10, max: 3600, meaning: "seconds of load before any disruption" },
    "--scale-in-to": { key: "scaleInTo", min: 1, max: 1000, meaning: "replicas the scale-in goes down to (default: half)" },
    "--step-users": {
        key: "stepUsers",
        min: 2,
        max: MAX_USERS,
        meaning:
            "users during the scale-out phase's load step, more than --users (default: sized from the CPU the app spends on the base load, to pass its HPA target)",
    },
};
const TEXT_FLAGS: Record<string, TextFlag> = {
    "--stack": { key: "stack", meaning: "stack whose Pulumi.<stack>.yaml names the app (required)" },
    "--stack-dir": { key: "stackDir", meaning: "directory holding Pulumi.<stack>.yaml" },
    "--kubeconfig": { key: "kubeconfig", meaning: "kubeconfig file (default: KUBECONFIG, then ~/.kube/config)" },
    "--context": { key: "context", meaning: "kubeconfig context (default: the current one)" },
    "--host": {
        key: "host",
        meaning:
            "URL Locust loads (default: the app's public URL: https://<domain> on a stack with zero-downtime-eks:domain, else http:// + the ALB hostname of the Ingress in front of the app, read from the cluster)",
    },
    "--json": { key: "json", meaning: "write the report as JSON, raw per-pod timings included, to this file" },
    "--html": { key: "html", meaning: "write the report as one self-contained HTML page (charts, events, calibration) to this file" },
};
const ALIASES: Record<string, string> = { "-s": "--stack", "-h": "--help" };
const PHASES_FLAG = "--phases";
const SWITCHES: Record<string, { key: "nodeReplace" | "force" | "help"; meaning: string }> = {
    "--node-replace": {
        key: "nodeReplace",
        meaning: "node-drain: delete the node's NodeClaim and wait for Karpenter's new node (stacks with addons.karpenter.enabled)",
    },
    "--force": {
        key: "force",
        meaning:
            "node-drain: also evict pods that declare no controller, which nothing recreates (kubectl drain --force); without it verify refuses them before changing anything",
    },
    "--help": { key: "help", meaning: "this text" },
};

export const DEFAULTS = { users: 50, spawnRate: 10, durationSeconds: 300, baselineSeconds: 60 };

function isHttpUrl(text: string): boolean {
    try {
        return ["http:", "https:"].includes(new URL(text).protocol);
    } catch {
        return false;
    }
}

const FLAG_WIDTH = 16;

export const USAGE = [
    "usage: npm run verify -- --stack <name> [flags]",
    "",
    "flags:",
    ...Object.entries({ ...TEXT_FLAGS, ...INT_FLAGS }).map(([flag, spec]) => {
        const fallback = (DEFAULTS as Record<string, number | undefined>)[spec.key];
        return `  ${flag.padEnd(FLAG_WIDTH)} ${spec.meaning}${fallback === undefined ? "" : ` (default ${fallback})`}`;
    }),
    `  ${PHASES_FLAG.padEnd(FLAG_WIDTH)} comma-separated phases to run, in the order below (default: every phase that applies to the stack)`,
    ...Object.entries(SWITCHES).map(([flag, spec]) => `  ${flag.padEnd(FLAG_WIDTH)} ${spec.meaning}`),
    "",
    "phases:",
    ...PHASES.map((p) => {
        const needs = PHASE_INFO[p].needs;
        return `  ${p.padEnd(FLAG_WIDTH)} ${PHASE_INFO[p].does}${needs === undefined ? "" : ` (stacks with ${needs.key})`}`;
    }),
    "",
    "exit status: 0 proven, 1 not proven (a failed request, a failed step, the app not restored), 2 bad input or preflight refused, 130 interrupted",
].join("\n");

/** `--phases a,b`: every name must be a phase (an empty one is not); a repeat is refused. */
function parsePhases(value: string): PhaseName[] {
    const names = value.split(",").map((n) => n.trim());
    const unknown = names.filter((n) => !isPhase(n));
    if (unknown.length > 0) {
        throw new UsageError(
            `${PHASES_FLAG}: unknown phase ${unknown.map((n) => JSON.stringify(n)).join(", ")}; expected some of ${PHASES.join(", ")}`,
        );
    }
    const repeated = names.filter((n, i) => names.indexOf(n) !== i);
    if (repeated.length > 0) {
        throw new UsageError(`${PHASES_FLAG}: ${repeated[0]} is named twice`);
    }
    return names as PhaseName[];
}

/** Parses the flags after `npm run verify --`; throws UsageError naming the first problem. */
export function parseArgs(argv: string[]): VerifyArgs {
    const args: Partial<VerifyArgs> & typeof DEFAULTS & Pick<VerifyArgs, "nodeReplace" | "force" | "help"> = {
        ...DEFAULTS,
        nodeReplace: false,
        force: false,
        help: false,
    };
    for (let i = 0; i < argv.length; i++) {
        const [rawFlag, inlineValue] = argv[i].startsWith("--") && argv[i].includes("=") ? argv[i].split(/=(.*)/s) : [argv[i]];
        const flag = ALIASES[rawFlag] ?? rawFlag;
        const toggle = SWITCHES[flag];
        if (toggle !== undefined) {
            if (inlineValue !== undefined) {
                throw new UsageError(`${flag} takes no value`);
            }
            args[toggle.key] = true;
            continue;
        }
        const intFlag = INT_FLAGS[flag];
        const textFlag = TEXT_FLAGS[flag];
        if (intFlag === undefined && textFlag === undefined && flag !== PHASES_FLAG) {
            throw new UsageError(`unknown argument ${JSON.stringify(argv[i])}`);
        }
        const value = inlineValue ?? argv[++i];
        if (value === undefined || (inlineValue === undefined && value.startsWith("--"))) {
            throw new UsageError(`${flag} needs a value`);
        }
        if (flag === PHASES_FLAG) {
            args.phases = parsePhases(value);
        } else if (intFlag !== undefined) {
            const n = Number(value);
            if (!/^\d+$/.test(value) || n < intFlag.min || n > intFlag.max) {
                throw new UsageError(`${flag} must be a whole number from ${intFlag.min} to ${intFlag.max}; got ${JSON.stringify(value)}`);
            }
            args[intFlag.key] = n;
        } else {
            args[TEXT_FLAGS[flag].key] = value;
        }
    }
    if (args.help) {
        return { ...args, stack: args.stack ?? "" };
    }
    if (args.stack === undefined || args.stack === "") {
        throw new UsageError("--stack is required");
    }
    if (args.host !== undefined && !isHttpUrl(args.host)) {
        throw new UsageError(`--host must be an http(s) URL; got ${JSON.stringify(args.host)}`);
    }
    if (args.stepUsers !== undefined && args.stepUsers <= args.users) {
        throw new UsageError(`--step-users must be more than --users (${args.users}) to be a step; got ${args.stepUsers}`);
    }
    for (const [flag, given] of [
        ["--node-replace", args.nodeReplace],
        ["--force", args.force],
    ] as const) {
        if (given && args.phases !== undefined && !args.phases.includes("node-drain")) {
            throw new UsageError(`${flag} acts in the node-drain phase, which ${PHASES_FLAG} leaves out`);
        }
    }
    return { ...args, stack: args.stack };
}
