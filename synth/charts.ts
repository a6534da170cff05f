// The CRDs a pinned Helm chart ships, read from the chart's own files (the pinned charts stored in
// /work/shared/upstream/charts, see its README), so the order model knows which release a custom
// resource waits for. Read, never copied: nothing here is checked in.
import * as fs from "fs";
import * as path from "path";
import { parseAllDocuments } from "yaml";

/** Where the pinned charts are stored (`<chart>-<version>/`); ZDE_UPSTREAM_CHARTS overrides it. */
export const UPSTREAM_CHARTS = process.env.ZDE_UPSTREAM_CHARTS ?? "/work/shared/upstream/charts";

/** One CustomResourceDefinition a chart installs. */
export interface ChartCrd {
    group: string;
    kind: string;
    scope: string;
    /** `crds` (Helm installs it on first install, skipped with skipCrds) or `templates` (rendered like any object). */
    from: "crds" | "templates";
}

export interface ChartFiles {
    dir: string;
    /** Set when the exact version is not stored and the newest lower patch stands in (the charts README's rule). */
    standIn?: string;
}

/** The chart name of a release's `chart` input: its last path segment (`oci://…/karpenter-crd` → `karpenter-crd`). */
export function chartName(chart: string): string {
    return chart.slice(chart.lastIndexOf("/") + 1);
}

/**
 * The stored files of `chart` at `version`, or, when that version is not stored, of the newest lower
 * patch of the same major.minor (the README's stand-in rule: Istio 1.30.5 is rendered with 1.30.3).
 */
export function findChart(chart: string, version: string, root = UPSTREAM_CHARTS): ChartFiles | undefined {
    const name = chartName(chart);
    const exact = path.join(root, `${name}-${version}`);
    if (fs.existsSync(exact)) {
        return { dir: exact };
    }
    const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(version);
    if (!m || !fs.existsSync(root)) {
        return undefined;
    }
    const [major, minor, patch] = m.slice(1).map(Number);
    const lower = fs
        .readdirSync(root)
        .map((d) => new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}-(\\d+)\\.(\\d+)\\.(\\d+)$`).exec(d))
        .filter((x): x is RegExpExecArray => x !== null)
        .map((x) => ({ dir: x[0], v: x.slice(1).map(Number) }))
        .filter(({ v }) => v[0] === major && v[1] === minor && v[2] < patch)
        .sort((a, b) => b.v[2] - a.v[2]);
    return lower.length > 0 ? { dir: path.join(root, lower[0].dir), standIn: lower[0].dir } : undefined;
}

function yamlFiles(dir: string): string[] {
    if (!fs.existsSync(dir)) {
        return [];
    }
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const full = path.join(dir, e.name);
        return e.isDirectory() ? yamlFiles(full) : /\.ya?ml$/.test(e.name) ? [full] : [];
    });
}

/** CRD documents in YAML text; Helm actions are blanked first (a template's own YAML is kept). */
function crdsIn(text: string, from: ChartCrd["from"]): ChartCrd[] {
    const crds: ChartCrd[] = [];
    // Only documents that are CRDs are parsed, and only up to their schemas (`versions:`, the bulk
    // of the file): group, names and scope come before it in every stored chart.
    for (const raw of text.split(/^---\s*$/m)) {
        if (!/^kind:\s*CustomResourceDefinition\s*$/m.test(raw)) {
            continue;
        }
        const head = raw
            .split(/^ {2}versions:/m)[0]
            .split("\n")
            .filter((line) => !/^\s*\{\{.*\}\}\s*$/.test(line))
            .join("\n")
            .replace(/\{\{.*?\}\}/g, "x");
        for (const doc of parseAllDocuments(head, { uniqueKeys: false })) {
            if (doc.errors.length > 0) {
                continue;
            }
            const obj = doc.toJS() as { kind?: string; spec?: { group?: string; scope?: string; names?: { kind?: string } } } | null;
            if (obj?.kind === "CustomResourceDefinition" && obj.spec?.group && obj.spec.names?.kind) {
                crds.push({ group: obj.spec.group, kind: obj.spec.names.kind, scope: obj.spec.scope ?? "Namespaced", from });
            }
        }
    }
    return crds;
}

// Charts do not change during a run; the tests synthesize dozens of stacks in one process.
const parsed = new Map<string, ChartCrd[]>();

/**
 * The CRDs a chart installs: its crds/ directory (unless the release skips it) and the CRDs its
 * templates render, from the template files and the chart files they read with `.Files.Get`
 * (Istio's base chart renders files/crd-all.gen.yaml this way), subcharts included. Template
 * conditions are not evaluated: a CRD behind an `if` counts as shipped.
 */
export function chartCrds(dir: string, options: { skipCrds?: boolean } = {}): ChartCrd[] {
    const key = `${dir}|${options.skipCrds === true}`;
    const cached = parsed.get(key);
    if (cached) {
        return cached;
    }
    const crds: ChartCrd[] = [];
    if (!options.skipCrds) {
        for (const file of yamlFiles(path.join(dir, "crds"))) {
            crds.push(...crdsIn(fs.readFileSync(file, "utf8"), "crds"));
        }
    }
    for (const file of yamlFiles(path.join(dir, "templates"))) {
        const text = fs.readFileSync(file, "utf8");
        crds.push(...crdsIn(text, "templates"));
        for (const m of text.matchAll(/\.Files\.Get\s+"([^"]+)"/g)) {
            const included = path.join(dir, m[1]);
            if (fs.existsSync(included)) {
                crds.push(...crdsIn(fs.readFileSync(included, "utf8"), "templates"));
            }
        }
    }
    const subcharts = path.join(dir, "charts");
    if (fs.existsSync(subcharts)) {
        for (const sub of fs.readdirSync(subcharts, { withFileTypes: true }).filter((e) => e.isDirectory())) {
            crds.push(...chartCrds(path.join(subcharts, sub.name), options));
        }
    }
    const unique = [...new Map(crds.map((c) => [`${c.kind}.${c.group}|${c.from}`, c])).values()];
    parsed.set(key, unique);
    return unique;
}
