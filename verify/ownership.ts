// Field ownership (Server-Side Apply) of what verify changes, given back once it is restored.
//
// Pulumi applies the app's objects with Server-Side Apply under its own field manager
// (pulumi-kubernetes-<random>; pulumi-kubernetes provider/pkg/provider/provider.go fieldManagerName)
// and without force unless asked (provider/pkg/await/await.go patchForce: the `pulumi.com/patchForce`
// annotation, enablePatchForce or PULUMI_K8S_ENABLE_PATCH_FORCE). verify's merge patches are updates:
// "whenever a field's value does change, ownership moves from its current manager to the manager making
// the change" (Kubernetes docs, "Server-Side Apply", Field management). Putting a value back is a change
// too, so after a run `npm-run-verify` owns the HPA's bounds, the Service's selector or the replicas,
// and the next `pulumi up` that changes one of them fails: "fields that have a different value and are
// owned by another manager will result in a conflict".
//
// So verify gives the fields back, the one way the docs leave for it: "it is however possible to change
// .metadata.managedFields through an update, or through a patch operation that does not use Server-Side
// Apply" (same page). Once a field's value is back to what verify found, a second patch, which changes
// no value, moves the field from verify's entry back to the entries that owned it when verify started
// (a patch that also changed a value would hand that field to verify again: "the applier takes
// ownership of any fields updated in the same request", section Clearing managedFields). Pure.

/** One entry of metadata.managedFields (meta/v1 ManagedFieldsEntry), as JSON. */
export interface ManagedFieldsEntry {
    manager?: string;
    operation?: string;
    apiVersion?: string;
    time?: string;
    fieldsType?: string;
    /** The fields this manager owns: a trie of "f:<name>" (and "k:", "v:", ".") keys, {} at each owned leaf. */
    fieldsV1?: Record<string, unknown>;
    subresource?: string;
}

/** A field by its JSON path: ["spec", "minReplicas"]. */
export type FieldPath = string[];

type Trie = Record<string, unknown>;

const isTrie = (v: unknown): v is Trie => typeof v === "object" && v !== null && !Array.isArray(v);
const keysOf = (path: FieldPath): string[] => path.map((p) => `f:${p}`);

/** The subtree of `fields` at `path`, or undefined when the entry does not own it. */
export function ownedAt(fields: Trie | undefined, path: FieldPath): Trie | undefined {
    let node: unknown = fields;
    for (const key of keysOf(path)) {
        node = isTrie(node) ? node[key] : undefined;
    }
    return isTrie(node) ? node : undefined;
}

/** `fields` without the subtree at `path`, and without the containers that held only it. */
function withoutPath(fields: Trie, path: string[]): Trie {
    const [key, ...rest] = path;
    if (!(key in fields)) {
        return fields;
    }
    const { [key]: child, ...others } = fields;
    if (rest.length === 0 || !isTrie(child)) {
        return others;
    }
    const pruned = withoutPath(child, rest);
    return Object.keys(pruned).length === 0 ? others : { ...others, [key]: pruned };
}

/** `fields` with `subtree` at `path`, containers created as needed. */
function withPath(fields: Trie, path: string[], subtree: Trie): Trie {
    const [key, ...rest] = path;
    if (rest.length === 0) {
        return { ...fields, [key]: subtree };
    }
    const child = isTrie(fields[key]) ? fields[key] : {};
    return { ...fields, [key]: withPath(child, rest, subtree) };
}

/** Managers are told apart by name, operation and subresource, and updates also by API version (apimachinery managedfields BuildManagerIdentifier). */
function sameManager(a: ManagedFieldsEntry, b: ManagedFieldsEntry): boolean {
    return (
        a.manager === b.manager &&
        a.operation === b.operation &&
        (a.subresource ?? "") === (b.subresource ?? "") &&
        (a.operation === "Apply" || a.apiVersion === b.apiVersion)
    );
}

/**
 * The managedFields that give `paths` back: each taken out of `manager`'s update entry and put back in
 * every entry (other than `manager`'s) that owned it in `found`. Only paths `manager` owns now and
 * somebody else owned then are moved; an entry left owning nothing is dropped. Undefined when nothing
 * changes. The caller passes only paths whose value is what was found.
 */
export function giveBack(
    live: ManagedFieldsEntry[],
    found: ManagedFieldsEntry[],
    paths: FieldPath[],
    manager: string,
): ManagedFieldsEntry[] | undefined {
    let entries = live.map((e) => ({ ...e }));
    let changed = false;
    for (const path of paths) {
        const mine = entries.find((e) => e.manager === manager && e.operation === "Update" && ownedAt(e.fieldsV1, path) !== undefined);
        const owners = found.filter((e) => e.manager !== manager && ownedAt(e.fieldsV1, path) !== undefined);
        if (mine === undefined || owners.length === 0) {
            continue;
        }
        changed = true;
        mine.fieldsV1 = withoutPath(mine.fieldsV1 ?? {}, keysOf(path));
        for (const owner of owners) {
            const subtree = ownedAt(owner.fieldsV1, path) ?? {};
            const entry = entries.find((e) => sameManager(e, owner));
            if (entry === undefined) {
                entries.push({ ...owner, fieldsV1: withPath({}, keysOf(path), subtree) });
            } else {
                entry.fieldsV1 = withPath(entry.fieldsV1 ?? {}, keysOf(path), subtree);
            }
        }
        entries = entries.filter((e) => Object.keys(e.fieldsV1 ?? {}).length > 0);
    }
    return changed ? entries : undefined;
}

/** The value at `path` of a JSON object. */
export function valueAt(object: unknown, path: FieldPath): unknown {
    return path.reduce<unknown>((node, key) => (isTrie(node) ? node[key] : undefined), object);
}

/** Equal as JSON values (maps compared key by key, in any order). */
export function sameValue(a: unknown, b: unknown): boolean {
    if (isTrie(a) && isTrie(b)) {
        const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
        return [...keys].every((k) => sameValue(a[k], b[k]));
    }
    if (Array.isArray(a) && Array.isArray(b)) {
        return a.length === b.length && a.every((v, i) => sameValue(v, b[i]));
    }
    return a === b;
}
