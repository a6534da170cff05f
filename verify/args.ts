// `npm run verify -- --stack <name> [flags]`: the command line, checked before anything touches a cluster.

export class UsageError extends Error {}

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
    /** Also switch the Service between the blue and green Deployments. */
    blueGreen: boolean;
    help: boolean;
}

interface IntFlag {
    key: "users" | "spawnRate" | "durationSeconds" | "baselineSeconds" | "scaleInTo";
    min: number;
    max: number;
    meaning: string;
}
interface TextFlag {
    key: "stack" | "stackDir" | "kubeconfig" | "context" | "host";
    meaning: string;
}

// Bounds: a phase needs time to ramp up and to see old pods terminate (grace 70 s by default), and
// an hour of load per phase is beyond any sensible run.
const INT_FLAGS: Record<string, IntFlag> = {
    "--users": { key: "users", min: 1, max: 5000, meaning: "concurrent Locust users" },
    "--spawn-rate": { key: "spawnRate", min: 1, max: 1000, meaning: "users started per second" },
    "--duration": { key: "durationSeconds", min: 60, max: 3600, meaning: "seconds of load in each disruption phase" },
    "--baseline": { key: "baselineSeconds", min: 10, max: 3600, meaning: "seconds of load before any disruption" },
    "--scale-in-to": { key: "scaleInTo", min: 1, max: 1000, meaning: "replicas the scale-in goes down to (default: half)" },
};
const TEXT_FLAGS: Record<string, TextFlag> = {
    "--stack": { key: "stack", meaning: "stack whose Pulumi.<stack>.yaml names the app (required)" },
    "--stack-dir": { key: "stackDir", meaning: "directory holding Pulumi.<stack>.yaml" },
    "--kubeconfig": { key: "kubeconfig", meaning: "kubeconfig file (default: KUBECONFIG, then ~/.kube/config)" },
    "--context": { key: "context", meaning: "kubeconfig context (default: the current one)" },
    "--host": {
        key: "host",
        meaning: "URL Locust loads (default: http:// + the ALB hostname of the Ingress in front of the app, read from the cluster)",
    },
};
const ALIASES: Record<string, string> = { "-s": "--stack", "-h": "--help" };
const BLUE_GREEN = "--blue-green";
const HELP = "--help";

export const DEFAULTS = { users: 50, spawnRate: 10, durationSeconds: 300, baselineSeconds: 60 };

function isHttpUrl(text: string): boolean {
    try {
        return ["http:", "https:"].includes(new URL(text).protocol);
    } catch {
        return false;
    }
}

export const USAGE = [
    "usage: npm run verify -- --stack <name> [flags]",
    ...Object.entries({ ...TEXT_FLAGS, ...INT_FLAGS }).map(([flag, spec]) => {
        const fallback = (DEFAULTS as Record<string, number | undefined>)[spec.key];
        return `  ${flag.padEnd(14)} ${spec.meaning}${fallback === undefined ? "" : ` (default ${fallback})`}`;
    }),
    `  ${BLUE_GREEN.padEnd(14)} also switch the Service to the idle color and back (stacks with app.blueGreen.enabled)`,
].join("\n");

/** Parses the flags after `npm run verify --`; throws UsageError naming the first problem. */
export function parseArgs(argv: string[]): VerifyArgs {
    const args: Partial<VerifyArgs> & typeof DEFAULTS & Pick<VerifyArgs, "blueGreen" | "help"> = {
        ...DEFAULTS,
        blueGreen: false,
        help: false,
    };
    for (let i = 0; i < argv.length; i++) {
        const [rawFlag, inlineValue] = argv[i].startsWith("--") && argv[i].includes("=") ? argv[i].split(/=(.*)/s) : [argv[i]];
        const flag = ALIASES[rawFlag] ?? rawFlag;
        if (flag === BLUE_GREEN || flag === HELP) {
            if (inlineValue !== undefined) {
                throw new UsageError(`${flag} takes no value`);
            }
            args[flag === HELP ? "help" : "blueGreen"] = true;
            continue;
        }
        const intFlag = INT_FLAGS[flag];
        const textFlag = TEXT_FLAGS[flag];
        if (intFlag === undefined && textFlag === undefined) {
            throw new UsageError(`unknown argument ${JSON.stringify(argv[i])}`);
        }
        const value = inlineValue ?? argv[++i];
        if (value === undefined || (inlineValue === undefined && value.startsWith("--"))) {
            throw new UsageError(`${flag} needs a value`);
        }
        if (intFlag !== undefined) {
            const n = Number(value);
            if (!/^\d+$/.test(value) || n < intFlag.min || n > intFlag.max) {
                throw new UsageError(`${flag} must be a whole number from ${intFlag.min} to ${intFlag.max}; got ${JSON.stringify(value)}`);
            }
            args[intFlag.key] = n;
        } else {
            args[textFlag.key] = value;
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
    return { ...args, stack: args.stack };
}
