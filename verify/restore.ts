// After each phase and whatever happens (a failed step, Ctrl-C, SIGTERM): put the cluster back the way
// verify found it. HPA bounds (or replicas) of the app and of the ingress gateway, the Service's color
// selector, and every node verify cordoned.
import { COLOR_LABEL } from "../components/app/labels";
import type { ClusterClient } from "./cluster-client";
import type { Target, WorkloadState } from "./discover";

/** Puts back what verify changed; idempotent, and never stops at the first problem. */
export class Restorer {
    /** Nodes verify cordoned and has not uncordoned yet; node-drain adds to it before cordoning. */
    readonly cordoned = new Set<string>();

    constructor(
        private readonly client: ClusterClient,
        private readonly service: string,
        private readonly target: Target,
        private readonly log: (line: string) => void,
    ) {}

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
        return problems;
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
