// The values keys each pinned chart really reads, derived from its templates, committed under
// test/fixtures/chart-keys/ so the tests can check every value the program sets without the charts.
//
// Why: Helm ignores a values key no template reads, without a word (issue 22.17: Kiali's
// `deployment.ingress_enabled`, copied from Istio's sample values, is read by no template of
// kiali-server 2.26.0, whose templates read `deployment.ingress.enabled`). A chart's values.yaml is
// not the list of what it reads: templates read keys it lacks, and Kiali writes all of `.Values` into
// its config.yaml, whose schema is the Kiali CRD (stored as config-schemas/kiali-server-2.26.0.yaml).
//
// Run: `node --import tsx scripts/chart-keys.ts [charts dir]` (default /work/shared/upstream/charts,
// the pinned charts as published: see its README.md for each chart's repository and commit). It
// rewrites test/fixtures/chart-keys/*.json; `--check` only reports files that would change.
//
// What counts as read, per `{{ … }}` action of every file under templates/ and files/ (istiod's
// injection templates in files/ read the same `.Values`), subcharts under charts/ included with
// their key prefix (the dependency's alias or name; `global` stays global):
// - `.Values.a.b` / `$.Values.a.b`, `index .Values.a "b" "c"`, `hasKey .Values.a "b"`: the path read;
// - the same path handed on whole (toYaml, toJson, tpl, range, with, include, a `:=` variable, …):
//   every key below it counts as read ("subtrees");
// - a dependency's `condition` in Chart.yaml (read by Helm itself).
import * as fs from "node:fs";
import * as path from "node:path";
import * as prettier from "prettier";
import { parse, parseAllDocuments } from "yaml";

/** One chart's keys as committed. */
export interface ChartKeys {
    /** Chart name and version (Chart.yaml), e.g. kiali-server 2.26.0. */
    chart: string;
    version: string;
    /** Where the chart was read: repository, path and commit (the upstream charts' README.md). */
    source: string;
    /** Every dotted path a template reads. */
    reads: string[];
    /** Paths handed on whole: every key below one is read. */
    subtrees: string[];
    /** Kiali: the paths of its config.yaml schema (the Kiali CRD's spec) and those open to any key below. */
    configSchema?: { source: string; paths: string[]; open: string[] };
}

const SEGMENT = "[A-Za-z0-9_]+";
const REFERENCE = new RegExp(`\\$?\\.Values((?:\\.${SEGMENT})*)`, "g");
const INDEXED = new RegExp(`index\\s+\\$?\\.Values((?:\\.${SEGMENT})*)((?:\\s+"[^"]+")+)`, "g");
const HAS_KEY = new RegExp(`hasKey\\s+\\$?\\.Values((?:\\.${SEGMENT})*)\\s+"([^"]+)"`, "g");
// A reference handed on whole: the argument of a function that reads all of it, a variable's value,
// or the subject of range/with (whose body reads it relative to `.`, out of this scan's sight).
const WHOLE_BEFORE = /\b(toYaml|toJson|toPrettyJson|toRawJson|tpl|deepCopy|keys|values|include\s+"[^"]*")\s*\(?\s*$/;
// Functions of several maps (merge's later arguments, omit's and pick's first) and assignments: every reference in reach.
const WHOLE_ANYWHERE_BEFORE = /\b(merge|mergeOverwrite|omit|pick|dig|pluck)\b[^|]*$|:=|[^=!<>]=[^=]/;
const WHOLE_AFTER = /^\s*\|\s*(toYaml|toJson|toPrettyJson|toRawJson|tpl)\b/;
const SCOPE = /^\s*(range|with)\b/;
const DYNAMIC_INDEX_BEFORE = /\bindex\s*$/;
const LITERAL_KEY_AFTER = /^\s+"/;

const dotted = (chain: string): string[] => chain.split(".").filter((s) => s !== "");
const quoted = (list: string): string[] => [...list.matchAll(/"([^"]+)"/g)].map((m) => m[1]);

/** The values paths one template text reads, and those it hands on whole. Root references (`.Values` alone) are left out. */
export function templateReads(text: string): { reads: Set<string>; subtrees: Set<string> } {
    const reads = new Set<string>();
    const subtrees = new Set<string>();
    for (const action of text.matchAll(/\{\{-?([\s\S]*?)-?\}\}/g)) {
        const body = action[1];
        if (/^\s*\/\*/.test(body)) {
            continue; // A template comment.
        }
        const scoped = SCOPE.test(body);
        for (const m of body.matchAll(INDEXED)) {
            reads.add([...dotted(m[1]), ...quoted(m[2])].join("."));
        }
        for (const m of body.matchAll(HAS_KEY)) {
            // hasKey only asks whether the key is there: a read of that key, never of its subtree.
            reads.add([...dotted(m[1]), m[2]].join("."));
        }
        for (const m of body.matchAll(REFERENCE)) {
            const segments = dotted(m[1]);
            if (segments.length === 0) {
                continue;
            }
            const key = segments.join(".");
            reads.add(key);
            const before = body.slice(0, m.index);
            const after = body.slice(m.index + m[0].length);
            const dynamicIndex = DYNAMIC_INDEX_BEFORE.test(before) && !LITERAL_KEY_AFTER.test(after);
            if (scoped || dynamicIndex || WHOLE_BEFORE.test(before) || WHOLE_ANYWHERE_BEFORE.test(before) || WHOLE_AFTER.test(after)) {
                subtrees.add(key);
            }
        }
    }
    return { reads, subtrees };
}

function filesUnder(dir: string): string[] {
    if (!fs.existsSync(dir)) {
        return [];
    }
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const full = path.join(dir, e.name);
        return e.isDirectory() ? filesUnder(full) : [full];
    });
}

interface ChartYaml {
    name: string;
    version: string;
    dependencies?: { name: string; alias?: string; condition?: string }[];
}

/** A chart directory's reads and subtrees, its subcharts' under their prefix. */
function chartReads(dir: string, prefix: string[]): { reads: Set<string>; subtrees: Set<string> } {
    const reads = new Set<string>();
    const subtrees = new Set<string>();
    const under = (key: string) =>
        prefix.length === 0 || key === "global" || key.startsWith("global.") ? key : [...prefix, key].join(".");
    for (const file of [...filesUnder(path.join(dir, "templates")), ...filesUnder(path.join(dir, "files"))]) {
        const found = templateReads(fs.readFileSync(file, "utf8"));
        found.reads.forEach((k) => reads.add(under(k)));
        found.subtrees.forEach((k) => subtrees.add(under(k)));
    }
    const chart = parse(fs.readFileSync(path.join(dir, "Chart.yaml"), "utf8")) as ChartYaml;
    for (const dep of chart.dependencies ?? []) {
        for (const condition of (dep.condition ?? "").split(",").filter((c) => c.trim() !== "")) {
            reads.add(under(condition.trim()));
        }
        const subdir = path.join(dir, "charts", dep.name);
        if (!fs.existsSync(subdir)) {
            throw new Error(`${dir}: dependency ${dep.name} is not stored under charts/`);
        }
        const sub = chartReads(subdir, [...prefix, dep.alias ?? dep.name]);
        sub.reads.forEach((k) => reads.add(k));
        sub.subtrees.forEach((k) => subtrees.add(k));
    }
    return { reads, subtrees };
}

interface SchemaNode {
    properties?: Record<string, SchemaNode>;
    additionalProperties?: unknown;
    items?: SchemaNode;
    "x-kubernetes-preserve-unknown-fields"?: boolean;
}

/** Every property path of an OpenAPI schema, and the paths below which any key is allowed. */
export function schemaPaths(node: SchemaNode, prefix: string[] = [], out = { paths: [] as string[], open: [] as string[] }) {
    for (const [name, child] of Object.entries(node.properties ?? {})) {
        const key = [...prefix, name];
        out.paths.push(key.join("."));
        if (
            child["x-kubernetes-preserve-unknown-fields"] === true ||
            child.additionalProperties !== undefined ||
            child.items !== undefined
        ) {
            // A free-form map, or a list (values set a list whole): any key below is the setting's own.
            out.open.push(key.join("."));
        }
        schemaPaths(child, key, out);
    }
    return out;
}

/** "repository path at commit" of a chart directory, from the upstream charts' README table. */
function sourceOf(chartsDir: string, dirName: string): string {
    const readme = fs.readFileSync(path.join(chartsDir, "README.md"), "utf8");
    const row = readme.split("\n").find((line) => line.startsWith(`| \`${dirName}\``));
    if (row === undefined) {
        throw new Error(`${chartsDir}/README.md has no row for ${dirName}`);
    }
    const [, , repo, where, commit] = row.split("|").map((c) => c.trim().replace(/`/g, ""));
    return `${repo} ${where} at ${commit}`;
}

/** The keys of one stored chart directory. */
export function chartKeys(chartsDir: string, dirName: string): ChartKeys {
    const dir = path.join(chartsDir, dirName);
    const chart = parse(fs.readFileSync(path.join(dir, "Chart.yaml"), "utf8")) as ChartYaml;
    const { reads, subtrees } = chartReads(dir, []);
    const keys: ChartKeys = {
        chart: chart.name,
        version: String(chart.version),
        source: sourceOf(chartsDir, dirName),
        reads: [...reads].sort(),
        subtrees: [...subtrees].sort(),
    };
    const schemaFile = path.join(chartsDir, "config-schemas", `${dirName}.yaml`);
    if (fs.existsSync(schemaFile)) {
        const crd = parseAllDocuments(fs.readFileSync(schemaFile, "utf8"))
            .map((d) => d.toJS() as { kind?: string; spec?: { versions: { schema: { openAPIV3Schema: SchemaNode } }[] } })
            .find((d) => d?.kind === "CustomResourceDefinition");
        const spec = crd?.spec?.versions[0].schema.openAPIV3Schema.properties?.spec;
        if (spec === undefined) {
            throw new Error(`${schemaFile}: no CustomResourceDefinition with a spec schema`);
        }
        const { paths, open } = schemaPaths(spec);
        keys.configSchema = { source: sourceOf(chartsDir, `config-schemas/${dirName}.yaml`), paths: paths.sort(), open: open.sort() };
    }
    return keys;
}

/** Every leaf path of a values object (a list, a scalar or an empty map is a leaf: it is set whole). */
export function valuePaths(values: unknown, prefix: string[] = []): string[] {
    if (typeof values !== "object" || values === null || Array.isArray(values) || Object.keys(values).length === 0) {
        return prefix.length === 0 ? [] : [prefix.join(".")];
    }
    return Object.entries(values).flatMap(([k, v]) => valuePaths(v, [...prefix, k]));
}

const within = (key: string, parent: string) => key === parent || key.startsWith(`${parent}.`);

/**
 * The paths of `values` no template of the chart reads: neither read as such (or below, when the
 * program sets a map whole), nor under a subtree handed on whole, nor (Kiali) a setting of its
 * config.yaml schema. Helm passes such a key to nothing.
 */
export function unreadPaths(values: unknown, keys: ChartKeys): string[] {
    const schema = keys.configSchema;
    return valuePaths(values).filter(
        (p) =>
            !keys.reads.some((r) => within(r, p)) &&
            !keys.subtrees.some((s) => within(p, s)) &&
            !(schema && (schema.paths.includes(p) || schema.open.some((o) => within(p, o)))),
    );
}

export const KEYS_DIR = path.join(__dirname, "..", "test", "fixtures", "chart-keys");

async function main(argv: string[]): Promise<number> {
    const check = argv.includes("--check");
    const chartsDir = argv.find((a) => !a.startsWith("--")) ?? "/work/shared/upstream/charts";
    const dirs = fs
        .readdirSync(chartsDir, { withFileTypes: true })
        .filter((e) => e.isDirectory() && fs.existsSync(path.join(chartsDir, e.name, "Chart.yaml")))
        .map((e) => e.name)
        .sort();
    fs.mkdirSync(KEYS_DIR, { recursive: true });
    let stale = 0;
    for (const dirName of dirs) {
        const file = path.join(KEYS_DIR, `${dirName}.json`);
        // Written as `npm run format` would leave it, so `prettier --check .` stays green.
        const text = await prettier.format(JSON.stringify(chartKeys(chartsDir, dirName)), {
            ...(await prettier.resolveConfig(file)),
            filepath: file,
        });
        if (fs.existsSync(file) && fs.readFileSync(file, "utf8") === text) {
            continue;
        }
        stale++;
        console.log(`${check ? "stale" : "wrote"} ${path.relative(process.cwd(), file)}`);
        if (!check) {
            fs.writeFileSync(file, text);
        }
    }
    return check && stale > 0 ? 1 : 0;
}

if (require.main === module) {
    void main(process.argv.slice(2)).then((code) => (process.exitCode = code));
}
