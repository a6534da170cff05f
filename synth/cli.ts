// `npm run synth -- --stack <name> [--out <dir>]`: evaluates index.ts for one stack under Pulumi's
// mocks and writes what a `pulumi up` would create. No CLI, credentials or network.
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { stringify } from "yaml";
import {
    PROJECT_DIR,
    projectName,
    readStackConfig,
    RecordedResource,
    StackFileError,
    synthesize,
    SynthOptions,
    SynthResult,
} from "./engine";
import { Report, buildReport, renderMarkdown } from "./report";
import { parseSettings, todayUtc } from "../stacks/settings";

/** Kubernetes object as the cluster would receive it. */
export interface Manifest {
    apiVersion: string;
    kind: string;
    metadata?: Record<string, unknown>;
    [field: string]: unknown;
}

// Kubernetes resources that are not plain objects in the cluster: Helm releases, providers and
// client-side component wrappers.
const NOT_AN_OBJECT = /^kubernetes:(helm\.sh\/|yaml|kustomize)|^pulumi:providers:/;

/**
 * The Kubernetes objects the program creates directly, from their Pulumi type token
 * (`kubernetes:<group>/<version>:<Kind>`; the core group is written `core` in tokens, absent in apiVersion).
 */
export function manifestsOf(resources: RecordedResource[]): Manifest[] {
    return resources
        .filter((r) => r.type.startsWith("kubernetes:") && !NOT_AN_OBJECT.test(r.type))
        .map((r) => {
            const token = r.type.slice("kubernetes:".length);
            const kind = token.slice(token.lastIndexOf(":") + 1);
            const groupVersion = token.slice(0, token.lastIndexOf(":"));
            const apiVersion = groupVersion.startsWith("core/") ? groupVersion.slice("core/".length) : groupVersion;
            return { ...r.inputs, apiVersion, kind };
        });
}

/** Writes resources.json, manifests.yaml, outputs.json and the report for one synthesized stack. */
export function writeSynth(result: SynthResult, report: Report, outDir: string): string[] {
    fs.mkdirSync(outDir, { recursive: true });
    const files = {
        "resources.json": JSON.stringify(result.resources, null, 2) + "\n",
        "manifests.yaml": manifestsOf(result.resources)
            .map((m) => stringify(m, { sortMapEntries: false }))
            .join("---\n"),
        "outputs.json": JSON.stringify(result.outputs, null, 2) + "\n",
        "report.json": JSON.stringify(report, null, 2) + "\n",
        "report.md": renderMarkdown(report),
    };
    return Object.entries(files).map(([file, text]) => {
        const target = path.join(outDir, file);
        fs.writeFileSync(target, text);
        return target;
    });
}

interface CliArgs {
    stack: string;
    out: string;
    stackDir: string;
}

function parseArgs(argv: string[]): CliArgs {
    let stack: string | undefined;
    let out: string | undefined;
    let stackDir: string | undefined;
    for (let i = 0; i < argv.length; i++) {
        const flag = argv[i];
        const value = argv[i + 1];
        if ((flag === "--stack" || flag === "-s") && value !== undefined) {
            stack = value;
            i++;
        } else if (flag === "--out" && value !== undefined) {
            out = value;
            i++;
        } else if (flag === "--stack-dir" && value !== undefined) {
            stackDir = value;
            i++;
        } else {
            throw new UsageError(`unexpected argument ${JSON.stringify(flag)}`);
        }
    }
    if (stack === undefined) {
        throw new UsageError("--stack is required");
    }
    return { stack, out: out ?? path.join(PROJECT_DIR, "out", stack), stackDir: stackDir ?? PROJECT_DIR };
}

class UsageError extends Error {}

/**
 * The CLI: returns the exit status (0 written, 1 refused or failed, 2 bad usage). `synth` is the
 * engine; tests hand in a cached one so a stack already evaluated is not evaluated again.
 */
export async function main(argv: string[], synth: (options: SynthOptions) => Promise<SynthResult> = synthesize): Promise<number> {
    let args: CliArgs;
    try {
        args = parseArgs(argv);
    } catch (err) {
        console.error(
            `synth: ${(err as Error).message}\nusage: npm run synth -- --stack <name> [--out <dir>] [--stack-dir <dir holding Pulumi.<name>.yaml>]`,
        );
        return 2;
    }
    try {
        const config = readStackConfig(args.stack, args.stackDir);
        const result = await synth({ stack: args.stack, config });
        // The program accepted this config, so parsing it again cannot fail.
        const settings = parseSettings({ project: projectName(), stack: args.stack, config, today: todayUtc() });
        const report = buildReport(args.stack, settings, result.resources);
        const written = writeSynth(result, report, args.out);
        console.log(`synth: stack ${args.stack}: ${result.resources.length} resources`);
        written.forEach((f) => console.log(`  wrote ${path.relative(process.cwd(), f)}`));
        for (const f of report.findings) {
            console.error(`${f.enforcement}: [${f.policy}] ${f.resource}: ${f.message}`);
        }
        const mandatory = report.findings.filter((f) => f.enforcement === "mandatory");
        if (mandatory.length > 0) {
            console.error(`synth: stack ${args.stack} failed: ${mandatory.length} mandatory policy violation(s)`);
            return 1;
        }
        return 0;
    } catch (err) {
        // The program's own errors (settings report, unknown stack) are for humans: no stack trace.
        const error = err as Error;
        const forHumans: boolean = error instanceof StackFileError || pulumi.RunError.isInstance(err);
        console.error(`synth: stack ${args.stack} failed:\n${forHumans ? error.message : String(error.stack)}`);
        return 1;
    }
}
