// A stand-in API server that keeps objects and tracks their field ownership (metadata.managedFields)
// the way the Kubernetes docs describe Server-Side Apply (kubernetes/website content/en/docs/reference/
// using-api/server-side-apply.md), for as much as verify and Pulumi do to the app's objects:
//
// - apply (PATCH application/apply-patch+yaml, `fieldManager`, `force`): "fields that have a different
//   value and are owned by another manager will result in a conflict" (HTTP 409) unless forced, which
//   "removes the field from all other managers' entries"; the applier's entry becomes the fields it sent,
//   and setting a field to the value it has shares it ("they share ownership of that field").
// - update (PATCH application/merge-patch+json): never a conflict; "whenever a field's value does
//   change, ownership moves from its current manager to the manager making the change".
// - managedFields in an update's body replace the object's ("it is however possible to change
//   .metadata.managedFields through an update, or through a patch operation that does not use
//   Server-Side Apply"), before the changes in the same request are attributed to its manager; `[{}]`
//   strips them. A metadata.resourceVersion in the body is a precondition (409 when stale).
//
// Minimal where the app's objects allow it: lists are atomic (true of the HPA's metrics; nobody here
// changes any other list), and maps are granular but for those `atomic` names (the Service's selector:
// kubernetes/api core/v1 types.go `+mapType=atomic`).
import * as http from "node:http";
import { AddressInfo } from "node:net";
import type { ManagedFieldsEntry } from "../../verify/ownership";

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** Fields a manager cannot own: the object's identity and what the server keeps. */
const UNOWNED = [
    "apiVersion",
    "kind",
    "status",
    "metadata.name",
    "metadata.namespace",
    "metadata.resourceVersion",
    "metadata.managedFields",
];

export interface StandIn {
    url: string;
    /** The objects by URL path. */
    objects: Map<string, Json>;
    /** What each request was answered, in order. */
    answers: { method: string; path: string; manager: string; status: number; message?: string }[];
    close: () => void;
}

/** Every leaf field of an object: a path per field a manager can own (atomic maps and lists are one field). */
function leaves(value: unknown, atomic: string[], prefix: string[] = []): string[][] {
    if (!isObject(value) || atomic.includes(prefix.join("."))) {
        return UNOWNED.includes(prefix.join(".")) ? [] : [prefix];
    }
    return Object.entries(value).flatMap(([k, v]) => (UNOWNED.includes([...prefix, k].join(".")) ? [] : leaves(v, atomic, [...prefix, k])));
}

const at = (object: unknown, path: string[]): unknown => path.reduce<unknown>((node, k) => (isObject(node) ? node[k] : undefined), object);
const same = (a: unknown, b: unknown): boolean => JSON.stringify(sorted(a)) === JSON.stringify(sorted(b));
function sorted(v: unknown): unknown {
    return isObject(v)
        ? Object.fromEntries(
              Object.keys(v)
                  .sort()
                  .map((k) => [k, sorted(v[k])]),
          )
        : v;
}

/** A field set as fieldsV1: "f:<name>" keys, {} at each owned field. */
function toFieldsV1(paths: string[][]): Json {
    const root: Json = {};
    for (const path of paths) {
        let node = root;
        for (const k of path) {
            node = (node[`f:${k}`] ??= {}) as Json;
        }
    }
    return root;
}

function fromFieldsV1(fields: unknown, prefix: string[] = []): string[][] {
    if (!isObject(fields) || Object.keys(fields).length === 0) {
        return prefix.length === 0 ? [] : [prefix];
    }
    return Object.entries(fields).flatMap(([k, v]) => (k === "." ? [prefix] : fromFieldsV1(v, [...prefix, k.replace(/^f:/, "")])));
}

/** RFC 7386 JSON merge patch. */
function mergePatch(target: unknown, patch: unknown): unknown {
    if (!isObject(patch)) {
        return patch;
    }
    const result: Json = isObject(target) ? { ...target } : {};
    for (const [k, v] of Object.entries(patch)) {
        if (v === null) {
            delete result[k];
        } else {
            result[k] = mergePatch(result[k], v);
        }
    }
    return result;
}

interface Entry {
    manager: string;
    operation: "Apply" | "Update";
    apiVersion: string;
    fields: string[][];
}

const key = (p: string[]) => p.join(".");
const sameManager = (a: Entry, b: Pick<Entry, "manager" | "operation" | "apiVersion">) =>
    a.manager === b.manager && a.operation === b.operation && (a.operation === "Apply" || a.apiVersion === b.apiVersion);

function decode(object: Json): Entry[] {
    const entries = (at(object, ["metadata", "managedFields"]) as ManagedFieldsEntry[] | undefined) ?? [];
    return entries.map((e) => ({
        manager: e.manager ?? "",
        operation: e.operation === "Apply" ? "Apply" : "Update",
        apiVersion: e.apiVersion ?? "",
        fields: fromFieldsV1(e.fieldsV1),
    }));
}

function encode(entries: Entry[]): ManagedFieldsEntry[] {
    return entries
        .filter((e) => e.fields.length > 0)
        .map((e) => ({
            manager: e.manager,
            operation: e.operation,
            apiVersion: e.apiVersion,
            time: "2026-12-01T10:00:00Z",
            fieldsType: "FieldsV1",
            fieldsV1: toFieldsV1(e.fields),
        }));
}

/** Sets the value at `path` (creating maps), or deletes it when `value` is undefined. */
function put(object: Json, path: string[], value: unknown): void {
    const parent = path.slice(0, -1).reduce<Json>((node, k) => (isObject(node[k]) ? node[k] : (node[k] = {})), object);
    if (value === undefined) {
        delete parent[path[path.length - 1]];
    } else {
        parent[path[path.length - 1]] = value;
    }
}

/** A request as it arrives, for `before`. */
export interface Arriving {
    method: string;
    path: string;
    contentType?: string;
    body: string;
}

/**
 * Starts the stand-in with `objects` (URL path → object, each with apiVersion and metadata). `before`
 * runs as each request arrives, to play another client's write at that moment.
 */
export async function startStandIn(
    initial: Record<string, Json>,
    atomic: string[],
    before: (req: Arriving, objects: Map<string, Json>) => void = () => undefined,
): Promise<StandIn> {
    const objects = new Map(Object.entries(initial).map(([path, o]) => [path, structuredClone(o)]));
    let version = 1;
    const answers: StandIn["answers"] = [];
    const server = http.createServer((req, res) => {
        let text = "";
        req.on("data", (chunk: Buffer) => (text += chunk.toString()));
        req.on("end", () => {
            const url = new URL(req.url ?? "", "http://x");
            const manager = url.searchParams.get("fieldManager") ?? "";
            before({ method: req.method ?? "", path: url.pathname, contentType: req.headers["content-type"], body: text }, objects);
            const answer = (status: number, body: unknown, message?: string) => {
                answers.push({ method: req.method ?? "", path: url.pathname, manager, status, message });
                res.writeHead(status, { "content-type": "application/json" });
                res.end(JSON.stringify(body));
            };
            const failure = (code: number, reason: string, message: string) =>
                answer(code, { kind: "Status", apiVersion: "v1", status: "Failure", message, reason, code }, message);
            const live = objects.get(url.pathname);
            if (live === undefined) {
                return failure(404, "NotFound", `${url.pathname} not found`);
            }
            if (req.method === "GET") {
                return answer(200, live);
            }
            if (req.method !== "PATCH") {
                return failure(405, "MethodNotAllowed", `${req.method} is not served here`);
            }
            const body = JSON.parse(text) as Json;
            const apiVersion = String(live.apiVersion);
            let entries = decode(live);
            let next: Json;
            if (req.headers["content-type"] === "application/apply-patch+yaml") {
                if (manager === "") {
                    return failure(422, "Invalid", "fieldManager is required for apply requests");
                }
                const applied = leaves(body, atomic);
                const conflicts = applied.flatMap((p) =>
                    same(at(body, p), at(live, p))
                        ? []
                        : entries
                              .filter((e) => !(e.manager === manager && e.operation === "Apply") && e.fields.some((f) => key(f) === key(p)))
                              .map(
                                  (e) =>
                                      `conflict with "${e.manager}"${e.operation === "Update" ? ` using ${e.apiVersion}` : ""}: .${key(p)}`,
                              ),
                );
                if (conflicts.length > 0 && url.searchParams.get("force") !== "true") {
                    return failure(409, "Conflict", `Apply failed with ${conflicts.length} conflict(s): ${conflicts.join("; ")}`);
                }
                const changed = new Set(applied.filter((p) => !same(at(body, p), at(live, p))).map(key));
                entries = entries.map((e) =>
                    e.manager === manager && e.operation === "Apply" ? e : { ...e, fields: e.fields.filter((f) => !changed.has(key(f))) },
                );
                const before = entries.find((e) => e.manager === manager && e.operation === "Apply")?.fields ?? [];
                entries = [
                    ...entries.filter((e) => !(e.manager === manager && e.operation === "Apply")),
                    { manager, operation: "Apply", apiVersion, fields: applied },
                ];
                next = mergePatch(live, body) as Json;
                // An atomic map is replaced whole, not merged.
                atomic.filter((a) => at(body, a.split(".")) !== undefined).forEach((a) => put(next, a.split("."), at(body, a.split("."))));
                // Fields the applier no longer sends and nobody else owns are removed.
                const applying = new Set(applied.map(key));
                for (const dropped of before.filter((f) => !applying.has(key(f)))) {
                    if (!entries.some((e) => e.fields.some((f) => key(f) === key(dropped)))) {
                        put(next, dropped, undefined);
                    }
                }
            } else if (req.headers["content-type"] === "application/merge-patch+json") {
                const precondition = at(body, ["metadata", "resourceVersion"]);
                if (precondition !== undefined && precondition !== at(live, ["metadata", "resourceVersion"])) {
                    return failure(
                        409,
                        "Conflict",
                        "the object has been modified; please apply your changes to the latest version and try again",
                    );
                }
                const given = at(body, ["metadata", "managedFields"]) as ManagedFieldsEntry[] | undefined;
                next = mergePatch(live, body) as Json;
                if (given !== undefined && given.length === 1 && Object.keys(given[0]).length === 0) {
                    entries = [];
                } else if (given !== undefined && given.length > 0) {
                    entries = decode(next);
                }
                // An update: every field whose value changed moves to its manager.
                const changed = [...leaves(live, atomic), ...leaves(next, atomic)].filter((p) => !same(at(live, p), at(next, p)));
                const moved = new Set(changed.map(key));
                entries = entries.map((e) => ({ ...e, fields: e.fields.filter((f) => !moved.has(key(f))) }));
                const mine = entries.find((e) => sameManager(e, { manager, operation: "Update", apiVersion }));
                const kept = changed.filter((p) => at(next, p) !== undefined);
                if (mine === undefined) {
                    entries.push({ manager, operation: "Update", apiVersion, fields: kept });
                } else {
                    mine.fields = [...mine.fields, ...kept];
                }
            } else {
                return failure(415, "UnsupportedMediaType", `${req.headers["content-type"]} is not served here`);
            }
            version++;
            next.metadata = { ...(next.metadata as Json), resourceVersion: String(version), managedFields: encode(entries) };
            objects.set(url.pathname, next);
            return answer(200, next);
        });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, objects, answers, close: () => server.close() };
}
