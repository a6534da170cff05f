// The library teams install (packages/zero-downtime-eks-service): its manifest, and the journey a team
// takes with it (test/packages/journey.ts: pack, install outside the repository, compile, run), started
// as a child process when this file loads so it runs beside the rest of the suite.
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import ts from "typescript";
import { PROJECT_DIR } from "../../synth/engine";
import { startProcess } from "../harness";
import { BUILD_TSCONFIG, COMPILE_CONFIGS, type Journey } from "./journey";

const PACKAGE_DIR = path.join(PROJECT_DIR, "packages", "zero-downtime-eks-service");
const LIBRARY = "zero-downtime-eks-service";
const readJson = (file: string) => JSON.parse(fs.readFileSync(file, "utf8"));
const manifest = readJson(path.join(PACKAGE_DIR, "package.json")) as {
    name: string;
    version: string;
    exports: Record<string, { types: string; default: string } | string>;
    typesVersions: Record<string, Record<string, string[]>>;
    dependencies?: Record<string, string>;
    peerDependencies: Record<string, string>;
    peerDependenciesMeta: Record<string, { optional: boolean }>;
    scripts: Record<string, string>;
};

// The journey, started now; every test below that needs it awaits the same run.
const started = startProcess([path.join(PROJECT_DIR, "scripts", "launch.cjs"), path.join("test", "packages", "journey.ts")], {
    cwd: PROJECT_DIR,
});
const journey: Promise<Journey> = started.then((r) => {
    const line = r.stdout.trim().split("\n").pop() ?? "";
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(line) as Journey;
});
/** The journey, failing the test with the step that failed. */
async function completed(): Promise<Journey> {
    const j = await journey;
    assert.equal(j.failed, undefined, j.failed);
    return j;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports -- semver comes with @pulumi/pulumi (its dependency)
const semver = require(require.resolve("semver", { paths: [path.join(PROJECT_DIR, "node_modules", "@pulumi", "pulumi")] })) as {
    satisfies(v: string, r: string): boolean;
    minVersion(r: string): { version: string } | null;
};
const installedVersion = (name: string) =>
    (readJson(path.join(PROJECT_DIR, "node_modules", ...name.split("/"), "package.json")) as { version: string }).version;

describe("the zero-downtime-eks-service package", () => {
    it("issue 23.6: the Pulumi SDKs are peers, nothing else is a dependency; the ranges admit this repository's versions, and @pulumi/pulumi's floor is the one @pulumi/kubernetes and @pulumi/aws require", () => {
        assert.equal(manifest.dependencies, undefined);
        assert.deepEqual(Object.keys(manifest.peerDependencies).sort(), ["@pulumi/aws", "@pulumi/kubernetes", "@pulumi/pulumi"]);
        for (const [name, range] of Object.entries(manifest.peerDependencies)) {
            assert.ok(semver.satisfies(installedVersion(name), range), `${name} ${installedVersion(name)} outside ${range}`);
        }
        // One @pulumi/pulumi for all three: the peer floor is what the SDKs built on it ask for (their package.json).
        for (const sdk of ["@pulumi/kubernetes", "@pulumi/aws"]) {
            const theirs = (
                readJson(path.join(PROJECT_DIR, "node_modules", ...sdk.split("/"), "package.json")) as {
                    dependencies: Record<string, string>;
                }
            ).dependencies["@pulumi/pulumi"];
            assert.equal(semver.minVersion(manifest.peerDependencies["@pulumi/pulumi"])?.version, semver.minVersion(theirs)?.version, sdk);
        }
        // Only ./irsa needs AWS.
        assert.deepEqual(manifest.peerDependenciesMeta, { "@pulumi/aws": { optional: true } });
        assert.match(manifest.version, /^\d+\.\d+\.\d+$/);
        assert.match(
            fs.readFileSync(path.join(PACKAGE_DIR, "CHANGELOG.md"), "utf8"),
            new RegExp(`^## ${manifest.version.replace(/\./g, "\\.")}$`, "m"),
        );
    });

    it("this repository type-checks the example against the sources the package compiles: tsconfig paths and the exports name the same modules", () => {
        // tsconfig.json has comments: read as TypeScript reads it.
        const tsconfig = ts.readConfigFile(path.join(PROJECT_DIR, "tsconfig.json"), (f) => ts.sys.readFile(f)).config as {
            compilerOptions: { paths: Record<string, string[]> };
        };
        const paths = tsconfig.compilerOptions.paths;
        const fromExports = Object.fromEntries(
            Object.entries(manifest.exports)
                .filter(([key]) => key !== "./package.json")
                .map(([key, target]) => [
                    key === "." ? LIBRARY : `${LIBRARY}/${key.slice(2)}`,
                    [`./${(target as { default: string }).default.replace(/^\.\/dist\//, "").replace(/\.js$/, ".ts")}`],
                ]),
        );
        assert.deepEqual(paths, fromExports);
        // typesVersions (for moduleResolution node, which ignores exports) says the same.
        for (const [sub, types] of Object.entries(manifest.typesVersions["*"])) {
            assert.deepEqual(types, [(manifest.exports[`./${sub}`] as { types: string }).types], sub);
        }
    });

    it("the example (a team's project) depends on this version's tarball", () => {
        const example = readJson(path.join(PROJECT_DIR, "examples", "team-service", "package.json")) as {
            dependencies: Record<string, string>;
        };
        assert.equal(example.dependencies[LIBRARY], `file:../../packages/${LIBRARY}/${LIBRARY}-${manifest.version}.tgz`);
    });

    it("npm pack builds dist/ as the journey does: prepack runs the build, which compiles the journey's tsconfig with tsc", () => {
        assert.equal(manifest.scripts.prepack, "npm run build");
        assert.equal(manifest.scripts.build, `tsc -p ${BUILD_TSCONFIG}`);
    });

    it("issue 23.1: npm pack makes compiled JavaScript with declarations: no TypeScript source, nothing of the platform program", async () => {
        const { packedFiles } = await completed();
        const code = packedFiles.filter((f) => f.startsWith("dist/"));
        assert.ok(code.length > 0);
        for (const f of code) {
            assert.match(f, /\.(js|d\.ts)$/, f);
        }
        for (const entry of Object.values(manifest.exports)) {
            for (const target of typeof entry === "string" ? [entry] : [entry.types, entry.default]) {
                assert.ok(packedFiles.includes(target.replace(/^\.\//, "")), `${target} is not in the tarball`);
            }
        }
        // The platform program and its config readers, the offline engine, the live-cluster proof: none of it.
        assert.deepEqual(
            code.filter((f) => /^dist\/(index\.|stacks\/|synth\/|verify\/|policy\/)/.test(f)),
            [],
        );
    });

    it("issue 23.1: installed from the tarball into a fresh project outside the repository, with its declared peers only", async () => {
        const j = await completed();
        assert.ok(!path.resolve(j.projectDir).startsWith(PROJECT_DIR + path.sep), `${j.projectDir} is inside the repository`);
        assert.deepEqual(j.installedModules, [LIBRARY], "npm brought nothing but the package");
        assert.equal(j.installed.version, manifest.version);
        for (const [key, [range, version, ok]] of Object.entries(j.versions)) {
            assert.ok(ok, `${key}: ${version} is outside ${range}`);
        }
    });

    it("issue 23.6: the package root is the service component, not the platform program: plain Node loads it with no Pulumi engine and no @pulumi/aws; only ./irsa needs that optional peer", async () => {
        const { withoutAws } = await completed();
        assert.match(withoutAws.root, /^loaded: .*\bZeroDowntimeService\b.*\bserviceArgs\b/);
        assert.match(withoutAws.irsa, /Cannot find module '@pulumi\/aws\/iam'/);
    });

    it("the package's build parses @pulumi/aws's IAM module and its shared types only, not the package root with every AWS service", async () => {
        assert.deepEqual((await completed()).buildAwsEntries, ["iam", "types"]);
    });

    for (const config of Object.keys(COMPILE_CONFIGS)) {
        it(`issue 23.1${config === "strict" ? "/23.6" : ""}: the team's program and the package's declarations compile under ${config === "template" ? "Pulumi's template tsconfig (module nodenext)" : config === "template-2024" ? "the template's previous tsconfig (module commonjs, moduleResolution node: typesVersions)" : "a strict tsconfig with exactOptionalPropertyTypes"}`, async () => {
            const j = await completed();
            assert.deepEqual(j.diagnostics[config], []);
            // The package's own declarations were among the files checked, the subpath ./irsa's included.
            assert.ok(j.checkedDeclarations[config].includes("dist/components/app/index.d.ts"), j.checkedDeclarations[config].join(", "));
            assert.ok(j.checkedDeclarations[config].includes("dist/components/iam/service-account-role.d.ts"));
        });
    }

    it("issue 23.1: the compiled program runs with plain Node, under Pulumi mocks, against the platform's synthesized outputs", async () => {
        const j = await completed();
        assert.ok(!("error" in j.ran), String((j.ran as { error?: string }).error));
        const ran = j.ran as {
            tsHookWhileRunning: string;
            platformOutputs: Record<string, unknown>;
            resources: { type: string; inputs: { metadata?: { namespace?: string } } }[];
            outputs: Record<string, unknown>;
            loaded: string[];
        };
        assert.equal(ran.tsHookWhileRunning, "undefined", "no TypeScript hook while the program ran");
        assert.ok(
            ran.loaded.some((f) => f.endsWith(path.join("dist", "components", "app", "zero-downtime-service.js"))),
            "the installed package's code ran",
        );
        const deployment = ran.resources.find((r) => r.type === "kubernetes:apps/v1:Deployment");
        assert.equal(deployment?.inputs.metadata?.namespace, "orders");
        assert.ok(
            ran.resources.some((r) => r.type === "aws:iam/role:Role"),
            "the IRSA role (./irsa)",
        );
        assert.equal(ran.outputs.url, `http://${String(ran.platformOutputs.ingressHost)}/orders/`);
    });
});
