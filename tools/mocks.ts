// The one harness that evaluates the real index.ts without a Pulumi CLI, credentials or network:
// Pulumi's mock monitor stands in for the engine, and every registration is recorded as it would
// be sent to the engine (type, name, parent, dependencies, inputs). Tests and `npm run synth` both
// call `synthesize`.
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { parse as parseYaml } from "yaml";

/** Placeholder written wherever a secret value would appear. */
export const SECRET = "[secret]";
/** Account ID the mocks pretend to deploy into (AWS's documentation example account). */
export const MOCK_ACCOUNT = "123456789012";

/** One resource as the engine would have received it. */
export interface RecordedResource {
    type: string;
    name: string;
    /** Name of the parent resource; null for the stack itself. */
    parent: string | null;
    /** Names of the resources this one waits for on create and outlives on delete. */
    dependsOn: string[];
    inputs: Record<string, unknown>;
}

export interface SynthResult {
    stack: string;
    resources: RecordedResource[];
    /** Stack outputs, secrets replaced by {@link SECRET}. */
    outputs: Record<string, unknown>;
    /** Names of the outputs that are secret. */
    secretOutputs: string[];
}

export interface SynthOptions {
    /** Stack name, e.g. `dev`. */
    stack: string;
    /** Flat config map (`namespace:key` → string, structured values as JSON). Defaults to `Pulumi.<stack>.yaml`. */
    config?: Record<string, string>;
    /** Project directory (holds Pulumi.yaml and index.ts). */
    projectDir?: string;
}

export const PROJECT_DIR = path.resolve(__dirname, "..");

/** Reads the project name from Pulumi.yaml. */
export function projectName(projectDir = PROJECT_DIR): string {
    const doc = parseYaml(fs.readFileSync(path.join(projectDir, "Pulumi.yaml"), "utf8")) as { name: string };
    return doc.name;
}

/** A stack file that is missing or is not YAML. */
export class StackFileError extends Error {}

/**
 * Reads `Pulumi.<stack>.yaml` into the flat map the Pulumi CLI hands a program: unqualified keys
 * get the project namespace, objects and lists become JSON text, `secure:` values become a placeholder.
 */
export function readStackConfig(stack: string, stackDir = PROJECT_DIR): Record<string, string> {
    const file = path.join(stackDir, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(file)) {
        const known = fs
            .readdirSync(stackDir)
            .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
            .filter((s): s is string => s !== undefined);
        throw new StackFileError(`No stack file ${path.basename(file)}; known stacks: ${known.join(", ")}`);
    }
    let doc: { config?: Record<string, unknown> };
    try {
        doc = (parseYaml(fs.readFileSync(file, "utf8")) ?? {}) as typeof doc;
    } catch (err) {
        throw new StackFileError(`${path.basename(file)} is not valid YAML: ${(err as Error).message}`);
    }
    const project = projectName();
    const config: Record<string, string> = {};
    for (const [key, value] of Object.entries(doc.config ?? {})) {
        const fullKey = key.includes(":") ? key : `${project}:${key}`;
        const isSecure = typeof value === "object" && value !== null && "secure" in value;
        config[fullKey] = isSecure ? SECRET : typeof value === "string" ? value : JSON.stringify(value);
    }
    return config;
}

function shortHash(text: string): string {
    return crypto.createHash("sha256").update(text).digest("hex").slice(0, 17);
}

/** Name of a URN's resource (its last `::` segment). */
function urnName(urn: string): string {
    return urn.slice(urn.lastIndexOf("::") + 2);
}

// Signature Pulumi uses to mark a secret value on the wire (sdk/nodejs/runtime/rpc.ts).
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const SIG_KEY = "4dabf18193072939515e22adb298388d";

/** Makes inputs JSON-friendly: resources become their names, secrets the placeholder. */
function plain(value: unknown): unknown {
    if (pulumi.Resource.isInstance(value)) {
        return (value as unknown as { __name: string }).__name;
    }
    if (Array.isArray(value)) {
        return value.map(plain);
    }
    if (typeof value === "object" && value !== null) {
        const obj = value as Record<string, unknown>;
        if (obj[SIG_KEY] === SECRET_SIG) {
            return SECRET;
        }
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(obj)) {
            if (v !== undefined) {
                out[k] = plain(v);
            }
        }
        return out;
    }
    return value;
}

/** Outputs of a remote (multi-language) component or a provider-computed field, as AWS would return them. */
function mockState(type: string, name: string, inputs: Record<string, unknown>, region: string): Record<string, unknown> {
    const id = shortHash(`${type}/${name}`);
    switch (type) {
        case "awsx:ec2:Vpc": {
            const azs = Number(inputs.numberOfAvailabilityZones ?? 3);
            const subnets = (kind: string) => Array.from({ length: azs }, (_, i) => `subnet-${kind}${i}${id.slice(0, 8)}`);
            return { vpcId: `vpc-${id}`, publicSubnetIds: subnets("a"), privateSubnetIds: subnets("b") };
        }
        case "eks:index:Cluster": {
            const issuer = `oidc.eks.${region}.amazonaws.com/id/${id.toUpperCase()}`;
            const clusterName = typeof inputs.name === "string" ? inputs.name : name;
            const kubeconfig = {
                apiVersion: "v1",
                kind: "Config",
                clusters: [{ name: clusterName, cluster: { server: `https://${id}.gr7.${region}.eks.amazonaws.com` } }],
                users: [{ name: "aws", user: { exec: { command: "aws", args: ["eks", "get-token", "--cluster-name", clusterName] } } }],
            };
            return {
                kubeconfig,
                kubeconfigJson: JSON.stringify(kubeconfig),
                oidcProviderArn: `arn:aws:iam::${MOCK_ACCOUNT}:oidc-provider/${issuer}`,
                oidcProviderUrl: issuer,
                oidcIssuer: `https://${issuer}`,
                eksCluster: { name: clusterName, version: inputs.version, vpcConfig: { clusterSecurityGroupId: `sg-${id}` } },
            };
        }
        case "kubernetes:networking.k8s.io/v1:Ingress":
            // The controller writes the ALB's DNS name into the Ingress status once the ALB exists.
            return {
                ...inputs,
                status: {
                    loadBalancer: { ingress: [{ hostname: `k8s-${id.slice(0, 8)}-${id.slice(8, 16)}.${region}.elb.amazonaws.com` }] },
                },
            };
        case "eks:index:ManagedNodeGroup":
            return { nodeGroup: { nodeGroupName: `${name}-${id.slice(0, 8)}` } };
        default: {
            const [, module] = type.split(":");
            const service = module.split("/")[0];
            return {
                ...inputs,
                name: inputs.name ?? `${name}-${id.slice(0, 7)}`,
                arn: `arn:aws:${service}:${region}:${MOCK_ACCOUNT}:${name}`,
            };
        }
    }
}

type MonitorLike = { registerResource: (req: RegisterRequest, cb: unknown) => Promise<void> };
interface RegisterRequest {
    getType(): string;
    getName(): string;
    getParent(): string;
    getDependenciesList(): string[];
}

async function resolve(value: pulumi.Output<unknown>): Promise<{ value: unknown; secret: boolean }> {
    const internal = value as unknown as { promise(): Promise<unknown>; isSecret: Promise<boolean> };
    return { value: await internal.promise(), secret: await internal.isSecret };
}

/**
 * Evaluates the project's index.ts for one stack under mocks and returns every resource it
 * registered and its outputs. Throws the program's own error (e.g. the settings report) on failure.
 */
export async function synthesize(options: SynthOptions): Promise<SynthResult> {
    const projectDir = options.projectDir ?? PROJECT_DIR;
    const project = projectName(projectDir);
    const config = options.config ?? readStackConfig(options.stack, projectDir);
    const region = config["aws:region"] ?? "us-east-1";

    const inputsByUrnName = new Map<string, Record<string, unknown>>();
    const recorded: RecordedResource[] = [];
    const mocks: pulumi.runtime.Mocks = {
        newResource(args) {
            const inputs = plain(args.inputs) as Record<string, unknown>;
            inputsByUrnName.set(`${args.type}::${args.name}`, inputs);
            return { id: `${args.name}-id`, state: mockState(args.type, args.name, args.inputs as Record<string, unknown>, region) };
        },
        call(args) {
            return args.inputs as Record<string, unknown>;
        },
    };
    await pulumi.runtime.setMocks(mocks, project, options.stack, false);
    pulumi.runtime.setAllConfig(
        config,
        Object.keys(config).filter((k) => config[k] === SECRET),
    );

    // Wrap the mock monitor to see what only the engine sees: parent and dependencies.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const settings = require("@pulumi/pulumi/runtime/settings") as { getMonitor(): MonitorLike; waitForRPCs(): Promise<void> };
    const monitor = settings.getMonitor();
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = async (req, cb) => {
        await register(req, cb);
        recorded.push({
            type: req.getType(),
            name: req.getName(),
            parent: req.getParent() ? urnName(req.getParent()) : null,
            dependsOn: [...new Set(req.getDependenciesList().map(urnName))].sort(),
            inputs: inputsByUrnName.get(`${req.getType()}::${req.getName()}`) ?? {},
        });
    };

    const entry = path.join(projectDir, "index.ts");
    delete require.cache[require.resolve(entry)];
    // Like Pulumi's Node language host, treat a rejection nobody handled as the program failing.
    const programErrors: unknown[] = [];
    const onUnhandled = (err: unknown) => programErrors.push(err);
    process.on("unhandledRejection", onUnhandled);
    // The module's exports are the stack outputs; keep them as Outputs to see which are secret.
    let exported: Record<string, unknown> = {};
    try {
        await pulumi.runtime.runInPulumiStack(() => {
            // A program that throws while loading (bad settings) fails the run; catching it here
            // keeps the Stack's own promises from rejecting a second time, unhandled.
            try {
                // eslint-disable-next-line @typescript-eslint/no-require-imports
                exported = require(entry) as Record<string, unknown>;
            } catch (err) {
                programErrors.push(err);
            }
            return Promise.resolve(exported);
        });
        // Registrations finish asynchronously; wait until the RPC queue has drained.
        await settings.waitForRPCs();
    } catch (err) {
        programErrors.unshift(err);
    } finally {
        // Node reports unhandled rejections once the microtask queue is empty, before the next macrotask.
        await new Promise((resolve) => setImmediate(resolve));
        process.off("unhandledRejection", onUnhandled);
    }
    if (programErrors.length > 0) {
        throw programErrors[0];
    }

    const outputs: Record<string, unknown> = {};
    const secretOutputs: string[] = [];
    for (const [key, value] of Object.entries(exported)) {
        const { value: resolved, secret } = await resolve(pulumi.output(value));
        outputs[key] = secret ? SECRET : plain(resolved);
        if (secret) {
            secretOutputs.push(key);
        }
    }
    recorded.sort((a, b) => a.name.localeCompare(b.name) || a.type.localeCompare(b.type));
    return { stack: options.stack, resources: recorded, outputs, secretOutputs };
}
