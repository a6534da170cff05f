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
    DeployModelError,
    RecordedResource,
    StackFileError,
    synthesize,
    SynthOptions,
    SynthResult,
    UnknownStackReferenceError,
} from "./engine";
import { Finding, checkResources } from "../policy/checks";
import { UnmodelledNamesError } from "./names";
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

/**
 * Writes resources.json, manifests.yaml, outputs.json and, for the platform, the report; for another
 * project (a team's program on the platform) its policy findings as findings.json.
 */
export function writeSynth(result: SynthResult, report: Report | Finding[], outDir: string): string[] {
    fs.mkdirSync(outDir, { recursive: true });
    const files: Record<string, string> = {
        "resources.json": JSON.stringify(result.resources, null, 2) + "\n",
        "manifests.yaml": manifestsOf(result.resources)
            .map((m) => stringify(m, { sortMapEntries: false }))
            .join("---\n"),
        "outputs.json": JSON.stringify(result.outputs, null, 2) + "\n",
        ...(Array.isArray(report)
            ? { "findings.json": JSON.stringify(report, null, 2) + "\n" }
            : { "report.json": JSON.stringify(report, null, 2) + "\n", "report.md": renderMarkdown(report) }),
    };
    return Object.entries(files).map(([file, text]) => {
        const target = path.join(outDir, file);
        fs.writeFileSync(target, text);
        return target;
    });
}

export interface CliArgs {
    stack: string;
    out: string;
    stackDir: string;
    /** The Pulumi project to synthesize: the platform (this directory) or, e.g., examples/team-service. */
    projectDir: string;
    /** Outputs of the stacks the project reads with StackReference, by stack name. */
    references: Record<string, Record<string, unknown>>;
    /** What those stacks created, when their resources.json was beside their outputs. */
    referencedResources: Record<string, RecordedResource[]>;
}

/**
 * `<stack name>=<outputs.json>`: a referenced stack's outputs, from its own synth, and what it
 * created (the `resources.json` that synth writes beside them, when it is there).
 */
function readReference(text: string): [string, Record<string, unknown>, RecordedResource[] | undefined] {
    const at = text.lastIndexOf("=");
    if (at <= 0) {
        throw new UsageError(`--reference ${JSON.stringify(text)}: expected <stack name>=<outputs.json>`);
    }
    const file = text.slice(at + 1);
    if (!fs.existsSync(file)) {
        throw new UsageError(`--reference: no file ${file} (write it with npm run synth -- --stack <platform stack>)`);
    }
    const resources = path.join(path.dirname(file), "resources.json");
    return [
        text.slice(0, at),
        JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>,
        fs.existsSync(resources) ? (JSON.parse(fs.readFileSync(resources, "utf8")) as RecordedResource[]) : undefined,
    ];
}

/** The flags after `npm run synth --`; throws a UsageError naming the first one it does not take (the docs' commands are checked with it). */
export function parseArgs(argv: string[]): CliArgs {
    let stack: string | undefined;
    let out: string | undefined;
    let stackDir: string | undefined;
    let projectDir = PROJECT_DIR;
    const references: Record<string, Record<string, unknown>> = {};
    const referencedResources: Record<string, RecordedResource[]> = {};
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
        } else if (flag === "--project" && value !== undefined) {
            projectDir = path.resolve(value);
            i++;
        } else if (flag === "--reference" && value !== undefined) {
            const [name, outputs, created] = readReference(value);
            references[name] = outputs;
            if (created) {
                referencedResources[name] = created;
            }
            i++;
        } else {
            throw new UsageError(`unexpected argument ${JSON.stringify(flag)}`);
        }
    }
    if (stack === undefined) {
        throw new UsageError("--stack is required");
    }
    const platform = projectDir === PROJECT_DIR;
    return {
        stack,
        out: out ?? path.join(PROJECT_DIR, "out", platform ? stack : `${path.basename(projectDir)}-${stack}`),
        stackDir: stackDir ?? projectDir,
        projectDir,
        references,
        referencedResources,
    };
}

export class UsageError extends Error {}

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
            `synth: ${(err as Error).message}\nusage: npm run synth -- --stack <name> [--out <dir>] [--stack-dir <dir holding Pulumi.<name>.yaml>] [--project <dir> --reference <stack>=<outputs.json> ...]`,
        );
        return 2;
    }
    try {
        const config = readStackConfig(args.stack, args.stackDir, args.projectDir);
        const platform = args.projectDir === PROJECT_DIR;
        const result = await synth({
            stack: args.stack,
            config,
            ...(platform ? {} : { projectDir: args.projectDir }),
            ...(Object.keys(args.references).length > 0 ? { references: args.references } : {}),
            ...(Object.keys(args.referencedResources).length > 0 ? { referencedResources: args.referencedResources } : {}),
        });
        if (!platform) {
            // A team's program: the policy pack judges its objects; the platform's report does not apply.
            const findings = checkResources(result.resources.map((r) => ({ type: r.type, name: r.name, props: r.inputs })));
            return finish(args, result, findings, findings);
        }
        // The program accepted this config, so parsing it again cannot fail.
        const settings = parseSettings({ project: projectName(), stack: args.stack, config, today: todayUtc() });
        const report = buildReport(args.stack, settings, result.resources);
        return finish(args, result, report, report.findings);
    } catch (err) {
        // The program's own errors (settings report, unknown stack) are for humans: no stack trace.
        const error = err as Error;
        const forHumans: boolean =
            error instanceof StackFileError ||
            error instanceof UnknownStackReferenceError ||
            error instanceof DeployModelError ||
            error instanceof UnmodelledNamesError ||
            pulumi.RunError.isInstance(err) ||
            /^Required output '.*' does not exist on stack/.test(error.message);
        console.error(`synth: stack ${args.stack} failed:\n${forHumans ? error.message : String(error.stack)}`);
        return 1;
    }
}

/** Writes the files, prints the findings, and fails on a mandatory one. */
function finish(args: CliArgs, result: SynthResult, report: Report | Finding[], findings: Finding[]): number {
    const written = writeSynth(result, report, args.out);
    console.log(`synth: stack ${args.stack}: ${result.resources.length} resources`);
    written.forEach((f) => console.log(`  wrote ${path.relative(process.cwd(), f)}`));
    for (const f of findings) {
        console.error(`${f.enforcement}: [${f.policy}] ${f.resource}: ${f.message}`);
    }
    const mandatory = findings.filter((f) => f.enforcement === "mandatory");
    if (mandatory.length > 0) {
        console.error(`synth: stack ${args.stack} failed: ${mandatory.length} mandatory policy violation(s)`);
        return 1;
    }
    return 0;
}
