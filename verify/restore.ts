// After each phase and whatever happens (a failed step, Ctrl-C, SIGTERM): put the cluster back the way
// verify found it. HPA bounds (or replicas) of the app and of the ingress gateway, the Service's color
// selector, and every node verify cordoned.
import { COLOR_LABEL } from "../components/app/labels";
import { ClusterClient, ObjectRef, VERIFY_FIELD_MANAGER } from "./cluster-client";
import type { Target, WorkloadState } from "./discover";
import { FieldPath, ManagedFieldsEntry, giveBack, sameValue, valueAt } from "./ownership";

/** The fields of an object verify may change, with their values and owners as found. */
interface Owned {
    ref: ObjectRef;
    paths: FieldPath[];
    values: unknown[];
    found: ManagedFieldsEntry[];
}

/** What a restore reads and changes, and nothing else. */
export type RestoreClient = Pick<
    ClusterClient,
    | "getNode"
    | "setUnschedulable"
    | "getHpa"
    | "patchHpa"
    | "getDeployment"
    | "patchDeployment"
    | "getService"
    | "patchServiceSelector"
    | "readOwnership"
    | "writeManagedFields"
>;

/** Attempts at giving ownership back while others keep writing the object (an HPA's status every 15 s). */
export const OWNERSHIP_ATTEMPTS = 5;

/** Puts back what verify changed; idempotent, and never stops at the first problem. */
export class Restorer {
    /** Nodes verify cordoned and has not uncordoned yet; node-drain adds to it before cordoning. */
    readonly cordoned = new Set<string>();
    private readonly owned: Owned[] = [];

    constructor(
        private readonly client: RestoreClient,
        private readonly service: string,
        private readonly target: Target,
        private readonly log: (line: string) => void,
    ) {}

    /** The objects verify may change and the fields of each: HPA bounds (or replicas), the Service's selector. */
    private changeable(): { ref: ObjectRef; paths: FieldPath[] }[] {
        const workloads = [this.target, this.target.gateway].flatMap((w) => (w === undefined ? [] : [w]));
        return [
            ...workloads.map(({ namespace, deployment: name, hpa }) =>
                hpa !== undefined
                    ? {
                          ref: { kind: "HorizontalPodAutoscaler" as const, namespace, name },
                          paths: [
                              ["spec", "minReplicas"],
                              ["spec", "maxReplicas"],
                          ],
                      }
                    : { ref: { kind: "Deployment" as const, namespace, name }, paths: [["spec", "replicas"]] },
            ),
            ...(this.target.colors === undefined
                ? []
                : [
                      {
                          ref: { kind: "Service" as const, namespace: this.target.namespace, name: this.service },
                          paths: [["spec", "selector"]],
                      },
                  ]),
        ];
    }

    /** Before any change: who owns each field verify may change, and its value. */
    async snapshot(): Promise<void> {
        for (const { ref, paths } of this.changeable()) {
            const found = await this.client.readOwnership(ref);
            if (found !== undefined) {
                this.owned.push({ ref, paths, values: paths.map((p) => valueAt(found.object, p)), found: found.managedFields });
            }
        }
    }

    async restore(): Promise<string[]> {
        const problems: string[] = [];
        const attempt = async (what: string, byHand: string, step: () => Promise<void>) => {
            try {
                await step();
            } catch (err) {
                problems.push(`could not restore ${what}: ${(err as Error).message.split("\n")[0]}; by hand: ${byHand}`);
            }
        };
        for (const node of [...this.cordoned]) {
            await attempt(`node ${node} (cordoned by verify)`, `kubectl uncordon ${node}`, async () => {
                // Uncordoned whatever a read says: Ctrl-C can restore while the cordon is still in flight, and a
                // read before it lands would see the node schedulable. Uncordoning twice is harmless.
                if ((await this.client.getNode(node)) !== undefined) {
                    await this.client.setUnschedulable(node, false);
                    this.log(`restored node ${node}: uncordoned`);
                }
                this.cordoned.delete(node);
            });
        }
        for (const w of [this.target, this.target.gateway]) {
            if (w !== undefined) {
                await this.restoreWorkload(w, attempt);
            }
        }
        const color = this.target.colors?.active;
        if (color !== undefined) {
            const { namespace } = this.target;
            const what = `Service ${namespace}/${this.service} selector`;
            const selector = { [COLOR_LABEL]: color };
            await attempt(what, kubectlPatch(namespace, "service", this.service, { selector }), async () => {
                const now = await this.client.getService(namespace, this.service);
                if (now !== undefined && now.selector[COLOR_LABEL] !== color) {
                    await this.client.patchServiceSelector(namespace, this.service, selector);
                    this.log(`restored ${what}: ${COLOR_LABEL}=${color}`);
                }
            });
        }
        for (const owned of this.owned) {
            const { kind, namespace, name } = owned.ref;
            await attempt(
                `the field ownership of ${kind} ${namespace}/${name} (${VERIFY_FIELD_MANAGER} took it by changing it)`,
                `the next pulumi up that changes these fields reports a conflict with ${VERIFY_FIELD_MANAGER}; run it with PULUMI_K8S_ENABLE_PATCH_FORCE=true`,
                () => this.giveBack(owned),
            );
        }
        return problems;
    }

    /** Gives back the fields whose value is as found (ownership.ts); retried while the object changes under it. */
    private async giveBack(owned: Owned): Promise<void> {
        const { kind, namespace, name } = owned.ref;
        for (let i = 0; i < OWNERSHIP_ATTEMPTS; i++) {
            const live = await this.client.readOwnership(owned.ref);
            if (live === undefined) {
                return;
            }
            const restored = owned.paths.filter((p, j) => sameValue(valueAt(live.object, p), owned.values[j]));
            const next = giveBack(live.managedFields, owned.found, restored, VERIFY_FIELD_MANAGER);
            if (next === undefined) {
                return;
            }
            if (await this.client.writeManagedFields(owned.ref, next, live.resourceVersion)) {
                this.log(
                    `gave back ${restored.map((p) => p.join(".")).join(", ")} of ${kind} ${namespace}/${name} to the manager(s) that owned them`,
                );
                return;
            }
        }
        throw new Error(`${kind} ${namespace}/${name} changed under each of ${OWNERSHIP_ATTEMPTS} attempts`);
    }

    private async restoreWorkload(
        w: WorkloadState,
        attempt: (what: string, byHand: string, step: () => Promise<void>) => Promise<void>,
    ): Promise<void> {
        const { client } = this;
        const { namespace, deployment, hpa } = w;
        if (hpa !== undefined) {
            const what = `HPA ${namespace}/${deployment}`;
            await attempt(what, kubectlPatch(namespace, "hpa", deployment, hpa), async () => {
                const now = await client.getHpa(namespace, deployment);
                if (now !== undefined && (now.minReplicas !== hpa.minReplicas || now.maxReplicas !== hpa.maxReplicas)) {
                    await client.patchHpa(namespace, deployment, hpa);
                    this.log(`restored ${what}: minReplicas ${hpa.minReplicas}, maxReplicas ${hpa.maxReplicas}`);
                }
            });
            return;
        }
        const what = `Deployment ${namespace}/${deployment} replicas`;
        await attempt(what, kubectlPatch(namespace, "deployment", deployment, { replicas: w.replicas }), async () => {
            const now = await client.getDeployment(namespace, deployment);
            if (now !== undefined && now.replicas !== w.replicas) {
                await client.patchDeployment(namespace, deployment, { replicas: w.replicas });
                this.log(`restored ${what}: ${w.replicas}`);
            }
        });
    }
}

function kubectlPatch(namespace: string, kind: string, name: string, spec: unknown): string {
    return `kubectl -n ${namespace} patch ${kind} ${name} --type merge -p '${JSON.stringify({ spec })}'`;
}
